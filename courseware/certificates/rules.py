"""THE certification rule (SPEC section 3), in one place.

A learner earns the certificate when, for every module:
  (a) every unit is completed,
  (b) the module's forum holds at least `module.forum_posts_required` of their visible posts,
  (c) the module's assignment has been graded pass.

Computed for one learner in a constant number of queries: one for unit completions, one for
forum post counts, one for assignment statuses, whatever the number of modules, posts or submissions.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..accounts.models import User
from ..courses.content import Course, Module, Unit

UNITS, FORUM, ASSIGNMENT = "units", "forum", "assignment"
PASSED = "passed"

ASSIGNMENT_STATES = {
    None: "not submitted yet",
    "draft": "draft saved, not submitted",
    "submitted": "submitted, waiting for a tutor",
    "needs revision": "needs revision",
    PASSED: "passed",
}


@dataclass(frozen=True)
class Requirement:
    kind: str                       # UNITS, FORUM or ASSIGNMENT
    module: Module
    met: bool
    done: int = 0                   # units completed / visible posts
    needed: int = 0                 # units in the module / posts required
    status: str | None = None       # the assignment's status, None when nothing was submitted
    next_unit: Unit | None = None   # where to continue reading

    @property
    def label(self) -> str:
        return {UNITS: "Complete every unit", FORUM: "Take part in the forum",
                ASSIGNMENT: "Pass the assignment"}[self.kind]

    @property
    def progress(self) -> str:
        if self.kind == UNITS:
            return f"{self.done} of {self.needed} units completed"
        if self.kind == FORUM:
            return f"{min(self.done, self.needed)} of {self.needed} posts"
        return ASSIGNMENT_STATES.get(self.status, self.status or "")


@dataclass(frozen=True)
class ModuleRequirements:
    module: Module
    requirements: tuple[Requirement, ...]

    @property
    def met(self) -> bool:
        return all(r.met for r in self.requirements)


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
                        assignment_status: str | None) -> ModuleRequirements:
    """The rule for one module, from plain numbers (no database)."""
    total = len(module.units)
    required = module.forum_posts_required
    return ModuleRequirements(module, (
        Requirement(UNITS, module, met=units_done >= total, done=units_done, needed=total, next_unit=next_unit),
        Requirement(FORUM, module, met=posts >= required, done=posts, needed=required),
        Requirement(ASSIGNMENT, module, met=assignment_status == PASSED, status=assignment_status),
    ))


def check_requirements(course: Course, user: User) -> Eligibility:
    """Every requirement of every module for `user`: three queries in all."""
    # Imported here: forums and assignments build on courses, certificates build on all three.
    from ..assignments.service import assignment_statuses
    from ..courses.service import course_progress
    from ..forums.service import visible_post_counts

    progress = course_progress(course, user)
    posts = visible_post_counts(user.id)
    statuses = assignment_statuses(user.id)
    modules = []
    for module in course.modules:
        unit_progress = progress.for_module(module.slug)
        modules.append(module_requirements(module, unit_progress.done, unit_progress.next_unit,
                                           posts.get(module.slug, 0), statuses.get(module.slug)))
    return Eligibility(tuple(modules))
