"""Assignments: learners' drafts and submissions with attachments, and the tutors' grading queue and grading."""
from __future__ import annotations

import logging

from flask import Flask
from sqlalchemy import inspect
from sqlalchemy.exc import SQLAlchemyError

from ..core.personal_data import register
from ..extensions import db

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    from . import notifications, personal_data
    from .blueprint import bp

    app.register_blueprint(bp)
    notifications.init_app(app)
    register(app, personal_data.PART)
    app.jinja_env.globals["feedback_waiting"] = feedback_waiting


def feedback_waiting() -> list:
    """The modules where the signed-in learner's newest version came back "needs revision" (one query), for the
    notice on the course home and /progress/ (templates/assignments/_feedback_waiting.html)."""
    from flask_login import current_user

    from ..courses.content import get_course
    from .models import SubmissionStatus
    from .versions import latest_statuses

    if not (current_user.is_authenticated and current_user.is_learner):
        return []
    statuses = latest_statuses(current_user.id)
    return [m for m in get_course().modules if statuses.get(m.slug) == SubmissionStatus.NEEDS_REVISION]


def remove_orphan_files(app: Flask) -> int:
    """When the app starts (each server worker, each command): remove attachment files an interrupted
    upload left without a submission (see recovery.py). Never fails the start."""
    from ..core.site import current_site
    from .recovery import remove_orphan_files as sweep

    with app.app_context():
        try:
            if not inspect(db.engine).has_table("submission"):
                return 0    # not migrated yet
            return sweep(current_site())
        except (SQLAlchemyError, OSError):
            db.session.rollback()
            log.exception("could not look for orphaned attachment files; will look again at the next start")
            return 0
        finally:
            db.session.remove()
