"""The self-check pages: the form's answer page (POST from the unit page) and the tutors' item analysis."""
from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_login import current_user

from ..core.auth import learner_required, staff_required
from ..core.spreadsheet import csv_response, csv_text
from ..core.time import utcnow
from ..courses.content import Module, Unit, get_course
from ..extensions import db
from . import service, stats


def _unit_with_questions(module_slug: str, unit_slug: str) -> tuple[Module, Unit]:
    module = get_course().module(module_slug)
    unit = module.unit(unit_slug) if module is not None else None
    if unit is None or not unit.questions:
        abort(404)
    return module, unit


class Panel:
    """What the self-check at the end of a unit page needs: ready URLs, a fresh form token, the
    learner's scores. Built by the `self_check_panel(unit)` template global."""

    def __init__(self, module: Module, unit: Unit, checked: service.Checked, *, token: str | None = None):
        self.module, self.unit, self.checked = module, unit, checked
        self.token = token or service.new_token()
        self.token_field = service.TOKEN_FIELD
        self.action = url_for("selfchecks.check_unit", module_slug=unit.module_slug, unit_slug=unit.slug)
        self.unit_url = url_for("courses.unit_page", module_slug=unit.module_slug, unit_slug=unit.slug)
        self.can_answer = current_user.is_authenticated and current_user.is_learner
        self.score = (service.scores(current_user.id, unit.module_slug).of(unit) if self.can_answer else None)
        self.analysis_url = (url_for("selfchecks.item_analysis") + f"#{unit.module_slug}"
                             if current_user.is_authenticated and not self.can_answer else None)
        self.pass_mark = module.self_check_pass


def self_check_panel(unit: Unit) -> Panel | None:
    """The panel for the end of `unit`'s page, or None when the unit has no self-check."""
    if not unit.questions:
        return None
    module = get_course().module(unit.module_slug)
    return Panel(module, unit, service.blank(unit))


def module_self_check_scores(module: Module) -> service.Scores | None:
    """The signed-in learner's self-check scores in `module` (for its outline), or None for others."""
    if current_user.is_authenticated and current_user.is_learner and module.checked_units:
        return service.scores(current_user.id, module.slug)
    return None


@learner_required
def check_unit(module_slug: str, unit_slug: str):
    module, unit = _unit_with_questions(module_slug, unit_slug)
    form = request.form.to_dict(flat=False)
    checked = service.read_answers(unit, form)
    token = service.read_token(form)
    if token is None:
        checked = service.Checked(checked.answers, checked.form_errors + (
            service.BROKEN_FORM,))
    if not checked.valid:
        # Nothing is stored: the form again, with the learner's answers and a message at each problem.
        return render_template("selfchecks/check.html", panel=Panel(module, unit, checked)), 422
    try:
        attempt, newly = service.record_attempt(current_user, unit, checked, token, utcnow())
    except service.TokenTaken:
        checked = service.Checked(checked.answers, (service.BROKEN_FORM,))
        return render_template("selfchecks/check.html", panel=Panel(module, unit, checked)), 422
    result = checked if newly else service.answers_of(unit, attempt)
    outcome = service.Outcome(attempt.correct, attempt.total)
    _, following = module.neighbours(unit)
    # Rendered before the commit, which expires every loaded row: the page would load the user again.
    page = render_template("selfchecks/answer.html", module=module, unit=unit, attempt=outcome, result=result,
                           repeated=not newly, following=following, panel=Panel(module, unit, result))
    db.session.commit()
    return page


@staff_required
def item_analysis():
    course = get_course()
    analysis = stats.item_analysis(course)
    return render_template("selfchecks/item_analysis.html", course=course, analysis=analysis,
                           min_learners=stats.MIN_LEARNERS, too_easy=stats.TOO_EASY, too_hard=stats.TOO_HARD,
                           flag_easy=stats.FLAG_EASY, flag_hard=stats.FLAG_HARD, flag_negative=stats.FLAG_NEGATIVE)


@staff_required
def export_item_analysis():
    analysis = stats.item_analysis(get_course())
    return csv_response(csv_text(stats.csv_rows(analysis)), f"self-checks-{utcnow():%Y-%m-%d}.csv")
