"""Dashboards: the tutors' cohort overview, learner table and history, the progress export, and
the learner's own progress page. Each page makes a fixed number of queries (see stats.py)."""
from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_login import current_user

from ..certificates import service as certificates
from ..certificates.rules import check_requirements
from ..core.auth import learner_required, staff_required
from ..core.params import db_int
from ..core.search import clean_search
from ..core.spreadsheet import csv_response
from ..core.time import utcnow
from ..courses.content import get_course
from ..courses.service import course_progress
from ..editions.filters import EVERYONE, UnknownEdition, filter_choices, parse_edition_filter
from ..editions.service import all_editions, terms_of
from ..selfchecks.service import course_self_checks
from . import learners, stats
from .charts import TOP_ORGANISATIONS, cohort_charts, learner_charts
from .next_step import next_step



def _edition_filter():
    """`?edition=<id>` (or `none`): (the filter, the select's options, an error message for a wrong value)."""
    choices = filter_choices(all_editions())
    try:
        return parse_edition_filter(request.args.get("edition")), choices, None
    except UnknownEdition as e:
        return EVERYONE, choices, e.message


@staff_required
def overview():
    course = get_course()
    edition, choices, error = _edition_filter()
    ov = stats.overview(course, utcnow(), edition)
    def learners_reached(step: int) -> str:
        return url_for("dashboards.learner_list", reached=step, edition=edition.value)
    return render_template("dashboards/overview.html", course=course, ov=ov,
                           charts=cohort_charts(ov, learners_reached),
                           top=min(len(ov.organisations), TOP_ORGANISATIONS), edition=edition,
                           edition_choices=choices, edition_error=error), 422 if error else 200


@staff_required
def learner_list():
    course = get_course()
    search = clean_search(request.args.get("q", ""))
    sort = request.args.get("sort", "name")
    if sort not in learners.SORTS:
        sort = "name"
    descending = request.args.get("order") == "desc"
    number = request.args.get("page", 1, type=db_int)
    edition, choices, error = _edition_filter()
    now = utcnow()
    filters = learners.LearnerFilters(inactive_days=_bounded_int("inactive", 1, learners.MAX_INACTIVE_DAYS),
                                      stage=_bounded_int("stage", 0, len(stats.STAGES) - 1),
                                      reached=_bounded_int("reached", 0, len(stats.STAGES) - 1), now=now)
    page = learners.learner_page(course, search, sort, descending, number, edition, filters)
    if page is None:
        abort(404)
    return render_template("dashboards/learners.html", course=course, page=page, q=search, sort=sort,
                           descending=descending, total_units=sum(len(m.units) for m in course.modules),
                           percent=learners.percent, edition=edition, edition_choices=choices,
                           edition_error=error, filters=filters, stage_labels=stats.STAGE_LABELS,
                           funnel_labels=stats.FUNNEL_LABELS, now=now), 422 if error else 200


def _bounded_int(name: str, low: int, high: int) -> int | None:
    """A whole number from the query string within [low, high]; anything else means "no filter"."""
    value = request.args.get(name, "").strip()
    if not value.isdigit() or len(value) > 6:
        return None
    number = int(value)
    return number if low <= number <= high else None


@staff_required
def learner_detail(user_id: int):
    course = get_course()
    learner = learners.get_learner(user_id)
    if learner is None:
        abort(404)
    history = learners.learner_history(course, learner)
    return render_template("dashboards/learner.html", course=course, h=history, learner=learner)


@staff_required
def export_progress():
    try:
        edition = parse_edition_filter(request.args.get("edition"))
    except UnknownEdition:
        abort(404)
    return csv_response(learners.progress_csv(get_course(), edition), f"progress-{utcnow():%Y-%m-%d}.csv")


@learner_required
def my_progress():
    course = get_course()
    progress = course_progress(course, current_user)
    eligibility = check_requirements(course, current_user)
    certificate = certificates.current_certificate(current_user.id)
    return render_template("dashboards/my_progress.html", course=course, progress=progress,
                           eligibility=eligibility, certificate=certificate, charts=learner_charts(eligibility),
                           step=next_step(progress, eligibility, certificate), terms=terms_of(current_user.id, utcnow()),
                           self_checks=course_self_checks(course, current_user.id))
