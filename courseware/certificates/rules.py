"""THE certification rule (SPEC section 3), in one place.

A learner earns the certificate when, for every module:
  (a) every unit is completed,
  (b) the module's forum holds at least `module.forum_posts_required` of their visible posts,
  (c) the module's assignment has been graded pass,
  (d) when the module sets `self_check_pass` (SPEC 8.1; unset by default), every self-check of the
      module has been answered at or above that percentage in one attempt (the best attempt counts).

Computed for one learner in a constant number of queries: one for unit completions, one for
forum post counts, one for assignment statuses, and one for self-check scores when a module sets a
pass mark, whatever the number of modules, posts, submissions or attempts.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from flask_babel import gettext as _

from ..accounts.models import User
from ..assignments.models import SubmissionStatus
from ..assignments.versions import latest_statuses
from ..courses.content import Course, Module, Unit
from ..core.vocabulary import TaskStatus
from ..courses.service import course_progress
from ..forums.service import visible_post_counts
from ..selfchecks.service import best_percents


class RequirementKind(StrEnum):
    UNITS = "units"
    FORUM = "forum"
    ASSIGNMENT = "assignment"
    SELF_CHECK = "self-check"


UNITS, FORUM, ASSIGNMENT = RequirementKind.UNITS, RequirementKind.FORUM, RequirementKind.ASSIGNMENT
SELF_CHECK = RequirementKind.SELF_CHECK

ASSIGNMENT_STATES = {
    None: "not submitted yet",
    SubmissionStatus.DRAFT: "draft saved, not submitted",
    SubmissionStatus.SUBMITTED: "submitted, waiting for a tutor",
    SubmissionStatus.NEEDS_REVISION: "needs revision",
    SubmissionStatus.PASSED: "passed",
}


@dataclass(frozen=True)
class Requirement:
    kind: RequirementKind
    module: Module
    met: bool
    done: int = 0                   # units completed / visible posts
    needed: int = 0                 # units in the module / posts required
    status: SubmissionStatus | None = None   # the assignment's status, None when nothing was submitted
    next_unit: Unit | None = None   # where to continue reading; for a self-check, its unit
    best: int | None = None         # a self-check's best score in percent, None when never tried

    # Predicates for templates, so no page compares kind or status words.
    @property
    def is_units(self) -> bool:
        return self.kind is UNITS

    @property
    def is_forum(self) -> bool:
        return self.kind is FORUM

    @property
    def is_assignment(self) -> bool:
        return self.kind is ASSIGNMENT

    @property
    def is_self_check(self) -> bool:
        return self.kind is SELF_CHECK

    @property
    def needs_revision(self) -> bool:
        return self.status == SubmissionStatus.NEEDS_REVISION

    @property
    def waits_for_tutor(self) -> bool:
        """Work sent and not yet graded: nothing for the learner to do."""
        return self.status == SubmissionStatus.SUBMITTED

    @property
    def task_status(self) -> TaskStatus:
        """The task-list status; the assignment's own status word (SPEC section 4) stays in `progress`."""
        if self.met:
            return TaskStatus.COMPLETED
        if self.kind is SELF_CHECK:
            return TaskStatus.NOT_STARTED if self.best is None else TaskStatus.IN_PROGRESS
        if self.kind is ASSIGNMENT:
            if self.status is None:
                return TaskStatus.NOT_STARTED
            return TaskStatus.WAITING if self.status == SubmissionStatus.SUBMITTED else TaskStatus.IN_PROGRESS
        return TaskStatus.IN_PROGRESS if self.done > 0 else TaskStatus.NOT_STARTED

    @property
    def label(self) -> str:
        if self.kind is SELF_CHECK:
            return _("Self-check: %(unit)s", unit=self.next_unit.title)
        return {UNITS: "Complete every unit", FORUM: "Take part in the forum",
                ASSIGNMENT: "Pass the assignment"}[self.kind]

    @property
    def progress(self) -> str:
        if self.kind is SELF_CHECK:
            if self.best is None:
                return _("not tried yet; %(needed)s%% needed", needed=self.needed)
            return _("best %(best)s%%; %(needed)s%% needed", best=self.best, needed=self.needed)
        if self.kind is UNITS:
            return f"{self.done} of {self.needed} units completed"
        if self.kind is FORUM:
            return f"{min(self.done, self.needed)} of {self.needed} posts"
        return ASSIGNMENT_STATES[self.status]


@dataclass(frozen=True)
class ModuleRequirements:
    module: Module
    requirements: tuple[Requirement, ...]

    @property
    def met(self) -> bool:
        return all(r.met for r in self.requirements)

    @property
    def task_status(self) -> TaskStatus:
        statuses = {r.task_status for r in self.requirements}
        if statuses == {TaskStatus.COMPLETED}:
            return TaskStatus.COMPLETED
        if statuses == {TaskStatus.NOT_STARTED}:
            return TaskStatus.NOT_STARTED
        return TaskStatus.IN_PROGRESS

    @property
    def assignment(self) -> Requirement:
        return next(r for r in self.requirements if r.is_assignment)


@dataclass(frozen=True)
class Eligibility:
    modules: tuple[ModuleRequirements, ...]

    @property
    def earned(self) -> bool:
        return all(m.met for m in self.modules)

    @property
    def missing(self) -> tuple[Requirement, ...]:
        return tuple(r for m in self.modules for r in m.requirements if not r.met)

    @property
    def met_count(self) -> int:
        return sum(1 for m in self.modules for r in m.requirements if r.met)

    @property
    def total_count(self) -> int:
        return sum(len(m.requirements) for m in self.modules)


def module_requirements(module: Module, units_done: int, next_unit: Unit | None, posts: int,
                        assignment_status: SubmissionStatus | None,
                        self_checks: Mapping[tuple[str, str], int] | None = None) -> ModuleRequirements:
    """The rule for one module, from plain numbers (no database). `self_checks`: (module, unit) -> best
    self-check percentage; read only when the module sets `self_check_pass`."""
    total = len(module.units)
    required = module.forum_posts_required
    requirements = [
        Requirement(UNITS, module, met=units_done >= total, done=units_done, needed=total, next_unit=next_unit),
        Requirement(FORUM, module, met=posts >= required, done=posts, needed=required),
        Requirement(ASSIGNMENT, module, met=assignment_status == SubmissionStatus.PASSED, status=assignment_status),
    ]
    if module.self_check_pass is not None:
        for unit in module.checked_units:
            best = (self_checks or {}).get(unit.key)
            requirements.append(Requirement(SELF_CHECK, module, met=best is not None and best >= module.self_check_pass,
                                            done=best or 0, needed=module.self_check_pass, next_unit=unit,
                                            best=best))
    return ModuleRequirements(module, tuple(requirements))


def counts_self_checks(course: Course) -> bool:
    """Whether any module's certificate needs its self-checks (`self_check_pass` set)."""
    return any(m.self_check_pass is not None and m.checked_units for m in course.modules)


def check_requirements(course: Course, user: User) -> Eligibility:
    """Every requirement of every module for `user`: three queries in all (four when a module counts
    its self-checks)."""
    progress = course_progress(course, user)
    posts = visible_post_counts(course, user.id)
    statuses = latest_statuses(user.id)
    self_checks = best_percents(user.id) if counts_self_checks(course) else {}
    modules = []
    for module in course.modules:
        unit_progress = progress.for_module(module.slug)
        modules.append(module_requirements(module, unit_progress.done, unit_progress.next_unit,
                                           posts.get(module.slug, 0), statuses.get(module.slug), self_checks))
    return Eligibility(tuple(modules))
