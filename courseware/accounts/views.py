from __future__ import annotations

import json

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ..core.auth import safe_next
from ..core.errors import DomainError
from ..core.forms import add_error, render_form
from ..extensions import db, limiter, login_manager
from . import privacy, service
from .forms import (ChangePasswordForm, DeleteAccountForm, LoginForm, RegisterForm, ResetPasswordForm,
                    ResetRequestForm)
from .models import User

bp = Blueprint("accounts", __name__)

SIGN_IN_WINDOW = "15 minutes"


@login_manager.user_loader
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


@bp.route("/register", methods=["GET", "POST"])
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
            db.session.commit()
            login_user(user)
            flash(f"Welcome, {user.name}. Your account is ready.", "success")
            return redirect(safe_next(_signed_in_home()))
    return render_form("accounts/register.html", form)


@bp.route("/login", methods=["GET", "POST"])
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


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash("You have signed out.", "success")
    return redirect(url_for("courses.home"))


@bp.route("/account/", methods=["GET", "POST"])
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
    return render_form("accounts/account.html", form)


@bp.post("/account/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    current_user.rotate_session_token()
    db.session.commit()
    logout_user()
    flash("You have been signed out on every device.", "success")
    return redirect(url_for("accounts.login"))


@bp.route("/reset-password", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def request_reset():
    form = ResetRequestForm()
    if form.validate_on_submit():
        user = service.get_user_by_email(form.email.data)
        if user is not None and user.active:
            service.queue_reset_mail(user)
            db.session.commit()
        # The same answer whether or not the address is registered.
        flash("If an account uses that address, we have sent it a link to reset the password.", "info")
        return redirect(url_for("accounts.login"))
    return render_form("accounts/request_reset.html", form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
def reset_password(token: str):
    try:
        user = service.user_for_reset_token(token)
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


@bp.get("/account/export")
@login_required
def export_data():
    """Everything we hold about the signed-in person: JSON, or a ZIP with their attachments too."""
    stamp = current_user.id
    if request.args.get("attachments"):
        return Response(privacy.export_zip(current_user), mimetype="application/zip",
                        headers={"Content-Disposition": f'attachment; filename="my-data-{stamp}.zip"',
                                 "Cache-Control": "no-store"})
    body = json.dumps(privacy.export_user_data(current_user), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="my-data-{stamp}.json"',
                             "Cache-Control": "no-store"})


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            attachment_keys = privacy.erase_account(current_user._get_current_object(), form.password.data)
        except DomainError as e:
            add_error(form, e.field, e.message)
        else:
            db.session.commit()
            privacy.discard_attachments(attachment_keys)
            logout_user()
            flash("Your account has been deleted. Your forum posts remain under the name “deleted user”.", "success")
            return redirect(url_for("courses.home"))
    return render_form("accounts/delete.html", form)
