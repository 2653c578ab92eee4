"""Every address of the operations feature in one table: the URL rule, the view that answers it and its methods.

Registered by create_app; endpoint names are "<package>.<view function>"."""
from __future__ import annotations

from flask import Blueprint

from . import views

bp = Blueprint("operations", __name__)

bp.add_url_rule("/metrics", view_func=views.metrics, methods=["GET"])
