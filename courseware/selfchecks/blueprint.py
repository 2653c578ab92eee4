"""Every address of the self-checks feature: the URL rule, the view that answers it and its methods."""
from __future__ import annotations

from flask import Blueprint

from . import views

bp = Blueprint("selfchecks", __name__)

bp.add_url_rule("/modules/<module_slug>/<unit_slug>/check", view_func=views.check_unit, methods=["POST"])
bp.add_url_rule("/tutor/self-checks/", view_func=views.item_analysis, methods=["GET"])
bp.add_url_rule("/tutor/export/self-checks.csv", view_func=views.export_item_analysis, methods=["GET"])
