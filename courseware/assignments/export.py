"""The gradebook as CSV: one row per learner, for each module its status and dates.

Two queries whatever the size of the cohort: the learners, and one aggregate over submissions.
Cells are neutralised against formula injection (core.spreadsheet).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from ..accounts.models import Role, User
from ..core.spreadsheet import csv_text
from ..courses.content import Course
from ..editions.filters import EVERYONE, EditionFilter
from ..editions.models import Edition, EditionMembership
from ..extensions import db
from .models import Submission, SubmissionStatus
from .versions import is_newest

NOT_STARTED = "not started"


def _date(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def gradebook_cells() -> dict[tuple[int, str], dict]:
    """(user_id, module_slug) -> status, first/last submitted, graded at, number of versions sent.

    The status and dates are those of the latest version sent (versions.is_newest(sent_only=True));
    a learner who has only saved a draft reads "draft". One statement."""
    every = aliased(Submission)
    started = (select(every.user_id, every.module_slug, func.min(every.submitted_at).label("first_submitted"),
                      func.count(every.submitted_at).label("versions"))   # drafts have no submission time
               .group_by(every.user_id, every.module_slug).subquery())
    rows = db.session.execute(
        select(started.c.user_id, started.c.module_slug, started.c.first_submitted, started.c.versions,
               Submission.status, Submission.submitted_at, Submission.graded_at)
        .outerjoin(Submission, and_(Submission.user_id == started.c.user_id,
                                    Submission.module_slug == started.c.module_slug, is_newest(sent_only=True))))
    return {(user_id, slug): {"status": status or SubmissionStatus.DRAFT, "first": first, "last": submitted_at,
                              "graded": graded_at, "versions": versions}
            for user_id, slug, first, versions, status, submitted_at, graded_at in rows}


def gradebook_csv(course: Course, edition: EditionFilter = EVERYONE) -> str:
    """Every learner (of one edition, with `edition`), one row each."""
    learners = db.session.execute(edition.apply(
        select(User.id, User.name, User.email, User.organisation, Edition.name)
        .outerjoin(EditionMembership, EditionMembership.user_id == User.id)
        .outerjoin(Edition, Edition.id == EditionMembership.edition_id)
        .where(User.role == Role.LEARNER), User.id).order_by(User.name, User.id)).all()
    cells = gradebook_cells()
    header = ["Name", "Email", "Organisation", "Edition"]
    for m in course.modules:
        header += [f"{m.title}: status", f"{m.title}: first submitted (UTC)", f"{m.title}: last submitted (UTC)",
                   f"{m.title}: graded (UTC)", f"{m.title}: versions"]
    rows = [header]
    for user_id, name, email, organisation, edition_name in learners:
        row = [name, email, organisation, edition_name or ""]
        for m in course.modules:
            cell = cells.get((user_id, m.slug))
            if cell is None:
                row += [NOT_STARTED, "", "", "", 0]
            elif m.anonymous_marking and cell["status"] is SubmissionStatus.SUBMITTED:
                # Under anonymous marking the waiting time would point to the queue entry: dates wait for the grade.
                row += [cell["status"], "", "", "", cell["versions"]]
            else:
                row += [cell["status"], _date(cell["first"]), _date(cell["last"]), _date(cell["graded"]),
                        cell["versions"]]
        rows.append(row)
    return csv_text(rows)
