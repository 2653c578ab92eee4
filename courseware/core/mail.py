"""Sending mail: to the log by default, over SMTP when MAIL_SERVER is set.

Failures are logged, never raised: a broken mail server must not break the request.
"""
from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app

log = logging.getLogger(__name__)


def send_mail(to: str, subject: str, body: str) -> bool:
    cfg = current_app.config
    msg = EmailMessage()
    msg["From"] = cfg["MAIL_FROM"]
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content(body)
    outbox = current_app.extensions.get("mail_outbox")
    if outbox is not None:  # tests collect mail here
        outbox.append(msg)
    if not cfg["MAIL_SERVER"]:
        log.info("mail (not sent, no MAIL_SERVER set)\nTo: %s\nSubject: %s\n\n%s", to, subject, body)
        return True
    try:
        with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=10) as smtp:
            if cfg["MAIL_USE_TLS"]:
                smtp.starttls()
            if cfg["MAIL_USERNAME"]:
                smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
            smtp.send_message(msg)
        return True
    except (OSError, smtplib.SMTPException):
        log.exception("could not send mail %r to %s", subject, to)
        return False
