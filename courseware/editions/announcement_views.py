"""/announcements/: the list for everyone signed in, posting for tutors and admins, read marks, mail settings."""
from __future__ import annotations

from flask_babel import gettext

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..core.auth import safe_next
from ..core.errors import DomainError
from ..core.forms import ActionForm, add_error
from ..core.safe_markdown import render_safe
from ..core.site import current_site
from ..core.time import utcnow
from ..extensions import db
from . import announcements, service
from .forms import AnnouncementForm, MailSettingForm
from .loaders import get_announcement_or_404, viewer_edition, viewer_edition_id
from .permissions import can_post_announcements


def _page(form: AnnouncementForm | None, settings_form: MailSettingForm | None = None, status: int = 200,
          preview=None):
    staff = current_user.is_staff
    if settings_form is None and current_user.is_learner:
        setting = announcements.mail_setting(current_user)
        settings_form = MailSettingForm(formdata=None, announcements=setting.announcements,
                                        session_reminders=setting.session_reminders)
    rows = announcements.announcements_for(current_user, viewer_edition_id(), staff=staff)
    return render_template("editions/announcements.html", rows=rows, form=form, settings_form=settings_form,
                           edition=viewer_edition(), action_form=ActionForm(), preview=preview,
                           unread=sum(1 for r in rows if r.is_new)), status


def _announcement_form() -> AnnouncementForm:
    form = AnnouncementForm()
    form.set_editions(service.all_editions(), everyone="Every learner (all editions)")
    return form


@login_required
def announcements_page():
    if request.method == "POST" and not can_post_announcements(current_user):
        abort(403)
    form = _announcement_form() if can_post_announcements(current_user) else None
    if form is None or not form.is_submitted():
        return _page(form)
    if not form.validate():
        return _page(form, status=422)
    if "preview" in request.form:
        return _page(form, preview=render_safe(form.body.data or ""))
    try:
        announcement, queued = announcements.post_announcement(current_site(), current_user, form.title.data,
                                                               form.body.data, form.chosen_edition, utcnow())
    except DomainError as e:
        db.session.rollback()
        add_error(form, e.field, e.message)
        return _page(form, status=422)
    db.session.commit()
    flash(f"Your announcement “{announcement.title}” is posted; {queued} learner{'s' if queued != 1 else ''} "
          f"will get it by mail.", "success")
    return redirect(url_for("editions.announcements"), code=303)


@login_required
def mark_read(announcement_id: int):
    announcement = get_announcement_or_404(announcement_id)
    if ActionForm().validate_on_submit():
        announcements.mark_read(announcement, current_user, utcnow())
        db.session.commit()
    return redirect(safe_next(url_for("editions.announcements", _anchor=f"announcement-{announcement.id}")),
                    code=303)


@login_required
def dismiss(announcement_id: int):
    announcement = get_announcement_or_404(announcement_id)
    if ActionForm().validate_on_submit():
        announcements.dismiss(announcement, current_user, utcnow())
        db.session.commit()
        flash(f"“{announcement.title}” is dismissed. You can find it again under Announcements.", "info")
    return redirect(safe_next(url_for("courses.home")), code=303)


@login_required
def mark_all_read():
    if ActionForm().validate_on_submit():
        count = announcements.mark_all_read(current_user, None if current_user.is_staff else viewer_edition_id(),
                                            utcnow())
        db.session.commit()
        flash("Every announcement is marked as read." if count else "There were no unread announcements.", "info")
    return redirect(url_for("editions.announcements"), code=303)


@login_required
def mail_settings():
    form = MailSettingForm()
    if not form.validate_on_submit():
        return _page(None if not can_post_announcements(current_user) else _announcement_form(), form, status=422)
    announcements.set_mail_setting(current_user, announcements=form.announcements.data,
                                   session_reminders=form.session_reminders.data, now=utcnow())
    db.session.commit()
    flash(gettext("Your mail settings are saved."), "success")
    return redirect(url_for("editions.announcements", _anchor="mail-settings"), code=303)
