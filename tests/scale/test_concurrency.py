"""Concurrent writers through real server processes: gunicorn with 4 workers on the suite's database
(SQLite in the SQLite run, PostgreSQL in the PostgreSQL run), many people posting at the same moment."""
from __future__ import annotations

import pytest
import random
import secrets
import threading
from collections import Counter

from sqlalchemy import func, select

from courseware.assignments.models import Submission, SubmissionStatus
from courseware.courses.content import get_course
from courseware.extensions import db
from courseware.forums.models import Post, Thread
from courseware.forums.service import ensure_prompt_threads
from tests.factories import DEFAULT_PASSWORD, make_user

from .conftest import Browser, gunicorn, server_env

pytestmark = pytest.mark.scale

PEOPLE = 16
REPLIES_EACH = 8          # plus one submission in each of the two fixture modules: 10 writes per person
MODULES = ("basics", "practice")


def test_concurrent_replies_and_submissions_are_all_stored(app, database_url, tmp_path):
    """With 16 people writing at once through 4 worker processes, is every acknowledged reply and
    submission in the database, with no request failing and nothing stored twice or lost?"""
    with app.app_context():
        people = [make_user(email=f"writer{i}@scale.example", name=f"Writer {i}") for i in range(PEOPLE)]
        for module in get_course().modules:
            ensure_prompt_threads(module)
        db.session.commit()
        threads = [(t.module_slug, t.id) for t in db.session.scalars(select(Thread).order_by(Thread.id))]
    assert threads, "the fixture course seeds prompt threads"

    log = tmp_path / "gunicorn.log"
    answers: list[tuple[str, int]] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(PEOPLE)

    def person(i: int, host: str, port: int) -> None:
        rng = random.Random(i)
        browser = Browser(host, port)
        try:
            assert browser.sign_in(people[i].email, DEFAULT_PASSWORD) == 302
            browser.get("/modules/")          # a token for the signed-in session
            jobs = [("reply", rng.choice(threads)) for _ in range(REPLIES_EACH)] + [("submit", m) for m in MODULES]
            rng.shuffle(jobs)
            start.wait(timeout=60)
            for kind, target in jobs:
                if kind == "reply":
                    module_slug, thread_id = target
                    status, _, _ = browser.post(f"/modules/{module_slug}/forum/{thread_id}/", {
                        "body": f"Reply from writer {i}: {secrets.token_hex(4)}",
                        "form_token": secrets.token_urlsafe(16)})
                else:
                    status, _, _ = browser.post(f"/modules/{target}/assignment/", {
                        "body": f"Assignment of writer {i} for {target}."})
                with lock:
                    answers.append((kind, status))
        except Exception as e:  # reported below with the answers, instead of dying silently in a thread
            with lock:
                errors.append(f"person {i}: {e!r}")

    with gunicorn(server_env(database_url, tmp_path / "instance"), workers=4, log=log) as (host, port):
        workers = [threading.Thread(target=person, args=(i, host, port)) for i in range(PEOPLE)]
        for w in workers:
            w.start()
        for w in workers:
            w.join(timeout=120)
    server_log = log.read_text(errors="replace")

    assert not errors, errors
    statuses = Counter(answers)
    assert len(answers) == PEOPLE * (REPLIES_EACH + len(MODULES)), statuses
    # A stored reply is answered 303 (to the new post), a stored submission 302 (to the assignment page).
    stored_replies = statuses[("reply", 303)]
    stored_submissions = statuses[("submit", 302)]
    with app.app_context():
        ids = [p.id for p in people]
        replies_in_db = db.session.scalar(select(func.count(Post.id)).where(Post.author_id.in_(ids)))
        submissions_in_db = db.session.scalar(select(func.count(Submission.id)).where(
            Submission.user_id.in_(ids), Submission.status == SubmissionStatus.SUBMITTED))
    # Every acknowledged write is stored, and nothing unacknowledged is.
    assert replies_in_db == stored_replies
    assert submissions_in_db == stored_submissions
    # And nothing failed: no 5xx, no database error in any worker.
    assert stored_replies == PEOPLE * REPLIES_EACH, statuses
    assert stored_submissions == PEOPLE * len(MODULES), statuses
    for marker in ("database is locked", "Traceback", "OperationalError", "IntegrityError"):
        assert marker not in server_log, server_log[-5000:]
