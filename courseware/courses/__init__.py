"""The course: content read from modules/, the course pages, and learners' progress through the units."""
from __future__ import annotations

from flask import Flask

from ..core.personal_data import register


def init_app(app: Flask) -> None:
    from . import content, personal_data
    from .blueprint import bp
    from .views import content_lang

    app.jinja_env.globals["content_lang"] = content_lang

    content.init_app(app)
    app.register_blueprint(bp)
    register(app, personal_data.PART)
