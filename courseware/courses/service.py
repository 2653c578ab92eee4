"""Progress through the course: completing units and computing progress for one learner.

Progress counts only units that exist in the current content, so a removed unit stops
counting and a renamed order keeps its completions (identity is the slug).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User
from ..extensions import db
from .content import Course, Module, Unit
from .models import UnitCompletion


@dataclass(frozen=True)
class ModuleProgress:
    module: Module
    completed: dict[str, datetime]      # unit slug -> completion time, current units only

    @property
    def done(self) -> int:
        return len(self.completed)

    @property
    def total(self) -> int:
        return len(self.module.units)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100

    @property
    def is_complete(self) -> bool:
        return self.done == self.total

    def is_done(self, unit: Unit) -> bool:
        return unit.slug in self.completed

    @property
    def next_unit(self) -> Unit | None:
        return next((u for u in self.module.units if u.slug not in self.completed), None)


@dataclass(frozen=True)
class CourseProgress:
    modules: tuple[ModuleProgress, ...]
    last_completed: tuple[str, str] | None   # (module, unit) most recently completed

    def for_module(self, slug: str) -> ModuleProgress:
        return next(p for p in self.modules if p.module.slug == slug)

    @property
    def done(self) -> int:
        return sum(p.done for p in self.modules)

    @property
    def total(self) -> int:
        return sum(p.total for p in self.modules)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100

    @property
    def started(self) -> bool:
        return self.last_completed is not None

    @property
    def continue_unit(self) -> Unit | None:
        """Where to pick up: the next open unit in the module last worked on, else the first open unit."""
        if self.last_completed is not None:
            current = next((p for p in self.modules if p.module.slug == self.last_completed[0]), None)
            if current is not None and current.next_unit is not None:
                return current.next_unit
        return next((p.next_unit for p in self.modules if p.next_unit is not None), None)


# Built once: the course pages run them on every view, and building a statement costs more than running it.
_completions = UnitCompletion.__table__.c
_MODULE_COMPLETIONS = (select(_completions.unit_slug, _completions.completed_at)
                       .where(_completions.user_id == bindparam("user_id"),
                              _completions.module_slug == bindparam("module_slug")))
_USER_COMPLETIONS = (select(_completions.module_slug, _completions.unit_slug, _completions.completed_at)
                     .where(_completions.user_id == bindparam("user_id")))


def course_progress(course: Course, user: User) -> CourseProgress:
    """Progress of one learner through the whole course, in one query."""
    rows = db.session.execute(_USER_COMPLETIONS, {"user_id": user.id}).all()
    current = course.unit_keys
    by_module: dict[str, dict[str, datetime]] = {m.slug: {} for m in course.modules}
    last = None
    for module_slug, unit_slug, at in rows:
        if (module_slug, unit_slug) in current:
            by_module[module_slug][unit_slug] = at
            if last is None or at > last[2]:
                last = (module_slug, unit_slug, at)
    return CourseProgress(modules=tuple(ModuleProgress(m, by_module[m.slug]) for m in course.modules),
                          last_completed=last[:2] if last else None)


def module_progress(module: Module, user: User) -> ModuleProgress:
    """Progress of one learner in one module, in one query: the unit and outline pages need no more."""
    units = {u.slug for u in module.units}
    rows = db.session.execute(_MODULE_COMPLETIONS, {"user_id": user.id, "module_slug": module.slug}).all()
    return ModuleProgress(module, {slug: at for slug, at in rows if slug in units})


def complete_unit(user: User, unit: Unit) -> bool:
    """Mark `unit` complete for `user`. Idempotent; returns True when newly completed."""
    exists = db.session.scalar(select(UnitCompletion.id).where(
        UnitCompletion.user_id == user.id, UnitCompletion.module_slug == unit.module_slug,
        UnitCompletion.unit_slug == unit.slug))
    if exists is not None:
        return False
    try:
        # A savepoint, so a concurrent double click that wins the race does not break our transaction.
        with db.session.begin_nested():
            db.session.add(UnitCompletion(user_id=user.id, module_slug=unit.module_slug, unit_slug=unit.slug))
    except IntegrityError:
        return False
    return True
