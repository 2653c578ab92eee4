from __future__ import annotations

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.time import utcnow
from ..core.types import StrEnumType, UTCDateTime
from ..core.vocabulary import Role
from ..extensions import db

__all__ = ["PRIVACY_NOTICE_VERSION", "Role", "User"]

# Raise when the privacy notice (templates/pages/privacy.html) changes materially; each account
# records the version it was shown at registration.
PRIVACY_NOTICE_VERSION = "2026-12-01"   # editions, live sessions, time zone; retention periods stated


def new_session_token() -> str:
    return secrets.token_urlsafe(16)


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
    # Part of the session identity: changing it signs the account out everywhere.
    session_token: Mapped[str] = mapped_column(String(32), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    privacy_notice_version: Mapped[str | None] = mapped_column(String(20))
    privacy_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # An IANA zone name for showing dates and times; None: the site's DEFAULT_TIME_ZONE.
    time_zone: Mapped[str | None] = mapped_column(String(64))

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"

    # flask-login -------------------------------------------------------------
    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:
        return self.active

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

    def rotate_session_token(self) -> None:
        self.session_token = new_session_token()
