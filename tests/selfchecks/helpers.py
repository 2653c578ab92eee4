"""Answers to the fixture course's self-check (tests/fixtures/modules/01-basics/01-first-steps.questions.md)."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from courseware.extensions import db
from courseware.selfchecks.models import SelfCheckAnswer, SelfCheckAttempt

UNIT = "/modules/basics/first-steps/"
CHECK = "/modules/basics/first-steps/check"
# q1 single (a right), q2 multiple (a and b right), q3 true-false (a: True, right), q4 numeric (22 kW,
# tolerance 0.5), q5 short (V2G or vehicle-to-grid).
RIGHT = {"q1": "a", "q2": ["a", "b"], "q3": "a", "q4": "22", "q5": "V2G"}
WRONG = {"q1": "b", "q2": ["c"], "q3": "b", "q4": "11", "q5": "V1G"}
IDS = ("q-which-service", "q-two-way", "q-v1g-one-way", "q-power", "q-name-it")
TOKEN = re.compile(r'name="attempt_token" value="([^"]+)"')


def answers(right: str) -> dict:
    """A form with the questions marked '1' in `right` ('11010') answered right and the others wrong."""
    return {f"q{n}": (RIGHT if r == "1" else WRONG)[f"q{n}"] for n, r in enumerate(right, start=1)}


def form_token(client, path: str = UNIT) -> str:
    return TOKEN.search(client.get(path).get_data(as_text=True)).group(1)


def attempt_count(app, user_id: int | None = None) -> int:
    with app.app_context():
        stmt = select(func.count(SelfCheckAttempt.id))
        if user_id is not None:
            stmt = stmt.where(SelfCheckAttempt.user_id == user_id)
        return db.session.scalar(stmt)


def answer_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(SelfCheckAnswer.id)))


def text_of(response) -> str:
    """The page's visible text, tags dropped and spaces collapsed."""
    html = response.get_data(as_text=True)
    main = html[html.index("<main"):] if "<main" in html else html
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())
