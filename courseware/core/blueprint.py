"""Every address of the core feature in one table: the URL rule, the view that answers it and its methods.

Registered by create_app; endpoint names are "<package>.<view function>"."""
from __future__ import annotations

from flask import Blueprint

from ..extensions import csrf
from . import health, i18n
from .mail import views as mail_views

bp = Blueprint("core", __name__)

bp.add_url_rule("/healthz", view_func=health.healthz, methods=["GET"])
bp.add_url_rule("/unsubscribe/<token>", view_func=mail_views.unsubscribe, methods=["GET", "POST"])
# The only view without a CSRF token: a mail program's one-click POST (RFC 8058) cannot carry one.
csrf.exempt(mail_views.unsubscribe)

bp.add_url_rule("/language", view_func=i18n.choose_language, methods=["POST"])
