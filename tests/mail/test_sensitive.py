"""Mail that carries a secret (a password-reset link): its text never reaches the log (except in
development, where the developer needs the link), is blanked in the outbox once sent or failed for
good, and is never shown on the admin outbox page (issue 14, item 9)."""
from __future__ import annotations

import logging
import re

import pytest
from sqlalchemy import select

from courseware.core.outbox import MAX_ATTEMPTS, OutboxMessage, deliver_outbox, queue_mail
from courseware.core.mail import MailError, PermanentMailError
from courseware.core.site import current_site
from courseware.core.time import utcnow
from courseware.extensions import db
from tests.conftest import ask_for_reset, sign_in

RESET_LINK = re.compile(r"http://localhost/reset-password/\S+")
MAIL_LOG = "courseware.core.mail.transports"


@pytest.fixture
def mail_log(caplog):
    """What the mail transports log. (Alembic's env.py runs logging.config.fileConfig, which disables every
    logger that existed before it, when the migration test ran earlier in the same session.)"""
    logging.getLogger(MAIL_LOG).disabled = False
    caplog.set_level(logging.INFO, logger=MAIL_LOG)
    return caplog


class Refusing:
    """A transport whose server refuses every message with `error`."""

    def __init__(self, error: MailError):
        self.error = error

    def send(self, mail):
        raise self.error

    def close(self):
        pass


def rows(app):
    with app.app_context():
        found = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        db.session.expunge_all()
        return found


def test_a_reset_link_is_not_logged_and_not_kept(app, client, learner, outbox, mail_log):
    caplog = mail_log
    assert ask_for_reset(client, learner.email).status_code == 302
    [sent] = outbox
    link = RESET_LINK.search(sent.get_content()).group(0)   # the learner got the link...
    assert link not in caplog.text and "reset-password/" not in caplog.text   # ...the log did not
    assert f"a message carrying a secret was sent to {learner.email}" in caplog.text
    assert "Reset your password" in caplog.text
    [row] = rows(app)
    assert row.sensitive and row.status == "sent" and row.body == ""


def test_in_development_the_log_shows_the_link(make_app, learner, mail_log):
    caplog = mail_log
    app = make_app(DEVELOPMENT=True)
    ask_for_reset(app.test_client(), learner.email)
    [sent] = app.extensions["mail_outbox"]
    assert RESET_LINK.search(sent.get_content()).group(0) in caplog.text


def test_ordinary_mail_is_logged_whole(app, mail_log, learner):
    caplog = mail_log
    with app.app_context():
        queue_mail(learner.email, "Your assignment: passed", "Well done: the feedback is on the site.")
        db.session.commit()
        deliver_outbox(current_site())
    assert "Well done: the feedback is on the site." in caplog.text


@pytest.mark.parametrize("error, attempts_before", [(PermanentMailError("550 5.1.1 no such mailbox"), 0),
                                                    (MailError("451 4.3.0 try again later"), MAX_ATTEMPTS - 1)])
def test_a_secret_is_blanked_when_the_message_fails_for_good(app, learner, error, attempts_before):
    with app.app_context():
        msg = queue_mail(learner.email, "Reset your password", "Open https://example.org/secret", sensitive=True)
        msg.attempts = attempts_before
        db.session.commit()
        counts = deliver_outbox(current_site(), transport=Refusing(error))
    assert counts["failed"] == 1
    [row] = rows(app)
    assert row.status == "failed" and row.body == "" and row.last_error == str(error)


def test_a_secret_is_kept_while_the_message_waits_for_a_retry(app, learner):
    with app.app_context():
        queue_mail(learner.email, "Reset your password", "Open https://example.org/secret", sensitive=True)
        db.session.commit()
        deliver_outbox(current_site(), transport=Refusing(MailError("451 4.3.0 try again later")))
    [row] = rows(app)
    assert row.status == "pending" and row.attempts == 1 and "secret" in row.body
    with app.app_context():
        deliver_outbox(current_site(), utcnow().replace(year=utcnow().year + 1))   # the retry, to the log
    [row] = rows(app)
    assert row.status == "sent" and row.body == ""


def test_the_admin_outbox_never_shows_a_secret(app, admin, learner):
    with app.app_context():
        queue_mail(learner.email, "Reset your password", "Open https://example.org/reset-password/SECRET",
                   sensitive=True)
        queue_mail(learner.email, "Your assignment: passed", "The feedback: WELL-ARGUED")
        db.session.commit()
        deliver_outbox(current_site(), transport=Refusing(MailError("451 4.3.0 try again later")))
    client = sign_in(app, admin)
    html = client.get("/admin/outbox/").get_data(as_text=True)
    assert "Reset your password" in html and "SECRET" not in html and "carries a secret" in html
    assert "WELL-ARGUED" in html  # the text of an ordinary message helps the admin see what is stuck
