"""Live sessions: scheduling and changing them, cancelling, the lists, reminders and attendance.

Functions flush but never commit. Every change to a session raises its SEQUENCE (RFC 5545), so
calendar programs that hold an older copy replace it. Reminders go out through the outbox once per
person and session time: the dedupe key names the session, its start and the person, so a second run
(or two overlapping runs) queues nothing new, and a session moved to another day is reminded again.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import and_, delete, func, select
from sqlalchemy.orm import joinedload

from ..accounts.models import Role, User
from ..core import timezones
from ..core.errors import DomainError
from ..core.outbox import queue_mail
from ..core.site import Site
from ..extensions import db
from .announcements import recipients
from .models import Attendance, CourseMailSetting, Edition, EditionMembership, LiveSession, reaches

log = logging.getLogger(__name__)

MAX_TITLE = 200
MAX_URL = 500
MAX_LENGTH = timedelta(hours=12)


@dataclass(frozen=True)
class SessionInput:
    title: str
    starts_at: datetime | None
    ends_at: datetime | None
    join_url: str
    recording_url: str = ""
    slides_url: str = ""
    edition: Edition | None = None


def check_link(url: str, field: str, *, required: bool) -> str | None:
    """An http(s) address, or None for an empty optional field. Raises DomainError beside `field`."""
    url = (url or "").strip()
    if not url:
        if required:
            raise DomainError("Give the link to join the session, starting with https://.", field=field)
        return None
    parts = urlsplit(url)
    if len(url) > MAX_URL or parts.scheme.lower() not in ("http", "https") or not parts.netloc \
            or any(c.isspace() or ord(c) < 32 for c in url):
        raise DomainError("Give a web address that starts with https:// (or http://), for example "
                          "https://meet.example.org/room.", field=field)
    return url


def _checked(data: SessionInput) -> dict:
    title = (data.title or "").strip()
    if not title:
        raise DomainError("Give the session a title, for example “Kick-off webinar”.", field="title")
    if len(title) > MAX_TITLE:
        raise DomainError(f"Keep the title under {MAX_TITLE} characters.", field="title")
    if data.starts_at is None:
        raise DomainError("Give the date and time the session starts.", field="starts_at")
    if data.ends_at is None:
        raise DomainError("Give the date and time the session ends.", field="ends_at")
    if data.ends_at <= data.starts_at:
        raise DomainError("The session must end after it starts.", field="ends_at")
    if data.ends_at - data.starts_at > MAX_LENGTH:
        raise DomainError("A session lasts 12 hours at most. Check the end date.", field="ends_at")
    return {"title": title, "starts_at": data.starts_at, "ends_at": data.ends_at,
            "join_url": check_link(data.join_url, "join_url", required=True),
            "recording_url": check_link(data.recording_url, "recording_url", required=False),
            "slides_url": check_link(data.slides_url, "slides_url", required=False),
            "edition_id": data.edition.id if data.edition else None}


def schedule_session(data: SessionInput, *, by: User, now: datetime) -> LiveSession:
    """A new session. Raises DomainError (beside the field at fault) and stores nothing on bad input."""
    values = _checked(data)
    session = LiveSession(**values, sequence=0, created_by_id=by.id, created_at=now, updated_at=now)
    db.session.add(session)
    db.session.flush()
    log.info("live session %s scheduled by %s", session.id, by.id)
    return session


def update_session(session: LiveSession, data: SessionInput, *, now: datetime) -> bool:
    """Change a session; returns whether anything changed (and so SEQUENCE was raised)."""
    values = _checked(data)
    changed = {k: v for k, v in values.items() if getattr(session, k) != v}
    if not changed:
        return False
    for key, value in changed.items():
        setattr(session, key, value)
    session.sequence += 1
    session.updated_at = now
    db.session.flush()
    return True


def cancel_session(session: LiveSession, now: datetime) -> None:
    if session.is_cancelled:
        raise DomainError("This session is already cancelled.")
    session.cancelled_at = now
    session.sequence += 1
    session.updated_at = now
    db.session.flush()


# Reading ---------------------------------------------------------------------------------------

def sessions_for(edition_id: int | None, *, staff: bool) -> list[LiveSession]:
    """Every session the viewer sees, in time order, with its edition. One query."""
    stmt = select(LiveSession).options(joinedload(LiveSession.edition))
    if not staff:
        stmt = stmt.where(reaches(LiveSession.edition_id, edition_id))
    return list(db.session.scalars(stmt.order_by(LiveSession.starts_at, LiveSession.id)))


def upcoming_for(edition_id: int | None, now: datetime, *, staff: bool, limit: int = 3) -> list[LiveSession]:
    """The next sessions that have not ended (cancelled ones left out), soonest first. One query."""
    stmt = (select(LiveSession).options(joinedload(LiveSession.edition))
            .where(LiveSession.ends_at > now, LiveSession.cancelled_at.is_(None)))
    if not staff:
        stmt = stmt.where(reaches(LiveSession.edition_id, edition_id))
    return list(db.session.scalars(stmt.order_by(LiveSession.starts_at, LiveSession.id).limit(limit)))


def load_session(session_id: int) -> LiveSession | None:
    return db.session.scalar(select(LiveSession).where(LiveSession.id == session_id)
                             .options(joinedload(LiveSession.edition)))


# Reminders -------------------------------------------------------------------------------------

def reminder_key(session: LiveSession, user_id: int) -> str:
    return f"session-reminder:{session.id}:{session.starts_at.strftime('%Y%m%dT%H%MZ')}:{user_id}"


def send_reminders(site: Site, now: datetime, hours: int | None = None) -> int:
    """Queue a reminder to every learner of each session starting within `hours` (SESSION_REMINDER_HOURS):
    once per person and session time. Returns how many mails were newly queued."""
    hours = site.setting("SESSION_REMINDER_HOURS") if hours is None else hours
    due = list(db.session.scalars(
        select(LiveSession).options(joinedload(LiveSession.edition))
        .where(LiveSession.cancelled_at.is_(None), LiveSession.starts_at > now,
               LiveSession.starts_at <= now + timedelta(hours=hours))
        .order_by(LiveSession.starts_at, LiveSession.id)))
    default_zone = site.setting("DEFAULT_TIME_ZONE")
    page = site.links.url("editions.sessions")
    queued = 0
    for session in due:
        ics = site.links.url("editions.session_ics", session_id=session.id)
        for user in recipients(session.edition_id, CourseMailSetting.session_reminders):
            zone = user.time_zone if timezones.is_zone(user.time_zone) else default_zone
            when = timezones.format_span(session.starts_at, session.ends_at, zone)
            body = (f"Hello {user.name},\n\nA reminder: the live session “{session.title}” is on {when}.\n\n"
                    f"Join it here: {session.join_url}\n\nAdd it to your calendar: {ics}\n"
                    f"All live sessions: {page}\n\n"
                    f"—\nTo stop these reminders, sign in and change your setting: "
                    f"{site.links.url('editions.announcements', _anchor='mail-settings')}\n")
            if queue_mail(user.email, f"Reminder: {session.title}, {when}", body, user_id=user.id,
                          dedupe_key=reminder_key(session, user.id)) is not None:
                queued += 1
    return queued


# Attendance ------------------------------------------------------------------------------------

ATTENDANCE_PAGE = 50


def expected_learners(session: LiveSession):
    """A select of the learners a session is for: its edition's, or every learner."""
    stmt = select(User).where(User.role == Role.LEARNER)
    if session.edition_id is not None:
        stmt = stmt.where(User.id.in_(select(EditionMembership.user_id)
                                      .where(EditionMembership.edition_id == session.edition_id)))
    return stmt.order_by(User.name, User.id)


def attendance_count(session_id: int) -> int:
    return db.session.scalar(select(func.count(Attendance.id)).where(Attendance.session_id == session_id)) or 0


def attended_ids(session_id: int, user_ids: list[int]) -> set[int]:
    if not user_ids:
        return set()
    return set(db.session.scalars(select(Attendance.user_id).where(Attendance.session_id == session_id,
                                                                    Attendance.user_id.in_(user_ids))))


def record_attendance(session: LiveSession, shown: list[int], attended: set[int], *, by: User,
                      now: datetime) -> tuple[int, int]:
    """For the learners `shown` on the tutor's page, record who attended (`attended`) and remove the marks
    of those unticked. Learners the session is not for are ignored. Returns (added, removed)."""
    if not session.has_started(now):
        raise DomainError("This session has not started yet: record attendance once it has taken place.")
    if session.is_cancelled:
        raise DomainError("This session was cancelled: nobody can have attended it.")
    shown = sorted(set(shown))[:1000]
    allowed = set(db.session.scalars(expected_learners(session).with_only_columns(User.id)
                                     .where(User.id.in_(shown)).order_by(None)))
    present = attended_ids(session.id, shown)
    add = sorted((attended & allowed) - present)
    remove = sorted((present - attended) & set(shown))
    for user_id in add:
        db.session.add(Attendance(session_id=session.id, user_id=user_id, recorded_by_id=by.id, recorded_at=now))
    if remove:
        db.session.execute(delete(Attendance).where(Attendance.session_id == session.id,
                                                    Attendance.user_id.in_(remove)))
    db.session.flush()
    return len(add), len(remove)


def attendance_of(user_id: int) -> list[tuple[LiveSession, Attendance]]:
    """The sessions a learner attended, oldest first. One query."""
    return [tuple(r) for r in db.session.execute(
        select(LiveSession, Attendance).join(Attendance, and_(Attendance.session_id == LiveSession.id,
                                                              Attendance.user_id == user_id))
        .order_by(LiveSession.starts_at, LiveSession.id))]


def attendance_counts(user_ids=None):
    """user id -> sessions attended; for everyone, or for the ids of a select. One grouped query."""
    stmt = select(Attendance.user_id, func.count(Attendance.id)).group_by(Attendance.user_id)
    if user_ids is not None:
        stmt = stmt.where(Attendance.user_id.in_(user_ids))
    return dict(db.session.execute(stmt).all())
