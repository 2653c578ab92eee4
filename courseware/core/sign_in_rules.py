"""Who may use a password, for features above accounts.

Accounts knows no feature that builds on it. A feature that makes some addresses sign in another way
(sso: an organisation that requires its own sign-in for its domains) adds a rule here in its `init_app`;
password sign-in, registration and password reset ask `password_refusal` first and show its message.
"""
from __future__ import annotations

from typing import Callable

from flask import Flask

EXTENSION = "courseware.password_refusals"

Rule = Callable[[str], "str | None"]    # an email address -> why it may not use a password, or None


def add_password_refusal(app: Flask, rule: Rule) -> None:
    app.extensions.setdefault(EXTENSION, []).append(rule)


def password_refusal(app: Flask, email: str) -> str | None:
    """The message of the first rule that refuses a password for `email`; None when passwords are fine."""
    for rule in app.extensions.get(EXTENSION, ()):
        message = rule(email or "")
        if message:
            return message
    return None


PASSWORDLESS = "courseware.passwordless_rules"


def add_passwordless_rule(app: Flask, rule: Callable[[object], bool]) -> None:
    """`rule(user)`: True when the person cannot know the account's password (it was made by signing in
    elsewhere, or their domain may not use one); what asks for the password then asks for something else."""
    app.extensions.setdefault(PASSWORDLESS, []).append(rule)


def knows_no_password(app: Flask, user) -> bool:
    return any(rule(user) for rule in app.extensions.get(PASSWORDLESS, ()))
