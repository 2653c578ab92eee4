"""Every address of the admin feature in one table: the URL rule, the view that answers it and its methods.

Registered by create_app; endpoint names are "<package>.<view function>"."""
from __future__ import annotations

from flask import Blueprint

from . import reports, users, views

bp = Blueprint("admin", __name__, url_prefix="/admin")

bp.add_url_rule("/", view_func=reports.home, methods=["GET"])
bp.add_url_rule("/moderation/", view_func=reports.moderation_log, methods=["GET"])
bp.add_url_rule("/outbox/", view_func=reports.outbox, methods=["GET"])
bp.add_url_rule("/users/", view_func=users.users, methods=["GET", "POST"])
bp.add_url_rule("/certificates/", view_func=views.certificate_list, methods=["GET"])
bp.add_url_rule("/certificates/<int:certificate_id>/", view_func=views.certificate_detail, methods=["GET"])
bp.add_url_rule("/certificates/<int:certificate_id>/revoke", view_func=views.revoke_certificate, methods=["POST"])
bp.add_url_rule("/certificates/<int:certificate_id>/reissue", view_func=views.reissue_certificate, methods=["POST"])
bp.add_url_rule("/certificates/register.csv", view_func=views.certificate_register, methods=["GET"])
