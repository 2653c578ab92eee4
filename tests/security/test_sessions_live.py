"""Signing out ends the session on the server, checked through real HTTP against gunicorn (several
workers, so the request that signs out and the one that replays the cookie may meet different processes)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from courseware.accounts.models import SignInSession
from courseware.extensions import db
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.scale.conftest import gunicorn, server_env

from .live import Client


@pytest.fixture
def server(app, database_url, tmp_path):
    env = server_env(database_url, tmp_path / "instance", BASE_URL="http://127.0.0.1")
    with gunicorn(env, workers=2, log=tmp_path / "gunicorn.log") as address:
        yield address


@pytest.fixture
def person(app):
    with app.app_context():
        return make_user(email="careful@city.example", name="Carla Careful")


def replay(server, cookies: dict[str, str], path: str = "/account/") -> tuple[int, str]:
    thief = Client(server)
    thief.cookies = dict(cookies)
    status, headers, _ = thief.get(path)
    return status, headers.get("location", "")


def test_a_cookie_copied_before_logout_does_not_open_the_account_afterwards(server, person):
    browser = Client(server)
    assert browser.sign_in(person.email, DEFAULT_PASSWORD) == 302
    status, _, page = browser.get("/account/")
    assert status == 200 and "Carla Careful" in page
    copied = dict(browser.cookies)
    assert replay(server, copied)[0] == 200          # the copy works while the session lives ...
    status, _, _ = browser.post("/logout", {})
    assert status == 302
    for _ in range(4):                                # ... and on no worker once signed out
        status, location = replay(server, copied)
        assert status == 302 and "/login" in location


def test_a_session_ended_from_another_device_is_over(app, server, person):
    laptop, phone = Client(server), Client(server)
    assert laptop.sign_in(person.email, DEFAULT_PASSWORD) == 302
    assert phone.sign_in(person.email, DEFAULT_PASSWORD) == 302
    phone_cookies = dict(phone.cookies)
    with app.app_context():
        ids = db.session.scalars(select(SignInSession.id).order_by(SignInSession.id)).all()
    laptop.get("/account/")
    status, _, _ = laptop.post(f"/account/sessions/{ids[-1]}/end", {})
    assert status == 302
    assert replay(server, phone_cookies)[0] == 302
    assert laptop.get("/account/")[0] == 200
