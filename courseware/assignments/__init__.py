"""Assignments: learners' drafts and submissions with attachments, and the tutors' grading queue and grading."""
from __future__ import annotations

from flask import Flask

from ..core.personal_data import register


def init_app(app: Flask) -> None:
    from . import notifications, personal_data
    from .blueprint import bp

    app.register_blueprint(bp)
    notifications.init_app(app)
    register(app, personal_data.PART)
