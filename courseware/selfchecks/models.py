"""Self-check attempts: every submitted self-check is kept, with the answer given to each question.

Keyed by slugs and question ids (as progress is), so edits and reordering of the content keep them.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.time import utcnow
from ..core.types import UTCDateTime
from ..extensions import db

TOKEN_LENGTH = 64
RESPONSE_LENGTH = 200      # questions.MAX_ANSWER_CHARS: longer answers are refused before they get here


class SelfCheckAttempt(db.Model):
    """One submitted self-check of one unit. `token` is the one-time token of the form that was sent:
    unique, so a double submit of the same form stores one attempt."""

    __tablename__ = "self_check_attempt"
    __table_args__ = (
        UniqueConstraint("token", name="uq_self_check_attempt_token"),
        Index("ix_self_check_attempt_user_module", "user_id", "module_slug"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    module_slug: Mapped[str] = mapped_column(String(80))
    unit_slug: Mapped[str] = mapped_column(String(80))
    token: Mapped[str] = mapped_column(String(TOKEN_LENGTH))
    correct: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(Integer)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    answers: Mapped[list[SelfCheckAnswer]] = relationship(
        back_populates="attempt", cascade="all, delete-orphan", passive_deletes=True, lazy="raise",
        order_by="SelfCheckAnswer.position")

    @property
    def percent(self) -> int:
        return round(100 * self.correct / self.total) if self.total else 0


class SelfCheckAnswer(db.Model):
    """The answer to one question in an attempt. `response` is what was sent: the option values ticked,
    comma-separated in the order shown ('a,c'), or the text typed. `first` marks a learner's first answer
    to the question, which item analysis reads (the facility index is the share right the first time)."""

    __tablename__ = "self_check_answer"
    __table_args__ = (
        UniqueConstraint("attempt_id", "question_id", name="uq_self_check_answer_attempt_question"),
        Index("ix_self_check_answer_item", "module_slug", "question_id", "first"),
        Index("ix_self_check_answer_user", "user_id", "module_slug"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("self_check_attempt.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    module_slug: Mapped[str] = mapped_column(String(80))
    question_id: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer)          # 1 for q1, ... as numbered on the page
    response: Mapped[str] = mapped_column(String(RESPONSE_LENGTH))
    correct: Mapped[bool] = mapped_column(Boolean)
    first: Mapped[bool] = mapped_column(Boolean)

    attempt: Mapped[SelfCheckAttempt] = relationship(back_populates="answers", lazy="raise")


class SelfCheckItemStat(db.Model):
    """Running sums behind the item analysis of one question, kept up to date as first answers arrive
    (stats.py), so the tutors' page reads one row per question instead of every answer.

    learners/right: first answers and how many were right. pairs, sum_c, sum_x, sum_xx, sum_cx: over the
    learners who also answered other questions of the module, c (right the first time, 0 or 1) and x (their
    rest score: the share of the module's other questions right the first time), for the point-biserial
    correlation. A learner's x changes when they answer more of the module, so their terms are replaced then."""

    __tablename__ = "self_check_item_stat"

    module_slug: Mapped[str] = mapped_column(String(80), primary_key=True)
    question_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    learners: Mapped[int] = mapped_column(Integer, default=0)
    right: Mapped[int] = mapped_column(Integer, default=0)
    pairs: Mapped[int] = mapped_column(Integer, default=0)
    sum_c: Mapped[float] = mapped_column(Float, default=0)
    sum_x: Mapped[float] = mapped_column(Float, default=0)
    sum_xx: Mapped[float] = mapped_column(Float, default=0)
    sum_cx: Mapped[float] = mapped_column(Float, default=0)


class SelfCheckOptionStat(db.Model):
    """How many first answers to a question ticked one of its options."""

    __tablename__ = "self_check_option_stat"

    module_slug: Mapped[str] = mapped_column(String(80), primary_key=True)
    question_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    option_value: Mapped[str] = mapped_column(String(1), primary_key=True)
    chosen: Mapped[int] = mapped_column(Integer, default=0)
