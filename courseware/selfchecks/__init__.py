"""Self-checks: the questions at the end of each unit, every attempt kept, and item analysis for tutors.

The questions themselves are course content (courses/questions.py); this feature keeps what learners
answered and what the course team learns from it.
"""
from __future__ import annotations

from flask import Flask

from ..core.personal_data import register


def init_app(app: Flask) -> None:
    from . import cli, personal_data
    from .blueprint import bp
    from .views import module_self_check_scores, self_check_panel

    app.register_blueprint(bp)
    # The unit page and the module outline (courses, a lower layer) include the self-check's templates,
    # which ask for their data through these.
    app.jinja_env.globals["self_check_panel"] = self_check_panel
    app.jinja_env.globals["module_self_check_scores"] = module_self_check_scores
    register(app, personal_data.PART)
    cli.init_app(app)
