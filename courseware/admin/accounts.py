"""Account administration: change a role, deactivate, reactivate, send a reset link.

Functions flush but never commit; the view owns the transaction. Each change is recorded as an
AccountEvent. The platform always keeps at least one active admin.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import aliased

from ..accounts import service as accounts
from ..accounts.models import Role, User
from ..accounts.sessions import end_all as end_all_sessions
from ..core.errors import DomainError
from ..core.site import Site
from flask_sqlalchemy.pagination import Pagination

from ..core.pagination import paginate
from ..core.search import clean_search, escape_like
from ..extensions import db
from .models import DEACTIVATED, REACTIVATED, RESET_SENT, ROLE_CHANGED, AccountEvent

log = logging.getLogger(__name__)

LAST_ADMIN = ("This is the last active admin account: make another account an admin first, "
              "so that someone can still manage the platform.")


def _record(actor: User, subject: User, action: str, detail: str = "") -> None:
    db.session.add(AccountEvent(actor_id=actor.id, subject_id=subject.id, action=action, detail=detail))
    log.info("admin %s: %s on account %s %s", actor.id, action, subject.id, detail)


def change_role(actor: User, user: User, role: Role) -> bool:
    """Give `user` the role. Returns False when it already had it."""
    if user.role is role:
        return False
    if accounts.is_last_active_admin(user):
        raise DomainError(LAST_ADMIN, field="role")
    before = user.role.label
    user.role = role
    _record(actor, user, ROLE_CHANGED, f"{before} → {role.label}")
    return True


def deactivate(actor: User, user: User) -> bool:
    """Refuse sign-in and end every session of `user`. Returns False when already deactivated."""
    if user.id == actor.id:
        raise DomainError("You cannot deactivate your own account.")
    if not user.active:
        return False
    if accounts.is_last_active_admin(user):
        raise DomainError(LAST_ADMIN)
    user.active = False
    end_all_sessions(user)   # signed out everywhere, at once
    _record(actor, user, DEACTIVATED)
    return True


def reactivate(actor: User, user: User) -> bool:
    if user.active:
        return False
    user.active = True
    _record(actor, user, REACTIVATED)
    return True


def send_reset_link(site: Site, actor: User, user: User) -> None:
    if not user.active:
        raise DomainError("This account is deactivated: reactivate it first, or the link would not work.")
    accounts.queue_reset_mail(site, user)
    _record(actor, user, RESET_SENT)


# Reading ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class EventRow:
    event: AccountEvent
    actor: str | None
    subject: str | None
    subject_id: int | None


def recent_events(limit: int = 30) -> list[EventRow]:
    """The newest account events with both names, in one query."""
    actor, subject = aliased(User), aliased(User)
    rows = db.session.execute(
        select(AccountEvent, actor.name, subject.name)
        .outerjoin(actor, actor.id == AccountEvent.actor_id)
        .outerjoin(subject, subject.id == AccountEvent.subject_id)
        .order_by(AccountEvent.created_at.desc(), AccountEvent.id.desc()).limit(limit))
    return [EventRow(e, a, s, e.subject_id) for e, a, s in rows]


def search_users(search: str, role: str, number: int, per_page: int) -> Pagination | None:
    """One page of the accounts matching `search` (taken literally) and `role` (empty: any), by name;
    None when `number` is past the last page."""
    stmt = select(User)
    search = clean_search(search)
    if search:
        pattern = f"%{escape_like(search)}%"
        stmt = stmt.where(or_(User.name.ilike(pattern, escape="\\"), User.email.ilike(pattern, escape="\\"),
                              User.organisation.ilike(pattern, escape="\\")))
    if role:
        stmt = stmt.where(User.role == role)
    return paginate(stmt.order_by(User.name, User.id), number, per_page)
