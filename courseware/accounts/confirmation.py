"""Email confirmation (SPEC section 4: an operator option, EMAIL_CONFIRMATION, off by default).

With it on, registration never tells who is enrolled: a new address gets an account and a signed link
that expires after EMAIL_CONFIRMATION_MAX_AGE seconds; a known address gets a mail to its owner instead,
and both are answered alike, after the same work (a password hash and a queued mail). Until the link is
followed, the account can read everything but not post, submit or claim (access.py).

With it off, registration signs the new learner in at once, as SPEC section 4 says, so a known address
cannot be answered the same way: the form says only that this address cannot be used and points to
signing in and resetting the password, and the owner is told by mail (once a day), so that probing
does not go unnoticed. Operators who must not reveal who is enrolled turn the option on.

Functions flush but never commit; the caller owns the transaction.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from itsdangerous import BadSignature, SignatureExpired

from flask_babel import gettext as _

from ..core.i18n import in_language_of
from ..core.errors import DomainError
from ..core.outbox import queue_mail
from ..core.site import Site
from ..extensions import db
from . import service
from .models import User
from .passwords import hash_password

SALT = "email-confirmation"
KNOWN_ADDRESS = ("You cannot create an account with this address. If it is yours, sign in or reset your "
                 "password instead.")


@dataclass(frozen=True)
class Registration:
    user: User | None        # the new account; None when the address was already registered


def register(site: Site, *, email: str, name: str, organisation: str, password: str, now: datetime) -> Registration:
    """Create a learner's account, or tell the owner of a known address; see the module's docstring."""
    existing = service.get_user_by_email(email)
    if existing is None:
        try:
            user = service.create_user(email=email, name=name, organisation=organisation, password=password,
                                       accepted_privacy_notice=True)
        except service.AddressTaken:
            existing = service.get_user_by_email(email)   # registered a moment ago, by a request of its own
        else:
            if site.setting("EMAIL_CONFIRMATION"):
                queue_confirmation_mail(site, user)
            return Registration(user)
    service.check_password_rules(password, email)
    hash_password(password)   # the work a new account costs, so both answers take as long
    if existing is not None:
        _tell_owner(site, existing, now)
    return Registration(None)


def _tell_owner(site: Site, user: User, now: datetime) -> None:
    with in_language_of(user):
        queue_mail(user.email, _("Someone tried to create an account with your address"),
                   _("Hello %(name)s,", name=user.name) + "\n\n"
                   + _("Someone, perhaps you, tried to create a new account on %(site)s with this email address. You "
                       "already have an account, so no new one was made.", site=site.links.url("courses.home")) + "\n\n"
                   + _("To sign in: %(url)s", url=site.links.url("accounts.login")) + "\n"
                   + _("If you have forgotten your password: %(url)s", url=site.links.url("accounts.request_reset"))
                   + "\n\n" + _("If it was not you, ignore this message: nothing has changed.") + "\n",
                   user_id=user.id, dedupe_key=f"known-address:{user.id}:{now.date().isoformat()}")


def make_token(site: Site, user: User) -> str:
    return site.timed_serializer(SALT).dumps({"uid": user.id, "email": user.email})


def queue_confirmation_mail(site: Site, user: User) -> None:
    """In the language of the account (core.i18n.in_language_of), whatever the request's."""
    hours = site.setting("EMAIL_CONFIRMATION_MAX_AGE") // 3600
    link = site.links.url("accounts.confirm_email", token=make_token(site, user))
    with in_language_of(user):
        queue_mail(user.email, _("Confirm your email address"),
                   _("Hello %(name)s,", name=user.name) + "\n\n"
                   + _("To confirm that this address is yours, open this link within %(hours)s hours and press the "
                       "button on the page:", hours=hours) + f"\n\n{link}\n\n"
                   + _("Until then you can read the course, but not post in the forums, submit assignments or claim "
                       "your certificate.") + "\n\n"
                   + _("If you did not create an account, ignore this message.") + "\n",
                   user_id=user.id)


def user_for_token(site: Site, token: str) -> User:
    """The account a confirmation link names; DomainError when it is forged, expired or outdated."""
    try:
        data = site.timed_serializer(SALT).loads(token, max_age=site.setting("EMAIL_CONFIRMATION_MAX_AGE"))
    except SignatureExpired:
        raise DomainError("This confirmation link has expired. Sign in and ask for a new one.") from None
    except BadSignature:
        raise DomainError("This confirmation link is not valid. Sign in and ask for a new one.") from None
    user = db.session.get(User, data["uid"]) if isinstance(data, dict) and isinstance(data.get("uid"), int) else None
    if user is None or not user.active or data.get("email") != user.email:
        raise DomainError("This confirmation link is no longer valid. Sign in and ask for a new one.")
    return user


def confirm(user: User, now: datetime) -> bool:
    """Mark the address as confirmed; False when it already was."""
    if user.email_confirmed_at is not None:
        return False
    user.email_confirmed_at = now
    return True
