"""Every address of the sso feature (SPEC section 8.4): the URL rule, the view that answers it and its methods."""
from __future__ import annotations

from flask import Blueprint

from . import views

bp = Blueprint("sso", __name__)

bp.add_url_rule("/login/sso/<provider>", view_func=views.start, methods=["GET"])
bp.add_url_rule("/login/sso/<provider>/callback", view_func=views.callback, methods=["GET"])
bp.add_url_rule("/login/sso/<provider>/new-account", view_func=views.create_account, methods=["GET", "POST"])
bp.add_url_rule("/login/sso/<provider>/link", view_func=views.link_account, methods=["GET", "POST"])
