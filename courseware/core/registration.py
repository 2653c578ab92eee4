"""What registering does beyond creating the account, for features above accounts.

Accounts knows no feature that builds on it. A feature that gives a new learner something from
their first day (editions: the edition open for registration) adds a step here in its `init_app`;
the registration view runs every step inside its transaction, after the account exists. The steps
are listed in one place (`steps(app)`) and run in the order the features were set up.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Callable

from flask import Flask

EXTENSION = "courseware.registration_steps"

Step = Callable[[Any, datetime], None]     # (the new accounts.models.User, now): flush, never commit


def add_step(app: Flask, step: Step) -> None:
    app.extensions.setdefault(EXTENSION, []).append(step)


def steps(app: Flask) -> tuple[Step, ...]:
    return tuple(app.extensions.get(EXTENSION, ()))


def run_steps(app: Flask, user, now: datetime) -> None:
    for step in steps(app):
        step(user, now)
