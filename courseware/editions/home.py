"""What the course home shows of editions (a template global, since courses sits below editions): the
learner's edition and deadline, unread announcements, the next live sessions."""
from __future__ import annotations

from dataclasses import dataclass

from flask_login import current_user

from ..core.forms import ActionForm
from ..core.time import utcnow
from . import announcements, live_sessions
from .announcements import AnnouncementRow
from .loaders import viewer_edition
from .models import Edition, LiveSession


@dataclass(frozen=True)
class HomePanel:
    edition: Edition | None
    deadline_passed: bool
    announcements: list[AnnouncementRow]
    unread: int
    sessions: list[LiveSession]
    action_form: ActionForm


def home_panel() -> HomePanel | None:
    """For signed-in people: four queries at most, whatever the number of learners."""
    if not current_user.is_authenticated:
        return None
    now = utcnow()
    edition = viewer_edition()
    staff = current_user.is_staff
    rows, unread = ([], 0) if staff else announcements.unread_for_home(current_user, edition.id if edition else None)
    sessions = live_sessions.upcoming_for(edition.id if edition else None, now, staff=staff)
    return HomePanel(edition=edition, deadline_passed=bool(edition and edition.deadline_passed(now)),
                     announcements=rows, unread=unread, sessions=sessions, action_form=ActionForm())
