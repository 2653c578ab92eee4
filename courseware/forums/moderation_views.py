"""Tutors moderate: pin, lock, hide with a reason, restore, and work through reports.
Every action is recorded (service._record) and listed on the moderation page."""
from __future__ import annotations

from flask_babel import gettext

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from ..core.auth import staff_required
from ..core.errors import DomainError
from ..core.forms import add_error, form_status
from ..extensions import db
from . import queries, service
from ..core.forms import ActionForm
from .forms import ReasonForm
from .loaders import get_post_or_404, get_thread_or_404, page_number, thread_url
from .models import PostReport


DONE = {"pin": "The thread is pinned to the top.", "unpin": "The thread is no longer pinned.",
        "lock": "The thread is locked: nobody can reply.", "unlock": "The thread is open for replies again."}


@staff_required
def moderate_thread(module_slug: str, thread_id: int, action: str):
    _, thread = get_thread_or_404(module_slug, thread_id)
    if action not in service.THREAD_ACTIONS:
        abort(404)
    if ActionForm().validate_on_submit():
        changed = service.moderate_thread(current_user, thread, action)
        db.session.commit()
        flash(DONE[action] if changed else "Nothing to change.", "success" if changed else "info")
    return redirect(thread_url(thread), code=303)


@staff_required
def hide_post(module_slug: str, thread_id: int, post_id: int):
    module, thread, post, author = get_post_or_404(module_slug, thread_id, post_id)
    if post.is_hidden:
        flash(gettext("This post is already hidden."), "info")
        return redirect(thread_url(thread, post), code=303)
    form = ReasonForm()
    form.reason.label.text = "Why is this post hidden?"
    form.reason.description = "Its author will see this reason."
    if form.validate_on_submit():
        try:
            service.hide_post(current_user, post, form.reason.data)
        except DomainError as e:
            db.session.rollback()
            add_error(form, e.field, e.message)
        else:
            db.session.commit()
            flash(gettext("The post is hidden. Its author sees your reason; it no longer counts for the certificate."),
                  "success")
            return redirect(thread_url(thread, post), code=303)
    return render_template("forums/hide_post.html", module=module, thread=thread, post=post, author=author,
                           form=form), form_status(form)


@staff_required
def restore_post(module_slug: str, thread_id: int, post_id: int):
    _, thread, post, _ = get_post_or_404(module_slug, thread_id, post_id)
    if ActionForm().validate_on_submit():
        try:
            service.restore_post(current_user, post)
        except DomainError as e:
            db.session.rollback()
            flash(e.message, "info")
        else:
            db.session.commit()
            flash(gettext("The post is visible again."), "success")
    return redirect(thread_url(thread, post), code=303)


@staff_required
def moderation_queue():
    log = queries.moderation_log(page_number())
    if log is None:
        abort(404)
    return render_template("forums/moderation.html", reports=queries.open_reports(), log=log,
                           form=ActionForm())


@staff_required
def resolve_report(report_id: int):
    report = db.session.get(PostReport, report_id)
    if report is None:
        abort(404)
    if ActionForm().validate_on_submit():
        service.resolve_report(current_user, report)
        db.session.commit()
        flash(gettext("The report is marked as dealt with."), "success")
    return redirect(url_for("forums.moderation_queue"), code=303)
