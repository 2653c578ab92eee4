"""One path for every mail: queued in the outbox, sent by deliver_outbox, whether by `flask mail send`
from cron or, when mail goes to the log, right after the request that queued it."""
from __future__ import annotations

import logging
import re
from datetime import timedelta

from sqlalchemy import select, update

from courseware.core import outbox as outbox_module
from courseware.core.outbox import MAX_ATTEMPTS, SEND_LEASE, OutboxMessage, deliver_outbox, queue_mail
from courseware.core.site import current_site
from courseware.core.time import utcnow
from courseware.extensions import db
from tests.conftest import ask_for_reset


def rows(app):
    with app.app_context():
        found = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        db.session.expunge_all()
        return found


def test_mail_queued_by_a_request_is_sent_by_deliver_outbox_when_it_ends(app, client, learner, outbox, monkeypatch):
    calls = []
    real = outbox_module.deliver_outbox
    monkeypatch.setattr(outbox_module, "deliver_outbox", lambda *a, **k: calls.append(1) or real(*a, **k))
    ask_for_reset(client, learner.email)
    assert calls == [1]
    [row] = rows(app)
    assert row.status == "sent" and re.fullmatch(r"<[^@\s]+@localhost>", row.message_id)
    [mail] = outbox
    assert mail["Message-ID"] == row.message_id and mail["Auto-Submitted"] == "auto-generated"
    assert mail["Date"] and mail["From"] == "Smart-charging course <no-reply@localhost>"


def test_a_request_that_queued_nothing_sends_nothing(app, client, monkeypatch):
    calls = []
    monkeypatch.setattr(outbox_module, "deliver_outbox", lambda *a, **k: calls.append(1))
    client.get("/")
    assert calls == []


def test_mail_queued_outside_a_request_waits_for_mail_send(app, runner, learner, outbox):
    with app.app_context():
        queue_mail(learner.email, "Reminder: 1 submission waiting over 5 days", "Please grade it.")
        db.session.commit()
    assert outbox == [] and rows(app)[0].status == "pending"
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 0 and "sent: 1" in result.output
    assert [m["Subject"] for m in outbox] == ["Reminder: 1 submission waiting over 5 days"]


def test_a_delivery_that_died_mid_send_is_sent_again_once_its_lease_runs_out(app, learner, outbox):
    with app.app_context():
        stuck = queue_mail(learner.email, "Stuck", "A run died while sending this.")
        busy = queue_mail(learner.email, "Busy", "Another run is sending this right now.")
        db.session.flush()
        now = utcnow()
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id == stuck.id).values(
            status="sending", message_id="<1.2@localhost>", next_attempt_at=now - timedelta(minutes=1)))
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id == busy.id).values(
            status="sending", next_attempt_at=now + SEND_LEASE))
        db.session.commit()
        assert deliver_outbox(current_site())["sent"] == 1
        assert deliver_outbox(current_site())["sent"] == 0
    [mail] = outbox
    assert mail["Subject"] == "Stuck" and mail["Message-ID"] == "<1.2@localhost>"  # the same Message-ID again
    assert [r.status for r in rows(app)] == ["sent", "sending"]


def test_a_line_break_in_a_subject_cannot_add_a_header(app, learner, outbox):
    with app.app_context():
        queue_mail(learner.email, "New thread: Hello\r\nBcc: everyone@example.org", "Body")
        db.session.commit()
        assert deliver_outbox(current_site())["sent"] == 1
    [mail] = outbox
    assert mail["Bcc"] is None and mail["Subject"] == "New thread: Hello Bcc: everyone@example.org"


def test_a_message_that_keeps_killing_its_sender_ends_as_failed(app, learner):
    with app.app_context():
        msg = queue_mail(learner.email, "Reset your password", "Open https://example.org/secret", sensitive=True)
        db.session.flush()
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id == msg.id).values(
            status="sending", attempts=MAX_ATTEMPTS - 1, next_attempt_at=utcnow() - timedelta(minutes=1)))
        db.session.commit()
        assert deliver_outbox(current_site())["sent"] == 0
    [row] = rows(app)
    assert row.status == "failed" and row.attempts == MAX_ATTEMPTS and row.body == ""


class Broken:
    """A transport with a bug: it raises something no mail error describes."""

    def send(self, mail):
        raise KeyError("surprise")

    def close(self):
        pass


def test_an_unexpected_error_stops_neither_the_run_nor_the_other_mail(app, learner, other_learner, caplog):
    logging.getLogger("courseware.core.outbox").disabled = False  # see mail_log in test_sensitive.py
    with app.app_context():
        queue_mail(learner.email, "One", "First")
        queue_mail(other_learner.email, "Two", "Second")
        db.session.commit()
        counts = deliver_outbox(current_site(), transport=Broken())
    assert counts["retried"] == 2 and "unexpected error while sending mail" in caplog.text
    assert all(row.status == "pending" and "KeyError" in row.last_error for row in rows(app))
