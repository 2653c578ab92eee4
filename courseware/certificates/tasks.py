"""The task list on a module's page: its units, its forum and its assignment for the signed-in learner, in the
task-list statuses of the certificate checklist (the same rule, rules.check_requirements: three queries)."""
from __future__ import annotations

from flask_login import current_user

from ..courses.content import Module, get_course
from .rules import ModuleRequirements, check_requirements


def module_tasks(module: Module) -> ModuleRequirements | None:
    """The module's requirements for the signed-in learner; None for visitors and staff."""
    if not (current_user.is_authenticated and current_user.is_learner):
        return None
    eligibility = check_requirements(get_course(), current_user)
    return next((m for m in eligibility.modules if m.module.slug == module.slug), None)
