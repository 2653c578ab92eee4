"""The record of what admins did to accounts: who, when, to whom, what."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.time import utcnow
from ..core.types import UTCDateTime
from ..extensions import db

ROLE_CHANGED, DEACTIVATED, REACTIVATED, RESET_SENT = "role", "deactivate", "reactivate", "reset-link"


class AccountEvent(db.Model):
    """One admin action on one account. Only ids and the change are kept, so erasing an account
    leaves no personal data here: the rows then read "deleted user"."""

    __tablename__ = "account_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
