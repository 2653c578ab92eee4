"""Who may see and grade what: small predicates the views enforce and templates may consult."""
from __future__ import annotations

from ..courses.content import Module
from .models import Submission


def can_view_submission(user, submission: Submission) -> bool:
    """The author always; staff once it has been sent (drafts stay private)."""
    if not user.is_authenticated:
        return False
    if user.id == submission.user_id:
        return True
    return user.is_staff and not submission.is_draft


def can_grade(user, submission: Submission) -> bool:
    return user.is_authenticated and user.is_staff and not submission.is_draft


def identity_hidden(submission: Submission, module: Module | None) -> bool:
    """Anonymous marking: staff see no name or organisation until a decision is saved."""
    return bool(module is not None and module.anonymous_marking and not submission.is_graded)
