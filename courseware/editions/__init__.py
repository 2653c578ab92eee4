"""Editions (course runs), announcements and live sessions (SPEC section 8.2).

An edition has a registration window, a start and a certification deadline; learners who register
join the edition open for registration, and an admin can move them. After their edition's deadline
learners can still read and discuss, but not submit or claim a certificate (the assignments and
certificates features receive the deadline from their views). Announcements and live sessions go to
one edition or to everyone; sessions come as .ics files and a personal calendar feed.
"""
from __future__ import annotations

from flask import Flask

from ..core.personal_data import register
from ..core.registration import add_step


def init_app(app: Flask) -> None:
    from . import calendar_views, home, models, personal_data, service  # noqa: F401  (models: the tables)
    from .blueprint import bp

    app.register_blueprint(bp)
    register(app, personal_data.PART)
    add_step(app, service.join_open_edition)
    # Pages of features below this one (the course home, the account page) include editions' panels.
    app.jinja_env.globals["editions_home_panel"] = home.home_panel
    app.jinja_env.globals["calendar_link_of"] = calendar_views.calendar_status
