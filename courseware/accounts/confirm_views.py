"""Confirming an email address: the page a mailed link opens, and sending the link again."""
from __future__ import annotations

from flask_babel import gettext

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..core.errors import DomainError
from ..core.forms import ActionForm
from ..core.site import current_site
from ..core.time import utcnow
from ..extensions import client_address, db, limiter
from . import confirmation


def _resend_key() -> str:
    return f"confirm-resend:{current_user.id if current_user.is_authenticated else client_address()}"


def confirm_email(token: str):
    """GET shows a button (a link in a mail may be opened by a mail scanner; opening it changes
    nothing); POST confirms."""
    try:
        user = confirmation.user_for_token(current_site(), token)
    except DomainError as e:
        return render_template("accounts/confirm_invalid.html", message=e.message), 400
    form = ActionForm()
    if form.validate_on_submit():
        confirmation.confirm(user, utcnow())
        db.session.commit()
        flash(gettext("Your email address is confirmed. Thank you."), "success")
        signed_in_here = current_user.is_authenticated and current_user.id == user.id
        return redirect(url_for("courses.home") if signed_in_here else url_for("accounts.login"))
    return render_template("accounts/confirm_email.html", user=user, token=token, form=form)


@limiter.limit("3 per hour", key_func=_resend_key, methods=["POST"],
               error_message="We have sent the link three times in the last hour. Check your spam folder, "
                             "or wait a while before asking again.")
@login_required
def resend_confirmation():
    if not ActionForm().validate_on_submit():
        return redirect(url_for("accounts.account"))
    if current_user.email_confirmed:
        flash(gettext("Your email address is already confirmed."), "info")
    else:
        confirmation.queue_confirmation_mail(current_site(), current_user)
        db.session.commit()
        flash(f"We have sent a new confirmation link to {current_user.email}. It may take a few minutes to arrive.",
              "success")
    return redirect(url_for("accounts.account"))
