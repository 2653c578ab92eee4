"""Account operations: registration, sign-in, passwords. Used by the views and the CLI.

Functions flush but never commit; the caller owns the transaction.
"""
from __future__ import annotations

import logging

from itsdangerous import BadSignature, SignatureExpired
from sqlalchemy import select

from ..core.errors import DomainError
from ..core.outbox import queue_mail
from ..core.site import Site
from ..core.time import utcnow
from ..extensions import db
from .models import PRIVACY_NOTICE_VERSION, Role, User
from .passwords import burn_time, hash_password, needs_rehash, verify_password

log = logging.getLogger(__name__)

MIN_PASSWORD_LENGTH = 10


def normalise_email(email: str) -> str:
    return email.strip().lower()


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def check_password_rules(password: str, email: str) -> None:
    """Raise DomainError (field `password`) when the password is too weak."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(f"Use at least {MIN_PASSWORD_LENGTH} characters.", field="password")
    if normalise_email(email) and password.strip().lower() == normalise_email(email):
        raise DomainError("Your password must not be your email address.", field="password")


def create_user(*, email: str, name: str, password: str, organisation: str = "",
                role: Role = Role.LEARNER, accepted_privacy_notice: bool = False) -> User:
    """Create an account. `accepted_privacy_notice` records the notice version shown at registration."""
    email = normalise_email(email)
    if get_user_by_email(email) is not None:
        raise DomainError("An account with this email address already exists.", field="email")
    check_password_rules(password, email)
    user = User(email=email, name=name.strip(), organisation=organisation.strip(),
                password_hash=hash_password(password), role=role)
    if accepted_privacy_notice:
        user.privacy_notice_version = PRIVACY_NOTICE_VERSION
        user.privacy_accepted_at = utcnow()
    db.session.add(user)
    db.session.flush()
    log.info("account %s created with role %s", user.id, user.role)
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user whose email and password match, or None. Same work either way."""
    user = get_user_by_email(email)
    if user is None or not user.active:
        burn_time(password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


def set_password(user: User, new_password: str) -> None:
    """Set a new password and sign the account out of every other session."""
    check_password_rules(new_password, user.email)
    user.password_hash = hash_password(new_password)
    user.password_changed_at = utcnow()
    user.rotate_session_token()


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not verify_password(user.password_hash, current_password):
        raise DomainError("That is not your current password.", field="current_password")
    set_password(user, new_password)


# Password reset links ---------------------------------------------------------
# The token carries the user id and a fingerprint of the current password hash: once the
# password changes, every earlier link stops working (single use); the signature's age
# makes it expire.

RESET_SALT = "password-reset"


def _fingerprint(user: User) -> str:
    return user.password_hash[-16:]


def make_reset_token(site: Site, user: User) -> str:
    return site.timed_serializer(RESET_SALT).dumps({"uid": user.id, "fp": _fingerprint(user)})


def user_for_reset_token(site: Site, token: str) -> User:
    try:
        data = site.timed_serializer(RESET_SALT).loads(token, max_age=site.setting("PASSWORD_RESET_MAX_AGE"))
    except SignatureExpired:
        raise DomainError("This reset link has expired. Ask for a new one.") from None
    except BadSignature:
        raise DomainError("This reset link is not valid. Ask for a new one.") from None
    if not isinstance(data, dict):
        raise DomainError("This reset link is not valid. Ask for a new one.")
    user = db.session.get(User, data.get("uid")) if isinstance(data.get("uid"), int) else None
    if user is None or not user.active or data.get("fp") != _fingerprint(user):
        raise DomainError("This reset link has already been used or is no longer valid. Ask for a new one.")
    return user


def queue_reset_mail(site: Site, user: User) -> None:
    """Queue the mail with a password-reset link for `user`: asked for by the learner or sent by an admin.

    Sensitive: the live link is never written to the log and is blanked in the outbox once sent."""
    link = site.links.url("accounts.reset_password", token=make_reset_token(site, user))
    queue_mail(user.email, "Reset your password",
               f"Hello {user.name},\n\nTo choose a new password, open this link within an hour:\n\n{link}\n\n"
               "If you did not ask for this, ignore this message; your password stays as it is.\n",
               user_id=user.id, sensitive=True)
