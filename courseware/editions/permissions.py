"""Who may do what with editions, announcements and live sessions: predicates the views enforce and
templates may consult to show only the buttons that work."""
from __future__ import annotations

from .models import Announcement, LiveSession


def can_manage_editions(user) -> bool:
    return user.is_authenticated and user.is_admin


def can_post_announcements(user) -> bool:
    return user.is_authenticated and user.is_staff


def can_manage_sessions(user) -> bool:
    """Schedule, change, cancel sessions and record attendance: tutors and admins."""
    return user.is_authenticated and user.is_staff


def can_see_announcement(user, announcement: Announcement, edition_id: int | None) -> bool:
    """Staff see every announcement; others those for everyone and those for their own edition."""
    if not user.is_authenticated:
        return False
    return user.is_staff or announcement.edition_id is None or announcement.edition_id == edition_id


def can_see_session(user, session: LiveSession, edition_id: int | None) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_staff or session.edition_id is None or session.edition_id == edition_id
