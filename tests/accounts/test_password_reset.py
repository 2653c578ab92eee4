"""Password reset by a signed, expiring, single-use link sent through the outbox."""
from __future__ import annotations

import re

from itsdangerous import URLSafeTimedSerializer

from tests.conftest import ask_for_reset
from tests.factories import DEFAULT_PASSWORD


def reset_link(outbox) -> str:
    assert outbox, "no mail was sent"
    body = outbox[-1].get_content()
    return re.search(r"http://localhost(/reset-password/\S+)", body).group(1)


def test_reset_flow(client, learner, outbox):
    """Does the mailed link let the learner choose a new password and sign in with it?"""
    response = ask_for_reset(client, learner.email)
    assert response.status_code == 302
    assert outbox[-1]["To"] == learner.email
    link = reset_link(outbox)
    assert client.get(link).status_code == 200
    response = client.post(link, data={"password": "my new password", "confirm": "my new password"})
    assert response.status_code == 302
    assert client.post("/login", data={"email": learner.email, "password": "my new password"}).status_code == 302


def test_reset_link_works_only_once(client, learner, outbox):
    ask_for_reset(client, learner.email)
    link = reset_link(outbox)
    client.post(link, data={"password": "my new password", "confirm": "my new password"})
    response = client.post(link, data={"password": "another password", "confirm": "another password"})
    assert response.status_code == 400
    assert "already been used" in response.get_data(as_text=True)
    assert client.post("/login", data={"email": learner.email, "password": "another password"}).status_code == 422


def test_expired_link_is_refused(make_app, learner, outbox):
    app = make_app(PASSWORD_RESET_MAX_AGE=-1)  # every link is already too old
    client = app.test_client()
    ask_for_reset(client, learner.email)
    link = reset_link(app.extensions["mail_outbox"])
    response = client.get(link)
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)


def test_forged_link_is_refused(app, client, learner):
    forged = URLSafeTimedSerializer("not-the-secret", salt="password-reset").dumps({"uid": 1, "fp": "x"})
    response = client.post(f"/reset-password/{forged}", data={"password": "hacked password", "confirm": "hacked password"})
    assert response.status_code == 400
    assert client.post("/login", data={"email": learner.email, "password": DEFAULT_PASSWORD}).status_code == 302


def test_unknown_email_gets_the_same_answer_and_no_mail(client, outbox):
    response = ask_for_reset(client, "nobody@nowhere.example", follow_redirects=True)
    assert "If an account uses that address" in response.get_data(as_text=True)
    assert outbox == []


def test_reset_mail_is_kept_in_the_outbox(app, client, learner):
    """Is the reset mail a row in the outbox, marked sent once written to the log?"""
    from sqlalchemy import select

    from courseware.core.outbox import OutboxMessage
    from courseware.extensions import db

    ask_for_reset(client, learner.email)
    with app.app_context():
        msg = db.session.scalar(select(OutboxMessage))
        assert msg.to_email == learner.email and msg.status == "sent"
