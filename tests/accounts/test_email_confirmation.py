"""Email confirmation, the operator option of SPEC section 4: a signed, expiring link; until it is followed
the account can read but not post, submit or claim; registration reveals nobody's address."""
from __future__ import annotations

import re

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import func, select

from courseware.accounts.models import User
from courseware.extensions import db
from tests.conftest import sign_in
from tests.factories import DEFAULT_PASSWORD

FORM = {"name": "Nora New", "organisation": "City of Ghent", "password": "a long enough secret",
        "confirm": "a long enough secret"}


@pytest.fixture
def app(make_app):
    return make_app(EMAIL_CONFIRMATION=True)


def register(client, email):
    return client.post("/register", data=dict(FORM, email=email))


def confirmation_link(outbox, email) -> str:
    [mail] = [m for m in outbox if m["To"] == email and m["Subject"] == "Confirm your email address"]
    return re.search(r"http://localhost(/confirm-email/\S+)", mail.get_content()).group(1)


def users(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


def test_new_and_known_addresses_get_the_same_answer(app, learner, outbox):
    """Does registering a known address look exactly like registering a new one, while the owner of the
    known address is mailed instead?"""
    new = app.test_client().post("/register", data=dict(FORM, email="nora@ghent.example"), follow_redirects=True)
    known = app.test_client().post("/register", data=dict(FORM, email=learner.email), follow_redirects=True)
    assert new.status_code == known.status_code == 200
    strip = lambda r, email: re.sub(r'value="[^"]+"', "", r.get_data(as_text=True)).replace(email, "EMAIL")
    assert strip(new, "nora@ghent.example") == strip(known, learner.email)
    assert "We have sent a message to" in new.get_data(as_text=True)
    assert users(app) == 2
    assert {(m["To"], m["Subject"]) for m in outbox} == {
        ("nora@ghent.example", "Confirm your email address"),
        (learner.email, "Someone tried to create an account with your address")}
    body = next(m for m in outbox if m["To"] == learner.email).get_content()
    assert "http://localhost/login" in body and "http://localhost/reset-password" in body


def test_registering_does_not_sign_in_and_the_owner_is_told_once_a_day(app, learner, outbox):
    client = app.test_client()
    for _ in range(3):
        assert register(client, learner.email).status_code == 302
    assert "Signed in as" not in client.get("/").get_data(as_text=True)
    assert len([m for m in outbox if m["To"] == learner.email]) == 1


def test_an_unconfirmed_account_can_read_but_not_contribute(app, outbox):
    client = app.test_client()
    register(client, "nora@ghent.example")
    assert client.post("/login", data={"email": "nora@ghent.example", "password": FORM["password"]}).status_code == 302
    home = client.get("/modules/basics/forum/")
    assert home.status_code == 200 and "Please confirm your email address" in home.get_data(as_text=True)
    assert client.get("/modules/basics/first-steps/").status_code == 200
    for path, data in [("/modules/basics/forum/", {"title": "Hello", "body": "My first post."}),
                       ("/modules/basics/assignment/", {"body": "My answer."}),
                       ("/certificate/", {})]:
        response = client.post(path, data=data)
        assert response.status_code == 403, path
        page = response.get_data(as_text=True)
        assert "Confirm your email address first" in page and page.count("Send the link again") == 1
    with app.app_context():
        from courseware.forums.models import Post
        assert db.session.scalar(select(func.count()).select_from(Post).where(Post.author_id.is_not(None))) == 0


def test_following_the_link_confirms_and_opens_contributing(app, outbox):
    client = app.test_client()
    register(client, "nora@ghent.example")
    client.post("/login", data={"email": "nora@ghent.example", "password": FORM["password"]})
    link = confirmation_link(outbox, "nora@ghent.example")
    page = client.get(link)
    assert page.status_code == 200 and "Confirm my email address" in page.get_data(as_text=True)
    assert client.post("/modules/basics/forum/", data={"title": "Hi", "body": "Hello."}).status_code == 403
    response = client.post(link)
    assert response.status_code == 302
    assert "Your email address is confirmed" in client.get("/").get_data(as_text=True)
    assert "Please confirm your email address" not in client.get("/").get_data(as_text=True)
    response = client.post("/modules/basics/forum/", data={"title": "Hi", "body": "Hello.", "form_token": "t" * 22})
    assert response.status_code == 303


def test_the_link_can_be_sent_again_and_only_so_often(app, outbox):
    client = app.test_client()
    register(client, "nora@ghent.example")
    client.post("/login", data={"email": "nora@ghent.example", "password": FORM["password"]})
    for _ in range(3):
        response = client.post("/account/confirm-email", follow_redirects=True)
        assert "We have sent a new confirmation link" in response.get_data(as_text=True)
    assert client.post("/account/confirm-email").status_code == 429
    assert len([m for m in outbox if m["Subject"] == "Confirm your email address"]) == 4


def test_forged_and_expired_links_are_refused(make_app, outbox):
    forged = URLSafeTimedSerializer("not-the-secret", salt="email-confirmation").dumps({"uid": 1, "email": "x"})
    app = make_app(EMAIL_CONFIRMATION=True, EMAIL_CONFIRMATION_MAX_AGE=-1)
    client = app.test_client()
    assert client.get(f"/confirm-email/{forged}").status_code == 400
    register(client, "nora@ghent.example")
    link = confirmation_link(app.extensions["mail_outbox"], "nora@ghent.example")
    response = client.post(link)
    assert response.status_code == 400 and "expired" in response.get_data(as_text=True)


def test_a_password_reset_also_confirms_the_address(app, learner, outbox):
    client = app.test_client()
    client.post("/reset-password", data={"email": learner.email}).close()   # the mail is queued once answered
    [mail] = [m for m in outbox if m["Subject"] == "Reset your password"]
    link = re.search(r"http://localhost(/reset-password/\S+)", mail.get_content()).group(1)
    client.post(link, data={"password": "my new password", "confirm": "my new password"})
    client = sign_in(app, learner, "my new password")
    assert client.post("/certificate/").status_code != 403


def test_with_confirmation_off_nothing_is_held_back(make_app, outbox):
    app = make_app(EMAIL_CONFIRMATION=False)
    client = app.test_client()
    assert register(client, "nora@ghent.example").status_code == 302
    assert "Signed in as" in client.get("/").get_data(as_text=True)
    response = client.post("/modules/basics/forum/", data={"title": "Hi", "body": "Hello.", "form_token": "t" * 22})
    assert response.status_code == 303
    assert outbox == []


def test_operator_created_accounts_are_confirmed(app, runner):
    result = runner.invoke(args=["create-user", "--email", "tara@course.example", "--name", "Tara",
                                 "--role", "tutor", "--password", DEFAULT_PASSWORD])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "tara@course.example")).email_confirmed
