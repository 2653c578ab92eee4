"""Course-wide pages that are not course content: the privacy notice and the accessibility statement."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from .blueprint import bp

    app.register_blueprint(bp)
