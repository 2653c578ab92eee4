"""Module forums: threads and replies, moderation, following and notification mail."""
from __future__ import annotations

import logging

from flask import Flask
from sqlalchemy import inspect
from sqlalchemy.exc import SQLAlchemyError

from ..core.personal_data import register
from ..extensions import db

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    from . import optout, personal_data
    from .blueprint import bp

    app.register_blueprint(bp)
    optout.init_app(app)
    for part in personal_data.PARTS:
        register(app, part)


def seed_prompt_threads(app: Flask) -> int:
    """Create the discussion prompts' pinned threads, once, when the app starts on a migrated database.
    Idempotent and safe when several workers start together (a unique constraint decides)."""
    from ..courses.content import get_course
    from .service import sync_prompt_threads

    with app.app_context():
        try:
            if not inspect(db.engine).has_table("forum_thread"):
                return 0    # not migrated yet: `flask db upgrade` comes first
            created = sync_prompt_threads(get_course())
            db.session.commit()
        except SQLAlchemyError:
            db.session.rollback()
            log.exception("could not create the forums' prompt threads; they will be created at the next start")
            return 0
        finally:
            db.session.remove()
    return created
