"""The opt-out page: a person's click (GET shows a confirm button) and the one-click POST of RFC 8058."""
from __future__ import annotations

from flask import abort, current_app, render_template, request

from ...extensions import db
from ..site import current_site
from .optout import read_unsubscribe_token, registered_optout


def unsubscribe(token: str):
    """Exempt from CSRF (core/blueprint.py): the signed token is the authority, and a mail program's
    one-click POST carries only `List-Unsubscribe=One-Click`. Stopping twice is the same as once."""
    link = read_unsubscribe_token(current_site(), token)
    optout = registered_optout(current_app, link.kind) if link else None
    target = optout.describe(link.user_id, link.what) if optout else None
    if target is None:
        abort(404)
    done = request.method == "POST"
    if done:
        optout.stop(link.user_id, link.what)
        db.session.commit()
    return render_template("mail/unsubscribe.html", target=target, done=done, token=token)
