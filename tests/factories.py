"""Factory helpers: create rows through the same service functions the app uses."""
from __future__ import annotations

import itertools
from dataclasses import dataclass

from courseware.accounts import service as accounts
from courseware.accounts.models import Role
from courseware.extensions import db

DEFAULT_PASSWORD = "correct horse battery"
_counter = itertools.count(1)


@dataclass(frozen=True)
class UserRef:
    """A detached handle on a user: enough to sign in and to query by id."""

    id: int
    email: str
    name: str
    role: str
    organisation: str


def make_user(role: str = "learner", email: str | None = None, name: str | None = None,
              organisation: str = "City of Testing", password: str = DEFAULT_PASSWORD) -> UserRef:
    """Create a user (inside an app context) and commit. Returns a plain handle, safe across sessions."""
    n = next(_counter)
    user = accounts.create_user(email=email or f"user{n}@example.org", name=name or f"User {n}",
                                password=password, organisation=organisation, role=Role(role))
    db.session.commit()
    return UserRef(user.id, user.email, user.name, user.role, user.organisation)
