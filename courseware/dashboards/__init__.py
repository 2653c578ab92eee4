"""Dashboards: the cohort at a glance for tutors, and each learner's own progress."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from .blueprint import bp
    from .next_step import StepKind

    app.register_blueprint(bp)
    app.jinja_env.globals["StepKind"] = StepKind
