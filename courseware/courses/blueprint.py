"""Every address of the courses feature in one table: the URL rule, the view that answers it and its methods.

Registered by create_app; endpoint names are "<package>.<view function>"."""
from __future__ import annotations

from flask import Blueprint

from . import views

bp = Blueprint("courses", __name__)

bp.add_url_rule("/", view_func=views.home, methods=["GET"])
bp.add_url_rule("/modules/", view_func=views.module_list, methods=["GET"])
bp.add_url_rule("/modules/<module_slug>/", view_func=views.module_outline, methods=["GET"])
bp.add_url_rule("/modules/<module_slug>/<unit_slug>/", view_func=views.unit_page, methods=["GET"])
bp.add_url_rule("/modules/<module_slug>/<unit_slug>/complete", view_func=views.complete_unit, methods=["POST"])
bp.add_url_rule("/glossary/", view_func=views.glossary, methods=["GET"])
bp.add_url_rule("/further-reading/", view_func=views.further_reading, methods=["GET"])
bp.add_url_rule("/references/", view_func=views.references, methods=["GET"])
bp.add_url_rule("/downloads/<slug>.xlsx", view_func=views.download, methods=["GET"])
bp.add_url_rule("/course-assets/<path:filename>", view_func=views.asset, methods=["GET"])
