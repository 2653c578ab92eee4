"""Registration: who can create an account, and what is refused."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from courseware.accounts.models import User
from courseware.extensions import db

GOOD = {"name": "Zoë Ødegård", "email": "Zoe@City.example", "organisation": "City of Oslo",
        "password": "a long enough secret", "confirm": "a long enough secret"}


def user_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


def test_register_signs_in_at_once(app, client):
    """Does registering create a learner and sign them in straight away?"""
    response = client.post("/register", data=GOOD)
    assert response.status_code == 302
    home = client.get("/")
    assert "Signed in as" in home.get_data(as_text=True)
    assert "Zoë Ødegård" in home.get_data(as_text=True)
    with app.app_context():
        user = db.session.scalar(select(User))
        assert user.email == "zoe@city.example"
        assert user.role == "learner"
        assert user.password_hash.startswith("$argon2id$")


def test_register_form_has_the_spec_fields(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    html = app.test_client().get("/register").get_data(as_text=True)
    for name in ("name", "email", "organisation", "password", "confirm", "csrf_token"):
        assert f'name="{name}"' in html


@pytest.mark.parametrize("change, field, message", [
    ({"email": "not-an-email"}, "email", "Enter a valid email address"),
    ({"password": "short", "confirm": "short"}, "password", "at least 10 characters"),
    ({"password": "zoe@city.example", "confirm": "zoe@city.example"}, "password", "must not be your email"),
    ({"confirm": "something else entirely"}, "confirm", "do not match"),
    ({"name": "   "}, "name", "Enter your name"),
    ({"organisation": ""}, "organisation", "Enter your organisation"),
])
def test_register_refuses_bad_input(app, client, change, field, message):
    """Is each kind of bad input refused beside its field, with nothing stored?"""
    response = client.post("/register", data={**GOOD, **change})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert f'id="{field}-error"' in html
    assert user_count(app) == 0


def test_register_refuses_duplicate_email_in_any_case(app, client, learner, outbox):
    """With confirmation off, a known address is refused without saying "exists", and its owner is told."""
    response = client.post("/register", data={**GOOD, "email": learner.email.upper()})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "You cannot create an account with this address" in html and "exists" not in html
    assert user_count(app) == 1
    assert [m["To"] for m in outbox] == [learner.email]
