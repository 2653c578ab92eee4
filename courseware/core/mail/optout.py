"""One opt-out mechanism for every kind of notification mail.

A link names a person, a kind of mail and what to stop ("forum", "module:basics"), signed with the
site's secret and never expiring: a link in an old mail must still work. It answers a person's
click (GET: a page with a confirm button; a GET never changes anything, so a link checker or a
mail scanner opening it stops nothing) and the one-click POST a mail program sends for
`List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058), without sign-in or CSRF token.

Core knows no feature: each feature registers an `OptOut` for its kinds (in its init_app), saying
whom a link names and what "stop" means for its mail.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask import Flask
from itsdangerous import BadSignature

from ..site import Site

SALT = "mail-unsubscribe"
EXTENSION = "courseware.mail_optouts"


@dataclass(frozen=True)
class Target:
    """What a link stops, as the confirmation page says it."""

    email: str          # whose mail
    what: str           # "Replies to threads you started"
    undo: str           # how to switch it on again, one sentence


@dataclass(frozen=True)
class OptOut:
    kind: str
    # (user id, what) -> the target, or None when the person or the thing is gone (the link is then a 404).
    describe: Callable[[int, str], Target | None]
    # (user id, what) -> switch that mail off. Flushes, never commits; doing it twice changes nothing.
    stop: Callable[[int, str], None]


@dataclass(frozen=True)
class Link:
    user_id: int
    kind: str
    what: str


def register_optout(app: Flask, optout: OptOut) -> None:
    optouts = app.extensions.setdefault(EXTENSION, {})
    if optout.kind in optouts:
        raise ValueError(f"opt-out {optout.kind!r} is registered twice")
    optouts[optout.kind] = optout


def registered_optout(app: Flask, kind: str) -> OptOut | None:
    return app.extensions.get(EXTENSION, {}).get(kind)


def unsubscribe_token(site: Site, user_id: int, kind: str, what: str = "") -> str:
    return site.serializer(SALT).dumps({"u": user_id, "k": kind, "w": what})


def unsubscribe_url(site: Site, user_id: int, kind: str, what: str = "") -> str:
    """The opt-out link for mail body and List-Unsubscribe header."""
    return site.links.url("core.unsubscribe", token=unsubscribe_token(site, user_id, kind, what))


def read_unsubscribe_token(site: Site, token: str) -> Link | None:
    try:
        data = site.serializer(SALT).loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    user_id, kind, what = data.get("u"), data.get("k"), data.get("w")
    if not isinstance(user_id, int) or not isinstance(kind, str) or not isinstance(what, str):
        return None
    return Link(user_id, kind, what)
