from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.time import utcnow
from ..core.types import StrEnumType, UTCDateTime
from ..core.vocabulary import Role
from ..extensions import db

__all__ = ["PRIVACY_NOTICE_VERSION", "Role", "SignInSession", "User"]

# Raise when the privacy notice (templates/pages/privacy.html) changes materially; each account
# records the version it was shown at registration.
# 2026-12-01: editions, live sessions, time zone; retention periods stated.
# 2026-12-01.2: what an organisation's OpenID provider sends when signing in with it (sso).
PRIVACY_NOTICE_VERSION = "2026-12-01.2"


class User(UserMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased, so the unique constraint is case-insensitive on every backend.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(StrEnumType(Role, 16), default=Role.LEARNER)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # When the last reset link was sent: no new one while it still works (accounts.service).
    password_reset_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the owner followed a confirmation link (or a reset link, which proves the same); None: never.
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    privacy_notice_version: Mapped[str | None] = mapped_column(String(20))
    privacy_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # An IANA zone name for showing dates and times; None: the site's DEFAULT_TIME_ZONE.
    time_zone: Mapped[str | None] = mapped_column(String(64))
    # The interface language chosen with POST /language (core.i18n.LANGUAGES); None: the browser decides.
    language: Mapped[str | None] = mapped_column(String(8))

    # The sign-in this request belongs to, and the token its cookie holds (not columns: set by
    # accounts/sessions.py when a session starts or is loaded for a request).
    sign_in = None          # SignInSession | sessions.CurrentSignIn | None
    sign_in_token = None    # str | None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"

    # flask-login -------------------------------------------------------------
    def get_id(self) -> str:
        """What the session cookie holds: the token of this sign-in's server-side record."""
        if not self.sign_in_token:
            raise RuntimeError("sign in through accounts.sessions.start(), which records the session")
        return self.sign_in_token

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    # roles: predicates for views and templates, so nobody compares role words -------------
    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

    @property
    def is_learner(self) -> bool:
        return self.role is Role.LEARNER

    @property
    def is_tutor(self) -> bool:
        return self.role is Role.TUTOR

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def is_staff(self) -> bool:
        """Tutors and admins: the people who grade and moderate."""
        return self.role.is_staff


class SignInSession(db.Model):
    """One sign-in on one device, until it is signed out, ended by its owner, or times out.

    The cookie holds a random token; the table holds only its SHA-256, so a copy of the database
    cannot be used to sign in. What the owner is shown about it is coarse on purpose (devices.py).
    """

    __tablename__ = "sign_in_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    device: Mapped[str] = mapped_column(String(60), default="")      # "Firefox on Windows"
    network: Mapped[str] = mapped_column(String(50), default="")     # "203.0.113.0/24", never the address
