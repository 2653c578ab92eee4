"""What the opt-out links in forum mail stop (the mechanism is core.mail.optout).

- "forum": one subscription scope (a thread, a module's forum, every forum, replies to one's own
  threads) is switched off, as the notification settings page would.
- "forum-digest": the daily forum digest stops: every forum subscription set to the daily digest
  is switched off, and what was held for the next digest is dropped.
"""
from __future__ import annotations

from flask import Flask
from sqlalchemy import update

from ..accounts.models import User
from ..core.mail.optout import OptOut, Target, register_optout
from ..core.outbox import withdraw_held
from ..core.time import utcnow
from ..core.vocabulary import MailPreference
from ..courses.content import get_course
from ..extensions import db
from . import service
from .models import SCOPE_ALL, SCOPE_OWN_THREADS, Subscription, Thread
from .notify import DIGEST, FORUM, FORUM_DIGEST

UNDO = "You can switch them on again under “Forum notifications” once signed in."


def describe_scope(scope: str, thread_titles: dict[int, str] | None = None) -> str:
    if scope == SCOPE_OWN_THREADS:
        return "Replies to threads you started"
    if scope == SCOPE_ALL:
        return "Every forum"
    kind, _, rest = scope.partition(":")
    if kind == "module":
        module = get_course().module(rest)
        return f"The forum of “{module.title}”" if module else "A forum that no longer exists"
    if kind == "thread" and rest.isdigit() and len(rest) < 12:
        title = (thread_titles or {}).get(int(rest))
        if title is None:
            thread = db.session.get(Thread, int(rest))
            title = thread.title if thread else None
        return f"The thread “{title}”" if title else "A thread that no longer exists"
    return "These notifications"


def _person(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def _describe_scope(user_id: int, scope: str) -> Target | None:
    user = _person(user_id)
    return Target(user.email, describe_scope(scope), UNDO) if user else None


def _stop_scope(user_id: int, scope: str) -> None:
    service.set_subscription(_person(user_id), scope, MailPreference.OFF)


def _describe_digest(user_id: int, _: str) -> Target | None:
    user = _person(user_id)
    return Target(user.email, "Your daily forum digest", UNDO) if user else None


def _stop_digest(user_id: int, _: str) -> None:
    db.session.execute(update(Subscription).where(
        Subscription.user_id == user_id, Subscription.mode == MailPreference.DAILY)
        .values(mode=MailPreference.OFF, updated_at=utcnow()).execution_options(synchronize_session=False))
    withdraw_held(user_id, DIGEST)


def init_app(app: Flask) -> None:
    register_optout(app, OptOut(FORUM, describe=_describe_scope, stop=_stop_scope))
    register_optout(app, OptOut(FORUM_DIGEST, describe=_describe_digest, stop=_stop_digest))
