"""Item analysis of the self-check questions, for the course team: `/tutor/self-checks/` and its CSV.

For every question, from each learner's *first* answer to it (later attempts are practice: a learner
who retries has seen the feedback):
- learners: how many learners answered it;
- facility index: the share of them who got it right the first time (0 to 1; high is easy);
- discrimination index: the point-biserial correlation (-1 to 1) between getting this question right
  the first time (0 or 1) and the learner's *rest score* in its module: the share of the module's other
  questions they got right the first time. The question itself is left out of the rest score, so it
  does not correlate with itself, and a share (not a count) keeps learners who tried few units
  comparable with those who tried them all. Learners who answered no other question of the module are
  left out of it; it needs at least MIN_LEARNERS of them and some spread in both variables;
- how often each wrong option was chosen (first answers; a multiple-response answer may tick several).

Flags (only with at least MIN_LEARNERS learners): too easy (facility > 0.9), too hard (facility < 0.3),
negative discrimination (< 0: learners who do well on the rest of the module get it wrong more often).

Everything is summed in SQL in one grouped query, whatever the number of learners and attempts.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import Float, and_, case, cast, func, select

from ..accounts.models import Role, User
from ..courses.content import Course, Module, Unit
from ..courses.questions import OPTION_VALUES, Question
from ..extensions import db
from .models import SelfCheckAnswer

TOO_EASY, TOO_HARD = 0.9, 0.3
MIN_LEARNERS = 5
FLAG_EASY, FLAG_HARD, FLAG_NEGATIVE = "too easy", "too hard", "negative discrimination"
FLAG_TEXTS = {FLAG_EASY: _l("too easy"), FLAG_HARD: _l("too hard"), FLAG_NEGATIVE: _l("negative discrimination")}


@dataclass(frozen=True)
class OptionCount:
    value: str
    text: str               # plain text of the option as written (Markdown)
    chosen: int


@dataclass(frozen=True)
class Item:
    module: Module
    unit: Unit
    number: int                         # its number on the unit page (q1 -> 1)
    question: Question
    learners: int = 0                   # learners who answered it
    right_first: int = 0                # of them, right the first time
    discrimination: float | None = None
    wrong_options: tuple[OptionCount, ...] = ()

    @property
    def facility(self) -> float | None:
        return self.right_first / self.learners if self.learners else None

    @property
    def flags(self) -> tuple[str, ...]:
        if self.learners < MIN_LEARNERS:
            return ()
        flags = []
        if self.facility > TOO_EASY:
            flags.append(FLAG_EASY)
        if self.facility < TOO_HARD:
            flags.append(FLAG_HARD)
        if self.discrimination is not None and self.discrimination < 0:
            flags.append(FLAG_NEGATIVE)
        return tuple(flags)

    @property
    def flag_texts(self) -> tuple[str, ...]:
        return tuple(str(FLAG_TEXTS[f]) for f in self.flags)

    @property
    def is_flagged(self) -> bool:
        return bool(self.flags)


@dataclass(frozen=True)
class ItemAnalysis:
    items: tuple[Item, ...]

    @property
    def flagged(self) -> tuple[Item, ...]:
        return tuple(i for i in self.items if i.is_flagged)

    def count(self, flag: str) -> int:
        return sum(flag in i.flags for i in self.items)

    def by_module(self) -> list[tuple[Module, tuple[Item, ...]]]:
        modules: dict[str, list[Item]] = {}
        for item in self.items:
            modules.setdefault(item.module.slug, []).append(item)
        return [(items[0].module, tuple(items)) for items in modules.values()]


def point_biserial(n: int, sum_c: float, sum_x: float, sum_xx: float, sum_cx: float) -> float | None:
    """Pearson's r between a 0/1 score c and a score x from the sums over n pairs (c*c == c); None when
    there are fewer than MIN_LEARNERS pairs or either variable does not vary."""
    if n < MIN_LEARNERS:
        return None
    spread = (n * sum_c - sum_c * sum_c) * (n * sum_xx - sum_x * sum_x)
    if spread <= 1e-12:
        return None
    return (n * sum_cx - sum_c * sum_x) / math.sqrt(spread)


def _sums(course: Course):
    """One row per (module, question) that learners answered: the sums item analysis needs."""
    first = (select(SelfCheckAnswer.user_id, SelfCheckAnswer.module_slug, SelfCheckAnswer.question_id,
                    SelfCheckAnswer.response, case((SelfCheckAnswer.correct, 1), else_=0).label("c"))
             .join(User, User.id == SelfCheckAnswer.user_id)
             .where(SelfCheckAnswer.first.is_(True), User.role == Role.LEARNER,
                    SelfCheckAnswer.module_slug.in_([m.slug for m in course.modules]))
             .subquery())
    totals = (select(first.c.user_id, first.c.module_slug, func.sum(first.c.c).label("right"),
                     func.count().label("answered"))
              .group_by(first.c.user_id, first.c.module_slug).subquery())
    others = totals.c.answered - 1
    has_rest = others > 0
    rest = case((has_rest, cast(totals.c.right - first.c.c, Float) / cast(others, Float)), else_=None)
    paired = case((has_rest, first.c.c), else_=None)
    chosen = [func.sum(case((first.c.response.like(f"%{v}%"), 1), else_=0)).label(f"o_{v}")
              for v in OPTION_VALUES]
    return db.session.execute(
        select(first.c.module_slug, first.c.question_id, func.count().label("learners"),
               func.sum(first.c.c).label("right"), func.count(rest).label("n"), func.sum(paired).label("sum_c"),
               func.sum(rest).label("sum_x"), func.sum(rest * rest).label("sum_xx"),
               func.sum(paired * rest).label("sum_cx"), *chosen)
        .join(totals, and_(totals.c.user_id == first.c.user_id, totals.c.module_slug == first.c.module_slug))
        .group_by(first.c.module_slug, first.c.question_id)).all()


def item_analysis(course: Course) -> ItemAnalysis:
    """Every question of the course in course order, with its figures: one query."""
    rows = {(r.module_slug, r.question_id): r for r in _sums(course)}
    items = []
    for module in course.modules:
        for unit in module.units:
            for number, question in enumerate(unit.questions, start=1):
                row = rows.get((module.slug, question.id))
                if row is None:
                    items.append(Item(module, unit, number, question))
                    continue
                wrong = tuple(OptionCount(o.value, o.text, int(getattr(row, f"o_{o.value}") or 0))
                              for o in question.options if not o.correct)
                items.append(Item(module, unit, number, question, learners=row.learners,
                                  right_first=int(row.right or 0),
                                  discrimination=point_biserial(int(row.n or 0), float(row.sum_c or 0),
                                                                float(row.sum_x or 0), float(row.sum_xx or 0),
                                                                float(row.sum_cx or 0)),
                                  wrong_options=wrong))
    return ItemAnalysis(tuple(items))


CSV_HEADER = ("module", "unit", "question", "question_id", "type", "objective", "learners", "facility",
              "discrimination", "flags", "wrong_options")


def csv_rows(analysis: ItemAnalysis):
    yield CSV_HEADER
    for i in analysis.items:
        yield (i.module.slug, i.unit.slug, i.number, i.question.id, i.question.type, i.question.objective,
               i.learners, "" if i.facility is None else f"{i.facility:.2f}",
               "" if i.discrimination is None else f"{i.discrimination:.2f}", "; ".join(i.flags),
               "; ".join(f"{o.value}: {o.chosen}" for o in i.wrong_options))
