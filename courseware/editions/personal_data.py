"""What the editions feature keeps about a person: their edition and moves, announcements read or
dismissed, mail settings, sessions attended, and whether they have a calendar link (never the link)."""
from __future__ import annotations

from sqlalchemy import delete, select, update

from ..core.personal_data import Erasure, PersonalData
from ..core.time import iso
from ..extensions import db
from . import live_sessions, service
from .models import (Announcement, AnnouncementReceipt, Attendance, CalendarToken, CourseMailSetting, EditionMembership,
                     EditionMove, LiveSession)


def export_editions(user) -> dict:
    membership = service.membership_of(user.id)
    edition = service.edition_of(user.id) if membership else None
    setting = db.session.get(CourseMailSetting, user.id)
    token = db.session.get(CalendarToken, user.id)
    receipts = db.session.execute(
        select(Announcement.title, Announcement.created_at, AnnouncementReceipt.read_at,
               AnnouncementReceipt.dismissed_at)
        .join(AnnouncementReceipt, AnnouncementReceipt.announcement_id == Announcement.id)
        .where(AnnouncementReceipt.user_id == user.id).order_by(Announcement.created_at, Announcement.id)).all()
    return {
        "edition": {"name": edition.name, "joined_at": iso(membership.joined_at)} if edition else None,
        "moves": [{"from": m.from_edition.name if m.from_edition else None, "to": m.to_edition.name,
                   "moved_at": iso(m.moved_at), "moved_by": m.moved_by.name if m.moved_by else None}
                  for m in service.moves_of(user.id)],
        "announcements": [{"title": title, "posted_at": iso(posted), "read_at": iso(read),
                           "dismissed_at": iso(dismissed)} for title, posted, read, dismissed in receipts],
        "mail": {"announcements": setting.announcements if setting else True,
                 "session_reminders": setting.session_reminders if setting else True},
        "sessions_attended": [{"title": s.title, "starts_at": iso(s.starts_at), "recorded_at": iso(a.recorded_at)}
                              for s, a in live_sessions.attendance_of(user.id)],
        "calendar_link": {"created_at": iso(token.created_at)} if token else None,
    }


def erase_editions(erasure: Erasure) -> None:
    """Everything about the person goes; announcements and sessions they wrote stay, without their name."""
    user_id = erasure.user.id
    for model, column in ((AnnouncementReceipt, AnnouncementReceipt.user_id), (Attendance, Attendance.user_id),
                          (CalendarToken, CalendarToken.user_id), (CourseMailSetting, CourseMailSetting.user_id),
                          (EditionMove, EditionMove.user_id), (EditionMembership, EditionMembership.user_id)):
        db.session.execute(delete(model).where(column == user_id))
    db.session.execute(update(Announcement).where(Announcement.author_id == user_id).values(author_id=None))
    db.session.execute(update(LiveSession).where(LiveSession.created_by_id == user_id).values(created_by_id=None))
    db.session.execute(update(Attendance).where(Attendance.recorded_by_id == user_id).values(recorded_by_id=None))
    db.session.execute(update(EditionMove).where(EditionMove.moved_by_id == user_id).values(moved_by_id=None))


PART = PersonalData("editions", export=export_editions, erase=erase_editions)
