"""The two ways a message leaves: over SMTP when MAIL_SERVER is set, otherwise written to the log.

SMTP goes through Flask-Mailman, a maintained port of Django's mail code: it builds the MIME
message (encoding non-ASCII subjects and names, refusing line breaks in headers), keeps one
connection open for a whole delivery run, and gives the connection a timeout, so a server that
accepts a connection and then says nothing cannot hold `mail send` for ever.

Errors are sorted for the outbox:
- `ServerUnavailable`: the server could not be reached or dropped the connection. The message is
  tried again later, and the run stops: the rest wait for the next run instead of each waiting for
  its own timeout.
- `PermanentMailError`: trying again cannot help (the server refused the address with a 5xx
  answer, or the message cannot be built). The message is marked failed at once.
- `MailError`: anything else (a 4xx answer such as "451 try again later", another 5xx): tried
  again later, with growing delays.
"""
from __future__ import annotations

import email
import email.policy
import logging
import smtplib
from typing import Any, Mapping, Protocol

from flask import current_app
from flask_mailman import EmailMessage
from flask_mailman.backends.smtp import EmailBackend

from .message import OutgoingMail, site_domain

log = logging.getLogger(__name__)


class MailError(Exception):
    """Not sent this time; try again later."""


class PermanentMailError(MailError):
    """Trying again cannot help."""


class ServerUnavailable(MailError):
    """The mail server could not be reached, or dropped the connection."""


class Transport(Protocol):
    def send(self, mail: OutgoingMail) -> None: ...

    def close(self) -> None: ...


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:500]


class _Message(EmailMessage):
    """Headers folded only past RFC 5322's hard limit of 998 characters, not at 78, so List-Unsubscribe
    (a long signed link without spaces) stays on its own line exactly as written, for every mail
    program and DKIM signer that reads it."""

    def message(self):
        msg = super().message()
        msg.policy = msg.policy.clone(max_line_length=998)
        return msg


def build(mail: OutgoingMail, sender: str) -> EmailMessage:
    """The message as the library sends it; refuses (ValueError) a header that would break the message."""
    message = _Message(subject=mail.clean_subject, body=mail.body, from_email=sender, to=[mail.to],
                       headers=mail.headers())
    message.message()  # builds it once now, so a bad address or header fails here, not half-way through SMTP
    return message


def _record(message: EmailMessage) -> None:
    """The test suite collects every message that left, as a mail program would read it."""
    captured = current_app.extensions.get("mail_outbox")
    if captured is not None:
        captured.append(email.message_from_bytes(message.message().as_bytes(linesep="\r\n"),
                                                 policy=email.policy.default))


class LogTransport:
    """Writes each message to the log: the development default, and what happens without MAIL_SERVER.

    A message that carries a secret (a password-reset link) is logged as a notice with its recipient
    and subject only, so no live link ends up in log files; in development (COURSEWARE_ENV=development)
    the developer needs the link, so the whole message is written.
    """

    def __init__(self, sender: str, show_secrets: bool):
        self.sender = sender
        self.show_secrets = show_secrets

    def send(self, mail: OutgoingMail) -> None:
        try:
            message = build(mail, self.sender)
        except ValueError as e:
            raise PermanentMailError(f"the message cannot be built: {e}") from e
        if mail.sensitive and not self.show_secrets:
            log.info("mail written to the log (no MAIL_SERVER set): a message carrying a secret was sent to %s, "
                     "subject “%s”; its text is not logged", mail.to, mail.clean_subject)
        else:
            headers = "\n".join(f"{name}: {value}" for name, value in mail.headers().items())
            log.info("mail written to the log (no MAIL_SERVER set)\nTo: %s\nSubject: %s\n%s\n\n%s",
                     mail.to, mail.clean_subject, headers, mail.body)
        _record(message)

    def close(self) -> None:
        pass


class SmtpTransport:
    """Sends over SMTP, one connection per delivery run, opened at the first message."""

    def __init__(self, settings: Mapping[str, Any]):
        self.sender = sender(settings)
        self.backend = EmailBackend(host=settings["MAIL_SERVER"], port=settings["MAIL_PORT"],
                                    username=settings["MAIL_USERNAME"], password=settings["MAIL_PASSWORD"],
                                    use_tls=settings["MAIL_USE_TLS"], use_ssl=settings["MAIL_USE_SSL"],
                                    timeout=settings["MAIL_TIMEOUT"], fail_silently=False)

    def send(self, mail: OutgoingMail) -> None:
        try:
            message = build(mail, self.sender)
        except ValueError as e:
            raise PermanentMailError(f"the message cannot be built: {e}") from e
        try:
            self.backend.open()
        except (OSError, smtplib.SMTPException) as e:
            self.close()
            raise ServerUnavailable(_describe(e)) from e
        try:
            sent = self.backend.send_messages([message])
        except smtplib.SMTPRecipientsRefused as e:
            codes = [code for code, _ in e.recipients.values()]
            if codes and all(code >= 500 for code in codes):
                raise PermanentMailError(_describe(e)) from e
            raise MailError(_describe(e)) from e
        except (smtplib.SMTPServerDisconnected, OSError) as e:
            self.close()
            raise ServerUnavailable(_describe(e)) from e
        except smtplib.SMTPException as e:
            raise MailError(_describe(e)) from e
        except ValueError as e:  # an address the library cannot put into the envelope
            raise PermanentMailError(_describe(e)) from e
        if sent != 1:
            raise MailError("the mail server did not take the message")
        _record(message)

    def close(self) -> None:
        try:
            self.backend.close()
        except (OSError, smtplib.SMTPException):
            self.backend.connection = None  # already gone; nothing more to say to it


def sender(settings: Mapping[str, Any]) -> str:
    """MAIL_FROM, or an address on the site's own domain: mail from the domain it links to is trusted more."""
    return settings["MAIL_FROM"] or f"Smart-charging course <no-reply@{site_domain(settings['BASE_URL'])}>"


def transport_for(settings: Mapping[str, Any]) -> Transport:
    """SMTP when MAIL_SERVER is set, else the log."""
    if settings["MAIL_SERVER"]:
        return SmtpTransport(settings)
    return LogTransport(sender(settings), show_secrets=bool(settings.get("DEVELOPMENT")))
