"""Translation of what a person reads (Flask-Babel; Babel formats dates and numbers).

Templates use `_()` and `ngettext()` (Flask-Babel installs them in Jinja); Python code uses
`flask_babel.gettext` at request time and `lazy_gettext` for texts defined at import time (form labels).
English is the source language; catalogues live in courseware/translations/<lang>/LC_MESSAGES/.
"""
from __future__ import annotations

from flask import Flask
from flask_babel import Babel

SOURCE_LANGUAGE = "en"

babel = Babel()


def select_locale() -> str:
    """The page's language. For now always the source language; the languages issue adds negotiation."""
    return SOURCE_LANGUAGE


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", SOURCE_LANGUAGE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", "translations")
    babel.init_app(app, locale_selector=select_locale)
