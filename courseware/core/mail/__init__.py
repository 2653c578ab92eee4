"""Mail: what one message is, the headers every message carries, and the two ways it leaves (SMTP or the log).

Nothing sends mail but the outbox's delivery (`courseware/core/outbox.py`, `deliver_outbox`): every
mail is queued first, in the transaction of the change that caused it, and delivered by the same
code in development and production.
"""
from __future__ import annotations

from flask import Flask

from .message import OutgoingMail, new_message_id
from .transports import LogTransport, MailError, PermanentMailError, ServerUnavailable, SmtpTransport, transport_for

__all__ = ["OutgoingMail", "new_message_id", "LogTransport", "SmtpTransport", "MailError", "PermanentMailError",
           "ServerUnavailable", "transport_for", "init_app"]


def init_app(app: Flask) -> None:
    from flask_mailman import Mail

    # Flask-Mailman keeps its settings (the MAIL_* keys of config.py) in app.extensions["mailman"].
    Mail(app)
