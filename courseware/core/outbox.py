"""The outbox: every mail is a row first, delivered later by one function, `deliver_outbox`.

- `queue_mail` adds a message inside the caller's transaction, so a mail exists exactly
  when the change that caused it was committed. A `dedupe_key` makes queuing idempotent.
- Messages with a `digest` name are held and gathered, once a day per recipient and digest,
  into one message by `build_digests`.
- `deliver_outbox` is the only code that sends mail, in development and production alike: run by
  `flask --app app mail send` from cron, and, when mail goes to the log (no MAIL_SERVER), also
  right after a request that queued mail, so a developer sees it at once. It claims each message
  with a conditional UPDATE before sending, so two runs at once (two cron hosts, a retry) never
  send one message twice; failures are retried with growing delays and marked failed after
  MAX_ATTEMPTS. A claim is a lease: if the process dies while sending, the message is sent again
  once the lease has run out (with the same Message-ID), instead of being lost.
- A message queued with `sensitive=True` carries a secret (a password-reset link): its text is
  never logged, and it is blanked in the table once the message is sent or has failed for good.
"""
from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta
from enum import StrEnum

from flask import Flask, current_app
from sqlalchemy import ForeignKey, Index, String, Text, case, delete, false, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .mail import MailError, OutgoingMail, PermanentMailError, ServerUnavailable, new_message_id, transport_for
from .mail.transports import Transport
from .personal_data import Erasure, PersonalData, register
from .site import Site, current_site
from .time import iso, utcnow
from .types import StrEnumType, UTCDateTime

log = logging.getLogger(__name__)

# Growing delays (2, 4, 8 … minutes, at most 12 hours): twelve attempts span about two days, so a mail
# server that is down over a weekend night loses nothing.
MAX_ATTEMPTS = 12
# How long a run may take to send one claimed message before another run may try it again.
SEND_LEASE = timedelta(minutes=15)
# Set on the database session when a message was queued in it (see init_app).
QUEUED_FLAG = "courseware.mail_queued"


class OutboxStatus(StrEnum):
    """Where a message is, in the order it moves: held (for a digest) or pending, then sending, then
    sent, or failed for good; a held message gathered into a digest becomes digested."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    HELD = "held"
    DIGESTED = "digested"

    @property
    def label(self) -> str:
        return {OutboxStatus.PENDING: "Waiting to be sent", OutboxStatus.SENDING: "Being sent",
                OutboxStatus.SENT: "Sent", OutboxStatus.FAILED: "Failed for good",
                OutboxStatus.HELD: "Held for a daily digest", OutboxStatus.DIGESTED: "Gathered into a digest"}[self]


PENDING, SENDING, SENT = OutboxStatus.PENDING, OutboxStatus.SENDING, OutboxStatus.SENT
FAILED, HELD, DIGESTED = OutboxStatus.FAILED, OutboxStatus.HELD, OutboxStatus.DIGESTED


class OutboxMessage(db.Model):
    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_message_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    to_email: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[OutboxStatus] = mapped_column(StrEnumType(OutboxStatus, 16), default=OutboxStatus.PENDING)
    digest: Mapped[str | None] = mapped_column(String(40))
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    # The one-click opt-out of a notification or digest (List-Unsubscribe); None for personal mail.
    unsubscribe_url: Mapped[str | None] = mapped_column(String(1000))
    # Carries a secret (a reset link): never logged, blanked once sent or failed for good.
    sensitive: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Made at the first attempt, on the site's domain, and kept for every retry.
    message_id: Mapped[str | None] = mapped_column(String(255))
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def is_pending(self) -> bool:
        return self.status is OutboxStatus.PENDING

    @property
    def is_finished(self) -> bool:
        return self.status in (SENT, FAILED)

    def outgoing(self) -> OutgoingMail:
        return OutgoingMail(to=self.to_email, subject=self.subject, body=self.body, date=self.created_at,
                            message_id=self.message_id or "", unsubscribe_url=self.unsubscribe_url,
                            sensitive=self.sensitive)

    def finish(self, status: OutboxStatus) -> None:
        """Sent, or failed for good: a secret it carried is no longer kept."""
        self.status = status
        if self.sensitive:
            self.body = ""


def queue_mail(to_email: str, subject: str, body: str, *, user_id: int | None = None,
               dedupe_key: str | None = None, digest: str | None = None,
               unsubscribe_url: str | None = None, sensitive: bool = False) -> OutboxMessage | None:
    """Queue a message in the current transaction. Returns None when `dedupe_key` was already queued.

    `unsubscribe_url`: the one-click opt-out of a notification (for a held message: of its digest),
    sent as List-Unsubscribe. `sensitive`: the body carries a secret (see the module's docstring).
    """
    if dedupe_key is not None and db.session.scalar(
            select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)) is not None:
        return None
    if digest and sensitive:
        raise ValueError("a message carrying a secret is never gathered into a digest")
    msg = OutboxMessage(to_email=to_email, subject=subject[:300], body=body, user_id=user_id,
                        dedupe_key=dedupe_key, digest=digest, status=HELD if digest else PENDING,
                        unsubscribe_url=unsubscribe_url, sensitive=sensitive)
    try:
        with db.session.begin_nested():
            db.session.add(msg)
    except IntegrityError:  # the same key queued concurrently
        return None
    if not digest:
        db.session.info[QUEUED_FLAG] = True
    return msg


def _backoff(attempts: int) -> timedelta:
    return timedelta(minutes=min(2 ** attempts, 12 * 60))


def _release_interrupted(now: datetime) -> int:
    """Messages whose sender died mid-run (their lease ran out) wait to be sent again; that counts as an
    attempt, so a message that keeps killing its sender ends as failed instead of going round for ever."""
    attempts = OutboxMessage.attempts + 1
    released = db.session.execute(update(OutboxMessage).where(
        OutboxMessage.status == SENDING, OutboxMessage.next_attempt_at <= now)
        .values(attempts=attempts, status=case((attempts >= MAX_ATTEMPTS, FAILED), else_=PENDING),
                last_error="delivery was interrupted")
        .execution_options(synchronize_session=False)).rowcount
    if released:
        db.session.execute(update(OutboxMessage).where(
            OutboxMessage.status == FAILED, OutboxMessage.sensitive.is_(True), OutboxMessage.body != "")
            .values(body="").execution_options(synchronize_session=False))
        log.warning("%s mail(s) whose delivery was interrupted will be sent again", released)
    db.session.commit()
    return released


def _claim(site: Site, message_id: int, now: datetime, elapsed: timedelta) -> bool:
    """Take one due message for this run; False when another run has it. The lease counts from the
    moment of the claim (the run's clock, `now`, moved on by the time the run has taken so far)."""
    claimed = db.session.execute(update(OutboxMessage).where(
        OutboxMessage.id == message_id, OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= now)
        .values(status=SENDING, next_attempt_at=now + elapsed + SEND_LEASE,
                message_id=func.coalesce(OutboxMessage.message_id, new_message_id(site.setting("BASE_URL"))))
        .execution_options(synchronize_session=False))
    db.session.commit()
    return claimed.rowcount == 1


def _record_failure(msg: OutboxMessage, error: MailError, now: datetime) -> str:
    msg.attempts += 1
    msg.last_error = str(error)[:500]
    if isinstance(error, PermanentMailError) or msg.attempts >= MAX_ATTEMPTS:
        msg.finish(FAILED)
        log.error("mail %s to %s failed for good: %s", msg.id, msg.to_email, error)
        return "failed"
    msg.status = PENDING
    msg.next_attempt_at = now + _backoff(msg.attempts)
    log.warning("mail %s to %s failed, will retry: %s", msg.id, msg.to_email, error)
    return "retried"


def deliver_outbox(site: Site, now: datetime | None = None, *, limit: int = 500,
                   transport: Transport | None = None) -> dict[str, int]:
    """Send due messages through `transport` (by default SMTP when MAIL_SERVER is set, else the log).

    Commits after each message. Returns counts of sent, retried and failed messages, and
    `unreachable` (1 when the run stopped because the mail server could not be reached).
    """
    now = now or utcnow()
    counts = {"sent": 0, "retried": 0, "failed": 0, "unreachable": 0}
    _release_interrupted(now)
    ids = db.session.scalars(select(OutboxMessage.id).where(
        OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id).limit(limit)).all()
    transport = transport or transport_for(site.config)
    started = time.monotonic()
    try:
        for message_id in ids:
            if not _claim(site, message_id, now, timedelta(seconds=time.monotonic() - started)):
                continue  # another run took it
            msg = db.session.get(OutboxMessage, message_id)
            try:
                transport.send(msg.outgoing())
            except Exception as e:  # noqa: BLE001 - one broken message must not stop everyone's mail
                if not isinstance(e, MailError):
                    log.exception("unexpected error while sending mail %s", msg.id)
                    e = MailError(f"unexpected error: {type(e).__name__}: {e}")
                counts[_record_failure(msg, e, now)] += 1
                db.session.commit()
                if isinstance(e, ServerUnavailable):
                    counts["unreachable"] = 1
                    break  # the rest wait for the next run
                continue
            msg.finish(SENT)
            msg.sent_at = utcnow()
            msg.attempts += 1
            counts["sent"] += 1
            db.session.commit()
    finally:
        transport.close()
    return counts


def withdraw_held(user_id: int, digest: str) -> None:
    """A person stopped a digest: what was held for it is not sent later."""
    db.session.execute(delete(OutboxMessage).where(
        OutboxMessage.user_id == user_id, OutboxMessage.digest == digest, OutboxMessage.status == HELD)
        .execution_options(synchronize_session=False))


DIGEST_TITLES = {
    "forum": "Your daily forum digest",
    "submissions": "Your daily digest of new submissions",
}


def build_digests(now: datetime | None = None) -> int:
    """Gather held messages into one digest per recipient and digest kind, at most once a day.

    The digest's opt-out is the one its messages were held with (they name the digest's opt-out)."""
    now = now or utcnow()
    held = db.session.scalars(select(OutboxMessage).where(OutboxMessage.status == HELD)
                              .order_by(OutboxMessage.to_email, OutboxMessage.digest, OutboxMessage.id)).all()
    groups: dict[tuple[str, str], list[OutboxMessage]] = {}
    for msg in held:
        groups.setdefault((msg.to_email, msg.digest), []).append(msg)
    built = 0
    for (to_email, digest), items in groups.items():
        key = f"digest:{digest}:{to_email}:{now.date().isoformat()}"
        title = DIGEST_TITLES.get(digest, "Your daily digest")
        unsubscribe_url = next((item.unsubscribe_url for item in reversed(items) if item.unsubscribe_url), None)
        parts = [f"{title}: {len(items)} item{'s' if len(items) != 1 else ''}.\n"]
        for item in items:
            parts.append(f"— {item.subject}\n\n{item.body.strip()}\n")
        if unsubscribe_url:
            parts.append(f"—\nStop this daily digest (no sign-in needed): {unsubscribe_url}\n")
        digest_msg = queue_mail(to_email, f"{title} ({len(items)})", "\n".join(parts),
                                user_id=items[0].user_id, dedupe_key=key, unsubscribe_url=unsubscribe_url)
        if digest_msg is None:
            continue  # today's digest for this recipient exists; these wait for tomorrow's
        for item in items:
            item.status = DIGESTED
        built += 1
    db.session.commit()
    return built


# Personal data: the mail a person was sent (subjects and dates; bodies are not exported, they repeat
# what the other parts hold). Erasure deletes what was queued for them and blanks what names them.

def export_mail(user) -> list[dict]:
    return [{"subject": m.subject, "status": m.status.value, "created_at": iso(m.created_at),
             "sent_at": iso(m.sent_at)}
            for m in db.session.scalars(select(OutboxMessage).where(OutboxMessage.user_id == user.id)
                                        .order_by(OutboxMessage.id))]


def erase_mail(erasure: Erasure) -> None:
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.user_id == erasure.user.id))
    db.session.execute(update(OutboxMessage).where(OutboxMessage.to_email == erasure.user.email)
                       .values(to_email="erased@deleted.invalid", body="", subject="(erased)", unsubscribe_url=None))


def init_app(app: Flask) -> None:
    register(app, PersonalData("mail", export=export_mail, erase=erase_mail))

    @app.after_request
    def deliver_after_request(response):
        deliver_queued_to_log()
        return response


def deliver_queued_to_log() -> None:
    """Mail written to the log cannot fail or block, so work that queued mail (a request, or the work a
    request leaves for after its answer) delivers it when it ends (a developer sees a reset link at once),
    through the same deliver_outbox as cron. With a mail server, only cron sends."""
    if db.session.info.pop(QUEUED_FLAG, False) and not current_app.config["MAIL_SERVER"]:
        db.session.rollback()  # the work has committed; never commit anything it left behind
        try:
            deliver_outbox(current_site())
        except Exception:  # never let mail break finished work
            db.session.rollback()
            log.exception("could not write queued mail to the log")
