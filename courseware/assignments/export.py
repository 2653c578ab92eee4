"""The gradebook as CSV: one row per learner, for each module its status and dates.

Two queries whatever the size of the cohort: the learners, and one aggregate over submissions.
Cells are neutralised against formula injection for spreadsheet programs.
"""
from __future__ import annotations

import csv
import io
from datetime import datetime

from sqlalchemy import and_, case, func, select

from ..accounts.models import Role, User
from ..courses.content import get_course
from ..extensions import db
from .models import DRAFT, SUBMITTED, Submission

NOT_STARTED = "not started"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """A cell a spreadsheet shows as text: a leading apostrophe disarms =, +, -, @ (and tab, CR)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _date(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def gradebook_cells() -> dict[tuple[int, str], dict]:
    """(user_id, module_slug) -> status, first/last submitted, graded at, number of versions sent."""
    sent = Submission.status != DRAFT
    per_module = (select(Submission.user_id, Submission.module_slug,
                         func.max(case((sent, Submission.version))).label("latest_sent"),
                         func.min(Submission.submitted_at).label("first_submitted"),
                         func.count(case((sent, Submission.id))).label("versions"))
                  .group_by(Submission.user_id, Submission.module_slug).subquery())
    latest = Submission  # the row of the latest version sent
    rows = db.session.execute(
        select(per_module.c.user_id, per_module.c.module_slug, per_module.c.first_submitted, per_module.c.versions,
               latest.status, latest.submitted_at, latest.graded_at)
        .outerjoin(latest, and_(latest.user_id == per_module.c.user_id,
                                latest.module_slug == per_module.c.module_slug,
                                latest.version == per_module.c.latest_sent)))
    cells = {}
    for user_id, slug, first, versions, status, submitted_at, graded_at in rows:
        cells[(user_id, slug)] = {"status": status or DRAFT, "first": first, "last": submitted_at,
                                  "graded": graded_at, "versions": versions}
    return cells


def gradebook_csv() -> str:
    course = get_course()
    learners = db.session.execute(select(User.id, User.name, User.email, User.organisation)
                                  .where(User.role == Role.LEARNER.value).order_by(User.name, User.id)).all()
    cells = gradebook_cells()
    out = io.StringIO()
    writer = csv.writer(out)
    header = ["Name", "Email", "Organisation"]
    for m in course.modules:
        header += [f"{m.title}: status", f"{m.title}: first submitted (UTC)", f"{m.title}: last submitted (UTC)",
                   f"{m.title}: graded (UTC)", f"{m.title}: versions"]
    writer.writerow([safe_cell(h) for h in header])
    for user_id, name, email, organisation in learners:
        row = [name, email, organisation]
        for m in course.modules:
            cell = cells.get((user_id, m.slug))
            if cell is None:
                row += [NOT_STARTED, "", "", "", 0]
            elif m.anonymous_marking and cell["status"] == SUBMITTED:
                # Under anonymous marking the waiting time would point to the queue entry: dates wait for the grade.
                row += [cell["status"], "", "", "", cell["versions"]]
            else:
                row += [cell["status"], _date(cell["first"]), _date(cell["last"]), _date(cell["graded"]),
                        cell["versions"]]
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue()
