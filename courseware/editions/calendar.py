"""Live sessions as iCalendar (RFC 5545): one session as a file, and each person's subscribed feed.

Choices that calendar programs depend on:
- Times are written in UTC (`DTSTART:20270304T130000Z`, RFC 5545 section 3.3.5, form 2). Outlook,
  Google Calendar and Apple Calendar all show UTC times in the reader's own zone, and no VTIMEZONE
  block is needed, so there is no time-zone definition for a program to misread or reject.
- Each session has one UID for its whole life, on the site's own domain (`session-12@course.example.org`),
  so a changed session replaces the copy a program holds instead of appearing twice; its SEQUENCE
  rises with every change and DTSTAMP/LAST-MODIFIED give the time of the last change.
- A cancelled session stays in the feed with STATUS:CANCELLED, so subscribed calendars remove it.
- No METHOD: a published calendar, not a meeting invitation (no organiser, no attendees, nothing
  personal: only what the learner sees on the sessions page).

Feed addresses carry a random token of 256 bits; only its SHA-256 hash is stored, so the address is
shown once, when it is made, and a leaked database holds no working address.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from icalendar import Calendar, Event
from sqlalchemy import select

from ..accounts.models import User
from ..core.site import Site
from ..extensions import db
from .models import CalendarToken, LiveSession

MIME_TYPE = "text/calendar; charset=utf-8"
REFRESH = timedelta(hours=6)


def _prodid(site: Site, course_title: str) -> str:
    return f"-//{site_domain(site)}//{course_title} live sessions//EN"


def site_domain(site: Site) -> str:
    return urlsplit(site.setting("BASE_URL")).hostname or "localhost"


def session_uid(site: Site, session: LiveSession) -> str:
    return f"session-{session.id}@{site_domain(site)}"


def _event(site: Site, session: LiveSession) -> Event:
    page = site.links.url("editions.sessions", _anchor=f"session-{session.id}")
    lines = [f"Join the session: {session.join_url}"]
    if session.recording_url:
        lines.append(f"Recording: {session.recording_url}")
    if session.slides_url:
        lines.append(f"Slides: {session.slides_url}")
    if session.edition is not None:
        lines.append(f"For the learners of {session.edition.name}.")
    lines.append(f"All live sessions: {page}")
    event = Event.new(uid=session_uid(site, session), summary=session.title, start=session.starts_at,
                      end=session.ends_at, stamp=session.updated_at, created=session.created_at,
                      last_modified=session.updated_at, sequence=session.sequence,
                      description="\n".join(lines), location=session.join_url, url=session.join_url)
    event.add("status", "CANCELLED" if session.is_cancelled else "CONFIRMED")
    return event


def _calendar(site: Site, course_title: str, uid: str, name: str, sessions: list[LiveSession]) -> bytes:
    calendar = Calendar.new(prodid=_prodid(site, course_title), uid=uid, name=name, refresh_interval=REFRESH,
                            subcomponents=[_event(site, s) for s in sessions])
    calendar.add("calscale", "GREGORIAN")
    # Outlook reads the refresh hint from this older property.
    calendar.add("x-published-ttl", "PT6H")
    return calendar.to_ical()


def session_file(site: Site, course_title: str, session: LiveSession) -> bytes:
    """One session as an .ics file."""
    return _calendar(site, course_title, f"session-{session.id}-file@{site_domain(site)}",
                     f"{course_title}: {session.title}", [session])


def feed(site: Site, course_title: str, sessions: list[LiveSession]) -> bytes:
    """A person's calendar feed: the sessions of their edition and those for everyone."""
    return _calendar(site, course_title, f"live-sessions@{site_domain(site)}", f"{course_title}: live sessions",
                     sessions)


# Feed tokens -----------------------------------------------------------------------------------

def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_of(user: User) -> CalendarToken | None:
    return db.session.get(CalendarToken, user.id)


def new_token(user: User, now: datetime) -> str:
    """Make (or replace) the person's feed token; returns the token, which is not stored anywhere."""
    token = secrets.token_urlsafe(32)
    row = db.session.get(CalendarToken, user.id)
    if row is None:
        db.session.add(CalendarToken(user_id=user.id, token_hash=_hash(token), created_at=now))
    else:
        row.token_hash, row.created_at = _hash(token), now
    db.session.flush()
    return token


def revoke_token(user: User) -> bool:
    row = db.session.get(CalendarToken, user.id)
    if row is None:
        return False
    db.session.delete(row)
    db.session.flush()
    return True


def user_for_token(token: str) -> User | None:
    """The active account a feed token belongs to, or None (unknown, revoked or malformed). One query."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(select(User).join(CalendarToken, CalendarToken.user_id == User.id)
                             .where(CalendarToken.token_hash == _hash(token), User.active.is_(True)))


def feed_url(site: Site, token: str) -> str:
    return site.links.url("editions.calendar_feed", token=token)
