"""Accounts: registration, sign-in and sign-out, passwords, roles."""
from __future__ import annotations

from flask import Flask

from ..core.personal_data import register
from ..extensions import login_manager


def init_app(app: Flask) -> None:
    from . import personal_data, views
    from .blueprint import bp

    login_manager.user_loader(views.load_user)
    app.register_blueprint(bp)
    register(app, personal_data.PART)
