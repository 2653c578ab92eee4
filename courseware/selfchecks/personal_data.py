"""A learner's self-check attempts, with every answer: in the account export, gone on erasure."""
from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from ..core.personal_data import Erasure, PersonalData
from ..core.time import iso
from ..extensions import db
from .models import SelfCheckAnswer, SelfCheckAttempt
from .stats import forget_learner


def export_attempts(user) -> list[dict]:
    attempts = db.session.scalars(select(SelfCheckAttempt).where(SelfCheckAttempt.user_id == user.id)
                                  .options(selectinload(SelfCheckAttempt.answers))
                                  .order_by(SelfCheckAttempt.submitted_at, SelfCheckAttempt.id))
    return [{"module": a.module_slug, "unit": a.unit_slug, "submitted_at": iso(a.submitted_at),
             "correct": a.correct, "questions": a.total,
             "answers": [{"question": x.question_id, "answer": x.response, "correct": x.correct}
                         for x in a.answers]}
            for a in attempts]


def erase_attempts(erasure: Erasure) -> None:
    # The item analysis keeps no trace of them either: their terms leave the sums first.
    forget_learner(erasure.user.id)
    db.session.execute(delete(SelfCheckAnswer).where(SelfCheckAnswer.user_id == erasure.user.id))
    db.session.execute(delete(SelfCheckAttempt).where(SelfCheckAttempt.user_id == erasure.user.id))


PART = PersonalData("self_checks", export=export_attempts, erase=erase_attempts)
