"""The one definition of "the latest version" of a learner's work on a module.

Two questions are asked of the versions of one (learner, module):
- the newest row, drafts included: where the learner stands (the certificate rule, the dashboards'
  stages, what the assignment page offers);
- the newest version *sent* for grading, drafts left out: what tutors see (the grading queue, the
  waiting-work chart, the gradebook).
Both are a correlated NOT EXISTS on the unique (user_id, module_slug, version) index, so each row
is judged without grouping every submission first, and every query in the code uses these two.
"""
from __future__ import annotations

import functools

from sqlalchemy import ColumnElement, and_, exists, func, select
from sqlalchemy.orm import aliased

from ..extensions import db
from .models import Submission, SubmissionStatus


@functools.cache
def is_newest(*, sent_only: bool = False) -> ColumnElement[bool]:
    """True for the row of `Submission` that no newer version of the same learner and module follows.
    With `sent_only`, drafts neither count as newer nor qualify themselves.

    Built once for each kind: the alias's column adaptation cost more than the query (a seventh of the
    certificate page); the condition holds no value, so every statement can share it."""
    newer = aliased(Submission)
    conditions = [newer.user_id == Submission.user_id, newer.module_slug == Submission.module_slug,
                  newer.version > Submission.version]
    if not sent_only:
        return ~exists().where(*conditions)
    return and_(Submission.status != SubmissionStatus.DRAFT,
                ~exists().where(*conditions, newer.status != SubmissionStatus.DRAFT))


def latest(user_id: int, module_slug: str) -> Submission | None:
    """The newest row of one learner on one module, drafts included."""
    return db.session.scalar(select(Submission).where(
        Submission.user_id == user_id, Submission.module_slug == module_slug, is_newest()))


def is_latest(submission: Submission) -> bool:
    newest = db.session.scalar(select(func.max(Submission.version)).where(
        Submission.user_id == submission.user_id, Submission.module_slug == submission.module_slug))
    return newest == submission.version


def latest_statuses(user_id: int) -> dict[str, SubmissionStatus]:
    """module_slug -> status of the learner's newest row (drafts included); modules never started are
    absent. One query: what the certificate rule reads."""
    rows = db.session.execute(select(Submission.module_slug, Submission.status)
                              .where(Submission.user_id == user_id, is_newest()))
    return {slug: status for slug, status in rows}
