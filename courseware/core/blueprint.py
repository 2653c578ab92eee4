"""Every address of the core feature in one table: the URL rule, the view that answers it and its methods.

Registered by create_app; endpoint names are "<package>.<view function>"."""
from __future__ import annotations

from flask import Blueprint

from . import health

bp = Blueprint("core", __name__)

bp.add_url_rule("/healthz", view_func=health.healthz, methods=["GET"])
