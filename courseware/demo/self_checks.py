"""Demo self-check attempts: learners who take the self-check of units they read, some better than others,
some questions harder than others, so item analysis and the benchmark see realistic figures.

A small item-response model: each learner has an ability, each question a difficulty and a slope, and
P(right) = 1 / (1 + exp(-slope * (ability - difficulty))). A few questions are very easy, a few very hard and
a few have a negative slope (as a badly keyed question would), so the tutors' page has something to flag.
After feedback, a retry is more often right (the learner learnt from it). Nothing here touches the database.
"""
from __future__ import annotations

import hashlib
import math
import random
import secrets
from datetime import datetime, timedelta

from ..courses.content import Course, Unit
from ..courses.questions import MULTIPLE, NUMERIC, SHORT, Question, format_number

TAKES_SELF_CHECK = 0.7      # of the units a learner completes, the share whose self-check they answer
RETRY = 0.5                 # after a score below 100%, the chance of another attempt (up to MAX_ATTEMPTS)
MAX_ATTEMPTS = 3
LEARNT = 0.9                # how much ability a retry gains from the feedback


def _question_traits(question_id: str) -> tuple[float, float]:
    """(difficulty, slope), fixed for a question id: the same course gives the same figures."""
    rng = random.Random(int(hashlib.sha256(question_id.encode()).hexdigest()[:12], 16))
    roll = rng.random()
    if roll < 0.08:
        difficulty = rng.uniform(-4.5, -3.2)       # nearly everyone gets it right
    elif roll < 0.16:
        difficulty = rng.uniform(1.8, 2.8)         # few get it right
    else:
        difficulty = rng.gauss(-0.6, 0.9)
    slope = -rng.uniform(0.6, 1.2) if rng.random() < 0.05 else rng.uniform(0.6, 2.0)
    return difficulty, slope


def _response(question: Question, right: bool, rng: random.Random) -> str:
    """What a learner would send: the right answer, or a tempting wrong one (earlier options tempt more)."""
    if question.is_choice:
        right_values = [o.value for o in question.options if o.correct]
        wrong_values = [o.value for o in question.options if not o.correct]
        if right:
            return ",".join(right_values)
        if question.type == MULTIPLE:
            kept = [v for v in right_values if rng.random() < 0.6]
            if wrong_values and (rng.random() < 0.7 or len(kept) == len(right_values)):
                kept.append(rng.choices(wrong_values, weights=[2 ** -i for i in range(len(wrong_values))])[0])
            chosen = set(kept) or {wrong_values[0] if wrong_values else right_values[0]}
            if chosen == set(right_values):        # still wrong: leave one right option out
                chosen.discard(right_values[0])
                chosen = chosen or set(wrong_values[:1])
            return ",".join(o.value for o in question.options if o.value in chosen)
        return rng.choices(wrong_values, weights=[3 ** -i for i in range(len(wrong_values))])[0]
    if question.type == NUMERIC:
        if right:
            return format_number(question.answer)
        return format_number(question.answer * 2 + question.tolerance + 1)
    assert question.type == SHORT
    return question.answers[0] if right else "not sure"


def plan_self_checks(course: Course, completions: list[tuple[int, str, str, datetime]], seed: int, now: datetime
                     ) -> list[tuple[dict, list[dict]]]:
    """(attempt row, answer rows) for every demo attempt, in time order. Rows name the learner by index
    (`learner`); the writer maps it to the user id."""
    rng = random.Random(seed + 23)
    units: dict[tuple[str, str], Unit] = {u.key: u for u in course.units if u.questions}
    traits = {(u.module_slug, q.id): _question_traits(q.id) for u in units.values() for q in u.questions}
    ability: dict[int, float] = {}
    planned = []
    for learner, module_slug, unit_slug, completed_at in completions:
        unit = units.get((module_slug, unit_slug))
        if unit is None or rng.random() > TAKES_SELF_CHECK:
            continue
        theta = ability.setdefault(learner, rng.gauss(0, 1))
        at = completed_at
        for attempt in range(MAX_ATTEMPTS):
            at = min(at + timedelta(minutes=rng.uniform(2, 40)), now - timedelta(minutes=1))
            answers = []
            for position, question in enumerate(unit.questions, start=1):
                difficulty, slope = traits[(module_slug, question.id)]
                p = 1 / (1 + math.exp(-slope * (theta + LEARNT * attempt - difficulty)))
                right = rng.random() < p
                answers.append({"learner": learner, "module_slug": module_slug, "question_id": question.id,
                                "position": position, "response": _response(question, right, rng)[:200],
                                "correct": right, "first": attempt == 0})
            correct = sum(a["correct"] for a in answers)
            planned.append(({"learner": learner, "module_slug": module_slug, "unit_slug": unit_slug,
                             "token": secrets.token_urlsafe(24), "correct": correct, "total": len(answers),
                             "submitted_at": at}, answers))
            if correct == len(answers) or rng.random() > RETRY:
                break
    return planned
