"""A person's rights over their data: export everything, erase the account; and the retention policy
that erases what is no longer needed (retention.py, `flask privacy retention`).

Export and erasure know no feature: they drive the parts every feature registered in
core.personal_data (see each feature's personal_data.py). The retention policy names the three kinds
of data it limits: accounts, attachments and mail records.
"""
from __future__ import annotations

from flask import Flask

from ..core.personal_data import register
from .blueprint import bp


def init_app(app: Flask) -> None:
    from . import cli, models, retention  # noqa: F401  (models: the tables exist whenever the app does)

    app.register_blueprint(bp)
    register(app, retention.PART)
    cli.init_app(app)
