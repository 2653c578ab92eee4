"""Who may contribute: with EMAIL_CONFIRMATION on, an account whose address is not confirmed may read
every page but not post, submit or claim. Views that write add `@confirmed_email_required` (inside
their sign-in decorator); the page layout shows the reminder through `needs_email_confirmation`."""
from __future__ import annotations

from functools import wraps

from flask import current_app, render_template, request
from flask_login import current_user


def needs_email_confirmation() -> bool:
    """Whether the signed-in person must confirm their address before contributing."""
    return bool(current_app.config["EMAIL_CONFIRMATION"] and current_user.is_authenticated
                and not current_user.email_confirmed)


def confirmed_email_required(view):
    """Refuse a POST (403, saying why, with a button that sends the link again) until the address is
    confirmed; GET pages stay readable."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if request.method == "POST" and needs_email_confirmation():
            return render_template("accounts/confirm_needed.html"), 403
        return view(*args, **kwargs)

    return wrapped
