"""Coarse access rules for views. Fine, per-object rules live in each feature's permissions.py."""
from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from flask import abort, request
from flask_login import current_user, login_required

from .vocabulary import Role


def role_required(*roles: Role):
    """Signed-in users with one of `roles`; anonymous visitors go to sign in, others get 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = roles
        return wrapped

    return decorator


learner_required = role_required(Role.LEARNER)
staff_required = role_required(Role.TUTOR, Role.ADMIN)
admin_required = role_required(Role.ADMIN)


def is_safe_next(target: str | None) -> bool:
    """A `next` target we may redirect to: a path on this site, never another host."""
    if not target or len(target) > 2000:
        return False
    if any(c in target for c in "\\\r\n\t") or any(ord(c) < 32 for c in target):
        return False
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return False
    return target.startswith("/") and not target.startswith("//")


def safe_next(default: str) -> str:
    target = request.values.get("next")
    return target if is_safe_next(target) else default
