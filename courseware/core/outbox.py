"""The outbox: every mail is a row first, delivered later by `flask --app app mail send`.

- `queue_mail` adds a message inside the caller's transaction, so a mail exists exactly
  when the change that caused it was committed. A `dedupe_key` makes queuing idempotent.
- Messages with a `digest` name are held and gathered, once a day per recipient and digest,
  into one message by `build_digests`.
- `deliver_outbox` claims each message with a conditional UPDATE before sending, so two
  runs at once (two cron hosts, a retry) never send one message twice; failures are retried
  with growing delays and marked failed after MAX_ATTEMPTS.
- With no MAIL_SERVER (mail written to the log) nothing can fail or block, so messages
  queued by a request are delivered when it ends and a developer sees them at once.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from enum import StrEnum

from flask import Flask, current_app, g
from sqlalchemy import ForeignKey, Index, String, Text, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .mail import MailError, deliver
from .personal_data import Erasure, PersonalData, register
from .time import iso
from .time import utcnow
from .types import StrEnumType, UTCDateTime

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6


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
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def is_pending(self) -> bool:
        return self.status is OutboxStatus.PENDING


def queue_mail(to_email: str, subject: str, body: str, *, user_id: int | None = None,
               dedupe_key: str | None = None, digest: str | None = None) -> OutboxMessage | None:
    """Queue a message in the current transaction. Returns None when `dedupe_key` was already queued."""
    if dedupe_key is not None and db.session.scalar(
            select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)) is not None:
        return None
    msg = OutboxMessage(to_email=to_email, subject=subject[:300], body=body, user_id=user_id,
                        dedupe_key=dedupe_key, digest=digest, status=HELD if digest else PENDING)
    try:
        with db.session.begin_nested():
            db.session.add(msg)
    except IntegrityError:  # the same key queued concurrently
        return None
    if not digest:
        g.mail_queued = True
    return msg


def _backoff(attempts: int) -> timedelta:
    return timedelta(minutes=min(2 ** attempts, 12 * 60))


def deliver_outbox(now: datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Send due messages. Commits after each message. Returns counts of sent, retried, failed."""
    now = now or utcnow()
    counts = {"sent": 0, "retried": 0, "failed": 0}
    ids = db.session.scalars(select(OutboxMessage.id).where(
        OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id).limit(limit)).all()
    for message_id in ids:
        claimed = db.session.execute(update(OutboxMessage).where(
            OutboxMessage.id == message_id, OutboxMessage.status == PENDING).values(status=SENDING))
        db.session.commit()
        if claimed.rowcount != 1:
            continue  # another runner took it
        msg = db.session.get(OutboxMessage, message_id)
        try:
            deliver(msg.to_email, msg.subject, msg.body)
        except MailError as e:
            msg.attempts += 1
            msg.last_error = str(e)[:500]
            if msg.attempts >= MAX_ATTEMPTS:
                msg.status = FAILED
                counts["failed"] += 1
                log.error("mail %s to %s failed for good: %s", msg.id, msg.to_email, e)
            else:
                msg.status = PENDING
                msg.next_attempt_at = now + _backoff(msg.attempts)
                counts["retried"] += 1
                log.warning("mail %s to %s failed, will retry: %s", msg.id, msg.to_email, e)
        else:
            msg.status = SENT
            msg.sent_at = utcnow()
            msg.attempts += 1
            counts["sent"] += 1
        db.session.commit()
    return counts


DIGEST_TITLES = {
    "forum": "Your daily forum digest",
    "submissions": "Your daily digest of new submissions",
}


def build_digests(now: datetime | None = None) -> int:
    """Gather held messages into one digest per recipient and digest kind, at most once a day."""
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
        parts = [f"{title}: {len(items)} item{'s' if len(items) != 1 else ''}.\n"]
        for item in items:
            parts.append(f"— {item.subject}\n\n{item.body.strip()}\n")
        digest_msg = queue_mail(to_email, f"{title} ({len(items)})", "\n".join(parts),
                                user_id=items[0].user_id, dedupe_key=key)
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
                       .values(to_email="erased@deleted.invalid", body="", subject="(erased)"))


def init_app(app: Flask) -> None:
    register(app, PersonalData("mail", export=export_mail, erase=erase_mail))

    @app.after_request
    def deliver_to_log(response):
        # Only for the log backend, which cannot fail or block: show queued mail at once.
        if g.get("mail_queued") and not current_app.config["MAIL_SERVER"]:
            g.mail_queued = False
            db.session.rollback()  # the view has committed; never commit anything it left behind
            try:
                deliver_outbox()
            except Exception:  # never let mail break a finished request
                db.session.rollback()
                log.exception("could not write queued mail to the log")
        return response
