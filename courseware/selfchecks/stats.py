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

The sums behind these figures are kept per question (SelfCheckItemStat, SelfCheckOptionStat) and changed
as first answers arrive (`change_sums`, in the transaction that stores the attempt), so the page reads one
row per question and per option: two queries and no scan of the answers, whatever the number of learners
and attempts. `rebuild` recomputes them from the answers in SQL (after bulk loads), and the tests check that
both ways agree.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import Float, case, cast, delete, func, insert, select

from ..courses.content import Course, Module, Unit
from ..courses.questions import OPTION_VALUES, Question
from ..extensions import db
from .models import SelfCheckAnswer, SelfCheckItemStat, SelfCheckOptionStat

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
    var_c, var_x = n * sum_c - sum_c * sum_c, n * sum_xx - sum_x * sum_x
    # The sums are kept by adding and taking away terms: allow for rounding when a variable does not vary.
    if var_c <= 1e-9 * n * n or var_x <= 1e-9 * n * n:
        return None
    return max(-1.0, min(1.0, (n * sum_cx - sum_c * sum_x) / math.sqrt(var_c * var_x)))


# Keeping the running sums ---------------------------------------------------------------------------------

SUMS = ("learners", "right", "pairs", "sum_c", "sum_x", "sum_xx", "sum_cx")


def _terms(first: dict[str, int]) -> dict[str, list[float]]:
    """One learner's terms in the sums of each question they answered in a module (`first`: question id ->
    1 or 0, their first answers there): learners, right, and the correlation terms when they answered others."""
    n, total = len(first), sum(first.values())
    terms = {}
    for qid, c in first.items():
        if n > 1:
            x = (total - c) / (n - 1)
            terms[qid] = [1, c, 1, c, x, x * x, c * x]
        else:
            terms[qid] = [1, c, 0, 0, 0.0, 0.0, 0.0]
    return terms


def _upsert(model, keys: tuple[str, ...], columns: tuple[str, ...], rows: list[dict]) -> None:
    """Add `rows` to the stored sums (insert a row the first time): one statement."""
    if not rows:
        return
    table = model.__table__
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(table)
    stmt = stmt.on_conflict_do_update(index_elements=list(keys),
                                      set_={c: table.c[c] + stmt.excluded[c] for c in columns})
    db.session.execute(stmt, rows)


def change_sums(module_slug: str, before: dict[str, int], after: dict[str, int],
                chosen: dict[str, tuple[str, ...]], sign: int = 1) -> None:
    """A learner's first answers in a module went from `before` to `after` (question id -> 1 or 0): replace
    their terms in the sums. `chosen`: the options ticked in the first answers that are new (added with
    `sign`; -1 takes a learner out). Two statements at most."""
    delta: dict[str, list[float]] = {}
    for qid, terms in _terms(before).items():
        delta[qid] = [-t for t in terms]
    for qid, terms in _terms(after).items():
        delta[qid] = [d + t for d, t in zip(delta.get(qid, [0] * len(SUMS)), terms)]
    _upsert(SelfCheckItemStat, ("module_slug", "question_id"), SUMS,
            [{"module_slug": module_slug, "question_id": qid, **dict(zip(SUMS, values))}
             for qid, values in delta.items() if any(values)])
    _upsert(SelfCheckOptionStat, ("module_slug", "question_id", "option_value"), ("chosen",),
            [{"module_slug": module_slug, "question_id": qid, "option_value": value, "chosen": sign}
             for qid, values in chosen.items() for value in values])


def first_answers(user_id: int, module_slug: str | None = None) -> dict[str, dict[str, tuple[int, str]]]:
    """A learner's first answers: module -> question id -> (1 or 0, the response). One query."""
    stmt = (select(SelfCheckAnswer.module_slug, SelfCheckAnswer.question_id, SelfCheckAnswer.correct,
                   SelfCheckAnswer.response)
            .where(SelfCheckAnswer.user_id == user_id, SelfCheckAnswer.first.is_(True)))
    if module_slug is not None:
        stmt = stmt.where(SelfCheckAnswer.module_slug == module_slug)
    found: dict[str, dict[str, tuple[int, str]]] = {}
    for module, qid, correct, response in db.session.execute(stmt):
        found.setdefault(module, {})[qid] = (int(correct), response)
    return found


def forget_learner(user_id: int) -> None:
    """Take a learner's first answers out of the sums (their account is being erased)."""
    for module, answers in first_answers(user_id).items():
        change_sums(module, {q: c for q, (c, _) in answers.items()}, {},
                    {q: _values(r) for q, (_, r) in answers.items()}, sign=-1)


def _values(response: str) -> tuple[str, ...]:
    """The option values in a stored response ('a,c'); nothing for a typed answer."""
    parts = response.split(",")
    return tuple(parts) if all(len(p) == 1 and p in OPTION_VALUES for p in parts) else ()


def rebuild() -> int:
    """Recompute every sum from the stored answers (after bulk loads such as demo data): two grouped queries.
    Returns the number of questions."""
    db.session.execute(delete(SelfCheckItemStat))
    db.session.execute(delete(SelfCheckOptionStat))
    first = (select(SelfCheckAnswer.module_slug, SelfCheckAnswer.question_id,
                    case((SelfCheckAnswer.correct, 1), else_=0).label("c"),
                    func.sum(case((SelfCheckAnswer.correct, 1), else_=0)).over(partition_by=(
                        SelfCheckAnswer.user_id, SelfCheckAnswer.module_slug)).label("total"),
                    func.count().over(partition_by=(SelfCheckAnswer.user_id, SelfCheckAnswer.module_slug)).label("n"))
             .where(SelfCheckAnswer.first.is_(True)).subquery())
    has_rest = first.c.n > 1
    x = case((has_rest, cast(first.c.total - first.c.c, Float) / cast(first.c.n - 1, Float)), else_=None)
    paired = case((has_rest, first.c.c), else_=None)
    rows = db.session.execute(
        select(first.c.module_slug, first.c.question_id, func.count(), func.sum(first.c.c), func.count(x),
               func.coalesce(func.sum(paired), 0), func.coalesce(func.sum(x), 0), func.coalesce(func.sum(x * x), 0),
               func.coalesce(func.sum(paired * x), 0))
        .group_by(first.c.module_slug, first.c.question_id)).all()
    if rows:
        db.session.execute(insert(SelfCheckItemStat), [
            {"module_slug": r[0], "question_id": r[1], **dict(zip(SUMS, (int(r[2]), int(r[3]), int(r[4]), float(r[5]),
                                                                       float(r[6]), float(r[7]), float(r[8]))))}
            for r in rows])
    chosen: dict[tuple[str, str, str], int] = {}
    for module, qid, response, n in db.session.execute(
            select(SelfCheckAnswer.module_slug, SelfCheckAnswer.question_id, SelfCheckAnswer.response, func.count())
            .where(SelfCheckAnswer.first.is_(True), SelfCheckAnswer.response.not_like("% %"),
                   func.length(SelfCheckAnswer.response) <= 2 * len(OPTION_VALUES))
            .group_by(SelfCheckAnswer.module_slug, SelfCheckAnswer.question_id, SelfCheckAnswer.response)):
        for value in _values(response):
            chosen[(module, qid, value)] = chosen.get((module, qid, value), 0) + n
    if chosen:
        db.session.execute(insert(SelfCheckOptionStat), [
            {"module_slug": m, "question_id": q, "option_value": v, "chosen": n} for (m, q, v), n in chosen.items()])
    return len(rows)


# Reading them -------------------------------------------------------------------------------------------------

def item_analysis(course: Course) -> ItemAnalysis:
    """Every question of the course in course order, with its figures: two queries, whatever the number of
    learners and attempts."""
    modules = [m.slug for m in course.modules]
    sums = {(r.module_slug, r.question_id): r for r in db.session.scalars(
        select(SelfCheckItemStat).where(SelfCheckItemStat.module_slug.in_(modules)))}
    chosen = {(m, q, v): n for m, q, v, n in db.session.execute(
        select(SelfCheckOptionStat.module_slug, SelfCheckOptionStat.question_id, SelfCheckOptionStat.option_value,
               SelfCheckOptionStat.chosen).where(SelfCheckOptionStat.module_slug.in_(modules)))}
    items = []
    for module in course.modules:
        for unit in module.units:
            for number, question in enumerate(unit.questions, start=1):
                row = sums.get((module.slug, question.id))
                if row is None or row.learners <= 0:
                    items.append(Item(module, unit, number, question))
                    continue
                wrong = tuple(OptionCount(o.value, o.text, chosen.get((module.slug, question.id, o.value), 0))
                              for o in question.options if not o.correct)
                items.append(Item(module, unit, number, question, learners=row.learners, right_first=row.right,
                                  discrimination=point_biserial(row.pairs, row.sum_c, row.sum_x, row.sum_xx,
                                                                row.sum_cx),
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
