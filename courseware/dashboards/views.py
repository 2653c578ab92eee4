"""Dashboards: the tutors' cohort overview, learner table and history, the progress export, and
the learner's own progress page. Each page makes a fixed number of queries (see stats.py)."""
from __future__ import annotations

from flask import abort, render_template, request
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
from . import learners, stats
from .charts import TOP_ORGANISATIONS, cohort_charts, learner_charts
from .next_step import next_step



@staff_required
def overview():
    course = get_course()
    ov = stats.overview(course, utcnow())
    return render_template("dashboards/overview.html", course=course, ov=ov, charts=cohort_charts(ov),
                           top=min(len(ov.organisations), TOP_ORGANISATIONS))


@staff_required
def learner_list():
    course = get_course()
    search = clean_search(request.args.get("q", ""))
    sort = request.args.get("sort", "name")
    if sort not in learners.SORTS:
        sort = "name"
    descending = request.args.get("order") == "desc"
    number = request.args.get("page", 1, type=db_int)
    page = learners.learner_page(course, search, sort, descending, number)
    if page is None:
        abort(404)
    return render_template("dashboards/learners.html", course=course, page=page, q=search, sort=sort,
                           descending=descending, total_units=sum(len(m.units) for m in course.modules),
                           percent=learners.percent)


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
    return csv_response(learners.progress_csv(get_course()), f"progress-{utcnow():%Y-%m-%d}.csv")


@learner_required
def my_progress():
    course = get_course()
    progress = course_progress(course, current_user)
    eligibility = check_requirements(course, current_user)
    certificate = certificates.current_certificate(current_user.id)
    return render_template("dashboards/my_progress.html", course=course, progress=progress,
                           eligibility=eligibility, certificate=certificate, charts=learner_charts(eligibility),
                           step=next_step(progress, eligibility, certificate))
