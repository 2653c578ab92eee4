from __future__ import annotations

from pathlib import Path

from flask import (Response, abort, current_app, flash, redirect, render_template, request, send_from_directory,
                   url_for)
from flask_login import current_user, login_required

from ..core.auth import learner_required
from ..extensions import db
from . import service
from .content import ASSET_SUFFIXES, Module, Unit, get_course
from .spreadsheets import XLSX_MIMETYPE


ASSET_MAX_AGE = 24 * 60 * 60
# An SVG opened on its own is a document: it may style itself, and nothing else (no scripts, no loads, no frames).
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; sandbox"


def _progress():
    """The signed-in learner's progress, or None for visitors and staff."""
    if current_user.is_authenticated and current_user.is_learner:
        return service.course_progress(get_course(), current_user)
    return None


def get_module_or_404(module_slug: str) -> Module:
    module = get_course().module(module_slug)
    if module is None:
        abort(404)
    return module


def get_unit_or_404(module_slug: str, unit_slug: str) -> tuple[Module, Unit]:
    module = get_module_or_404(module_slug)
    unit = module.unit(unit_slug)
    if unit is None:
        abort(404)
    return module, unit


def home():
    return render_template("courses/home.html", course=get_course(), progress=_progress())


def _module_progress(module: Module) -> service.ModuleProgress | None:
    """The signed-in learner's progress in one module (one small query), or None for visitors and staff."""
    if current_user.is_authenticated and current_user.is_learner:
        return service.module_progress(module, current_user)
    return None


def module_list():
    course = get_course()
    progress = _progress()
    return render_template("courses/module_list.html", course=course, progress=progress)


def module_outline(module_slug: str):
    module = get_module_or_404(module_slug)
    return render_template("courses/module_outline.html", course=get_course(), module=module,
                           progress=_module_progress(module))


@login_required
def unit_page(module_slug: str, unit_slug: str):
    module, unit = get_unit_or_404(module_slug, unit_slug)
    previous, following = module.neighbours(unit)
    progress = _module_progress(module)
    return render_template("courses/unit.html", course=get_course(), module=module, unit=unit, previous=previous,
                           following=following, module_progress=progress)


@learner_required
def complete_unit(module_slug: str, unit_slug: str):
    module, unit = get_unit_or_404(module_slug, unit_slug)
    newly = service.complete_unit(current_user, unit)
    db.session.commit()
    _, following = module.neighbours(unit)
    if newly:
        flash(f"“{unit.title}” is marked as complete.", "success")
    else:
        flash(f"“{unit.title}” was already complete.", "info")
    if following is not None:
        return redirect(url_for("courses.unit_page", module_slug=module.slug, unit_slug=following.slug))
    return redirect(url_for("courses.module_outline", module_slug=module.slug))


def glossary():
    return render_template("courses/glossary.html", course=get_course())


def further_reading():
    page = get_course().pages.get("further-reading")
    if page is None:
        abort(404)
    return render_template("courses/page.html", course=get_course(), page=page)


def references():
    """The course's dated reference list; every footnote in the units links to an entry here."""
    return render_template("courses/references.html", course=get_course())


def download(slug: str):
    """A spreadsheet built from a table in a unit, at load time: the request only sends the stored bytes."""
    item = get_course().downloads.get(slug)
    if item is None:
        abort(404)
    response = Response(item.data, mimetype=XLSX_MIMETYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{item.slug}.xlsx"'
    response.set_etag(item.etag)
    response.cache_control.public = True
    response.cache_control.no_cache = True      # always asked again; the ETag makes that a cheap 304
    return response.make_conditional(request)


def asset(filename: str):
    """Images and figures from the module folders, cached by browsers for a day."""
    if Path(filename).suffix.lower() not in ASSET_SUFFIXES:
        abort(404)
    # send_from_directory refuses paths that leave the folder (404).
    response = send_from_directory(current_app.config["CONTENT_DIR"], filename, max_age=ASSET_MAX_AGE,
                                   conditional=True)
    if Path(filename).suffix.lower() == ".svg":
        response.mimetype = "image/svg+xml"
        response.headers["Content-Security-Policy"] = SVG_CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
    return response
