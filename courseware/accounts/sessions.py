"""Sign-in sessions kept on the server: what makes signing out, and ending a session elsewhere, real.

The signed session cookie holds only a random token. Each request looks it up (one query that also
loads the user); a sign-in whose record is gone, that has been idle longer than SESSION_IDLE_MINUTES or
that is older than SESSION_LIFETIME_HOURS opens nothing, whatever cookie is presented. So a cookie
copied before signing out is worthless afterwards.

Functions flush but never commit; the caller owns the transaction.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, inspect, or_, select, update
from sqlalchemy.orm import make_transient_to_detached

from ..core.site import Site
from ..extensions import db
from .devices import describe_device, network_of
from .models import SignInSession, User

# last_seen_at is written at most this often per session, not on every request: the idle timeout is
# exact to within this much, and a busy page costs no write.
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class Policy:
    idle: timedelta          # signed out after this long without a request
    lifetime: timedelta      # and this long after signing in, however busy

    @classmethod
    def of(cls, site: Site) -> "Policy":
        return cls(idle=timedelta(minutes=site.setting("SESSION_IDLE_MINUTES")),
                   lifetime=timedelta(hours=site.setting("SESSION_LIFETIME_HOURS")))

    def alive(self, now: datetime):
        """The SQL condition for a session that has not timed out at `now`."""
        return (SignInSession.last_seen_at > now - self.idle) & (SignInSession.created_at > now - self.lifetime)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start(user: User, *, user_agent: str | None, address: str | None, now: datetime, policy: Policy) -> str:
    """Record a new sign-in for `user`; returns the token for the cookie (also set as user.sign_in_token).
    Sessions that have timed out, anyone's, are deleted at the same time."""
    db.session.execute(delete(SignInSession).where(or_(SignInSession.last_seen_at <= now - policy.idle,
                                                       SignInSession.created_at <= now - policy.lifetime)))
    token = secrets.token_urlsafe(32)
    record = SignInSession(user_id=user.id, token_hash=_digest(token), created_at=now, last_seen_at=now,
                           device=describe_device(user_agent), network=network_of(address))
    db.session.add(record)
    db.session.flush()
    user.sign_in, user.sign_in_token = record, token
    return token


@dataclass(frozen=True)
class CurrentSignIn:
    """What a request needs of its own sign-in record (user.sign_in): which one, and its times."""
    id: int
    created_at: datetime
    last_seen_at: datetime


def _load_statement():
    """The per-request lookup, built once: a Core SELECT of the user's columns joined to the live session
    whose token hash is given. Built once, its SQL and cache key are too; Core rows skip the ORM's
    per-query work (entity loading, identity-map bookkeeping), which was most of the cost of every page
    before its own work (bench/README: the authenticated floor)."""
    users, records = User.__table__, SignInSession.__table__
    columns = [(attr.key, attr.columns[0]) for attr in inspect(User).column_attrs]
    statement = (select(*[column.label(f"u_{key}") for key, column in columns],
                        records.c.id.label("s_id"), records.c.created_at.label("s_created_at"),
                        records.c.last_seen_at.label("s_last_seen_at"))
                 .select_from(users.join(records, records.c.user_id == users.c.id))
                 .where(records.c.token_hash == bindparam("digest"), users.c.active.is_(True),
                        records.c.last_seen_at > bindparam("idle_after"),
                        records.c.created_at > bindparam("born_after")))
    return statement, [key for key, _ in columns]


_LOAD: tuple | None = None


def load(token: str, now: datetime, policy: Policy) -> User | None:
    """The active user whose live session `token` names, with user.sign_in set; one query.

    Every time: a session ended or a role changed on another worker shows on the next request anywhere.
    The user comes back attached to the request's database session (changes to it are saved on commit),
    as if the ORM had loaded it."""
    global _LOAD
    if not token or len(token) > 100:
        return None
    if _LOAD is None:
        _LOAD = _load_statement()
    statement, keys = _LOAD
    row = db.session.connection().execute(statement, {"digest": _digest(token), "idle_after": now - policy.idle,
                                                      "born_after": now - policy.lifetime}).first()
    if row is None:
        return None
    values = row._mapping
    identity = db.session.identity_map.get((User, (values["u_id"],), None))
    if identity is not None:                 # already loaded in this database session: the ORM would reuse it
        user = identity
    else:
        user = User(**{key: values[f"u_{key}"] for key in keys})
        make_transient_to_detached(user)     # as if loaded: nothing to write back
        db.session.add(user)
    user.sign_in = CurrentSignIn(values["s_id"], values["s_created_at"], values["s_last_seen_at"])
    user.sign_in_token = token
    return user


def needs_touch(record: SignInSession | CurrentSignIn, now: datetime) -> bool:
    return now - record.last_seen_at >= TOUCH_EVERY


def touch(session_id: int, now: datetime) -> None:
    """Note that the session was used at `now` (its idle timeout counts from here)."""
    db.session.execute(update(SignInSession).where(SignInSession.id == session_id, SignInSession.last_seen_at < now)
                       .values(last_seen_at=now))


def end(record: SignInSession | CurrentSignIn | None) -> None:
    """Sign this session out: its cookie opens nothing any more."""
    if record is not None:
        db.session.execute(delete(SignInSession).where(SignInSession.id == record.id))


def end_one(user: User, session_id: int) -> bool:
    """End one of `user`'s sessions; False when they have no such session."""
    result = db.session.execute(delete(SignInSession).where(SignInSession.id == session_id,
                                                            SignInSession.user_id == user.id))
    return result.rowcount == 1


def end_all(user: User) -> int:
    """Sign `user` out everywhere (after a password change, on request, when deactivated)."""
    return db.session.execute(delete(SignInSession).where(SignInSession.user_id == user.id)).rowcount


def active(user: User, now: datetime, policy: Policy) -> list[SignInSession]:
    """The user's live sessions, most recently used first."""
    return list(db.session.scalars(select(SignInSession).where(SignInSession.user_id == user.id, policy.alive(now))
                                   .order_by(SignInSession.last_seen_at.desc(), SignInSession.id.desc())))
