"""The interface in every language in a real browser: axe on the main pages (a French page declares lang="fr"),
and German (long words) fitting a 360 px screen without sideways scrolling."""
from __future__ import annotations

import pytest

from tests.browser.conftest import SCREENSHOTS, describe, run_axe, sign_in
from tests.factories import DEFAULT_PASSWORD, make_user

pytestmark = pytest.mark.browser

LANGUAGES = ("en", "de", "fr", "nl")
ANONYMOUS_PAGES = ["/", "/modules/", "/modules/basics/", "/glossary/", "/login", "/register", "/privacy/",
                   "/accessibility/", "/no/such/page"]
LEARNER_PAGES = ["/", "/modules/basics/first-steps/", "/account/", "/modules/basics/forum/",
                 "/modules/basics/assignment/", "/certificate/", "/progress/"]


def choose(page, base_url: str, code: str) -> None:
    """Use the header's language form, as a person would (no JavaScript involved)."""
    page.goto(base_url + "/modules/")
    page.select_option("#language-choice", code)
    page.click(".language-form button[type=submit]")
    page.wait_for_load_state()


def check(page, base_url: str, code: str, paths: list[str]) -> None:
    failures = {}
    for path in paths:
        page.goto(base_url + path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.documentElement.lang") == code, path
        violations = run_axe(page)
        if violations:
            failures[path] = describe(violations)
    assert not failures, "\n".join(f"{code} {p}:\n{v}" for p, v in failures.items())


@pytest.mark.parametrize("code", LANGUAGES)
def test_main_pages_in_every_language_have_no_violations(page, base_url, live_server, code):
    choose(page, base_url, code)
    check(page, base_url, code, ANONYMOUS_PAGES)
    with live_server.app.app_context():
        learner = make_user(role="learner", email=f"lang-{code}@city.example", name="Ágnes Győri")
    sign_in(page, base_url, learner.email, DEFAULT_PASSWORD)
    choose(page, base_url, code)        # kept on the account from now on
    check(page, base_url, code, LEARNER_PAGES)


def test_german_pages_fit_a_360px_screen(browser, base_url, live_server):
    with live_server.app.app_context():
        learner = make_user(role="learner", email="lang-narrow@city.example", name="Ágnes Győri")
    context = browser.new_context(viewport={"width": 360, "height": 780}, locale="de-DE")
    page = context.new_page()
    sign_in(page, base_url, learner.email, DEFAULT_PASSWORD)
    choose(page, base_url, "de")
    SCREENSHOTS.mkdir(exist_ok=True)
    for path in ["/", "/modules/", "/modules/basics/", "/modules/basics/first-steps/", "/account/",
                 "/modules/basics/assignment/", "/certificate/", "/progress/", "/glossary/"]:
        page.goto(base_url + path)
        assert page.evaluate("document.documentElement.lang") == "de"
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 360 px in German"
        page.screenshot(path=str(SCREENSHOTS / f"de-360{path.replace('/', '_')}.png"), full_page=False)
    context.close()
