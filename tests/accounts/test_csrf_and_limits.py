"""CSRF protection and rate limits on signing in and registering."""
from __future__ import annotations

import re

from tests.factories import DEFAULT_PASSWORD


def csrf_token(client, url: str) -> str:
    html = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', html) \
        .group(1) or re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def test_post_without_csrf_token_is_refused(make_app, learner):
    """Is a sign-in POST without the token answered 400, and does it sign nobody in?"""
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    response = client.post("/login", data={"email": learner.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)
    assert "Signed in as" not in client.get("/").get_data(as_text=True)


def test_post_with_csrf_token_works(make_app, learner):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"email": learner.email, "password": DEFAULT_PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302


def test_logout_needs_csrf_token(make_app, learner, signed_in):
    client = signed_in(learner, app=make_app(WTF_CSRF_ENABLED=True))
    assert client.post("/logout").status_code == 400
    assert "Signed in as" in client.get("/").get_data(as_text=True)


def test_ten_failed_sign_ins_refuse_that_address_for_the_account(client, learner):
    """After 10 failures for one account from one address, is the 11th from there refused, even with the
    right password, saying when to try again? (The owner elsewhere is not: see test_sign_in_throttle.py.)"""
    for _ in range(10):
        assert client.post("/login", data={"email": learner.email, "password": "wrong wrong"}).status_code == 422
    response = client.post("/login", data={"email": learner.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Too many failed sign-ins for this account from your network." in page
    assert "Please try again in 15 minutes" in page
    assert "Retry-After" in response.headers


def test_account_limit_does_not_block_other_accounts(client, learner, other_learner):
    for _ in range(10):
        client.post("/login", data={"email": learner.email, "password": "wrong wrong"})
    assert client.post("/login", data={"email": other_learner.email, "password": DEFAULT_PASSWORD}).status_code == 302


def test_successful_sign_ins_are_not_counted(app, learner):
    """Can a whole office behind one address sign in many times without being held back?"""
    for _ in range(60):
        client = app.test_client()
        assert client.post("/login", data={"email": learner.email, "password": DEFAULT_PASSWORD}).status_code == 302


def test_fifty_failures_from_one_address_block_that_address(client):
    for i in range(50):
        assert client.post("/login", data={"email": f"guess{i}@x.example", "password": "wrong wrong"}).status_code == 422
    assert client.post("/login", data={"email": "another@x.example", "password": "wrong"}).status_code == 429


def test_registration_allows_a_hundred_per_address(client):
    for i in range(100):
        response = client.post("/register", data={
            "name": f"Person {i}", "email": f"p{i}@office.example", "organisation": "City",
            "password": "a long enough secret", "confirm": "a long enough secret"})
        assert response.status_code == 302, i
        client.post("/logout")
