"""Admins' pages: the editions (create, change), adding learners without an edition, moving a learner."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from ..core.auth import admin_required
from ..core.errors import DomainError
from ..core.forms import ActionForm, add_error
from ..core.templating import viewer_zone
from ..core.time import utcnow
from ..extensions import db
from . import service
from .forms import EditionForm, MoveForm
from .loaders import get_edition_or_404, get_learner_or_404


def _dates(form: EditionForm) -> service.EditionDates:
    return service.EditionDates(registration_opens=form.registration_opens.day,
                                registration_closes=form.registration_closes.day,
                                starts_on=form.starts_on.day, certification_deadline=form.certification_deadline.day)


def _list_page(form: EditionForm, status: int = 200):
    now = utcnow()
    editions = service.all_editions()
    return render_template("editions/editions.html", editions=editions, form=form, now=now,
                           counts=service.member_counts(), open_now=service.open_edition(now, editions),
                           unplaced=service.learners_without_edition()), status


@admin_required
def editions():
    form = EditionForm()
    if not form.is_submitted():
        return _list_page(form)
    if form.validate():
        try:
            edition = service.create_edition(form.name.data, _dates(form), zone_name=viewer_zone(), now=utcnow())
        except DomainError as e:
            db.session.rollback()
            add_error(form, e.field, e.message)
        else:
            db.session.commit()
            flash(f"The edition “{edition.name}” has been created.", "success")
            return redirect(url_for("editions.edit_edition", edition_id=edition.id))
    return _list_page(form, 422)


def _edit_page(edition, form: EditionForm, status: int = 200):
    return render_template("editions/edition.html", edition=edition, form=form, adopt_form=ActionForm(),
                           members=service.member_counts().get(edition.id, 0),
                           unplaced=service.learners_without_edition(), now=utcnow()), status


@admin_required
def edit_edition(edition_id: int):
    edition = get_edition_or_404(edition_id)
    zone = viewer_zone()
    if not EditionForm().is_submitted():
        dates = service.dates_of(edition, zone)
        form = EditionForm(formdata=None, data={
            "name": edition.name, "registration_opens": _iso(dates.registration_opens),
            "registration_closes": _iso(dates.registration_closes), "starts_on": _iso(dates.starts_on),
            "certification_deadline": _iso(dates.certification_deadline)})
        return _edit_page(edition, form)
    form = EditionForm()
    if form.validate():
        try:
            service.update_edition(edition, form.name.data, _dates(form), zone_name=zone, now=utcnow())
        except DomainError as e:
            db.session.rollback()
            edition = get_edition_or_404(edition_id)
            add_error(form, e.field, e.message)
        else:
            db.session.commit()
            flash(f"The edition “{edition.name}” has been saved.", "success")
            return redirect(url_for("editions.edit_edition", edition_id=edition.id))
    return _edit_page(edition, form, 422)


def _iso(day) -> str:
    return day.isoformat() if day else ""


@admin_required
def adopt_learners(edition_id: int):
    edition = get_edition_or_404(edition_id)
    if ActionForm().validate_on_submit():
        count = service.adopt_learners_without_edition(edition, by=current_user, now=utcnow())
        db.session.commit()
        flash(f"{count} learner{'s' if count != 1 else ''} without an edition joined “{edition.name}”."
              if count else "Every learner is already in an edition.", "success" if count else "info")
    return redirect(url_for("editions.edit_edition", edition_id=edition.id), code=303)


@admin_required
def move_learner(user_id: int):
    learner = get_learner_or_404(user_id)
    editions = service.all_editions()
    form = MoveForm()
    form.set_editions(editions)
    current = service.edition_of(learner.id)
    status = 200
    if form.is_submitted():
        if form.validate():
            try:
                service.move_learner(learner, form.chosen_edition, by=current_user, now=utcnow())
            except DomainError as e:
                db.session.rollback()
                add_error(form, e.field, e.message)
            else:
                db.session.commit()
                flash(f"{learner.name} is now in “{form.chosen_edition.name}”. Their progress, posts, submissions, "
                      "grades and certificate stay as they were.", "success")
                return redirect(url_for("editions.move_learner", user_id=learner.id), code=303)
        status = 422
    elif current is not None:
        form.edition.data = str(current.id)
    return render_template("editions/move.html", learner=learner, form=form, current=current, editions=editions,
                           moves=service.moves_of(learner.id)), status
