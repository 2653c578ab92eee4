"""Submissions, their grade events and tutors' mail preferences.

One row per version of a learner's work on a module, keyed by the module's slug. A draft is
the newest row while it is being written; submitting turns it into a version that waits for
grading. Grades are events, never overwritten, so corrections keep the full history; the
latest decision is copied onto the submission so lists need no extra query.
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..core.time import utcnow
from ..core.types import StrEnumType, UTCDateTime
from ..core.vocabulary import MailPreference
from ..extensions import db


class SubmissionStatus(StrEnum):
    """Where one version stands; the values are the words SPEC section 4 shows to learners."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    NEEDS_REVISION = "needs revision"
    PASSED = "passed"

    @property
    def is_graded(self) -> bool:
        return self in (SubmissionStatus.NEEDS_REVISION, SubmissionStatus.PASSED)

    @property
    def learner_can_write(self) -> bool:
        """A learner may edit a draft, or start a new version after "needs revision"."""
        return self in (SubmissionStatus.DRAFT, SubmissionStatus.NEEDS_REVISION)


class Decision(StrEnum):
    """A tutor's decision on one version (the grading form's `decision` field)."""

    PASS = "pass"
    REVISE = "revise"

    @property
    def status(self) -> SubmissionStatus:
        return SubmissionStatus.PASSED if self is Decision.PASS else SubmissionStatus.NEEDS_REVISION


class Submission(db.Model):
    __tablename__ = "submission"
    __table_args__ = (
        # Also serves the queue's "no newer sent version" probe (user, module, version > ?).
        UniqueConstraint("user_id", "module_slug", "version", name="uq_submission_user_module_version"),
        # The grading queue in its order (oldest first, id breaking ties), so a page stops after 51 rows:
        # per status, and over every status ("any status" reads only rows with a submission time).
        Index("ix_submission_status_submitted_id", "status", "submitted_at", "id"),
        Index("ix_submission_submitted_id", "submitted_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    module_slug: Mapped[str] = mapped_column(String(80))
    version: Mapped[int] = mapped_column()
    status: Mapped[SubmissionStatus] = mapped_column(StrEnumType(SubmissionStatus, 20), default=SubmissionStatus.DRAFT)
    body: Mapped[str] = mapped_column(Text, default="")
    # Rendered once when saved (through safe_markdown.render_safe), not per request.
    body_html: Mapped[str] = mapped_column(Text, default="")
    words: Mapped[int] = mapped_column(default=0)

    attachment_key: Mapped[str | None] = mapped_column(String(64))    # random name under instance/uploads
    attachment_name: Mapped[str | None] = mapped_column(String(160))  # the learner's (sanitised) file name
    attachment_type: Mapped[str | None] = mapped_column(String(120))
    attachment_size: Mapped[int | None] = mapped_column()
    # Set when the retention policy removed the file (the name stays, so the page can say what was there).
    attachment_removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    # Optimistic concurrency: every state change is a conditional UPDATE on this counter.
    lock_version: Mapped[int] = mapped_column(default=1)
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    graded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    graded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    author = relationship("User", foreign_keys=[user_id], lazy="raise")
    claimed_by = relationship("User", foreign_keys=[claimed_by_id], lazy="raise")
    grades: Mapped[list[GradeEvent]] = relationship(back_populates="submission", order_by="GradeEvent.id",
                                                    lazy="raise", cascade="all, delete-orphan",
                                                    passive_deletes=True)

    def __repr__(self) -> str:
        return f"<Submission {self.id} user {self.user_id} {self.module_slug} v{self.version} {self.status}>"

    @property
    def is_draft(self) -> bool:
        return self.status is SubmissionStatus.DRAFT

    @property
    def is_waiting(self) -> bool:
        return self.status is SubmissionStatus.SUBMITTED

    @property
    def is_graded(self) -> bool:
        return self.status.is_graded

    @property
    def needs_revision(self) -> bool:
        return self.status is SubmissionStatus.NEEDS_REVISION

    @property
    def is_passed(self) -> bool:
        return self.status is SubmissionStatus.PASSED

    @property
    def has_attachment(self) -> bool:
        return self.attachment_key is not None

    @property
    def attachment_was_removed(self) -> bool:
        """The file was removed under the retention policy (privacy/retention.py)."""
        return self.attachment_key is None and self.attachment_removed_at is not None


# For the grading queue's organisation filter, on the accounts table (declared here, beside the queue's
# other indexes): its list of learners' organisations is read in order from the index alone, and
# filtering by one organisation finds its learners without reading every account.
Index("ix_user_organisation_role", User.organisation, User.role)


class GradeEvent(db.Model):
    """One decision on one version. A correction is a new event; none is ever changed."""

    __tablename__ = "grade_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id", ondelete="CASCADE"), index=True)
    tutor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decision: Mapped[Decision] = mapped_column(StrEnumType(Decision, 10))
    feedback: Mapped[str] = mapped_column(Text)
    feedback_html: Mapped[str] = mapped_column(Text)
    criteria_met: Mapped[list] = mapped_column(JSON, default=list)  # the criteria texts ticked
    is_correction: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    submission: Mapped[Submission] = relationship(back_populates="grades", lazy="raise")
    tutor = relationship("User", foreign_keys=[tutor_id], lazy="raise")

    @property
    def status(self) -> SubmissionStatus:
        return self.decision.status

    @property
    def is_pass(self) -> bool:
        return self.decision is Decision.PASS


class TutorMailPreference(db.Model):
    """How a member of staff wants mail about new submissions."""

    __tablename__ = "tutor_mail_preference"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    new_submissions: Mapped[MailPreference] = mapped_column(StrEnumType(MailPreference, 10),
                                                            default=MailPreference.DAILY)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
