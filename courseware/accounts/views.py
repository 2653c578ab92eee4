from __future__ import annotations

from flask_babel import gettext

import logging

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..core.auth import safe_next
from ..core.errors import DomainError
from ..core.forms import ActionForm, add_error, render_form
from ..core.outbox import deliver_queued_to_log
from ..core.rate_limits import shared_counters
from ..core.registration import run_steps
from ..core.sign_in_rules import password_refusal
from ..core.site import current_site
from ..core.templating import viewer_zone
from ..core.time import utcnow
from ..extensions import client_address, db, limiter
from . import confirmation, service, sessions
from .devices import approximate_place, network_of
from .forms import (ChangePasswordForm, LoginForm, RegisterForm, ResetPasswordForm, ResetRequestForm,
                    TimeZoneForm)
from .signin import sign_in, sign_out
from .throttle import Refusal, SignInThrottle

log = logging.getLogger(__name__)


def _signed_in_home() -> str:
    """Where a sign-in without `next` lands: tutors and admins on the grading queue, where their work is."""
    if current_user.is_authenticated and current_user.is_staff and "assignments.queue" in current_app.view_functions:
        return url_for("assignments.queue")
    return url_for("courses.home")


@limiter.limit("100 per hour", methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(_signed_in_home())
    form = RegisterForm()
    if form.validate_on_submit():
        refusal = password_refusal(current_app, form.email.data)
        if refusal:   # this organisation signs its people in itself (sso)
            add_error(form, "email", refusal)
            return render_form("accounts/register.html", form)
        site = current_site()
        try:
            result = confirmation.register(site, email=form.email.data, name=form.name.data,
                                           organisation=form.organisation.data, password=form.password.data,
                                           now=utcnow())
        except DomainError as e:
            add_error(form, e.field, e.message)
            return render_form("accounts/register.html", form)
        if result.user is not None:
            # What other features give a new account (the edition open for registration), in this transaction.
            run_steps(current_app, result.user, utcnow())
        if site.setting("EMAIL_CONFIRMATION"):
            # The same answer for a new address and a known one (whose owner has been mailed instead).
            db.session.commit()
            flash(f"We have sent a message to {form.email.data.strip()}. Follow the link in it to confirm your "
                  "address; you can sign in meanwhile.", "info")
            return redirect(url_for("accounts.login"))
        if result.user is None:
            db.session.commit()   # the mail to the address's owner
            add_error(form, "email", confirmation.KNOWN_ADDRESS)
            return render_form("accounts/register.html", form)
        sign_in(result.user)
        db.session.commit()
        flash(f"Welcome, {result.user.name}. Your account is ready.", "success")
        return redirect(safe_next(_signed_in_home()))
    return render_form("accounts/register.html", form)


def _too_many_attempts(refusal: Refusal):
    response = current_app.make_response((render_template(
        "errors/error.html", code=429, title="Too many attempts", message=refusal.message, detail=refusal.message,
        retry_minutes=refusal.retry_minutes), 429))
    response.headers["Retry-After"] = str(refusal.retry_seconds)
    return response


def login():
    if current_user.is_authenticated:
        return redirect(safe_next(_signed_in_home()))
    form = LoginForm()
    if form.validate_on_submit():
        refusal = password_refusal(current_app, form.email.data)
        if refusal:   # this organisation signs its people in itself (sso)
            form.form_errors.append(refusal)
            return render_form("accounts/login.html", form)
        throttle = SignInThrottle(shared_counters())
        attempt, refusal = throttle.begin(form.email.data, client_address())
        if refusal is not None:
            return _too_many_attempts(refusal)
        user = service.authenticate(form.email.data, form.password.data)
        if user is not None:
            sign_in(user)
            db.session.commit()
            throttle.succeeded(attempt)
            flash(f"Signed in as {user.name}.", "success")
            return redirect(safe_next(_signed_in_home()))
        window_end = throttle.failed(attempt)
        if window_end is not None:
            service.alert_owner(current_site(), form.email.data, approximate_place(network_of(client_address())),
                                window_end)
            db.session.commit()
        # Same words whether or not the email is registered.
        form.form_errors.append("The email address or password is not right.")
    return render_form("accounts/login.html", form)


@login_required
def logout():
    sign_out()
    db.session.commit()
    flash(gettext("You have signed out."), "success")
    return redirect(url_for("courses.home"))


@login_required
def account():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            service.change_password(user, form.current_password.data, form.password.data)
        except DomainError as e:
            add_error(form, e.field, e.message)
        else:
            sign_in(user)   # every session ended with the old password; this device starts a new one
            db.session.commit()
            flash(gettext("Your password has been changed. Other devices have been signed out."), "success")
            return redirect(url_for("accounts.account"))
    return _account_page(form)


def _account_page(form: ChangePasswordForm, zone_form: TimeZoneForm | None = None):
    if zone_form is None:
        zone_form = TimeZoneForm(formdata=None, time_zone=viewer_zone())
    status = 422 if form.errors or zone_form.errors else 200
    active = sessions.active(current_user, utcnow(), sessions.Policy.of(current_site()))
    return render_template("accounts/account.html", form=form, zone_form=zone_form, sign_ins=active,
                           end_form=ActionForm(), place=approximate_place), status


@login_required
def set_time_zone():
    zone_form = TimeZoneForm()
    if not zone_form.validate_on_submit():
        return _account_page(ChangePasswordForm(formdata=None), zone_form)
    current_user.time_zone = zone_form.time_zone.data
    db.session.commit()
    flash(f"Your time zone is now {zone_form.time_zone.data.replace('_', ' ')}.", "success")
    return redirect(url_for("accounts.account", _anchor="time-zone"))


@login_required
def end_session(sign_in_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    if sign_in_id == current_user.sign_in.id:
        sign_out()
        db.session.commit()
        flash(gettext("You have signed out on this device."), "success")
        return redirect(url_for("accounts.login"))
    if not sessions.end_one(current_user, sign_in_id):
        abort(404)
    db.session.commit()
    flash(gettext("That session has ended: the device it was on is signed out."), "success")
    return redirect(url_for("accounts.account", _anchor="sessions"))


@login_required
def sign_out_everywhere():
    sessions.end_all(current_user)
    sign_out()
    db.session.commit()
    flash(gettext("You have been signed out on every device."), "success")
    return redirect(url_for("accounts.login"))


def _after_response(response, work) -> None:
    """Run `work` (in an app context of its own, then commit) once the answer has been sent, so that how
    long it takes cannot be measured by whoever sent the request."""
    app = current_app._get_current_object()

    def run():
        with app.app_context():
            try:
                work()
                db.session.commit()
                deliver_queued_to_log()
            except Exception:
                db.session.rollback()
                log.exception("work after the response failed")
            finally:
                db.session.remove()

    response.call_on_close(run)


@limiter.limit("20 per hour", methods=["POST"])
def request_reset():
    form = ResetRequestForm()
    if form.validate_on_submit():
        email = form.email.data
        refusal = password_refusal(current_app, email)
        if refusal:   # no password to reset: this organisation signs its people in itself (sso)
            add_error(form, "email", refusal)
            return render_form("accounts/request_reset.html", form)
        # The same answer, after the same work, whether or not the address is registered: looking it up
        # and mailing happen after the answer has gone.
        flash("If an account uses that address, we have sent it a link to reset the password, unless we sent "
              "one recently that still works: then use that one.", "info")
        response = redirect(url_for("accounts.login"))
        _after_response(response, lambda: service.request_password_reset(current_site(), shared_counters(), email,
                                                                          utcnow()))
        return response
    return render_form("accounts/request_reset.html", form)


@limiter.limit("30 per hour", methods=["POST"])
def reset_password(token: str):
    try:
        user = service.user_for_reset_token(current_site(), token)
    except DomainError as e:
        return render_template("accounts/reset_invalid.html", message=e.message), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            service.set_password(user, form.password.data)
        except DomainError as e:
            add_error(form, e.field, e.message)
        else:
            confirmation.confirm(user, utcnow())   # the link reached this mailbox: the address is theirs
            db.session.commit()
            flash(gettext("Your password has been changed. Sign in with your new password."), "success")
            return redirect(url_for("accounts.login"))
    return render_form("accounts/reset_password.html", form)
