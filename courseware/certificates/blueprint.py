"""Every address of the certificates feature in one table: the URL rule, the view that answers it and its methods.

Registered by create_app; endpoint names are "<package>.<view function>"."""
from __future__ import annotations

from flask import Blueprint

from . import views

bp = Blueprint("certificates", __name__)

bp.add_url_rule("/certificate/", view_func=views.certificate_page, methods=["GET", "POST"])
bp.add_url_rule("/certificate/download", view_func=views.download, methods=["GET"])
bp.add_url_rule("/certificate/credential", view_func=views.credential, methods=["GET"])
bp.add_url_rule("/verify/<code>", view_func=views.verify, methods=["GET"])
bp.add_url_rule("/issuer", view_func=views.issuer, methods=["GET"])
bp.add_url_rule("/credentials/status/<int:list_id>", view_func=views.status_list, methods=["GET"])
