"""Load-and-authorise helpers for the views: each answers 404 where the viewer may not see the thing."""
from __future__ import annotations

from flask import abort, g
from flask_login import current_user

from ..accounts.models import User
from ..extensions import db
from . import announcements, live_sessions, service
from .models import Announcement, Edition, LiveSession
from .permissions import can_see_announcement, can_see_session


def viewer_edition() -> Edition | None:
    """The signed-in learner's edition (None for staff and for learners in no edition); once per request."""
    if "viewer_edition" not in g:
        g.viewer_edition = (service.edition_of(current_user.id)
                            if current_user.is_authenticated and current_user.is_learner else None)
    return g.viewer_edition


def viewer_edition_id() -> int | None:
    edition = viewer_edition()
    return edition.id if edition else None


def get_edition_or_404(edition_id: int) -> Edition:
    edition = db.session.get(Edition, edition_id)
    if edition is None:
        abort(404)
    return edition


def get_learner_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or not user.is_learner:
        abort(404)
    return user


def get_session_or_404(session_id: int) -> LiveSession:
    session = live_sessions.load_session(session_id)
    if session is None or not can_see_session(current_user, session, viewer_edition_id()):
        abort(404)
    return session


def get_announcement_or_404(announcement_id: int) -> Announcement:
    announcement = announcements.load_announcement(announcement_id)
    if announcement is None or not can_see_announcement(current_user, announcement, viewer_edition_id()):
        abort(404)
    return announcement
