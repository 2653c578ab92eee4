"""Translation of what a person reads (Flask-Babel; Babel formats dates and numbers).

Templates use `_()` and `ngettext()` (Flask-Babel installs them in Jinja); Python code uses
`flask_babel.gettext` at request time and `lazy_gettext` for texts defined at import time (form labels).
English is the source language; catalogues live in courseware/translations/<lang>/LC_MESSAGES/.

The page's language (`select_locale`), first that applies:
1. the signed-in person's choice, kept on the account (`user.language`);
2. the choice of a visitor, kept in the `language` cookie (set by `POST /language`);
3. the browser's `Accept-Language`;
4. English.
Mail is written in the recipient's language, whatever the request's (`in_language_of`).
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from flask import Flask, flash, g, has_request_context, redirect, request
from flask_babel import Babel, force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user

SOURCE_LANGUAGE = "en"
# The languages the interface is offered in, in the order the language form lists them.
LANGUAGES = ("en", "de", "fr", "nl")
# Each language's name in itself: what the form shows, whatever the page's language.
LANGUAGE_NAMES = {"en": "English", "de": "Deutsch", "fr": "Français", "nl": "Nederlands"}
COOKIE = "language"
COOKIE_MAX_AGE = 365 * 24 * 60 * 60

babel = Babel()


def is_language(code: object) -> bool:
    return isinstance(code, str) and code in LANGUAGES


def select_locale() -> str:
    """The page's language: the account's choice, the cookie's, the browser's, else English."""
    if not has_request_context():
        return SOURCE_LANGUAGE
    if "language" in g:
        return g.language
    try:
        chosen = getattr(current_user, "language", None) if current_user.is_authenticated else None
    except Exception:       # the database is away (errors/unavailable.html): the browser decides
        chosen = None
    if not is_language(chosen):
        chosen = request.cookies.get(COOKIE)
    if not is_language(chosen):
        chosen = request.accept_languages.best_match(LANGUAGES) or SOURCE_LANGUAGE
    g.language = chosen
    return chosen


def current_language() -> str:
    """The language of the page being built (or of the mail being written, inside `in_language_of`)."""
    locale = get_locale()
    return locale.language if locale is not None and is_language(locale.language) else SOURCE_LANGUAGE


@contextmanager
def in_language(code: str | None) -> Iterator[str]:
    """Everything inside is translated and formatted in `code` (English when unknown or unset)."""
    code = code if is_language(code) else SOURCE_LANGUAGE
    with force_locale(code):
        yield code


def in_language_of(user):
    """Text written for `user` (a mail, a certificate) in the language of their account."""
    return in_language(getattr(user, "language", None))


def choose_language():
    """POST /language: remember the chosen language (on the account when signed in, and in a cookie) and go
    back to `next` when it is a local path. An unknown code changes nothing and says so."""
    from ..extensions import db
    from .auth import safe_next

    code = request.form.get("language", "")
    target = safe_next("/")
    if not is_language(code):
        flash(_("That language is not offered. Choose English, Deutsch, Français or Nederlands."), "error")
        return redirect(target, 303)
    if current_user.is_authenticated and hasattr(current_user, "language"):
        current_user.language = code
        db.session.commit()
    g.language = code
    response = redirect(target, 303)
    response.set_cookie(COOKIE, code, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True,
                        secure=request.is_secure)
    return response


def language_choices() -> list[tuple[str, str]]:
    return [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES]


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", SOURCE_LANGUAGE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", "translations")
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["current_language"] = current_language
    app.jinja_env.globals["language_choices"] = language_choices

    @app.after_request
    def vary_on_language(response):
        response.vary.add("Accept-Language")
        response.vary.add("Cookie")
        return response


