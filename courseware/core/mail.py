"""Delivering one mail: to the log by default, over SMTP when MAIL_SERVER is set.

Nothing calls this directly but the outbox (courseware/core/outbox.py): every mail is queued
first, so a failing mail server loses nothing and blocks no request.
"""
from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app

log = logging.getLogger(__name__)


class MailError(Exception):
    pass


def deliver(to: str, subject: str, body: str) -> None:
    """Send one message now. Raises MailError when the server refuses or cannot be reached."""
    cfg = current_app.config
    msg = EmailMessage()
    msg["From"] = cfg["MAIL_FROM"]
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content(body)
    captured = current_app.extensions.get("mail_outbox")
    if captured is not None:  # the test suite collects delivered mail here
        captured.append(msg)
    if not cfg["MAIL_SERVER"]:
        log.info("mail (written to the log: no MAIL_SERVER set)\nTo: %s\nSubject: %s\n\n%s", to, subject, body)
        return
    try:
        with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=15) as smtp:
            if cfg["MAIL_USE_TLS"]:
                smtp.starttls()
            if cfg["MAIL_USERNAME"]:
                smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
            smtp.send_message(msg)
    except (OSError, smtplib.SMTPException) as e:
        raise MailError(f"{type(e).__name__}: {e}") from e
