"""Every address of the assignments feature in one table: the URL rule, the view that answers it and its methods.

Registered by create_app; endpoint names are "<package>.<view function>"."""
from __future__ import annotations

from flask import Blueprint

from . import tutor_views, views

bp = Blueprint("assignments", __name__)

bp.add_url_rule("/modules/<module_slug>/assignment/", view_func=views.assignment_page, methods=["GET", "POST"])
bp.add_url_rule("/modules/<module_slug>/assignment/withdraw", view_func=views.withdraw_submission, methods=["POST"])
bp.add_url_rule("/submissions/<int:submission_id>/attachment", view_func=views.download_attachment, methods=["GET"])
bp.add_url_rule("/tutor/", view_func=tutor_views.queue, methods=["GET"])
bp.add_url_rule("/tutor/settings", view_func=tutor_views.save_settings, methods=["POST"])
bp.add_url_rule("/tutor/submissions/<int:submission_id>/", view_func=tutor_views.grade, methods=["GET", "POST"])
bp.add_url_rule("/tutor/submissions/<int:submission_id>/claim", view_func=tutor_views.claim_submission,
                methods=["POST"])
bp.add_url_rule("/tutor/export/gradebook.csv", view_func=tutor_views.export_gradebook, methods=["GET"])
