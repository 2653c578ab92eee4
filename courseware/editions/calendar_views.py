"""The personal calendar feed (/calendar/<token>.ics) and, on the account page, making and revoking its address."""
from __future__ import annotations

from flask_babel import gettext

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..core.forms import ActionForm
from ..core.site import current_site
from ..core.time import utcnow
from ..courses.content import get_course
from ..extensions import db
from . import calendar, live_sessions, service
from .session_views import ics_response


def calendar_feed(token: str):
    """Anyone holding the address: no sign-in (calendar programs cannot sign in); a wrong or revoked token is 404."""
    user = calendar.user_for_token(token)
    if user is None:
        abort(404)
    edition = service.edition_of(user.id) if user.is_learner else None
    sessions = live_sessions.sessions_for(edition.id if edition else None, staff=user.is_staff)
    body = calendar.feed(current_site(), get_course().title, sessions)
    response = ics_response(body, "live-sessions.ics", attachment=False)
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@login_required
def create_calendar_link():
    """Make the address (or a new one, which stops the old one) and show it, once."""
    if not ActionForm().validate_on_submit():
        return redirect(url_for("accounts.account", _anchor="calendar"), code=303)
    had_one = calendar.token_of(current_user) is not None
    token = calendar.new_token(current_user, utcnow())
    db.session.commit()
    response = render_template("editions/calendar_link.html", url=calendar.feed_url(current_site(), token),
                               renewed=had_one)
    return response, 200, {"Cache-Control": "no-store"}


@login_required
def revoke_calendar_link():
    if ActionForm().validate_on_submit():
        if calendar.revoke_token(current_user):
            db.session.commit()
            flash(gettext("Your calendar link no longer works. Calendar programs that used it will stop updating."), "success")
        else:
            flash(gettext("You had no calendar link."), "info")
    return redirect(url_for("accounts.account", _anchor="calendar"), code=303)


def calendar_status(user):
    """For the account page: the person's calendar link, if any (its creation time; never the address)."""
    return calendar.token_of(user) if user.is_authenticated else None
