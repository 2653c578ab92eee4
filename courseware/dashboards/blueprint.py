"""Every address of the dashboards feature in one table: the URL rule, the view that answers it and its methods.

Registered by create_app; endpoint names are "<package>.<view function>"."""
from __future__ import annotations

from flask import Blueprint

from . import views

bp = Blueprint("dashboards", __name__)

bp.add_url_rule("/tutor/overview/", view_func=views.overview, methods=["GET"])
bp.add_url_rule("/tutor/learners/", view_func=views.learner_list, methods=["GET"])
bp.add_url_rule("/tutor/learners/<int:user_id>/", view_func=views.learner_detail, methods=["GET"])
bp.add_url_rule("/tutor/export/progress.csv", view_func=views.export_progress, methods=["GET"])
bp.add_url_rule("/progress/", view_func=views.my_progress, methods=["GET"])
