"""Self-checks: reading a submitted self-check, keeping every attempt, and the learner's scores.

Marking itself is `courses.questions.score` (one rule, shared with content check and GIFT); this module
turns the form's `q1`, `q2`, ... inputs into answers, stores attempts (a one-time form token makes a
double submit store one attempt) and sums them up as best and latest scores.
"""
from __future__ import annotations

import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..courses.content import Course, Module, Unit
from ..courses.questions import MULTIPLE, NUMERIC, Option, Question, Score, score
from ..extensions import db
from . import stats
from .models import TOKEN_LENGTH, SelfCheckAnswer, SelfCheckAttempt

FIELD_RE = re.compile(r"^q(\d{1,6})$")
TOKEN_RE = re.compile(rf"^[A-Za-z0-9_-]{{16,{TOKEN_LENGTH}}}$")
TOKEN_FIELD = "attempt_token"
BROKEN_FORM = _l("The form could not be read (it may have been sent from an old page). Reload the unit and "
                 "answer again; nothing was stored.")


def new_token() -> str:
    """A one-time token for one rendering of the form."""
    return secrets.token_urlsafe(24)


def field_name(number: int) -> str:
    return f"q{number}"


# Reading a submitted form ----------------------------------------------------------------------

@dataclass(frozen=True)
class Answer:
    """One question of the form with what the learner sent and how it was marked."""

    number: int                     # 1, 2, ... as numbered on the page: its input is named q<number>
    question: Question
    given: tuple[str, ...]          # the values sent (option values, or the one text typed)
    score: Score | None = None      # None: not marked (the form is shown again with its answers)

    @property
    def name(self) -> str:
        return field_name(self.number)

    @property
    def input_type(self) -> str:
        """'checkbox' (multiple response), 'radio' (single choice, true-false) or 'text'."""
        if not self.question.is_choice:
            return "text"
        return "checkbox" if self.question.type == MULTIPLE else "radio"

    @property
    def is_multiple(self) -> bool:
        return self.question.type == MULTIPLE

    @property
    def is_numeric(self) -> bool:
        return self.question.type == NUMERIC

    def option_id(self, option: Option) -> str:
        return f"sc-{self.name}-{option.value}"

    @property
    def input_id(self) -> str:
        """The id of its (first) input: where an error message links to."""
        if self.question.is_choice:
            return self.option_id(self.question.options[0])
        return f"sc-{self.name}"

    @property
    def text(self) -> str:
        """The text typed into a numeric or short-answer question, as it is shown back in the field."""
        return self.given[0] if len(self.given) == 1 else ""

    @property
    def error(self) -> str:
        return self.score.problem if self.score is not None else ""

    @property
    def correct(self) -> bool:
        return self.score is not None and self.score.correct

    def is_chosen(self, option: Option) -> bool:
        return option.value in self.given

    @property
    def left_out_a_right_option(self) -> bool:
        """A multiple-response answer that missed a right option (which one is not given away)."""
        return (self.question.type == MULTIPLE and self.score is not None and not self.score.problem
                and bool(self.score.missed))

    @property
    def response(self) -> str:
        """What is stored: the ticked values 'a,c' in the order shown, or the text typed."""
        if self.question.is_choice:
            return ",".join(self.score.chosen if self.score else self.given)
        return self.text.strip()


@dataclass(frozen=True)
class Checked:
    """A submitted self-check: every question's answer, and what was wrong with the form."""

    answers: tuple[Answer, ...]
    form_errors: tuple[str, ...] = ()

    @property
    def valid(self) -> bool:
        return not self.form_errors and not any(a.error for a in self.answers)

    @property
    def correct(self) -> int:
        return sum(a.correct for a in self.answers)

    @property
    def total(self) -> int:
        return len(self.answers)

    @property
    def errors(self) -> tuple[Answer, ...]:
        return tuple(a for a in self.answers if a.error)


def blank(unit: Unit) -> Checked:
    """The unit's self-check, not answered yet."""
    return Checked(tuple(Answer(n, q, ()) for n, q in enumerate(unit.questions, start=1)))


def read_answers(unit: Unit, form: Mapping[str, Sequence[str]]) -> Checked:
    """Mark the answers sent for `unit` (`form`: input name -> list of values). Every question must be
    answered; inputs that name no question of this self-check make the whole form invalid."""
    problems = []
    for name in form:
        match = FIELD_RE.match(name)
        if name.startswith("q") and (match is None or not 1 <= int(match.group(1)) <= len(unit.questions)):
            problems.append(_l("The form sent an answer to a question that is not in this self-check "
                               "(%(name)s); it has %(n)s questions, q1 to q%(n)s. Reload the unit and answer again.",
                               name=name[:20], n=len(unit.questions)))
            break
    answers = []
    for number, question in enumerate(unit.questions, start=1):
        values = tuple(form.get(field_name(number), ()))
        if question.is_choice:
            values = tuple(dict.fromkeys(values))       # a value sent twice is the same tick
            marked = score(question, list(values))
        else:
            marked = score(question, list(values))
        answers.append(Answer(number, question, values, marked))
    return Checked(tuple(answers), tuple(problems))


def read_token(form: Mapping[str, Sequence[str]]) -> str | None:
    """The form's one-time token; a fresh one when none was sent (then a repeat is a new attempt);
    None when what was sent is not a token."""
    values = list(form.get(TOKEN_FIELD, ()))
    if not values or not values[0]:
        return new_token()
    return values[0] if len(values) == 1 and TOKEN_RE.match(values[0]) else None


# Keeping attempts ------------------------------------------------------------------------------

class TokenTaken(Exception):
    """The form's token belongs to an attempt at another unit or of another person."""


def record_attempt(user: User, unit: Unit, checked: Checked, token: str, now: datetime
                   ) -> tuple[SelfCheckAttempt, bool]:
    """Store a valid `checked` self-check as a new attempt; (attempt, True). When the same form (`token`)
    was stored already (a double submit, or the answer page reloaded), nothing is stored: (that attempt,
    with its answers loaded, False). Flushes, never commits."""
    attempt = SelfCheckAttempt(user_id=user.id, module_slug=unit.module_slug, unit_slug=unit.slug, token=token,
                               correct=checked.correct, total=checked.total, submitted_at=now)
    try:
        # A savepoint: when the same form arrives twice (the unique token decides), nothing of the second
        # is kept and it shows the first. On SQLite the savepoint takes the write lock; on PostgreSQL the
        # learner's row is locked, so two attempts of one learner update the item sums one after the other.
        with db.session.begin_nested():
            db.session.execute(select(User.id).where(User.id == user.id).with_for_update(key_share=True))
            db.session.add(attempt)
            db.session.flush()
            before = {q: c for q, (c, _) in stats.first_answers(user.id, unit.module_slug)
                      .get(unit.module_slug, {}).items()}
            new = [a for a in checked.answers if a.question.id not in before]
            # One statement for all the answers (the ORM would send one INSERT per row here).
            db.session.execute(insert(SelfCheckAnswer), [
                {"attempt_id": attempt.id, "user_id": user.id, "module_slug": unit.module_slug,
                 "question_id": a.question.id, "position": a.number, "response": a.response, "correct": a.correct,
                 "first": a.question.id not in before} for a in checked.answers])
            if new:
                stats.change_sums(unit.module_slug, before, {**before, **{a.question.id: int(a.correct) for a in new}},
                                  {a.question.id: a.score.chosen for a in new if a.question.is_choice})
    except IntegrityError:
        existing = _attempt_by_token(token)
        if existing is None:
            raise
        return _same_form(existing, user, unit), False
    return attempt, True


def _attempt_by_token(token: str) -> SelfCheckAttempt | None:
    return db.session.scalar(select(SelfCheckAttempt).where(SelfCheckAttempt.token == token)
                             .options(selectinload(SelfCheckAttempt.answers)))


def _same_form(attempt: SelfCheckAttempt, user: User, unit: Unit) -> SelfCheckAttempt:
    if (attempt.user_id, attempt.module_slug, attempt.unit_slug) != (user.id, unit.module_slug, unit.slug):
        raise TokenTaken()
    return attempt


def answers_of(unit: Unit, attempt: SelfCheckAttempt) -> Checked:
    """A stored attempt marked again against the unit's current questions, for its answer page (a
    question removed since is left out; one added since was not part of it)."""
    stored = {a.question_id: a for a in attempt.answers}
    answers = []
    for number, question in enumerate(unit.questions, start=1):
        row = stored.get(question.id)
        if row is None:
            continue
        given = tuple(v for v in row.response.split(",") if v) if question.is_choice else (row.response,)
        answers.append(Answer(number, question, given, score(question, list(given))))
    return Checked(tuple(answers))


# Scores ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class UnitScore:
    """A learner's attempts at one unit's self-check, summed up."""

    attempts: int
    best_correct: int
    best_total: int
    latest_correct: int
    latest_total: int
    latest_at: datetime

    @property
    def best_percent(self) -> int:
        return _percent(self.best_correct, self.best_total)

    @property
    def latest_percent(self) -> int:
        return _percent(self.latest_correct, self.latest_total)


@dataclass(frozen=True)
class Outcome:
    """The score of one attempt, as its answer page states it."""

    correct: int
    total: int

    @property
    def percent(self) -> int:
        return _percent(self.correct, self.total)


def _percent(correct: int, total: int) -> int:
    return round(100 * correct / total) if total else 0


@dataclass(frozen=True)
class Scores:
    """Every self-check score of one learner: (module slug, unit slug) -> UnitScore."""

    by_unit: dict[tuple[str, str], UnitScore] = field(default_factory=dict)

    def of(self, unit: Unit) -> UnitScore | None:
        return self.by_unit.get(unit.key)


_attempts = SelfCheckAttempt.__table__.c
# One row per distinct score a learner has had on a unit (with how often and when last), not one per
# attempt: the rows a page reads are bounded by the questions, however often the learner tries again.
_USER_SCORES = (select(_attempts.module_slug, _attempts.unit_slug, _attempts.correct, _attempts.total,
                       func.count().label("attempts"), func.max(_attempts.submitted_at).label("last_at"),
                       func.max(_attempts.id).label("last_id"))
                .where(_attempts.user_id == bindparam("user_id"))
                .group_by(_attempts.module_slug, _attempts.unit_slug, _attempts.correct, _attempts.total))


def scores(user_id: int, module_slug: str | None = None) -> Scores:
    """The learner's best and latest score on every self-check (of one module): one query.

    Latest: the attempt sent last. Best: the highest percentage; of equal ones, the one sent last."""
    stmt = _USER_SCORES
    params: dict = {"user_id": user_id}
    if module_slug is not None:
        stmt = stmt.where(_attempts.module_slug == bindparam("module_slug"))
        params["module_slug"] = module_slug
    groups: dict[tuple[str, str], list] = {}
    for module, unit, correct, total, count, last_at, last_id in db.session.execute(stmt, params):
        groups.setdefault((module, unit), []).append((correct, total, count, (last_at, last_id)))
    summed: dict[tuple[str, str], UnitScore] = {}
    for key, found in groups.items():
        latest = max(found, key=lambda g: g[3])
        best = max(found, key=lambda g: (_percent(g[0], g[1]), g[3]))
        summed[key] = UnitScore(attempts=sum(g[2] for g in found), best_correct=best[0], best_total=best[1],
                                latest_correct=latest[0], latest_total=latest[1], latest_at=latest[3][0])
    return Scores(summed)


def best_percents(user_id: int) -> dict[tuple[str, str], int]:
    """(module, unit) -> the learner's best self-check percentage: what the certificate rule reads."""
    return {key: s.best_percent for key, s in scores(user_id).by_unit.items()}


@dataclass(frozen=True)
class CourseSelfChecks:
    """Every self-check of the course with the learner's score, module by module (for /progress/)."""

    rows: tuple[tuple[Module, tuple[tuple[Unit, UnitScore | None], ...]], ...]

    def __bool__(self) -> bool:
        return bool(self.rows)


def course_self_checks(course: Course, user_id: int) -> CourseSelfChecks:
    """One query."""
    if not any(m.checked_units for m in course.modules):
        return CourseSelfChecks(())
    found = scores(user_id)
    return CourseSelfChecks(tuple((m, tuple((u, found.of(u)) for u in m.checked_units))
                                  for m in course.modules if m.checked_units))
