"""/sessions/: live sessions for everyone signed in; scheduling, changing, cancelling and attendance for staff;
one session as an .ics file."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..core import timezones
from ..core.auth import staff_required
from ..core.errors import DomainError
from ..core.forms import ActionForm, add_error
from ..core.pagination import paginate
from ..core.params import db_int
from ..core.site import current_site
from ..core.templating import viewer_zone
from ..core.time import utcnow
from ..courses.content import get_course
from ..extensions import db
from . import calendar, live_sessions, service
from .forms import SessionForm
from .loaders import get_session_or_404, viewer_edition, viewer_edition_id
from .permissions import can_manage_sessions


def _session_form(**kwargs) -> SessionForm:
    form = SessionForm(zone_name=viewer_zone(), **kwargs)
    form.set_editions(service.all_editions(), everyone="Every learner (all editions)")
    return form


def _input(form: SessionForm) -> live_sessions.SessionInput:
    return live_sessions.SessionInput(
        title=form.title.data or "", starts_at=form.starts_at.moment, ends_at=form.ends_at.moment,
        join_url=form.join_url.data or "", recording_url=form.recording_url.data or "",
        slides_url=form.slides_url.data or "", edition=form.chosen_edition)


def _list_page(form: SessionForm | None, status: int = 200):
    now = utcnow()
    sessions = live_sessions.sessions_for(viewer_edition_id(), staff=current_user.is_staff)
    upcoming = [s for s in sessions if not s.is_past(now)]
    past = [s for s in reversed(sessions) if s.is_past(now)]
    return render_template("editions/sessions.html", upcoming=upcoming, past=past, form=form, now=now,
                           edition=viewer_edition(), can_manage=can_manage_sessions(current_user)), status


@login_required
def sessions():
    if request.method == "POST" and not can_manage_sessions(current_user):
        abort(403)
    form = _session_form() if can_manage_sessions(current_user) else None
    if form is None or not form.is_submitted():
        return _list_page(form)
    if form.validate():
        try:
            session = live_sessions.schedule_session(_input(form), by=current_user, now=utcnow())
        except DomainError as e:
            db.session.rollback()
            add_error(form, e.field, e.message)
        else:
            db.session.commit()
            flash(f"“{session.title}” is scheduled for {timezones.format_span(session.starts_at, session.ends_at, viewer_zone())}.",
                  "success")
            return redirect(url_for("editions.sessions", _anchor=f"session-{session.id}"), code=303)
    return _list_page(form, 422)


@staff_required
def edit_session(session_id: int):
    session = get_session_or_404(session_id)
    zone = viewer_zone()
    if request.method == "GET":
        form = _session_form(formdata=None, data={
            "title": session.title, "starts_at": timezones.input_datetime(session.starts_at, zone),
            "ends_at": timezones.input_datetime(session.ends_at, zone), "join_url": session.join_url,
            "recording_url": session.recording_url or "", "slides_url": session.slides_url or "",
            "edition": str(session.edition_id) if session.edition_id else "all"})
        return _edit_page(session, form)
    form = _session_form()
    if form.validate():
        try:
            changed = live_sessions.update_session(session, _input(form), now=utcnow())
        except DomainError as e:
            db.session.rollback()
            session = get_session_or_404(session_id)
            add_error(form, e.field, e.message)
        else:
            db.session.commit()
            flash(f"“{session.title}” is saved; calendars that subscribe will show the change."
                  if changed else "Nothing was changed.", "success" if changed else "info")
            return redirect(url_for("editions.sessions", _anchor=f"session-{session.id}"), code=303)
    return _edit_page(session, form, 422)


def _edit_page(session, form: SessionForm, status: int = 200):
    return render_template("editions/edit_session.html", session=session, form=form, cancel_form=ActionForm(),
                           now=utcnow()), status


@staff_required
def cancel_session(session_id: int):
    session = get_session_or_404(session_id)
    if ActionForm().validate_on_submit():
        try:
            live_sessions.cancel_session(session, utcnow())
        except DomainError as e:
            flash(e.message, "info")
        else:
            db.session.commit()
            flash(f"“{session.title}” is cancelled. Subscribed calendars will show it as cancelled.", "success")
    return redirect(url_for("editions.sessions", _anchor=f"session-{session.id}"), code=303)


def ics_response(body: bytes, filename: str, *, attachment: bool) -> Response:
    disposition = "attachment" if attachment else "inline"
    return Response(body, headers={"Content-Type": calendar.MIME_TYPE,
                                   "Content-Disposition": f'{disposition}; filename="{filename}"',
                                   "Cache-Control": "private, no-cache", "X-Robots-Tag": "noindex"})


@login_required
def session_ics(session_id: int):
    session = get_session_or_404(session_id)
    body = calendar.session_file(current_site(), get_course().title, session)
    return ics_response(body, f"session-{session.id}.ics", attachment=True)


@staff_required
def attendance(session_id: int):
    session = get_session_or_404(session_id)
    now = utcnow()
    form = ActionForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            shown = _ids(request.form.getlist("shown"))
            attended = set(_ids(request.form.getlist("attended")))
            try:
                added, removed = live_sessions.record_attendance(session, shown, attended, by=current_user, now=now)
            except DomainError as e:
                form.form_errors.append(e.message)
                status = 422
            else:
                db.session.commit()
                flash(f"Attendance saved: {added} added, {removed} removed.", "success")
                return redirect(url_for("editions.attendance", session_id=session.id,
                                        page=request.args.get("page", 1, type=db_int)), code=303)
        else:
            status = 422
    number = request.args.get("page", 1, type=db_int)
    page = paginate(live_sessions.expected_learners(session), number, live_sessions.ATTENDANCE_PAGE)
    if page is None:
        abort(404)
    present = live_sessions.attended_ids(session.id, [u.id for u in page.items])
    return render_template("editions/attendance.html", session=session, page=page, present=present, form=form,
                           total=live_sessions.attendance_count(session.id), now=now), status


def _ids(values: list[str]) -> list[int]:
    ids = []
    for value in values[:1000]:
        try:
            ids.append(db_int(value))
        except ValueError:
            continue
    return ids
