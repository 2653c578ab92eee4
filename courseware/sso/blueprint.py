"""Every address of the sso feature (SPEC section 8.4): the URL rule, the view that answers it and its methods."""
from __future__ import annotations

from flask import Blueprint

from . import admin_views, views

bp = Blueprint("sso", __name__)

bp.add_url_rule("/login/sso/<provider>", view_func=views.start, methods=["GET"])
bp.add_url_rule("/login/sso/<provider>/callback", view_func=views.callback, methods=["GET"])
bp.add_url_rule("/login/sso/<provider>/new-account", view_func=views.create_account, methods=["GET", "POST"])
bp.add_url_rule("/login/sso/<provider>/link", view_func=views.link_account, methods=["GET", "POST"])

bp.add_url_rule("/admin/sso/", view_func=admin_views.requirement_list, methods=["GET"])
bp.add_url_rule("/admin/sso/<provider>/require", view_func=admin_views.require_sso, methods=["POST"])
bp.add_url_rule("/admin/sso/<provider>/allow-passwords", view_func=admin_views.allow_passwords, methods=["POST"])
