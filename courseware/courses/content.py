"""The course, read from `modules/` into frozen dataclasses with pre-rendered HTML.

The tree is parsed and checked once (at start-up, and again when files change in
development); requests only read the resulting `Course`. See modules/README.md for the format.
The frozen dataclasses live in structure.py (not models.py, which holds the database models), the
reading and checking in loader.py; this module wires them into the app and re-exports what the rest
of the code uses.
"""
from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

from flask import Flask, current_app

from .loader import load_course, slug_of
from .structure import (ASSET_SUFFIXES, TOPICS, Assignment, ContentError, Course, GlossaryTerm, Module, Page, Prompt,
                    Unit)

__all__ = ["ASSET_SUFFIXES", "TOPICS", "Assignment", "ContentError", "Course", "GlossaryTerm", "Module", "Page",
           "Prompt", "Unit", "get_course", "init_app", "load_course", "reload_course", "slug_of"]

log = logging.getLogger(__name__)

_cache: dict[tuple, Course] = {}
_cache_lock = threading.Lock()


def _signature(root: Path) -> tuple:
    """Names, sizes and modification times of every file: changes when any content changes."""
    entries = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            st = os.stat(os.path.join(dirpath, name))
            entries.append((dirpath, name, st.st_size, st.st_mtime_ns))
    return (str(root), tuple(entries))


def _load_cached(root: Path) -> Course:
    # The course depends only on the files, so apps in one process (tests, reloads) share it.
    key = _signature(root)
    with _cache_lock:
        course = _cache.get(key)
        if course is None:
            course = load_course(root)
            _cache.clear()
            _cache[key] = course
        return course


def init_app(app: Flask) -> None:
    root = Path(app.config["CONTENT_DIR"])
    state = app.extensions["courseware.content"] = {"root": root, "course": None, "error": None}
    try:
        state["course"] = _load_cached(root)
    except ContentError as e:
        # Under the `flask` command line, keep going so that `flask content check` can report
        # the problems; anywhere else (gunicorn, tests) refuse to start.
        if os.environ.get("FLASK_RUN_FROM_CLI") != "true":
            raise
        state["error"] = e
        log.error("%s", e)

    @app.before_request
    def _fresh_course():
        if state["error"] is not None and not app.config["CONTENT_RELOAD"]:
            raise state["error"]
        if app.config["CONTENT_RELOAD"]:
            try:
                state["course"], state["error"] = _load_cached(root), None
            except ContentError as e:
                state["error"] = e
                raise


def get_course(language: str | None = None) -> Course:
    """The course; with a language ('de', 'fr', 'nl'), the course read in it: translated texts where they exist,
    English elsewhere (each object's `language` says which). Built once at load time, not per request."""
    state = current_app.extensions["courseware.content"]
    if state["course"] is None:
        raise state["error"] or ContentError(["the course is not loaded"])
    return state["course"].localized(language) if language else state["course"]


def reload_course(app: Flask) -> Course:
    state = app.extensions["courseware.content"]
    state["course"] = load_course(state["root"])
    state["error"] = None
    return state["course"]
