"""Announcements: posting (with mail through the outbox), reading, dismissing, and the mail settings.

Functions flush but never commit. The mail for an announcement is queued in the same transaction as
the announcement itself, one message per learner with the dedupe key `announcement:<id>:<user>`:
posting it exists exactly when the announcement does, and `flask mail send` (which claims each
message before sending) delivers it once, even when two runs overlap.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import joinedload

from ..accounts.models import Role, User
from ..core.errors import DomainError
from ..core.outbox import queue_mail
from ..core.safe_markdown import render_safe
from ..core.site import Site
from ..extensions import db
from .models import Announcement, AnnouncementReceipt, CourseMailSetting, Edition, EditionMembership, reaches

log = logging.getLogger(__name__)

MAX_TITLE = 200
MAX_BODY = 20_000
HOME_LIMIT = 5


@dataclass(frozen=True)
class AnnouncementRow:
    announcement: Announcement
    author: User | None
    edition: Edition | None
    read: bool
    dismissed: bool

    @property
    def is_new(self) -> bool:
        return not (self.read or self.dismissed)


def _visible(edition_id: int | None):
    return reaches(Announcement.edition_id, edition_id)


def announcements_for(viewer: User, edition_id: int | None, *, staff: bool, limit: int = 100) -> list[AnnouncementRow]:
    """The newest announcements the viewer sees (staff: every one), with their read marks. One query."""
    stmt = (select(Announcement, User, Edition, AnnouncementReceipt.read_at, AnnouncementReceipt.dismissed_at)
            .outerjoin(User, User.id == Announcement.author_id)
            .outerjoin(Edition, Edition.id == Announcement.edition_id)
            .outerjoin(AnnouncementReceipt, and_(AnnouncementReceipt.announcement_id == Announcement.id,
                                                 AnnouncementReceipt.user_id == viewer.id)))
    if not staff:
        stmt = stmt.where(_visible(edition_id))
    stmt = stmt.order_by(Announcement.created_at.desc(), Announcement.id.desc()).limit(limit)
    return [AnnouncementRow(a, author, edition, read is not None, dismissed is not None)
            for a, author, edition, read, dismissed in db.session.execute(stmt)]


def unread_for_home(viewer: User, edition_id: int | None, limit: int = HOME_LIMIT) -> tuple[list[AnnouncementRow], int]:
    """Announcements neither read nor dismissed, newest first (at most `limit`), and how many there are
    in all. Two queries."""
    receipt = and_(AnnouncementReceipt.announcement_id == Announcement.id, AnnouncementReceipt.user_id == viewer.id)
    unread = and_(_visible(edition_id), AnnouncementReceipt.announcement_id.is_(None))
    rows = db.session.execute(
        select(Announcement, User, Edition).outerjoin(User, User.id == Announcement.author_id)
        .outerjoin(Edition, Edition.id == Announcement.edition_id)
        .outerjoin(AnnouncementReceipt, receipt).where(unread)
        .order_by(Announcement.created_at.desc(), Announcement.id.desc()).limit(limit)).all()
    total = db.session.scalar(select(func.count(Announcement.id)).outerjoin(AnnouncementReceipt, receipt)
                              .where(unread)) or 0
    return [AnnouncementRow(a, author, edition, False, False) for a, author, edition in rows], total


# Posting ---------------------------------------------------------------------------------------

def post_announcement(site: Site, author: User, title: str, body: str, edition: Edition | None,
                      now: datetime) -> tuple[Announcement, int]:
    """Post an announcement to one edition's learners (or to every learner when `edition` is None) and
    queue its mail. Returns the announcement and how many mails were queued. Raises DomainError."""
    title, body = (title or "").strip(), (body or "").strip()
    if not title:
        raise DomainError("Give the announcement a title.", field="title")
    if len(title) > MAX_TITLE:
        raise DomainError(f"Keep the title under {MAX_TITLE} characters.", field="title")
    if not body:
        raise DomainError("Write the announcement.", field="body")
    if len(body) > MAX_BODY:
        raise DomainError(f"Keep the announcement under {MAX_BODY:,} characters.", field="body")
    announcement = Announcement(edition_id=edition.id if edition else None, title=title, body=body,
                                body_html=str(render_safe(body)), author_id=author.id, created_at=now)
    db.session.add(announcement)
    db.session.flush()
    queued = queue_announcement_mail(site, announcement, edition, author)
    log.info("announcement %s posted by %s to %s; %s mails queued", announcement.id, author.id,
             f"edition {edition.id}" if edition else "everyone", queued)
    return announcement, queued


def recipients(edition_id: int | None, setting) -> list[User]:
    """Active learners in the edition (every learner when None) who have not turned this mail off."""
    stmt = (select(User).outerjoin(CourseMailSetting, CourseMailSetting.user_id == User.id)
            .where(User.role == Role.LEARNER, User.active.is_(True),
                   or_(CourseMailSetting.user_id.is_(None), setting.is_(True))))
    if edition_id is not None:
        stmt = stmt.where(User.id.in_(select(EditionMembership.user_id)
                                      .where(EditionMembership.edition_id == edition_id)))
    return list(db.session.scalars(stmt.order_by(User.id)))


def queue_announcement_mail(site: Site, announcement: Announcement, edition: Edition | None, author: User) -> int:
    link = site.links.url("editions.announcements")
    settings = site.links.url("editions.announcements", _anchor="mail-settings")
    subject = f"Announcement: {announcement.title}"
    to_whom = f"the learners of {edition.name}" if edition else "every learner of the course"
    queued = 0
    for user in recipients(announcement.edition_id, CourseMailSetting.announcements):
        body = (f"Hello {user.name},\n\n{author.name} posted an announcement for {to_whom}:\n\n"
                f"{announcement.title}\n\n{announcement.body}\n\nAll announcements: {link}\n\n"
                f"—\nYou receive this because you take part in the course. To stop announcement mail, "
                f"sign in and change your setting: {settings}\n")
        if queue_mail(user.email, subject, body, user_id=user.id,
                      dedupe_key=f"announcement:{announcement.id}:{user.id}") is not None:
            queued += 1
    return queued


# Read marks ------------------------------------------------------------------------------------

def _receipt(announcement_id: int, user_id: int) -> AnnouncementReceipt:
    receipt = db.session.get(AnnouncementReceipt, (announcement_id, user_id))
    if receipt is None:
        receipt = AnnouncementReceipt(announcement_id=announcement_id, user_id=user_id)
        db.session.add(receipt)
    return receipt


def mark_read(announcement: Announcement, user: User, now: datetime) -> None:
    receipt = _receipt(announcement.id, user.id)
    receipt.read_at = receipt.read_at or now
    db.session.flush()


def dismiss(announcement: Announcement, user: User, now: datetime) -> None:
    receipt = _receipt(announcement.id, user.id)
    receipt.dismissed_at = receipt.dismissed_at or now
    db.session.flush()


def mark_all_read(user: User, edition_id: int | None, now: datetime) -> int:
    """Mark every announcement the learner sees as read. Returns how many were new to them."""
    already = select(AnnouncementReceipt.announcement_id).where(AnnouncementReceipt.user_id == user.id)
    new_ids = list(db.session.scalars(select(Announcement.id).where(_visible(edition_id),
                                                                     Announcement.id.not_in(already))))
    for announcement_id in new_ids:
        db.session.add(AnnouncementReceipt(announcement_id=announcement_id, user_id=user.id, read_at=now))
    db.session.execute(update(AnnouncementReceipt).where(AnnouncementReceipt.user_id == user.id,
                                                         AnnouncementReceipt.read_at.is_(None))
                       .values(read_at=now).execution_options(synchronize_session=False))
    db.session.flush()
    return len(new_ids)


# Mail settings ---------------------------------------------------------------------------------

def mail_setting(user: User) -> CourseMailSetting:
    """The person's setting (a fresh, unsaved default when they never chose)."""
    return db.session.get(CourseMailSetting, user.id) or CourseMailSetting(user_id=user.id, announcements=True,
                                                                            session_reminders=True)


def set_mail_setting(user: User, *, announcements: bool, session_reminders: bool, now: datetime) -> None:
    setting = db.session.get(CourseMailSetting, user.id)
    if setting is None:
        setting = CourseMailSetting(user_id=user.id)
        db.session.add(setting)
    setting.announcements, setting.session_reminders, setting.updated_at = announcements, session_reminders, now
    db.session.flush()


def load_announcement(announcement_id: int) -> Announcement | None:
    return db.session.scalar(select(Announcement).where(Announcement.id == announcement_id)
                             .options(joinedload(Announcement.edition)))
