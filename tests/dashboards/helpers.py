"""Rows straight in the database, for dashboards that need many learners in a known state.

The pages under test only read these tables; the service functions that normally write them are
tested by their own features, and going through HTTP for 30 learners would make the tests slow.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import func, select

from courseware.assignments.models import GradeEvent, Submission
from courseware.certificates.models import Certificate
from courseware.core.time import utcnow
from courseware.courses.models import UnitCompletion
from courseware.extensions import db
from courseware.forums.models import Post, Thread
from tests.factories import make_user

UNITS = {"basics": ["first-steps", "second-unit"], "practice": ["applying"]}


def ago(days: float):
    return utcnow() - timedelta(days=days)


def complete(user_id: int, module: str, unit: str, days: float = 1) -> None:
    db.session.add(UnitCompletion(user_id=user_id, module_slug=module, unit_slug=unit, completed_at=ago(days)))


def complete_all(user_id: int, days: float = 1) -> None:
    for module, units in UNITS.items():
        for unit in units:
            complete(user_id, module, unit, days)


def thread(module: str, author_id: int | None, title: str = "A thread", days: float = 1) -> Thread:
    t = Thread(module_slug=module, title=title, author_id=author_id, created_at=ago(days), last_post_at=ago(days))
    db.session.add(t)
    db.session.flush()
    return t


def post(t: Thread, author_id: int | None, days: float = 1, hidden: bool = False, deleted: bool = False,
         course_team: bool = False) -> Post:
    p = Post(thread_id=t.id, author_id=author_id, body="A post", body_html="<p>A post</p>", created_at=ago(days),
             hidden_at=ago(days) if hidden else None, deleted_at=ago(days) if deleted else None,
             by_course_team=course_team)
    db.session.add(p)
    db.session.flush()
    return p


def submission(user_id: int, module: str, status: str = "submitted", days: float = 1, version: int = 1,
               tutor_id: int | None = None) -> Submission:
    s = Submission(user_id=user_id, module_slug=module, version=version, status=status, body="Work",
                   body_html="<p>Work</p>", words=1, created_at=ago(days), updated_at=ago(days),
                   submitted_at=None if status == "draft" else ago(days))
    db.session.add(s)
    db.session.flush()
    if status in ("passed", "needs revision"):
        s.graded_at = ago(days / 2)
        decision = "pass" if status == "passed" else "revise"
        db.session.add(GradeEvent(submission_id=s.id, tutor_id=tutor_id, decision=decision, feedback="Fine",
                                  feedback_html="<p>Fine</p>", created_at=ago(days / 2)))
    return s


def certificate(user_id: int, name: str, revoked: bool = False) -> Certificate:
    index = (db.session.scalar(select(func.max(Certificate.status_index))) or 0) + 1
    c = Certificate(user_id=user_id, code=secrets.token_hex(10).upper()[:20], learner_name=name, course_title="Course",
                    course_version="1", tutor_organisation="Tutors", module_titles=["Basics", "Practice"],
                    awarded_at=ago(1), pdf=b"%PDF", pdf_sha256=hashlib.sha256(b"%PDF").hexdigest(),
                    credential_json="{}", status_index=index,
                    revoked_at=ago(0.5) if revoked else None, revocation_reason="Test" if revoked else "")
    db.session.add(c)
    db.session.flush()
    return c


def cohort(n: int, organisations: int = 3) -> list[int]:
    """`n` learners each with some of everything: progress, posts, submissions, a certificate for some."""
    ids = []
    threads = {}
    for i in range(n):
        user = make_user(role="learner", name=f"Learner {i}", organisation=f"City {i % organisations}")
        ids.append(user.id)
        complete(user.id, "basics", "first-steps", days=i % 5)
        for module in UNITS:
            if module not in threads:
                threads[module] = thread(module, user.id)
            post(threads[module], user.id, days=i % 20)
        submission(user.id, "basics", "passed" if i % 2 else "submitted", days=i % 15)
        submission(user.id, "practice", "draft")
        if i % 3 == 0:
            certificate(user.id, f"Learner {i}", revoked=i % 2 == 0)
    db.session.commit()
    return ids
