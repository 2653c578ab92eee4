"""Sign-in through a real OpenID provider on loopback (oidc-provider, see oidc_provider.py): the first
sign-in, later ones, linking a password account, and every failure, each of which signs nobody in."""
from __future__ import annotations

import json
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
from sqlalchemy import func, select

from courseware.accounts.models import PRIVACY_NOTICE_VERSION, SignInSession, User
from courseware.core.registration import add_step
from courseware.extensions import db
from courseware.sso.models import LinkedIdentity
from tests.conftest import sign_in
from tests.factories import DEFAULT_PASSWORD, make_user

from .oidc_provider import closed_port, path_and_query, provider_config, sign_in_at_provider


@pytest.fixture
def sso_app(make_app, oidc_issuer):
    with closed_port() as port:
        app = make_app(OIDC_PROVIDERS=[
            provider_config(oidc_issuer, "test"),
            provider_config(oidc_issuer, "strict", label="Grid Co", domains=["grid.example"],
                            organisation="Grid Co"),
            provider_config(oidc_issuer, "wrongkey", discovery="/wrong-key/.well-known/openid-configuration"),
            provider_config(f"http://127.0.0.1:{port}", "down", label="Down Corp"),
        ])
        yield app


def callback_url(client, provider: str, login: str) -> str:
    """Start the sign-in on this site, sign in at the provider as `login`; the callback path with its query."""
    response = client.get(f"/login/sso/{provider}")
    assert response.status_code == 302, response.get_data(as_text=True)
    back = sign_in_at_provider(response.headers["Location"], login,
                               stop_at=f"http://localhost/login/sso/{provider}/callback")
    return path_and_query(back)


def is_signed_in(client) -> bool:
    return client.get("/account/").status_code == 200


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_first_sign_in_shows_the_claims_and_notice_then_creates_a_learner(sso_app):
    """Does a first sign-in show what the provider sent and the privacy notice, and only the POST create a
    learner's account, confirmed, through the registration steps, signed in with a recorded session?"""
    steps = []
    add_step(sso_app, lambda user, now: steps.append(user.email))
    client = sso_app.test_client()
    response = client.get(callback_url(client, "test", "ada"))
    assert response.status_code == 302 and response.headers["Location"].endswith("/login/sso/test/new-account")
    page = client.get("/login/sso/test/new-account").get_data(as_text=True)
    assert "Ada Lovelace" in page and "ada@city.example" in page and "City of Testing" in page
    assert "/privacy" in page and "create my account" in page
    assert count(sso_app, User) == 0 and not is_signed_in(client)

    response = client.post("/login/sso/test/new-account")
    assert response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/"
    assert is_signed_in(client)
    with sso_app.app_context():
        user = db.session.scalar(select(User).where(User.email == "ada@city.example"))
        assert (user.name, user.organisation, user.email_confirmed) == ("Ada Lovelace", "City of Testing", True)
        assert user.privacy_notice_version == PRIVACY_NOTICE_VERSION and user.role.value == "learner"
        link = db.session.scalar(select(LinkedIdentity))
        assert (link.user_id, link.provider, link.subject) == (user.id, "test", "ada")
        assert db.session.scalar(select(func.count()).select_from(SignInSession)
                                 .where(SignInSession.user_id == user.id)) == 1
    assert steps == ["ada@city.example"]


def test_later_sign_in_finds_the_account_by_subject_not_by_address(sso_app):
    """Is a returning person signed in to the account their subject is linked to, even when the address
    differs (changed at the organisation), with no new account and no confirmation page?"""
    with sso_app.app_context():
        user = make_user(email="old-address@city.example", name="Ada L.")
        db.session.add(LinkedIdentity(user_id=user.id, provider="test", subject="ada", email="old@city.example"))
        db.session.commit()
    client = sso_app.test_client()
    response = client.get(callback_url(client, "test", "ada"))
    assert response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/"
    assert "Signed in as Ada L." in client.get("/").get_data(as_text=True)
    assert count(sso_app, User) == 1
    with sso_app.app_context():
        assert db.session.scalar(select(LinkedIdentity.email)) == "ada@city.example"


def test_sign_out_ends_the_recorded_session(sso_app):
    """Does signing out after an SSO sign-in delete its session record, as for a password sign-in?"""
    client = sso_app.test_client()
    client.get(callback_url(client, "test", "ada"))
    client.post("/login/sso/test/new-account")
    assert count(sso_app, SignInSession) == 1
    client.post("/logout")
    assert count(sso_app, SignInSession) == 0 and not is_signed_in(client)


def test_existing_password_account_is_linked_only_with_its_password(sso_app):
    """Is an account with the provider's address linked only after its password is given, a wrong one
    signing nobody in, and does the provider then sign in to it directly?"""
    with sso_app.app_context():
        make_user(email="ada@city.example", name="Ada Password")
    client = sso_app.test_client()
    response = client.get(callback_url(client, "test", "ada"))
    assert response.headers["Location"].endswith("/login/sso/test/link")
    assert "already has an account" in client.get("/login/sso/test/link").get_data(as_text=True)
    response = client.post("/login/sso/test/link", data={"password": "not the password"})
    assert response.status_code == 422 and "That is not the password" in response.get_data(as_text=True)
    assert count(sso_app, LinkedIdentity) == 0 and not is_signed_in(client)
    response = client.post("/login/sso/test/link", data={"password": DEFAULT_PASSWORD})
    assert response.status_code == 302 and is_signed_in(client)
    assert count(sso_app, LinkedIdentity) == 1 and count(sso_app, User) == 1

    other = sso_app.test_client()
    assert other.get(callback_url(other, "test", "ada")).status_code == 302 and is_signed_in(other)


def test_the_confirmation_cannot_be_skipped_or_forged(sso_app):
    """Without a sign-in at the provider first, is creating or linking refused, creating nobody?"""
    client = sso_app.test_client()
    response = client.post("/login/sso/test/new-account")
    assert response.status_code == 400 and "Start again" in response.get_data(as_text=True)
    assert client.post("/login/sso/test/link", data={"password": DEFAULT_PASSWORD}).status_code == 400
    assert count(sso_app, User) == 0


def assert_refused(app, client, response, status: int, words: str):
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert words in response.get_data(as_text=True)
    assert not is_signed_in(client) and count(app, User) == 0 and count(app, SignInSession) == 0


def test_unverified_address_is_refused(sso_app):
    client = sso_app.test_client()
    response = client.get(callback_url(client, "test", "unverified"))
    assert_refused(sso_app, client, response, 400, "has not verified the address una@city.example")


def test_tampered_state_is_refused(sso_app):
    client = sso_app.test_client()
    back = urlsplit(callback_url(client, "test", "ada"))
    query = parse_qs(back.query)
    query["state"] = ["forged" + query["state"][0]]
    response = client.get(urlunsplit(("", "", back.path, urlencode(query, doseq=True), "")))
    assert_refused(sso_app, client, response, 400, "could not be matched")


def test_callback_used_twice_is_refused(sso_app):
    """Is the same answer from the provider accepted once only (its state is used up)?"""
    client = sso_app.test_client()
    callback = callback_url(client, "test", "ada")
    assert client.get(callback).status_code == 302
    response = client.get(callback)
    assert_refused(sso_app, client, response, 400, "could not be matched")


def test_replayed_code_is_refused(sso_app):
    """A code the provider already exchanged, sent back with another browser's own valid state: does the
    provider's refusal give a clear page and sign nobody in?"""
    first, second = sso_app.test_client(), sso_app.test_client()
    callback = urlsplit(callback_url(first, "test", "ada"))
    response = second.get("/login/sso/test")            # the second browser's own state
    state = parse_qs(urlsplit(response.headers["Location"]).query)["state"][0]
    assert first.get(f"{callback.path}?{callback.query}").status_code == 302   # the code, used once
    code = parse_qs(callback.query)["code"][0]
    response = second.get(f"{callback.path}?{urlencode({'code': code, 'state': state})}")
    assert response.status_code == 400 and "refused the code" in response.get_data(as_text=True)
    assert not is_signed_in(second) and count(sso_app, User) == 0


def test_token_signed_by_another_key_is_refused(sso_app):
    client = sso_app.test_client()
    response = client.get(callback_url(client, "wrongkey", "ada"))
    assert_refused(sso_app, client, response, 400, "failed our checks")


def test_provider_that_is_down_gives_a_clear_page(sso_app):
    client = sso_app.test_client()
    response = client.get("/login/sso/down")
    assert_refused(sso_app, client, response, 502, "Down Corp cannot be reached")
    assert "Sign in with your email address and password" in response.get_data(as_text=True)


def test_address_outside_the_providers_domains_is_refused(sso_app):
    client = sso_app.test_client()
    response = client.get(callback_url(client, "strict", "ada"))
    assert_refused(sso_app, client, response, 400, "grid.example only")


def test_callback_address_comes_from_base_url(sso_app):
    """Is the redirect URI sent to the provider built from BASE_URL, whatever host the request named?"""
    client = sso_app.test_client()
    response = client.get("/login/sso/test", base_url="http://127.0.0.1")
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert query["redirect_uri"] == ["http://localhost/login/sso/test/callback"]
    assert query["code_challenge_method"] == ["S256"] and query["nonce"] and query["state"]


def require(app, provider: str = "strict"):
    with app.app_context():
        admin = make_user(role="admin")
    client = sign_in(app, admin)
    response = client.post(f"/admin/sso/{provider}/require")
    assert response.status_code == 302
    return client


def test_required_sso_refuses_passwords_for_its_domains(sso_app):
    """Once an admin requires SSO for a provider's domains, are password sign-in, registration and reset
    refused for them with a message pointing at its button, other addresses unaffected, the provider signing
    in, and does allowing passwords again undo it?"""
    with sso_app.app_context():
        grace = make_user(email="grace@grid.example", name="Grace")
        other = make_user(email="someone@city.example")
    client = sso_app.test_client()
    assert client.post("/login", data={"email": grace.email, "password": DEFAULT_PASSWORD}).status_code == 302
    client = sso_app.test_client()
    admin = require(sso_app)
    assert "Refused since" in admin.get("/admin/sso/").get_data(as_text=True)
    response = client.post("/login", data={"email": grace.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 422 and "Sign in with Grid Co" in response.get_data(as_text=True)
    assert not is_signed_in(client)
    response = client.post("/reset-password", data={"email": "Grace@Grid.example"})
    assert response.status_code == 422 and "Sign in with Grid Co" in response.get_data(as_text=True)
    response = client.post("/register", data={"name": "New", "email": "new@grid.example", "organisation": "Grid",
                                               "password": "a long password here", "confirm": "a long password here"})
    assert response.status_code == 422 and count(sso_app, User) == 3
    assert client.post("/login", data={"email": other.email, "password": DEFAULT_PASSWORD}).status_code == 302

    sso = sso_app.test_client()
    sso.get(callback_url(sso, "strict", "grace"))
    assert "Forgotten your password" not in sso.get("/login/sso/strict/link").get_data(as_text=True)
    assert sso.post("/login/sso/strict/link", data={"password": DEFAULT_PASSWORD}).status_code == 302
    assert is_signed_in(sso)

    assert admin.post("/admin/sso/strict/allow-passwords").status_code == 302
    assert sso_app.test_client().post("/login", data={"email": grace.email,
                                                      "password": DEFAULT_PASSWORD}).status_code == 302


def test_sso_cannot_be_required_without_domains(sso_app):
    with sso_app.app_context():
        admin = make_user(role="admin")
    client = sign_in(sso_app, admin)
    page = client.get("/admin/sso/").get_data(as_text=True)
    assert "Require sign-in through Grid Co" in page and "OIDC_TEST_DOMAINS" in page
    response = client.post("/admin/sso/test/require", follow_redirects=True)
    assert "names no email domains" in response.get_data(as_text=True)
    with sso_app.app_context():
        from courseware.sso.models import SsoRequirement
        assert db.session.scalar(select(func.count()).select_from(SsoRequirement)) == 0


def test_a_person_in_a_required_domain_deletes_their_account_with_its_address(sso_app):
    with sso_app.app_context():
        grace = make_user(email="grace@grid.example")
    require(sso_app)
    sso = sso_app.test_client()
    sso.get(callback_url(sso, "strict", "grace"))
    sso.post("/login/sso/strict/link", data={"password": DEFAULT_PASSWORD})
    assert 'autocomplete="email"' in sso.get("/account/delete").get_data(as_text=True)
    assert sso.post("/account/delete", data={"password": grace.email}).status_code == 302


def test_buttons_appear_only_for_configured_providers(sso_app, app):
    page = sso_app.test_client().get("/login?next=/modules/").get_data(as_text=True)
    assert "Sign in with Test Org" in page and "Sign in with Grid Co" in page
    assert "/login/sso/test?next=/modules/" in page or "/login/sso/test?next=%2Fmodules%2F" in page
    plain = app.test_client().get("/login").get_data(as_text=True)
    assert "Sign in with" not in plain and "organisation&#39;s account" not in plain
    assert app.test_client().get("/login/sso/test").status_code == 404


def test_next_page_is_kept_through_the_sign_in(sso_app):
    with sso_app.app_context():
        make_user(email="ada@city.example")
        db.session.add(LinkedIdentity(user_id=db.session.scalar(select(User.id)), provider="test", subject="ada", email="ada@city.example"))
        db.session.commit()
    client = sso_app.test_client()
    response = client.get("/login/sso/test?next=/modules/")
    back = sign_in_at_provider(response.headers["Location"], "ada", stop_at="http://localhost/login/sso/test/callback")
    response = client.get(path_and_query(back))
    assert urlsplit(response.headers["Location"]).path == "/modules/"


def test_export_and_erasure_include_linked_identities(sso_app):
    client = sso_app.test_client()
    client.get(callback_url(client, "test", "ada"))
    client.post("/login/sso/test/new-account")
    data = json.loads(client.get("/account/export").get_data(as_text=True))
    assert [(i["provider"], i["subject"], i["email"]) for i in data["linked_identities"]] == [
        ("test", "ada", "ada@city.example")]
    with sso_app.app_context():
        from courseware.core.personal_data import registered
        from courseware.core.site import current_site
        from courseware.core.time import utcnow
        from courseware.privacy.service import erase_person
        user = db.session.scalar(select(User))
        erase_person(registered(sso_app), current_site(), user, utcnow(), why="test")
        db.session.commit()
    assert count(sso_app, LinkedIdentity) == 0 and count(sso_app, User) == 0


def test_an_account_made_by_sso_is_deleted_by_typing_its_address(sso_app):
    """Its password is random and known to nobody: does /account/delete ask for the address instead, refuse
    another one, and erase the account and its linked identity?"""
    client = sso_app.test_client()
    client.get(callback_url(client, "test", "ada"))
    client.post("/login/sso/test/new-account")
    page = client.get("/account/delete").get_data(as_text=True)
    assert "type your email address instead" in page and 'autocomplete="email"' in page
    response = client.post("/account/delete", data={"password": "someone@city.example"})
    assert response.status_code == 422 and "not your email address" in response.get_data(as_text=True)
    assert count(sso_app, User) == 1
    assert client.post("/account/delete", data={"password": "Ada@City.example"}).status_code == 302
    assert count(sso_app, User) == 0 and count(sso_app, LinkedIdentity) == 0


def test_a_linked_password_account_still_needs_its_password_to_be_deleted(sso_app):
    with sso_app.app_context():
        make_user(email="ada@city.example")
    client = sso_app.test_client()
    client.get(callback_url(client, "test", "ada"))
    client.post("/login/sso/test/link", data={"password": DEFAULT_PASSWORD})
    assert 'autocomplete="current-password"' in client.get("/account/delete").get_data(as_text=True)
    assert client.post("/account/delete", data={"password": "ada@city.example"}).status_code == 422
    assert client.post("/account/delete", data={"password": DEFAULT_PASSWORD}).status_code == 302
    assert count(sso_app, User) == 0


@pytest.mark.parametrize("query", ["", "code=%3Cscript%3Ealert(1)%3C/script%3E&state=x", "state=nul%00byte&code=1",
                                   "error=%3Cscript%3E&error_description=%00%3Cimg%20src=x%3E",
                                   "code=" + "9" * 5000 + "&state=" + "x" * 5000])
def test_hostile_callbacks_get_a_clear_page(sso_app, query):
    """Forged, empty, oversized or hostile callback parameters: a 400 page that echoes none of them, nobody
    signed in, never a 500 (a NUL byte is refused before the view, by core.security)."""
    client = sso_app.test_client()
    client.get("/login/sso/test")       # a sign-in started in this browser
    response = client.get(f"/login/sso/test/callback?{query}")
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and "<script>" not in text and "<img src=x" not in text
    assert ("%00" in query or "Nobody has been signed in" in text) and not is_signed_in(client)


def test_next_to_another_site_is_ignored(sso_app):
    with sso_app.app_context():
        user = make_user(email="ada@city.example")
        db.session.add(LinkedIdentity(user_id=user.id, provider="test", subject="ada", email="ada@city.example"))
        db.session.commit()
    client = sso_app.test_client()
    response = client.get("/login/sso/test?next=//evil.example/")
    back = sign_in_at_provider(response.headers["Location"], "ada", stop_at="http://localhost/login/sso/test/callback")
    response = client.get(path_and_query(back))
    assert response.headers["Location"] in ("/", "http://localhost/")
