"""Accounts: registration, sign-in and sign-out, passwords, roles."""
from __future__ import annotations

from flask import Flask

from ..core.personal_data import register
from ..extensions import login_manager


def init_app(app: Flask) -> None:
    from . import access, personal_data, signin
    from .blueprint import bp

    app.jinja_env.globals["needs_email_confirmation"] = access.needs_email_confirmation
    login_manager.user_loader(signin.load_user)
    signin.init_app(app)
    app.register_blueprint(bp)
    register(app, personal_data.PART)
    register(app, personal_data.SESSIONS)
