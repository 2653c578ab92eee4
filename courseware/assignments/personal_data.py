"""A learner's submissions, the feedback on them and their attachments."""
from __future__ import annotations

import logging

from sqlalchemy import delete, select

from ..core.personal_data import Erasure, PersonalData
from ..core.site import Site
from ..core.time import iso
from ..extensions import db
from . import storage
from .models import GradeEvent, Submission

log = logging.getLogger(__name__)


def export_submissions(user) -> list[dict]:
    submissions = db.session.scalars(select(Submission).where(Submission.user_id == user.id)
                                     .order_by(Submission.module_slug, Submission.version)).all()
    grades: dict[int, list[GradeEvent]] = {}
    if submissions:
        for event in db.session.scalars(select(GradeEvent).where(
                GradeEvent.submission_id.in_([s.id for s in submissions])).order_by(GradeEvent.created_at)):
            grades.setdefault(event.submission_id, []).append(event)
    return [{
        "module": s.module_slug, "version": s.version, "status": s.status.value, "body": s.body,
        "attachment": s.attachment_name, "created_at": iso(s.created_at),
        "submitted_at": iso(s.submitted_at), "graded_at": iso(s.graded_at),
        "feedback": [{"decision": g.decision.value, "feedback": g.feedback, "criteria_met": g.criteria_met,
                      "correction": g.is_correction, "at": iso(g.created_at)} for g in grades.get(s.id, [])],
    } for s in submissions]


def attachment_files(site: Site, user):
    store = storage.for_site(site)
    for s in db.session.scalars(select(Submission).where(Submission.user_id == user.id,
                                                         Submission.attachment_key.is_not(None))):
        try:
            content = store.read(s.attachment_key)
        except (OSError, ValueError):
            log.warning("attachment of submission %s is missing", s.id)
            continue
        yield f"attachments/{s.module_slug}-v{s.version}-{s.attachment_name}", content


def erase_submissions(erasure: Erasure) -> None:
    store = storage.for_site(erasure.site)
    keys = list(db.session.scalars(select(Submission.attachment_key).where(
        Submission.user_id == erasure.user.id, Submission.attachment_key.is_not(None))))
    db.session.execute(delete(Submission).where(Submission.user_id == erasure.user.id))
    erasure.after_commit.extend(lambda key=key: store.discard(key) for key in keys)


PART = PersonalData("submissions", export=export_submissions, erase=erase_submissions, files=attachment_files)
