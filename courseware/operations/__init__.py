"""Running the site: backups and restores, metrics, request ids and machine-readable logs, and a clear
answer when the database is away.

A driver: it reads every feature's tables (for metrics and backups) and no feature imports it.
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from . import cli, logs, metrics, unavailable
    from .blueprint import bp

    logs.init_app(app)
    metrics.init_app(app)
    unavailable.init_app(app)
    app.register_blueprint(bp)
    cli.init_app(app)
