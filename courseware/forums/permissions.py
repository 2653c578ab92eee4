"""Who may do what in the forums: small predicates, used by views (to enforce) and templates
(to show only the buttons that work)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ..accounts.models import User
from ..core.time import utcnow
from .models import EDIT_WINDOW_MINUTES, Post, Thread


def can_moderate(user: User) -> bool:
    """Tutors and admins pin, lock, hide and restore."""
    return bool(user and user.is_authenticated and user.is_staff)


def can_reply(user: User, thread: Thread) -> bool:
    """Nobody replies in a locked thread; a tutor unlocks it first."""
    return bool(user and user.is_authenticated) and not thread.locked


def can_see_post_text(user: User, post: Post) -> bool:
    """Deleted text is shown to nobody; hidden text only to its author (who sees why) and tutors."""
    if post.is_deleted:
        return False
    if post.is_hidden:
        return post.author_id == user.id or can_moderate(user)
    return True


def is_own(user: User, post: Post) -> bool:
    return post.author_id is not None and post.author_id == user.id


def can_edit_post(user: User, post: Post, now: datetime | None = None) -> bool:
    """Authors edit their own visible posts for EDIT_WINDOW_MINUTES after posting, unless locked."""
    if not is_own(user, post) or not post.is_visible or post.thread.locked:
        return False
    return (now or utcnow()) - post.created_at <= timedelta(minutes=EDIT_WINDOW_MINUTES)


def can_delete_post(user: User, post: Post) -> bool:
    return is_own(user, post) and not post.is_deleted


def can_report_post(user: User, post: Post) -> bool:
    """Anyone but the author may report a visible post; tutors hide instead."""
    return post.is_visible and not is_own(user, post) and not can_moderate(user) and not post.by_course_team


def can_quote_post(user: User, post: Post, thread: Thread) -> bool:
    return post.is_visible and can_reply(user, thread)


@dataclass(frozen=True)
class PostActions:
    """The predicates above for one post and one viewer, worked out once so a page of posts need not call
    them from the template (each call there went through the current_user proxy)."""
    see_text: bool
    quote: bool
    edit: bool
    delete: bool
    report: bool


def post_actions(user: User, post: Post, thread: Thread, now: datetime) -> PostActions:
    return PostActions(see_text=can_see_post_text(user, post), quote=can_quote_post(user, post, thread),
                       edit=can_edit_post(user, post, now), delete=can_delete_post(user, post),
                       report=can_report_post(user, post))
