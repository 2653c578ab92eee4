"""Asking for a reset link: the answer and the work done before it are the same for every address (the
lookup and the mail come after the answer has gone), no new link while the last one works, and at most
five a day per person."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from courseware.core.time import utcnow

SUBJECT = "Reset your password"


def reset_mails(outbox, email):
    return [m for m in outbox if m["To"] == email and m["Subject"] == SUBJECT]


def ask(client, email):
    response = client.post("/reset-password", data={"email": email})
    response.close()   # what a server does once the answer is sent
    return response


def test_known_and_unknown_addresses_cost_the_same_work_before_the_answer(app, learner, count_queries, outbox):
    """Are the SQL statements run before the answer identical for a registered and an unknown address, and
    the answers alike, while the mail still goes to the registered one afterwards?"""
    client = app.test_client()
    client.get("/reset-password")
    with count_queries() as known:
        known_answer = client.post("/reset-password", data={"email": learner.email})
    with count_queries() as unknown:
        unknown_answer = client.post("/reset-password", data={"email": "nobody@nowhere.example"})
    assert known.statements == unknown.statements
    assert (known_answer.status_code, known_answer.headers["Location"]) == \
           (unknown_answer.status_code, unknown_answer.headers["Location"])
    assert outbox == []                  # nothing has been looked up yet
    known_answer.close(), unknown_answer.close()
    assert [m["To"] for m in outbox] == [learner.email]


def test_no_new_link_while_the_last_one_works(app, learner, outbox):
    """Twenty requests in a minute for one address: is one mail sent?"""
    client = app.test_client()
    for _ in range(20):
        assert ask(client, learner.email).status_code == 302
    assert len(reset_mails(outbox, learner.email)) == 1


@pytest.fixture
def clock(monkeypatch):
    class Clock:
        offset = timedelta()

        def now(self):
            return utcnow() + self.offset
    clock = Clock()
    monkeypatch.setattr("courseware.accounts.views.utcnow", clock.now)
    return clock


def test_a_new_link_once_the_last_has_expired(app, learner, outbox, clock):
    client = app.test_client()
    ask(client, learner.email)
    clock.offset = timedelta(minutes=59)
    ask(client, learner.email)
    assert len(reset_mails(outbox, learner.email)) == 1
    clock.offset = timedelta(minutes=61)            # the first link has expired
    ask(client, learner.email)
    assert len(reset_mails(outbox, learner.email)) == 2


def test_a_new_link_once_the_last_has_been_used(app, learner, outbox):
    client = app.test_client()
    ask(client, learner.email)
    link = re.search(r"http://localhost(/reset-password/\S+)", outbox[-1].get_content()).group(1)
    assert client.post(link, data={"password": "my new password", "confirm": "my new password"}).status_code == 302
    ask(client, learner.email)
    assert len(reset_mails(outbox, learner.email)) == 2


def test_at_most_five_reset_mails_a_day(app, learner, outbox, clock):
    client = app.test_client()
    for hour in range(8):
        clock.offset = timedelta(minutes=61 * hour)   # each time the last link has expired
        ask(client, learner.email)
    assert len(reset_mails(outbox, learner.email)) == 5


def test_inactive_accounts_get_nothing(app, learner, outbox):
    from courseware.accounts.models import User
    from courseware.extensions import db

    with app.app_context():
        db.session.get(User, learner.id).active = False
        db.session.commit()
    ask(app.test_client(), learner.email)
    assert outbox == []
