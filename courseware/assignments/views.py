"""The learner's side: the brief, their versions and feedback, drafts and submissions; attachments."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..accounts.access import confirmed_email_required
from ..core.auth import learner_required
from ..core.errors import DeadlinePassed, DomainError
from ..core.forms import ActionForm, add_error, form_status
from ..core.safe_markdown import plain_words, render_safe
from ..core.site import current_site
from ..core.time import utcnow
from ..courses.views import get_module_or_404, in_english
from ..editions.service import terms_of
from ..extensions import db
from . import recovery, service, storage
from .forms import SubmissionForm
from .models import Submission
from .permissions import can_view_submission



def _render(module, state, form, terms, status: int | None = None, preview=None):
    code = status or form_status(form)
    latest = state.latest
    return render_template("assignments/assignment.html", module=module, brief=module.assignment, state=state,
                           form=form, preview=preview, terms=terms, shown_in_english=in_english(module.assignment),
                           feedback=service.latest_feedback(state, module.assignment),
                           can_withdraw=service.can_withdraw(latest, current_site(), utcnow()),
                           withdraw_form=ActionForm(formdata=None),
                           preview_words=plain_words(form.body.data) if preview is not None else None), code


@learner_required
@confirmed_email_required
def assignment_page(module_slug: str):
    module = get_module_or_404(module_slug)
    state = service.learner_state(current_user.id, module.slug)
    # The learner's edition: after its certification deadline nothing more can be submitted.
    terms = terms_of(current_user.id, utcnow())
    form = SubmissionForm()
    if not form.is_submitted():
        form.body.data = state.start_text or None
        return _render(module, state, form, terms)
    if not form.validate():
        return _render(module, state, form, terms)
    if form.preview.data:
        return _render(module, state, form, terms, preview=render_safe(form.body.data or ""))

    submit = not form.save_draft.data
    site = current_site()
    attachments = storage.for_site(site)
    try:
        upload = storage.check_upload(form.attachment.data) if form.attachment.data else None
        result = service.save_work(site, current_user, module, form.body.data or "", upload, submit=submit, now=utcnow(),
                                   remove_attachment=form.remove_attachment.data, deadline=terms.deadline)
    except DomainError as e:
        db.session.rollback()
        add_error(form, e.field, e.message)
        state = service.learner_state(current_user.id, module.slug)
        status = (413 if isinstance(e, storage.FileTooLarge) else 409 if isinstance(e, service.StateConflict)
                  else 403 if isinstance(e, DeadlinePassed) else 507 if isinstance(e, storage.StorageFull) else 422)
        return _render(module, state, form, terms_of(current_user.id, utcnow()), status=status)
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        recovery.settle_after_failed_commit(site, result.stored_key)
        raise
    attachments.release(result.stored_key)
    attachments.discard(result.replaced_key)
    # No anchor: the page opens at its top, where the confirmation says what happens next.
    if submit:
        flash(_("Version %(n)s is submitted. What happens next: a tutor reads it and decides “passed” or "
                "“needs revision”; you will get an email when they have. Until a tutor opens it, you can "
                "withdraw it to change it.", n=result.submission.version), "success")
    else:
        flash(_("Your draft is saved. It is not yet submitted: nobody else can see it. Submit it for grading "
                "when it is ready."), "success")
    return redirect(url_for(".assignment_page", module_slug=module.slug))


@learner_required
@confirmed_email_required
def withdraw_submission(module_slug: str):
    """Take a submitted version back to a draft, until a tutor opens it for grading."""
    module = get_module_or_404(module_slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        submission = service.withdraw_submission(current_site(), current_user, module, utcnow())
    except DomainError as e:
        db.session.rollback()
        flash(e.message, "error")
        return redirect(url_for(".assignment_page", module_slug=module.slug), code=303)
    db.session.commit()
    flash(_("Version %(n)s is withdrawn: it is a draft again, which only you can see. Change it and submit it "
            "when it is ready.", n=submission.version), "success")
    return redirect(url_for(".assignment_page", module_slug=module.slug), code=303)


@login_required
def download_attachment(submission_id: int):
    submission = db.session.get(Submission, submission_id)
    # Someone else's work answers as if it did not exist.
    if submission is None or not submission.has_attachment or not can_view_submission(current_user, submission):
        abort(404)
    try:
        path = storage.for_site(current_site()).path_of(submission.attachment_key)
    except ValueError:
        abort(404)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=submission.attachment_type, as_attachment=True,
                         download_name=submission.attachment_name or "attachment", max_age=0, conditional=False)
    response.headers["Cache-Control"] = "private, no-store"
    return response
