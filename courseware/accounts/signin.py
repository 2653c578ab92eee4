"""The request side of sign-in sessions (the records themselves: sessions.py).

Signing in or out starts from an empty cookie session, so the session and its CSRF token change at
each; flask-login keeps only the session's token, which `load_user` turns back into the user with one
query per request.
"""
from __future__ import annotations

import logging

from flask import Flask, g, request, session
from flask_login import current_user, login_user, logout_user

from ..core.site import current_site
from ..core.time import utcnow
from ..extensions import client_address, db
from . import sessions
from .models import User

log = logging.getLogger(__name__)


def _fresh_cookie_session() -> None:
    """Forget everything the cookie session held, the CSRF token included (a new one is made when a
    form next needs it)."""
    session.clear()
    g.pop("csrf_token", None)


def sign_in(user: User) -> None:
    """Start a recorded session for `user` on this device and sign them in. The caller commits (this
    flushes the record) and may flash afterwards."""
    sessions.start(user, user_agent=request.user_agent.string, address=client_address(), now=utcnow(),
                   policy=sessions.Policy.of(current_site()))
    _fresh_cookie_session()
    login_user(user)


def sign_out() -> None:
    """End this device's session (the record goes, so a copy of the cookie opens nothing) and sign out.
    The caller commits."""
    if current_user.is_authenticated:
        sessions.end(current_user.sign_in)
    logout_user()
    _fresh_cookie_session()


def load_user(token: str) -> User | None:
    """flask-login's user loader: the cookie's token to the user, if the session is still alive."""
    now = utcnow()
    user = sessions.load(token, now, sessions.Policy.of(current_site()))
    if user is not None and sessions.needs_touch(user.sign_in, now):
        g.sign_in_to_touch = (user.sign_in.id, now)
    return user


def init_app(app: Flask) -> None:
    @app.after_request
    def note_session_use(response):
        # The one write a plain page view makes, at most once a minute per session: when the session
        # was last used, for the idle timeout. Done after the view, in a transaction of its own (the
        # view has committed what it meant to; anything left over is dropped, as teardown would).
        pending = g.pop("sign_in_to_touch", None)
        if pending is not None:
            try:
                db.session.rollback()
                sessions.touch(*pending)
                db.session.commit()
            except Exception:  # never let bookkeeping break an answered request
                db.session.rollback()
                log.exception("could not note the use of sign-in session %s", pending[0])
        return response
