"""Editions (course runs), who belongs to which, announcements, live sessions, attendance, calendar links.

Every moment is stored in UTC (`*_at`). An edition's dates are typed as days and stored as moments:
a window opens at the first moment of its first day and closes at the first moment after its last
day (in the time zone of the admin who typed them), so "closed" is always `now >= *_closes_at`.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, or_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.time import utcnow
from ..core.types import UTCDateTime
from ..extensions import db


def reaches(edition_column, edition_id: int | None):
    """Rows addressed to everyone (edition None) or to the edition `edition_id`: what its learners see."""
    if edition_id is None:
        return edition_column.is_(None)
    return or_(edition_column.is_(None), edition_column == edition_id)


class Edition(db.Model):
    """One run of the course: a registration window, a start and a certification deadline (all optional)."""

    __tablename__ = "edition"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())   # first moment it is closed
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    certification_deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # first moment it has passed
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"<Edition {self.id} {self.name!r}>"

    def is_open_for_registration(self, now: datetime) -> bool:
        return ((self.registration_opens_at is None or self.registration_opens_at <= now)
                and (self.registration_closes_at is None or now < self.registration_closes_at))

    def deadline_passed(self, now: datetime) -> bool:
        return self.certification_deadline_at is not None and now >= self.certification_deadline_at

    @property
    def is_dated(self) -> bool:
        return any((self.registration_opens_at, self.registration_closes_at, self.starts_at,
                    self.certification_deadline_at))


class EditionMembership(db.Model):
    """The edition a learner belongs to now (one at most). No row: no edition."""

    __tablename__ = "edition_membership"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("edition.id"), index=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    edition: Mapped[Edition] = relationship(lazy="raise")


class EditionMove(db.Model):
    """A learner moved from one edition to another (or into one from none), by whom and when."""

    __tablename__ = "edition_move"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    from_edition_id: Mapped[int | None] = mapped_column(ForeignKey("edition.id"))
    to_edition_id: Mapped[int] = mapped_column(ForeignKey("edition.id"))
    moved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    moved_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    from_edition: Mapped[Edition | None] = relationship(foreign_keys=[from_edition_id], lazy="raise")
    to_edition: Mapped[Edition] = relationship(foreign_keys=[to_edition_id], lazy="raise")
    moved_by = relationship("User", foreign_keys=[moved_by_id], lazy="raise")


class Announcement(db.Model):
    """News from the course team to one edition's learners, or to everyone (edition_id None)."""

    __tablename__ = "announcement"
    __table_args__ = (Index("ix_announcement_created_id", "created_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int | None] = mapped_column(ForeignKey("edition.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)          # rendered once, through safe_markdown.render_safe
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    edition: Mapped[Edition | None] = relationship(lazy="raise")
    author = relationship("User", foreign_keys=[author_id], lazy="raise")


class AnnouncementReceipt(db.Model):
    """What one person did with one announcement: read it (on the announcements page) or dismissed it
    (from the course home). Either keeps it off their course home."""

    __tablename__ = "announcement_receipt"

    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcement.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    dismissed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CourseMailSetting(db.Model):
    """Whether a person wants announcements and session reminders by mail (no row: both on).
    Mail about their own work (grades, password resets) does not depend on it."""

    __tablename__ = "course_mail_setting"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    announcements: Mapped[bool] = mapped_column(Boolean, default=True)
    session_reminders: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LiveSession(db.Model):
    """A scheduled live session (webinar, Q&A hour) for one edition, or for everyone (edition_id None)."""

    __tablename__ = "live_session"
    __table_args__ = (Index("ix_live_session_starts_id", "starts_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int | None] = mapped_column(ForeignKey("edition.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    join_url: Mapped[str] = mapped_column(String(500))
    recording_url: Mapped[str | None] = mapped_column(String(500))
    slides_url: Mapped[str | None] = mapped_column(String(500))
    # RFC 5545 SEQUENCE: raised with every change, so calendar programs replace their copy.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    edition: Mapped[Edition | None] = relationship(lazy="raise")

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    def is_past(self, now: datetime) -> bool:
        return self.ends_at <= now

    def has_started(self, now: datetime) -> bool:
        return self.starts_at <= now


class Attendance(db.Model):
    """A learner attended a live session, as a tutor recorded it."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("session_id", "user_id", name="uq_attendance_session_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("live_session.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CalendarToken(db.Model):
    """A person's secret calendar-feed address. Only a SHA-256 hash of the token is kept: the address is
    shown once, when it is made; revoking deletes the row, renewing replaces it."""

    __tablename__ = "calendar_token"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
