"""What the retention policy keeps track of: warnings sent before an erasure, and a record of what it did."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.time import utcnow
from ..core.types import StrEnumType, UTCDateTime
from ..extensions import db


class RetentionAction(StrEnum):
    WARNED = "warned"
    ERASED = "erased"
    ATTACHMENT_REMOVED = "attachment removed"
    MAIL_DELETED = "mail deleted"

    @property
    def label(self) -> str:
        return {RetentionAction.WARNED: "Warned before erasure", RetentionAction.ERASED: "Inactive account erased",
                RetentionAction.ATTACHMENT_REMOVED: "Attachment removed",
                RetentionAction.MAIL_DELETED: "Old mail records deleted"}[self]


class RetentionNotice(db.Model):
    """An inactive account that was warned. It is valid while the account stays unused since the warning;
    signing in makes it stale (the account's last activity is then after `warned_at`)."""

    __tablename__ = "retention_notice"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    warned_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    erase_after: Mapped[datetime] = mapped_column(UTCDateTime())


class RetentionRecord(db.Model):
    """One thing the retention run did. Ids only, no names or addresses: the record outlives the people."""

    __tablename__ = "retention_record"
    __table_args__ = (Index("ix_retention_record_at", "at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    action: Mapped[RetentionAction] = mapped_column(StrEnumType(RetentionAction, 24))
    account_id: Mapped[int | None] = mapped_column()        # no foreign key: kept after the erasure
    submission_id: Mapped[int | None] = mapped_column()
    count: Mapped[int] = mapped_column(default=1)
    note: Mapped[str] = mapped_column(String(300), default="")
