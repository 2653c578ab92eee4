"""Account operations: registration, sign-in, passwords. Used by the views and the CLI.

Functions flush but never commit; the caller owns the transaction.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from itsdangerous import BadSignature, SignatureExpired
from limits.storage import Storage
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from flask_babel import gettext as _

from ..core.i18n import in_language_of
from ..core.errors import DomainError
from ..core.outbox import queue_mail
from ..core.site import Site
from ..core.time import utcnow
from ..extensions import db
from . import sessions
from .models import PRIVACY_NOTICE_VERSION, Role, User
from .passwords import burn_time, hash_password, needs_rehash, verify_password

log = logging.getLogger(__name__)

MIN_PASSWORD_LENGTH = 10


def normalise_email(email: str) -> str:
    return email.strip().lower()


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def is_last_active_admin(user: User) -> bool:
    """Whether `user` is the only active admin: the platform must keep one, so that account may not be
    demoted, deactivated or erased."""
    if not user.is_admin or not user.active:
        return False
    # Lock the admin rows (PostgreSQL; SQLite writes one at a time anyway), so two admins demoting
    # or erasing each other at once cannot both pass this check.
    admins = db.session.scalars(select(User.id).where(User.role == Role.ADMIN, User.active.is_(True))
                                .with_for_update()).all()
    return set(admins) <= {user.id}


def check_password_rules(password: str, email: str) -> None:
    """Raise DomainError (field `password`) when the password is too weak."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(f"Use at least {MIN_PASSWORD_LENGTH} characters.", field="password")
    if normalise_email(email) and password.strip().lower() == normalise_email(email):
        raise DomainError("Your password must not be your email address.", field="password")


class AddressTaken(DomainError):
    """An account with this email address exists (said only where that may be said: the CLI, admins)."""


def create_user(*, email: str, name: str, password: str, organisation: str = "",
                role: Role = Role.LEARNER, accepted_privacy_notice: bool = False,
                email_confirmed: bool = False) -> User:
    """Create an account. `accepted_privacy_notice` records the notice version shown at registration;
    `email_confirmed` is for accounts an operator creates, whose address they vouch for."""
    email = normalise_email(email)
    if get_user_by_email(email) is not None:
        raise AddressTaken("An account with this email address already exists.", field="email")
    check_password_rules(password, email)
    now = utcnow()
    user = User(email=email, name=name.strip(), organisation=organisation.strip(),
                password_hash=hash_password(password), role=role, email_confirmed_at=now if email_confirmed else None)
    if accepted_privacy_notice:
        user.privacy_notice_version = PRIVACY_NOTICE_VERSION
        user.privacy_accepted_at = now
    try:
        with db.session.begin_nested():   # the same address registered at the same moment by another request
            db.session.add(user)
    except IntegrityError:
        raise AddressTaken("An account with this email address already exists.", field="email") from None
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
    """Set a new password and sign the account out everywhere (the caller may sign this device in again)."""
    check_password_rules(new_password, user.email)
    user.password_hash = hash_password(new_password)
    user.password_changed_at = utcnow()
    sessions.end_all(user)


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


def queue_reset_mail(site: Site, user: User, now: datetime | None = None) -> None:
    """Queue the mail with a password-reset link for `user`: asked for by the learner or sent by an admin.

    Sensitive: the live link is never written to the log and is blanked in the outbox once sent."""
    user.password_reset_sent_at = now or utcnow()
    link = site.links.url("accounts.reset_password", token=make_reset_token(site, user))
    with in_language_of(user):
        queue_mail(user.email, _("Reset your password"),
                   _("Hello %(name)s,", name=user.name) + "\n\n"
                   + _("To choose a new password, open this link within an hour:") + f"\n\n{link}\n\n"
                   + _("If you did not ask for this, ignore this message; your password stays as it is.") + "\n",
                   user_id=user.id, sensitive=True)


# Asking for a reset link ------------------------------------------------------------------
# The request page answers the same, at once, for every address; the work happens after the answer has
# gone out (see views.request_reset), so its duration tells nothing either. A person gets no new link while
# the last one still works, and at most RESET_MAILS_PER_DAY a day however often they ask.

RESET_MAILS_PER_DAY = 5


def reset_link_still_valid(site: Site, user: User, now: datetime) -> bool:
    """Whether the last link sent to `user` would still work: not expired, and the password unchanged."""
    sent = user.password_reset_sent_at
    return (sent is not None and now - sent < timedelta(seconds=site.setting("PASSWORD_RESET_MAX_AGE"))
            and user.password_changed_at <= sent)


def request_password_reset(site: Site, counter: Storage, email: str, now: datetime) -> bool:
    """Send a reset link to the owner of `email` if the rules allow; True when a mail was queued."""
    user = get_user_by_email(email)
    if user is None or not user.active or reset_link_still_valid(site, user, now):
        return False
    if counter.incr(f"reset-mail/{user.id}", 24 * 60 * 60) > RESET_MAILS_PER_DAY:
        log.info("no reset mail for account %s: %s sent today already", user.id, RESET_MAILS_PER_DAY)
        return False
    queue_reset_mail(site, user, now)
    return True


def alert_owner(site: Site, email: str, network: str, window_end: int) -> None:
    """Tell the owner of `email`, if there is one, that someone keeps trying wrong passwords on their
    account. `window_end` names the counting window, so the owner hears of it once per window."""
    user = get_user_by_email(email)
    if user is None or not user.active:
        return
    reset = site.links.url("accounts.request_reset")
    queue_mail(user.email, "Someone is trying to sign in to your account",
               f"Hello {user.name},\n\n"
               "Within the last 15 minutes, someone has tried 10 times to sign in to your account on "
               f"{site.links.url('courses.home')} with a wrong password. The latest attempt came from {network}.\n\n"
               "Your account is not locked: you can still sign in as usual. An address that keeps trying is "
               "refused for your account for 15 minutes.\n\n"
               "If these attempts were yours, there is nothing to do. If they were not, make sure your password "
               "is long and used nowhere else; you can choose a new one here:\n\n"
               f"{reset}\n",
               user_id=user.id, dedupe_key=f"sign-in-alert:{user.id}:{window_end}")
