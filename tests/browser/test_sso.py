"""Signing in through the organisation's OpenID provider in a real browser: the test provider's login
form, back to this site, the confirmation page (checked with axe), and the new account signed in."""
from __future__ import annotations

import pytest

from tests.browser.conftest import describe, run_axe, serving
from tests.scale.conftest import free_port
from tests.sso.oidc_provider import provider_config, running_provider

pytestmark = pytest.mark.browser


def test_sign_in_through_the_provider(browser, make_app):
    """Can a person sign in with the test provider from the sign-in page, see what it sent and the privacy
    notice, create their account and arrive signed in; is every page on our side accessible?"""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with running_provider([f"{base}/login/sso/test/callback"]) as issuer:
        app = make_app(SERVER_NAME=None, BASE_URL=base, OIDC_PROVIDERS=[provider_config(issuer, "test")])
        with serving(app, port):
            context = browser.new_context()
            try:
                page = context.new_page()
                page.goto(f"{base}/login")
                assert not run_axe(page), describe(run_axe(page))
                page.click("text=Sign in with Test Org")
                page.fill("input[name=login]", "ada")
                page.fill("input[name=password]", "any password")
                page.click("button[type=submit]")
                page.wait_for_url(f"{base}/login/sso/test/new-account")
                assert "ada@city.example" in page.content() and "City of Testing" in page.content()
                violations = run_axe(page)
                assert not violations, describe(violations)
                page.click("text=create my account")
                page.wait_for_url(f"{base}/")
                assert "Welcome, Ada Lovelace" in page.content()
                page.goto(f"{base}/account/")
                assert "ada@city.example" in page.content()
            finally:
                context.close()
