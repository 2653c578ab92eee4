"""A person's rights over their data: export everything, erase the account.

This package knows no feature: it drives the parts every feature registered in
core.personal_data (see each feature's personal_data.py).
"""
from __future__ import annotations

from flask import Flask

from .blueprint import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
