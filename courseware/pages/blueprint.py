"""Every address of the pages feature in one table: the URL rule, the view that answers it and its methods.

Registered by create_app; endpoint names are "<package>.<view function>"."""
from __future__ import annotations

from flask import Blueprint

from . import views

bp = Blueprint("pages", __name__)

bp.add_url_rule("/privacy/", view_func=views.privacy, methods=["GET"])
bp.add_url_rule("/accessibility/", view_func=views.accessibility, methods=["GET"])
