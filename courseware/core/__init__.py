"""What every feature builds on: the vocabulary, the site context, permissions primitives, mail, errors.

Imports no feature package (enforced by the import-linter contract in pyproject.toml)."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from . import error_pages, i18n, mail, outbox, rate_limits, security, site, templating
    from .blueprint import bp

    site.init_app(app)
    i18n.init_app(app)
    error_pages.init_app(app)
    security.init_app(app)
    mail.init_app(app)
    outbox.init_app(app)
    rate_limits.init_app(app)
    templating.init_app(app)
    app.register_blueprint(bp)
