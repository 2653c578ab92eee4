"""Every address of the accounts feature in one table: the URL rule, the view that answers it and its methods.

Registered by create_app; endpoint names are "<package>.<view function>"."""
from __future__ import annotations

from flask import Blueprint

from . import confirm_views, views

bp = Blueprint("accounts", __name__)

bp.add_url_rule("/register", view_func=views.register, methods=["GET", "POST"])
bp.add_url_rule("/login", view_func=views.login, methods=["GET", "POST"])
bp.add_url_rule("/logout", view_func=views.logout, methods=["POST"])
bp.add_url_rule("/account/", view_func=views.account, methods=["GET", "POST"])
bp.add_url_rule("/account/time-zone", view_func=views.set_time_zone, methods=["POST"])
bp.add_url_rule("/account/sessions/<int:sign_in_id>/end", view_func=views.end_session, methods=["POST"])
bp.add_url_rule("/account/sign-out-everywhere", view_func=views.sign_out_everywhere, methods=["POST"])
bp.add_url_rule("/reset-password", view_func=views.request_reset, methods=["GET", "POST"])
bp.add_url_rule("/reset-password/<token>", view_func=views.reset_password, methods=["GET", "POST"])

bp.add_url_rule("/confirm-email/<token>", view_func=confirm_views.confirm_email, methods=["GET", "POST"])
bp.add_url_rule("/account/confirm-email", view_func=confirm_views.resend_confirmation, methods=["POST"])
