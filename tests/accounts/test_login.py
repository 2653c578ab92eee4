"""Signing in and out, safe redirects, sessions."""
from __future__ import annotations

import pytest

from tests.factories import DEFAULT_PASSWORD


def test_login_and_logout(client, learner):
    """Can a learner sign in, see who they are, and sign out by POST?"""
    response = client.post("/login", data={"email": learner.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "Signed in as" in page and "Lena Learner" in page and "Learner" in page
    assert client.get("/logout").status_code == 405  # never by GET
    response = client.post("/logout")
    assert response.status_code == 302
    assert "Signed in as" not in client.get("/").get_data(as_text=True)


def test_login_is_case_insensitive_on_email(client, learner):
    response = client.post("/login", data={"email": learner.email.upper(), "password": DEFAULT_PASSWORD})
    assert response.status_code == 302


@pytest.mark.parametrize("email, password", [
    ("learner@city.example", "wrong password!"),
    ("nobody@nowhere.example", DEFAULT_PASSWORD),
])
def test_failed_login_says_the_same_thing(client, learner, email, password):
    """Does a wrong password answer exactly like an unknown email (no account discovery)?"""
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 422
    assert "The email address or password is not right." in response.get_data(as_text=True)
    assert "Signed in as" not in client.get("/").get_data(as_text=True)


def test_login_honours_a_safe_next(client, learner):
    response = client.post("/login?next=/modules/basics/first-steps/",
                           data={"email": learner.email, "password": DEFAULT_PASSWORD})
    assert response.headers["Location"].endswith("/modules/basics/first-steps/")


@pytest.mark.parametrize("target", [
    "https://evil.example/steal", "//evil.example/steal", "/\\evil.example", "javascript:alert(1)",
    "http:/evil.example", "\\\\evil.example",
])
def test_login_never_redirects_off_site(client, learner, target):
    """Is an absolute URL, a scheme-relative URL or a trick path in `next` ignored?"""
    response = client.post("/login", query_string={"next": target},
                           data={"email": learner.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert "evil.example" not in location and "javascript" not in location
    assert location in ("/", "http://localhost/")


def test_anonymous_visitor_is_sent_to_sign_in_with_next(client):
    response = client.get("/modules/basics/first-steps/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    assert "%2Fmodules%2Fbasics%2Ffirst-steps%2F" in response.headers["Location"]


def test_change_password_signs_out_other_sessions(learner, signed_in):
    """After a password change, is an older session on another device signed out?"""
    phone, laptop = signed_in(learner), signed_in(learner)
    response = laptop.post("/account/", data={"current_password": DEFAULT_PASSWORD,
                                              "password": "a brand new secret", "confirm": "a brand new secret"})
    assert response.status_code == 302
    assert "Signed in as" in laptop.get("/").get_data(as_text=True)
    assert phone.get("/account/").status_code == 302  # sent to sign in
    assert phone.post("/login", data={"email": learner.email, "password": DEFAULT_PASSWORD}).status_code == 422
    assert phone.post("/login", data={"email": learner.email, "password": "a brand new secret"}).status_code == 302


def test_change_password_needs_the_current_one(learner, signed_in):
    client = signed_in(learner)
    response = client.post("/account/", data={"current_password": "not my password",
                                              "password": "a brand new secret", "confirm": "a brand new secret"})
    assert response.status_code == 422
    assert "not your current password" in response.get_data(as_text=True)


def test_sign_out_everywhere(learner, signed_in):
    a, b = signed_in(learner), signed_in(learner)
    assert a.post("/account/sign-out-everywhere").status_code == 302
    assert b.get("/account/").status_code == 302
    assert a.get("/account/").status_code == 302


def test_session_cookie_flags(make_app, learner):
    app = make_app(SESSION_COOKIE_SECURE=True)
    client = app.test_client()
    response = client.post("/login", data={"email": learner.email, "password": DEFAULT_PASSWORD},
                           base_url="https://localhost")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
