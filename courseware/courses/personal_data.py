"""A learner's progress through the units."""
from __future__ import annotations

from sqlalchemy import delete, select

from ..core.personal_data import Erasure, PersonalData
from ..core.time import iso
from ..extensions import db
from .models import UnitCompletion


def export_progress(user) -> list[dict]:
    completions = db.session.scalars(select(UnitCompletion).where(UnitCompletion.user_id == user.id)
                                     .order_by(UnitCompletion.completed_at))
    return [{"module": c.module_slug, "unit": c.unit_slug, "completed_at": iso(c.completed_at)} for c in completions]


def erase_progress(erasure: Erasure) -> None:
    db.session.execute(delete(UnitCompletion).where(UnitCompletion.user_id == erasure.user.id))


PART = PersonalData("progress", export=export_progress, erase=erase_progress)
