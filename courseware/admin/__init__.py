"""Administration pages: accounts, certificates, reports."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from .blueprint import bp

    app.register_blueprint(bp)
