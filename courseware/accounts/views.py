from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ..core.auth import safe_next
from ..core.errors import DomainError
from ..core.forms import add_error, render_form
from ..core.registration import run_steps
from ..core.site import current_site
from ..core.templating import viewer_zone
from ..core.time import utcnow
from ..extensions import db, limiter
from . import service
from .forms import (ChangePasswordForm, LoginForm, RegisterForm, ResetPasswordForm,
                    ResetRequestForm, TimeZoneForm)
from .models import User


SIGN_IN_WINDOW = "15 minutes"


def load_user(session_id: str) -> User | None:
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not token or user.session_token != token:
        return None
    return user


def _signed_in_home() -> str:
    return url_for("courses.home")


def _account_key() -> str:
    return "account:" + service.normalise_email(request.form.get("email", ""))[:254]


def _failed(response) -> bool:
    # A successful sign-in redirects; everything else (wrong password, invalid form) counts.
    return response.status_code not in (302, 303)


@limiter.limit("100 per hour", methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(_signed_in_home())
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = service.create_user(email=form.email.data, name=form.name.data,
                                       organisation=form.organisation.data, password=form.password.data,
                                       accepted_privacy_notice=True)
        except DomainError as e:
            add_error(form, e.field, e.message)
        else:
            # What other features give a new account (the edition open for registration), in this transaction.
            run_steps(current_app, user, utcnow())
            db.session.commit()
            login_user(user)
            flash(f"Welcome, {user.name}. Your account is ready.", "success")
            return redirect(safe_next(_signed_in_home()))
    return render_form("accounts/register.html", form)


@limiter.limit(f"50 per {SIGN_IN_WINDOW}", methods=["POST"], deduct_when=_failed,
               error_message="Too many failed sign-ins from your network.")
@limiter.limit(f"10 per {SIGN_IN_WINDOW}", methods=["POST"], key_func=_account_key, deduct_when=_failed,
               error_message="Too many failed sign-ins for this account.")
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(_signed_in_home()))
    form = LoginForm()
    if form.validate_on_submit():
        user = service.authenticate(form.email.data, form.password.data)
        if user is not None:
            db.session.commit()
            login_user(user)
            flash(f"Signed in as {user.name}.", "success")
            return redirect(safe_next(_signed_in_home()))
        # Same words whether or not the email is registered.
        form.form_errors.append("The email address or password is not right.")
    return render_form("accounts/login.html", form)


@login_required
def logout():
    logout_user()
    flash("You have signed out.", "success")
    return redirect(url_for("courses.home"))


def _account_page(form: ChangePasswordForm, zone_form: TimeZoneForm | None = None):
    if zone_form is None:
        zone_form = TimeZoneForm(formdata=None, time_zone=viewer_zone())
    status = 422 if form.errors or zone_form.errors else 200
    return render_template("accounts/account.html", form=form, zone_form=zone_form), status


@login_required
def account():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            service.change_password(current_user, form.current_password.data, form.password.data)
        except DomainError as e:
            add_error(form, e.field, e.message)
        else:
            db.session.commit()
            login_user(current_user)  # keep this session; other sessions are now signed out
            flash("Your password has been changed. Other devices have been signed out.", "success")
            return redirect(url_for("accounts.account"))
    return _account_page(form)


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
def sign_out_everywhere():
    current_user.rotate_session_token()
    db.session.commit()
    logout_user()
    flash("You have been signed out on every device.", "success")
    return redirect(url_for("accounts.login"))


@limiter.limit("20 per hour", methods=["POST"])
def request_reset():
    form = ResetRequestForm()
    if form.validate_on_submit():
        user = service.get_user_by_email(form.email.data)
        if user is not None and user.active:
            service.queue_reset_mail(current_site(), user)
            db.session.commit()
        # The same answer whether or not the address is registered.
        flash("If an account uses that address, we have sent it a link to reset the password.", "info")
        return redirect(url_for("accounts.login"))
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
            db.session.commit()
            flash("Your password has been changed. Sign in with your new password.", "success")
            return redirect(url_for("accounts.login"))
    return render_form("accounts/reset_password.html", form)
