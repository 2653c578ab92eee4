from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..core.time import utcnow
from ..core.types import UTCDateTime
from ..extensions import db


class UnitCompletion(db.Model):
    """A learner marked a unit complete. Keyed by slugs, so edits and reordering keep progress."""

    __tablename__ = "unit_completion"
    __table_args__ = (
        UniqueConstraint("user_id", "module_slug", "unit_slug", name="uq_unit_completion_user_unit"),
        Index("ix_unit_completion_module_unit", "module_slug", "unit_slug"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    module_slug: Mapped[str] = mapped_column(String(80))
    unit_slug: Mapped[str] = mapped_column(String(80))
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
