from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..core.time import utcnow
from ..core.types import UTCDateTime
from ..extensions import db


class LinkedIdentity(db.Model):
    """An account at an organisation's OpenID provider that signs in to one account here.

    Found by the provider's subject (`sub`), which never changes, not by the email address, which can.
    """

    __tablename__ = "linked_identity"
    __table_args__ = (UniqueConstraint("provider", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    provider: Mapped[str] = mapped_column(String(40))      # the short name from OIDC_PROVIDERS
    subject: Mapped[str] = mapped_column(String(255))      # the provider's `sub` claim
    email: Mapped[str] = mapped_column(String(254))        # the address the provider sent when last used
    # This sign-in created the account, whose password is random: until its owner sets one (a reset link),
    # nobody knows it, and deleting the account asks for the email address instead.
    created_account: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SsoRequirement(db.Model):
    """An admin requires sign-in through this provider for its email domains: passwords are refused there.

    A row while it is required; allowing passwords again deletes it."""

    __tablename__ = "sso_requirement"

    provider: Mapped[str] = mapped_column(String(40), primary_key=True)
    required_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Who decided (an admin); kept as "deleted user" (NULL) when that account is erased.
    required_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
