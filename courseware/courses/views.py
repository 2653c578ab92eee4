from __future__ import annotations

from pathlib import Path

from flask import (Response, abort, current_app, flash, redirect, render_template, request, send_from_directory,
                   url_for)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from markupsafe import Markup

from ..core.auth import learner_required
from ..core.i18n import current_language
from ..extensions import db
from . import service
from .content import ASSET_SUFFIXES, Module, Unit, get_course
from .spreadsheets import XLSX_MIMETYPE


ASSET_MAX_AGE = 24 * 60 * 60
# An SVG opened on its own is a document: it may style itself, and nothing else (no scripts, no loads, no frames).
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; sandbox"


def course_for_reader():
    """The course in the page's language: translated texts where they exist, English elsewhere. Slugs, progress,
    posts and submissions are the same in every language."""
    return get_course(current_language())


def content_lang(*items) -> Markup:
    """` lang="en"` for content shown in English on a page in another language (a template global)."""
    language = current_language()
    for item in items:
        if item is not None and getattr(item, "language", language) != language:
            return Markup(f' lang="{getattr(item, "language")}"')
    return Markup("")


def in_english(*items) -> bool:
    """Whether any of `items` (course text shown on this page) is shown in English on a page in another language:
    the page then says so."""
    language = current_language()
    return language != "en" and any(item is not None and getattr(item, "language", language) != language
                                    for item in items)


def _progress():
    """The signed-in learner's progress, or None for visitors and staff."""
    if current_user.is_authenticated and current_user.is_learner:
        return service.course_progress(course_for_reader(), current_user)
    return None


def get_module_or_404(module_slug: str) -> Module:
    module = course_for_reader().module(module_slug)
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
    course = course_for_reader()
    return render_template("courses/home.html", course=course, progress=_progress(),
                           shown_in_english=in_english(course, *course.modules))


def _module_progress(module: Module) -> service.ModuleProgress | None:
    """The signed-in learner's progress in one module (one small query), or None for visitors and staff."""
    if current_user.is_authenticated and current_user.is_learner:
        return service.module_progress(module, current_user)
    return None


def module_list():
    course = course_for_reader()
    progress = _progress()
    return render_template("courses/module_list.html", course=course, progress=progress,
                           shown_in_english=in_english(*course.modules))


def module_outline(module_slug: str):
    module = get_module_or_404(module_slug)
    return render_template("courses/module_outline.html", course=course_for_reader(), module=module,
                           progress=_module_progress(module),
                           shown_in_english=in_english(module, *module.glossary))


@login_required
def unit_page(module_slug: str, unit_slug: str):
    module, unit = get_unit_or_404(module_slug, unit_slug)
    previous, following = module.neighbours(unit)
    progress = _module_progress(module)
    return render_template("courses/unit.html", course=course_for_reader(), module=module, unit=unit,
                           previous=previous, following=following, module_progress=progress,
                           shown_in_english=in_english(unit))


@learner_required
def complete_unit(module_slug: str, unit_slug: str):
    module, unit = get_unit_or_404(module_slug, unit_slug)
    newly = service.complete_unit(current_user, unit)
    db.session.commit()
    __, following = module.neighbours(unit)
    if newly:
        flash(_("“%(title)s” is marked as complete.", title=unit.title), "success")
    else:
        flash(_("“%(title)s” was already complete.", title=unit.title), "info")
    if following is not None:
        return redirect(url_for("courses.unit_page", module_slug=module.slug, unit_slug=following.slug))
    return redirect(url_for("courses.module_outline", module_slug=module.slug))


def glossary():
    course = course_for_reader()
    return render_template("courses/glossary.html", course=course, shown_in_english=in_english(*course.glossary))


def further_reading():
    page = course_for_reader().pages.get("further-reading")
    if page is None:
        abort(404)
    return render_template("courses/page.html", course=course_for_reader(), page=page, shown_in_english=in_english(page))


def references():
    """The course's dated reference list; every footnote in the units links to an entry here."""
    return render_template("courses/references.html", course=course_for_reader())


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
