"""The tutors' side: the grading queue, the grading page, mail settings and the gradebook export."""
from __future__ import annotations

from flask_babel import gettext

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ..accounts.models import User
from ..core.auth import staff_required
from ..core.errors import DomainError
from ..core.forms import ActionForm, add_error
from ..core.links import IdLink
from ..core.safe_markdown import render_safe
from ..core.site import current_site
from ..core.spreadsheet import csv_response
from ..core.time import utcnow
from ..courses.content import get_course
from ..editions.filters import UnknownEdition, filter_choices, parse_edition_filter
from ..editions.service import all_editions
from ..extensions import db
from . import export, notifications, service, versions
from .forms import GradeForm, MailPreferenceForm, QueueFilterForm
from .models import Submission, SubmissionStatus
from .permissions import can_grade, identity_hidden
from .queue import ALL, QueueFilters, grading_queue, learner_organisations, next_waiting, waited


STATUS_CHOICES = [SelectChoice(SubmissionStatus.SUBMITTED, _l("Waiting for a grade")),
                  SelectChoice(SubmissionStatus.NEEDS_REVISION, _l("Needs revision")),
                  SelectChoice(SubmissionStatus.PASSED, _l("Passed")), SelectChoice(ALL, _l("Any status"))]


def _queue_page(settings_form: MailPreferenceForm, status: int = 200):
    course = get_course()
    form = QueueFilterForm(formdata=request.args)
    form.module.choices = [SelectChoice("", _("All modules"))] + [SelectChoice(m.slug, m.title) for m in course.modules]
    form.status.choices = STATUS_CHOICES
    form.organisation.choices = ([SelectChoice("", _("All organisations"))]
                                 + [SelectChoice(o, o) for o in learner_organisations()])
    form.edition.choices = [SelectChoice(v, label) for v, label in filter_choices(all_editions())]
    if not request.args.get("status"):
        form.status.data = SubmissionStatus.SUBMITTED
    filters = QueueFilters()
    valid = form.validate()
    try:
        edition = parse_edition_filter(form.edition.data)
    except UnknownEdition as e:
        form.edition.errors = list(form.edition.errors) + [e.message]
        valid = False
    if valid:
        try:
            page = max(1, min(int(request.args.get("page", "1")), 10_000))
        except ValueError:
            page = 1
        filters = QueueFilters(module=form.module.data or "", status=form.status.data or SubmissionStatus.SUBMITTED,
                               organisation=form.organisation.data or "", page=page, edition=edition)
    else:
        status = 422 if status == 200 else status
    now = utcnow()
    rows, has_more = grading_queue(current_site(), course, filters, now)
    anonymous_modules = [m.title for m in course.modules if m.anonymous_marking]
    return render_template("tutor/queue.html", form=form, rows=rows, filters=filters, has_more=has_more,
                           now=now, waited=waited, settings_form=settings_form,
                           grade_link=IdLink("assignments.grade", "submission_id"),
                           anonymous_modules=anonymous_modules), status


@staff_required
def queue():
    settings_form = MailPreferenceForm(formdata=None, new_submissions=notifications.preference_of(current_user))
    return _queue_page(settings_form)


@staff_required
def save_settings():
    form = MailPreferenceForm()
    if not form.validate():
        return _queue_page(form, status=422)
    notifications.set_preference(current_user, form.new_submissions.data)
    db.session.commit()
    flash(gettext("Your mail setting is saved."), "success")
    return redirect(url_for(".queue"))


def _load_for_grading(submission_id: int) -> Submission:
    submission = db.session.get(Submission, submission_id)
    if submission is None or not can_grade(current_user, submission):
        abort(404)
    if get_course().module(submission.module_slug) is None:
        abort(404)
    return submission


def _grade_page(submission: Submission, form: GradeForm, status: int = 200, preview=None, notice: str | None = None):
    module = get_course().module(submission.module_slug)
    rows = service.versions_of(submission.user_id, submission.module_slug)
    sent = [v for v in rows if not v.is_draft]
    latest = rows[-1] if rows else submission
    now = utcnow()
    holder_id = service.claim_holder(submission, current_site(), now)
    holder = db.session.get(User, holder_id) if holder_id else None
    taken_by_other = holder is not None and holder.id != current_user.id and submission.is_waiting
    if not form.is_submitted():
        form.lock.data = str(submission.lock_version)
    return render_template("tutor/grade.html", submission=submission, module=module, brief=module.assignment,
                           form=form, versions=sent, is_latest=latest.id == submission.id,
                           hidden=identity_hidden(submission, module), author=db.session.get(User, submission.user_id),
                           holder=holder, taken_by_other=taken_by_other, preview=preview, notice=notice,
                           claim_form=ActionForm(), now=now, waited=waited), status


@staff_required
def grade(submission_id: int):
    submission = _load_for_grading(submission_id)
    module = get_course().module(submission.module_slug)
    form = GradeForm()
    form.criteria.choices = [SelectChoice(i, c) for i, c in enumerate(module.assignment.criteria)]
    if not form.is_submitted():
        return _grade_page(submission, form)
    if not form.validate():
        return _grade_page(submission, form, status=422)
    if form.preview.data:
        return _grade_page(submission, form, preview=render_safe(form.feedback.data))
    lock = int(form.lock.data) if (form.lock.data or "").isdigit() else None
    criteria = [module.assignment.criteria[i] for i in sorted(set(form.criteria.data or []))]
    try:
        service.grade_submission(current_site(), submission, current_user, module, decision=form.decision.data,
                                 feedback=form.feedback.data, criteria_met=criteria, lock=lock, now=utcnow())
    except DomainError as e:
        db.session.rollback()
        submission = _load_for_grading(submission_id)
        if isinstance(e, service.StateConflict):
            # The form keeps the stale counter: saving it again cannot overwrite the other grade unseen.
            return _grade_page(submission, form, status=409, notice=e.message)
        add_error(form, e.field, e.message)
        return _grade_page(submission, form, status=422)
    learner = db.session.get(User, submission.user_id)
    saved = {"learner": learner.name if learner else _("a deleted learner"), "module": module.title,
             "version": submission.version, "status": submission.status}
    next_one = (next_waiting(current_site(), get_course(), current_user, utcnow(), skip=submission.id)
                if form.save_next.data else None)
    db.session.commit()
    flash(_("Saved for %(learner)s: %(module)s, version %(version)s, %(status)s. They will get an email.", **saved),
          "success")
    if next_one is not None:
        return redirect(url_for(".grade", submission_id=next_one.id))
    if form.save_next.data:
        flash(_("No other work is waiting for a grade."), "info")
    return redirect(url_for(".queue"))


@staff_required
def claim_submission(submission_id: int):
    """Take a waiting submission for grading, so other tutors see it is being graded: an explicit POST
    (the queue's "Grade" button), never a side effect of opening the page."""
    submission = _load_for_grading(submission_id)
    if ActionForm().validate_on_submit() and submission.is_waiting and versions.is_latest(submission):
        if service.claim(current_site(), submission, current_user, utcnow()):
            db.session.commit()
        else:
            flash(gettext("Another tutor is grading this submission now; you can read it meanwhile."), "info")
    return redirect(url_for(".grade", submission_id=submission.id), code=303)


@staff_required
def export_gradebook():
    try:
        edition = parse_edition_filter(request.args.get("edition"))
    except UnknownEdition:
        abort(404)
    return csv_response(export.gradebook_csv(get_course(), edition), f"gradebook-{utcnow():%Y-%m-%d}.csv")
