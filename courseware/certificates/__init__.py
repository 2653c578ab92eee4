"""Certificates: the certification rule, issuing (PDF and Open Badges credential), verification, revocation."""
from __future__ import annotations

from flask import Flask

from ..core.personal_data import register


def init_app(app: Flask) -> None:
    from . import personal_data
    from .blueprint import bp
    from .tasks import module_tasks

    app.register_blueprint(bp)
    register(app, personal_data.PART)
    # The courses feature (a lower layer) shows the task list on module pages through this global.
    app.jinja_env.globals["module_tasks"] = module_tasks
