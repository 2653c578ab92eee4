"""Delivery to a real SMTP server (aiosmtpd, tests/mail/conftest.py): what arrives and with which headers,
and a server that refuses or drops the connection before it accepts: nothing lost, nothing sent twice,
also when two deliveries run at once."""
from __future__ import annotations

import re
import threading
from collections import Counter
from datetime import timedelta
from email.utils import parsedate_to_datetime

import pytest
from sqlalchemy import select

from courseware.core.outbox import OutboxMessage, deliver_outbox, queue_mail
from courseware.core.site import current_site
from courseware.core.time import utcnow
from courseware.extensions import db
from courseware.forums.models import Thread
from tests.assignments.conftest import BODY
from tests.conftest import ask_for_reset, sign_in
from tests.factories import make_user

from .conftest import ACCEPT, DROP, REFUSE, REJECT

BASE_URL = "https://course.example.org"
MESSAGE_ID = re.compile(r"<[^<>@\s]+@course\.example\.org>")
ONE_CLICK = {"List-Unsubscribe": "One-Click"}
LATER = timedelta(days=3)  # past every retry delay


@pytest.fixture
def app(make_app, smtp_server):
    """The site at BASE_URL, sending through the test SMTP server."""
    return make_app(BASE_URL=BASE_URL, SERVER_NAME=None, **smtp_server.settings())


def mail_send(app):
    return app.test_cli_runner().invoke(args=["mail", "send"])


def rows(app):
    with app.app_context():
        found = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        db.session.expunge_all()
        return found


def deliver(app, now=None):
    with app.app_context():
        return deliver_outbox(current_site(), now)


def queue_some(app, count: int) -> list[str]:
    """`count` personal messages to distinct addresses, queued as a feature would."""
    with app.app_context():
        addresses = [f"person{i}@city{i % 7}.example" for i in range(count)]
        for i, address in enumerate(addresses):
            queue_mail(address, f"Your assignment {i}: passed", f"Feedback number {i}.")
        db.session.commit()
    return addresses


def by_subject(messages, text):
    found = [m for m in messages if text in m["Subject"]]
    assert len(found) == 1, [m["Subject"] for m in messages]
    return found[0]


def test_what_arrives_carries_the_headers_mail_systems_trust(app, smtp_server, learner, other_learner, tutor):
    """Does every message carry Date, a Message-ID on the site's domain and Auto-Submitted, and do
    notifications and digests (not personal mail) carry a working one-click List-Unsubscribe?"""
    author = sign_in(app, learner)
    author.post("/modules/basics/forum/", data={"title": "Depot charging", "body": "Who charges buses at night?"})
    with app.app_context():
        thread_id = db.session.scalar(select(Thread.id).where(Thread.title == "Depot charging"))
    with app.app_context():
        follower = make_user(email="follower@region.example", name="Fiona Follower")
    sign_in(app, follower).post("/modules/basics/forum/follow", data={"mode": "daily"})
    sign_in(app, tutor).post("/tutor/settings", data={"new_submissions": "instant"})
    replier = sign_in(app, other_learner)
    replier.post(f"/modules/basics/forum/{thread_id}/", data={"body": "We do, with a timetable."})
    author.post("/modules/basics/assignment/", data={"body": BODY}, content_type="multipart/form-data")
    ask_for_reset(app.test_client(), learner.email)
    assert smtp_server.messages == []  # with a mail server, requests only queue: cron sends

    started = utcnow()
    result = mail_send(app)
    assert result.exit_code == 0, result.output
    received = smtp_server.messages
    assert sorted(m["To"] for m in received) == sorted(
        [learner.email, tutor.email, follower.email, learner.email])
    for message in received:
        assert abs(parsedate_to_datetime(message["Date"]) - started) < timedelta(minutes=5)
        assert MESSAGE_ID.fullmatch(message["Message-ID"]), message["Message-ID"]
        assert message["Auto-Submitted"] == "auto-generated"
        assert message["From"].endswith("@course.example.org>")
    assert len({m["Message-ID"] for m in received}) == len(received)

    reply = by_subject(received, "New reply")
    submission = by_subject(received, "New submission")
    digest = by_subject(received, "daily forum digest")
    reset = by_subject(received, "Reset your password")
    assert reset["List-Unsubscribe"] is None and reset["List-Unsubscribe-Post"] is None
    links = {}
    for name, message in (("reply", reply), ("submission", submission), ("digest", digest)):
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        match = re.fullmatch(r"<(https://course\.example\.org/unsubscribe/[A-Za-z0-9_.-]+)>", message["List-Unsubscribe"])
        assert match, message["List-Unsubscribe"]
        links[name] = match.group(1)

    # What a mail program does with the header: one POST, no cookie, no token.
    for link in links.values():
        response = app.test_client().post(link, data=ONE_CLICK)
        assert response.status_code == 200 and "no more of these mails" in response.get_data(as_text=True)
    replier.post(f"/modules/basics/forum/{thread_id}/", data={"body": "And at the depot in the morning."})
    sign_in(app, other_learner).post("/modules/practice/assignment/", data={"body": BODY},
                                       content_type="multipart/form-data")
    assert mail_send(app).exit_code == 0
    assert len(smtp_server.messages) == len(received)  # the author, the tutor and the follower hear no more


def test_a_refusing_server_then_an_accepting_one_loses_nothing_and_sends_nothing_twice(app, smtp_server, learner):
    ask_for_reset(app.test_client(), learner.email)
    addresses = queue_some(app, 4)
    smtp_server.set_mode(REFUSE)
    result = mail_send(app)
    assert result.exit_code == 0 and "will retry: 5" in result.output
    assert smtp_server.messages == []
    first_ids = {row.id: row.message_id for row in rows(app)}
    assert all(MESSAGE_ID.fullmatch(mid) for mid in first_ids.values())
    assert all(row.status == "pending" and row.attempts == 1 and "451" in row.last_error for row in rows(app))

    smtp_server.set_mode(ACCEPT)
    assert deliver(app)["sent"] == 0  # not yet: each waits for its retry delay
    assert deliver(app, utcnow() + LATER)["sent"] == 5
    assert deliver(app, utcnow() + LATER)["sent"] == 0  # run again: nothing left, nothing twice
    assert mail_send(app).exit_code == 0
    received = smtp_server.messages
    assert sorted(m["To"] for m in received) == sorted([learner.email, *addresses])
    # Retries keep the Message-ID of the first attempt, so a receiver could tell a repeat.
    assert {m["Message-ID"] for m in received} == set(first_ids.values())
    assert all(row.status == "sent" for row in rows(app))
    [reset] = [row for row in rows(app) if row.sensitive]
    assert reset.body == "" and reset.attempts == 2


def test_a_dropped_connection_stops_the_run_and_the_rest_waits(app, smtp_server):
    addresses = queue_some(app, 3)
    smtp_server.set_mode(DROP)
    result = mail_send(app)
    assert result.exit_code == 1 and "could not be reached" in result.output
    first, *rest = rows(app)
    assert first.attempts == 1 and first.status == "pending" and "Disconnected" in first.last_error
    assert all(row.attempts == 0 and row.status == "pending" for row in rest)  # not tried, not counted

    smtp_server.set_mode(ACCEPT)
    assert deliver(app)["sent"] == 2  # the two never tried go out at once
    assert deliver(app, utcnow() + LATER)["sent"] == 1
    assert deliver(app, utcnow() + LATER)["sent"] == 0
    assert sorted(m["To"] for m in smtp_server.messages) == sorted(addresses)


def test_an_address_refused_for_good_is_not_retried(app, smtp_server, learner):
    ask_for_reset(app.test_client(), learner.email)
    smtp_server.set_mode(REJECT)
    result = mail_send(app)
    assert "failed for good: 1" in result.output
    [row] = rows(app)
    assert row.status == "failed" and "550" in row.last_error and row.body == ""  # and the link is gone
    smtp_server.set_mode(ACCEPT)
    assert deliver(app, utcnow() + LATER)["sent"] == 0


def test_two_deliveries_at_once_send_each_message_exactly_once(app, smtp_server):
    addresses = queue_some(app, 30)
    start = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            with app.app_context():
                start.wait(timeout=30)
                results.append(deliver_outbox(current_site()))
        except Exception as e:  # reported below instead of dying silently in the thread
            errors.append(repr(e))

    runners = [threading.Thread(target=run) for _ in range(2)]
    for runner in runners:
        runner.start()
    for runner in runners:
        runner.join(timeout=120)
    assert not errors, errors
    assert sum(r["sent"] for r in results) == 30 and all(r["retried"] == r["failed"] == 0 for r in results)
    received = smtp_server.messages
    assert Counter(m["To"] for m in received) == Counter(addresses)
    assert len({m["Message-ID"] for m in received}) == 30
    assert all(row.status == "sent" and row.attempts == 1 for row in rows(app))
