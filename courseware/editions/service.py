"""Editions: creating and changing them, who belongs to which, and moving learners between them.

Functions flush but never commit; the caller owns the transaction. They take the time (`now`) and,
where dates are typed, the time zone they were typed in.

A platform with no edition behaves as one open, undated edition: nobody is a member of anything, no
deadline applies, and announcements and sessions "for everyone" reach everyone.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, insert, select

from ..accounts.models import Role, User
from ..core import timezones
from ..core.errors import DomainError
from ..extensions import db
from .models import Edition, EditionMembership, EditionMove

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EditionDates:
    """An edition's dates as typed (days), before they become moments in a time zone."""

    registration_opens: date | None = None
    registration_closes: date | None = None
    starts_on: date | None = None
    certification_deadline: date | None = None


# Reading ---------------------------------------------------------------------------------------

def all_editions() -> list[Edition]:
    """Every edition, newest start first (undated ones last, by creation)."""
    editions = list(db.session.scalars(select(Edition).order_by(Edition.id)))
    return sorted(editions, key=lambda e: (e.starts_at is None, -(e.starts_at.timestamp() if e.starts_at else 0),
                                           -e.id))


def open_edition(now: datetime, editions: list[Edition] | None = None) -> Edition | None:
    """The edition a learner registering now joins: of those open for registration, the one that starts
    last (the newest run); None when no edition is open."""
    candidates = [e for e in (editions if editions is not None else all_editions())
                  if e.is_open_for_registration(now)]
    return candidates[0] if candidates else None


def edition_of(user_id: int) -> Edition | None:
    """The edition a person belongs to, or None (staff, or a learner in no edition). One query."""
    return db.session.scalar(select(Edition).join(EditionMembership, EditionMembership.edition_id == Edition.id)
                             .where(EditionMembership.user_id == user_id))


def membership_of(user_id: int) -> EditionMembership | None:
    return db.session.get(EditionMembership, user_id)


def next_edition(after: Edition | None, now: datetime) -> Edition | None:
    """The edition to suggest to a learner whose deadline has passed: one still open for registration, or
    else one that starts later than theirs; None when no such edition is planned yet."""
    editions = [e for e in all_editions() if after is None or e.id != after.id]
    opened = open_edition(now, editions)
    if opened is not None:
        return opened
    later = [e for e in editions if e.starts_at is not None and e.starts_at > now]
    return min(later, key=lambda e: e.starts_at) if later else None


def member_counts() -> dict[int, int]:
    """edition id -> learners in it; one grouped query."""
    return dict(db.session.execute(select(EditionMembership.edition_id, func.count(EditionMembership.user_id))
                                   .group_by(EditionMembership.edition_id)).all())


def learners_without_edition() -> int:
    return db.session.scalar(select(func.count(User.id)).where(
        User.role == Role.LEARNER, User.id.not_in(select(EditionMembership.user_id)))) or 0


def moves_of(user_id: int) -> list[EditionMove]:
    """The learner's moves, oldest first, with the editions and who moved them (one query)."""
    from sqlalchemy.orm import joinedload

    return list(db.session.scalars(
        select(EditionMove).where(EditionMove.user_id == user_id).order_by(EditionMove.moved_at, EditionMove.id)
        .options(joinedload(EditionMove.from_edition), joinedload(EditionMove.to_edition),
                 joinedload(EditionMove.moved_by))))


# Creating and changing editions ----------------------------------------------------------------

def _check(name: str, dates: EditionDates, editing: Edition | None) -> str:
    name = (name or "").strip()
    if not name:
        raise DomainError("Enter the edition's name, for example “Spring 2027”.", field="name")
    if len(name) > 120:
        raise DomainError("Keep the name under 120 characters.", field="name")
    same = db.session.scalar(select(Edition.id).where(func.lower(Edition.name) == name.lower()))
    if same is not None and (editing is None or same != editing.id):
        raise DomainError("Another edition already has this name. Choose a different one.", field="name")
    if dates.registration_opens and dates.registration_closes and dates.registration_closes < dates.registration_opens:
        raise DomainError("Registration must close on or after the day it opens.", field="registration_closes")
    if dates.starts_on and dates.certification_deadline and dates.certification_deadline < dates.starts_on:
        raise DomainError("The certification deadline must be on or after the start date.",
                          field="certification_deadline")
    return name


def _apply(edition: Edition, name: str, dates: EditionDates, zone_name: str, now: datetime) -> None:
    def opening(day):
        return timezones.start_of_day(day, zone_name) if day else None

    def closing(day):
        return timezones.end_of_day(day, zone_name) if day else None

    edition.name = name
    edition.registration_opens_at = opening(dates.registration_opens)
    edition.registration_closes_at = closing(dates.registration_closes)
    edition.starts_at = opening(dates.starts_on)
    edition.certification_deadline_at = closing(dates.certification_deadline)
    edition.updated_at = now


def create_edition(name: str, dates: EditionDates, *, zone_name: str, now: datetime) -> Edition:
    """A new edition; its days are read in the time zone `zone_name` (the admin's). Raises DomainError."""
    name = _check(name, dates, None)
    edition = Edition(created_at=now)
    _apply(edition, name, dates, zone_name, now)
    db.session.add(edition)
    db.session.flush()
    log.info("edition %s (%s) created", edition.id, edition.name)
    return edition


def update_edition(edition: Edition, name: str, dates: EditionDates, *, zone_name: str, now: datetime) -> None:
    """Change an edition's name and dates. Its learners, and everything they did, stay as they are."""
    name = _check(name, dates, edition)
    _apply(edition, name, dates, zone_name, now)
    db.session.flush()


def dates_of(edition: Edition, zone_name: str) -> EditionDates:
    """The days an edition's moments name in a time zone (to fill in the form again)."""
    return EditionDates(
        registration_opens=timezones.day_of(edition.registration_opens_at, zone_name),
        registration_closes=timezones.day_of(edition.registration_closes_at, zone_name, end=True),
        starts_on=timezones.day_of(edition.starts_at, zone_name),
        certification_deadline=timezones.day_of(edition.certification_deadline_at, zone_name, end=True))


# Membership ------------------------------------------------------------------------------------

def join_open_edition(user: User, now: datetime) -> Edition | None:
    """At registration: a learner joins the edition open for registration, if there is one."""
    if not user.is_learner:
        return None
    edition = open_edition(now)
    if edition is None:
        return None
    db.session.add(EditionMembership(user_id=user.id, edition_id=edition.id, joined_at=now))
    db.session.flush()
    return edition


def move_learner(learner: User, to: Edition, *, by: User, now: datetime) -> EditionMove:
    """Put a learner into another edition, recording who did it and when. Their progress, posts,
    submissions, grades and certificate are theirs, not the edition's: nothing else changes."""
    if not learner.is_learner:
        raise DomainError("Only learners belong to editions.")
    membership = db.session.get(EditionMembership, learner.id)
    if membership is not None and membership.edition_id == to.id:
        raise DomainError(f"{learner.name} is already in {to.name}.", field="edition")
    move = EditionMove(user_id=learner.id, from_edition_id=membership.edition_id if membership else None,
                       to_edition_id=to.id, moved_by_id=by.id, moved_at=now)
    if membership is None:
        db.session.add(EditionMembership(user_id=learner.id, edition_id=to.id, joined_at=now))
    else:
        membership.edition_id, membership.joined_at = to.id, now
    db.session.add(move)
    db.session.flush()
    log.info("learner %s moved to edition %s by %s", learner.id, to.id, by.id)
    return move


def adopt_learners_without_edition(edition: Edition, *, by: User, now: datetime) -> int:
    """Put every learner who is in no edition into `edition` (each recorded as a move). Two statements
    whatever the number of learners. Returns how many joined."""
    unplaced = select(User.id).where(User.role == Role.LEARNER, User.id.not_in(select(EditionMembership.user_id)))
    ids = list(db.session.scalars(unplaced))
    if not ids:
        return 0
    for start in range(0, len(ids), 1000):
        batch = ids[start:start + 1000]
        db.session.execute(insert(EditionMove), [
            {"user_id": i, "from_edition_id": None, "to_edition_id": edition.id, "moved_by_id": by.id,
             "moved_at": now} for i in batch])
        db.session.execute(insert(EditionMembership), [
            {"user_id": i, "edition_id": edition.id, "joined_at": now} for i in batch])
    log.info("%s learners without an edition joined edition %s (by %s)", len(ids), edition.id, by.id)
    return len(ids)


# The certification deadline, for the assignments and certificates views ------------------------

@dataclass(frozen=True)
class Terms:
    """What a learner's edition means for submitting and claiming now."""

    edition: Edition | None
    passed: bool                    # the certification deadline has passed
    next_edition: Edition | None    # where to ask to go when it has

    @property
    def deadline(self) -> datetime | None:
        return self.edition.certification_deadline_at if self.edition else None


def terms_of(user_id: int, now: datetime) -> Terms:
    """One query, and one more only when the deadline has passed."""
    edition = edition_of(user_id)
    passed = bool(edition and edition.deadline_passed(now))
    return Terms(edition, passed, next_edition(edition, now) if passed else None)
