"""Signing in through an organisation's OpenID provider: who the verified claims name, creating and
linking accounts. Used by the views.

A later sign-in finds the account by the provider's subject (`sub`), never by the email address, which
the organisation may change or give to someone else. A new account is made only from an address the
provider marks as verified; an existing password account is linked only once its owner has signed in
with the password (views.link_account).

Functions flush but never commit; the caller owns the transaction.
"""
from __future__ import annotations

import logging
import secrets
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..accounts import service as accounts
from ..accounts.models import User
from ..extensions import db
from .models import LinkedIdentity
from .oidc import Failure, SignInFailed
from .providers import Provider

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Identity:
    """What this site keeps from the provider's verified claims (nothing else is read)."""

    provider: str
    subject: str
    email: str
    name: str

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data) -> "Identity | None":
        try:
            return cls(**{k: str(data[k]) for k in ("provider", "subject", "email", "name")})
        except (TypeError, KeyError):
            return None


def identity_from_claims(provider: Provider, claims: dict) -> Identity:
    """The identity the claims describe; SignInFailed when the address is missing, unverified or outside the
    provider's domains."""
    email = accounts.normalise_email(str(claims.get("email") or ""))
    if not email or "@" not in email or len(email) > 254:
        raise SignInFailed(Failure.NO_EMAIL)
    if not email_verified(claims):
        raise SignInFailed(Failure.UNVERIFIED_EMAIL, email)
    if not provider.serves(email):
        raise SignInFailed(Failure.OUTSIDE_DOMAINS, email)
    name = str(claims.get("name") or " ".join(str(claims.get(k) or "") for k in ("given_name", "family_name")))
    name = " ".join(name.split()) or email.partition("@")[0]
    return Identity(provider=provider.name, subject=str(claims["sub"])[:255], email=email, name=name[:120])


def email_verified(claims: dict) -> bool:
    """Whether the provider vouches for the address: `email_verified` (OpenID Connect), or `xms_edov` (Microsoft
    Entra ID, which does not send `email_verified`: "the email domain's owner has been verified")."""
    return claims.get("email_verified") is True or claims.get("xms_edov") is True


def linked_account(provider: Provider, subject: str) -> tuple[LinkedIdentity, User] | None:
    row = db.session.execute(select(LinkedIdentity, User).join(User, User.id == LinkedIdentity.user_id)
                             .where(LinkedIdentity.provider == provider.name,
                                    LinkedIdentity.subject == str(subject)[:255])).first()
    return None if row is None else (row[0], row[1])


def record_use(link: LinkedIdentity, user: User, claims: dict, now: datetime) -> None:
    """A sign-in through `link`: note when, and the verified address the provider now sends (the account's own
    address stays as it is)."""
    link.last_used_at = now
    if claims.get("email") and email_verified(claims):
        link.email = accounts.normalise_email(str(claims["email"]))[:254]
    user.last_login_at = now


def link(user: User, identity: Identity, now: datetime, *, created_account: bool = False) -> LinkedIdentity:
    """Link `identity` to `user`; SignInFailed(STATE) when another request linked it a moment ago."""
    record = LinkedIdentity(user_id=user.id, provider=identity.provider, subject=identity.subject,
                            email=identity.email, created_at=now, last_used_at=now, created_account=created_account)
    try:
        with db.session.begin_nested():
            db.session.add(record)
    except IntegrityError:
        raise SignInFailed(Failure.STATE, "linked already") from None
    user.last_login_at = now
    log.info("account %s linked to %s", user.id, identity.provider)
    return record


def create_account(provider: Provider, identity: Identity, now: datetime) -> User:
    """A learner's account made from verified claims, the address confirmed (the provider verified it) and the
    privacy notice recorded as shown. Its password is random and known to nobody: its owner signs in through
    the provider (or asks for a reset link, where passwords are allowed). AddressTaken when the address has
    an account."""
    user = accounts.create_user(email=identity.email, name=identity.name, password=secrets.token_urlsafe(32),
                                organisation=provider.organisation, accepted_privacy_notice=True,
                                email_confirmed=True)
    user.password_changed_at = now     # later than this: its owner has chosen a password
    link(user, identity, now, created_account=True)
    return user


def knows_no_password(user: User) -> bool:
    """Whether the account's password is the random one an SSO sign-in gave it, never changed since."""
    return db.session.scalar(select(LinkedIdentity.id).where(
        LinkedIdentity.user_id == user.id, LinkedIdentity.created_account.is_(True),
        LinkedIdentity.created_at >= user.password_changed_at).limit(1)) is not None


def linked_identities(user: User) -> list[LinkedIdentity]:
    return list(db.session.scalars(select(LinkedIdentity).where(LinkedIdentity.user_id == user.id)
                                   .order_by(LinkedIdentity.id)))
