"""Every address of the privacy feature in one table: the URL rule, the view that answers it and its methods.

Registered by create_app; endpoint names are "<package>.<view function>"."""
from __future__ import annotations

from flask import Blueprint

from . import admin_views, views

bp = Blueprint("privacy", __name__)

bp.add_url_rule("/account/export", view_func=views.export_data, methods=["GET"])
bp.add_url_rule("/account/delete", view_func=views.delete_account, methods=["GET", "POST"])
bp.add_url_rule("/admin/retention/", view_func=admin_views.retention_report, methods=["GET"])
