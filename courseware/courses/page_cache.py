"""Whole-page cache for the course pages every learner reads most (the unit page, the module list).

Rendering base.html and a unit through Jinja costs more than everything else these pages do. Between
two learners the HTML differs only by their name, the CSRF token of their session, their role and
their progress. So a page is rendered once per (page, progress state, role) with placeholders for
the name and the token, and each request joins the stored pieces with its own, escaped, values.

What keeps this safe:
- The key holds everything else the page shows that can differ: the caller passes the page and its
  progress state; the role and the script root (for url_for) are added here.
- While rendering for the cache, templates see `_Viewer` instead of the user: it offers only what
  is the same for everyone of one role, so a template that starts showing, say, an email address
  fails loudly instead of showing one learner's address to another.
- The name is escaped exactly as Jinja's autoescape would; the token is the session's own
  (flask_wtf.csrf.generate_csrf, which creates it when missing, as the template call would).
- Flashed messages are per request: base.html's `flashes` block is rendered alone for each request
  (from the session, as the full page would) and put in its place.
- The cache belongs to the app and is emptied when the course object changes (a content reload),
  so nothing outlives the content it was made from. Every worker fills its own: nothing in it is
  needed by another worker.
"""
from __future__ import annotations

import re
import secrets

from flask import current_app, get_flashed_messages, render_template, request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import escape

from .content import get_course

MAX_PAGES = 2000      # far above (units x progress states x roles); a bound, not a tuning knob

# Placeholders: random per process, plain letters and digits (unchanged by escaping), so no course
# text can contain them by accident.
_TOKEN = secrets.token_hex(8)
NAME = f"cwname{_TOKEN}"
CSRF = f"cwcsrf{_TOKEN}"
FLASHES = f"cwflashes{_TOKEN}"
_SLOTS = re.compile(f"({NAME}|{CSRF}|{FLASHES})")


def _no_messages(*args, **kwargs) -> list:
    return []


def _flashes_block(messages_source) -> str:
    """base.html's `flashes` block on its own, with messages from `messages_source`."""
    base = current_app.jinja_env.get_template("base.html")
    return "".join(base.blocks["flashes"](base.new_context({"get_flashed_messages": messages_source})))


class _Viewer:
    """What templates may know about the signed-in person while a shared page is rendered."""

    is_authenticated = True
    is_anonymous = False
    is_active = True

    def __init__(self, user):
        self.role = user.role
        self.role_enum = user.role_enum
        self.is_learner = user.is_learner
        self.is_staff = user.is_staff
        self.name = NAME

    def __getattr__(self, attribute: str):
        # Jinja turns an AttributeError into an empty value; anything else stops the rendering.
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        raise RuntimeError(f"a shared page asked for current_user.{attribute}: add it to the page's cache key "
                           "and to _Viewer, or render that page without the cache")


class _Pages:
    def __init__(self):
        self.course = None
        self.pages: dict[tuple, list[str]] = {}

    def get(self, course, key: tuple):
        if self.course is not course:
            self.course, self.pages = course, {}
        return self.pages.get(key)

    def put(self, key: tuple, parts: list[str]) -> None:
        if len(self.pages) >= MAX_PAGES:
            self.pages.clear()
        self.pages[key] = parts


def _render_parts(template: str, context: dict) -> list[str] | None:
    """The page split at its placeholders (odd positions), or None when it cannot be shared."""
    html = render_template(template, current_user=_Viewer(current_user), csrf_token=lambda: CSRF,
                           get_flashed_messages=_no_messages, **context)
    empty = _flashes_block(_no_messages)
    if html.count(empty) != 1:
        return None     # the template does not show base.html's flashes block once: do not guess
    parts = _SLOTS.split(html.replace(empty, FLASHES))
    if any(_TOKEN in part.lower() for part in parts[::2]):
        return None     # a placeholder was changed on the way (a filter on the name?): do not share
    return parts


def _value(slot: str) -> str:
    if slot == NAME:
        return str(escape(current_user.name))
    if slot == CSRF:
        return str(escape(generate_csrf()))
    return _flashes_block(get_flashed_messages)


def _fill(parts: list[str]) -> str:
    """Join the stored pieces with this request's values (each placeholder computed once)."""
    values: dict[str, str] = {}
    out = []
    for i, part in enumerate(parts):
        if i % 2 == 0:
            out.append(part)
        else:
            if part not in values:
                values[part] = _value(part)
            out.append(values[part])
    return "".join(out)


def cached_page(key: tuple, template: str, **context) -> str:
    """render_template(template, **context), from the cache when the page may be shared.

    `key` must name the page and every per-person state the page shows besides the name, the
    token and the role (for instance whether this unit is done)."""
    if not current_user.is_authenticated:
        return render_template(template, **context)
    pages = current_app.extensions.setdefault("courseware.page_cache", _Pages())
    full_key = (template, key, current_user.role, request.script_root)
    course = get_course()
    parts = pages.get(course, full_key)
    if parts is None:
        parts = _render_parts(template, context) or []     # [] remembers "render this one normally"
        pages.put(full_key, parts)
    if not parts:
        return render_template(template, **context)
    return _fill(parts)
