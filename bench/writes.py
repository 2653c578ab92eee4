"""The write paths of the benchmark: posting a reply and submitting an assignment.

Each write is one real form POST through gunicorn (CSRF token, a fresh form token per reply), sent by
16 concurrent clients that each wait for their answer, so every request ends acknowledged (the answer's
redirect) or refused, none is left in flight. Afterwards the database is counted: it must hold exactly
the acknowledged writes, no more (a write answered as failed but stored) and no fewer (a write
acknowledged but lost).

The writers are demo learners signed in here, in the benchmark's process, through the app's own
sign-in (a server-side session each) with the server's SECRET_KEY: signing in 200 learners through the
password form would take minutes of password hashing.
"""
from __future__ import annotations

import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass


@dataclass(frozen=True)
class Writer:
    user_id: int
    cookie: str          # the Cookie header
    csrf: str            # the form's csrf_token value


@dataclass(frozen=True)
class WritePlan:
    writers: tuple[Writer, ...]
    thread_path: str     # where replies are posted
    thread_id: int
    assignment_path: str
    module_slug: str
    marker: str          # in every reply's text, to count them afterwards


def prepare(app, sample, count: int, user_agent: str) -> WritePlan:
    """Sign in `count` demo learners who have not submitted the first module's assignment."""
    from flask import session
    from flask_wtf.csrf import generate_csrf
    from sqlalchemy import exists, select

    from courseware.accounts import signin
    from courseware.accounts.models import Role, User
    from courseware.assignments.models import Submission
    from courseware.courses.content import get_course
    from courseware.extensions import db

    thread_page = next(page for page in sample.pages if page.name == "thread page")
    writers = []
    with app.app_context():
        module = get_course().modules[0]
        ids = db.session.scalars(
            select(User.id).where(User.role == Role.LEARNER, User.active.is_(True),
                                  ~exists().where(Submission.user_id == User.id,
                                                  Submission.module_slug == module.slug))
            .order_by(User.id).limit(count)).all()
    serializer = app.session_interface.get_signing_serializer(app)
    for user_id in ids:
        with app.test_request_context("/", headers={"User-Agent": user_agent},
                                      environ_base={"REMOTE_ADDR": "127.0.0.1"}):
            signin.sign_in(db.session.get(User, user_id))
            csrf = generate_csrf()
            db.session.commit()
            cookie = f"{app.config['SESSION_COOKIE_NAME']}={serializer.dumps(dict(session))}"
            writers.append(Writer(user_id, cookie, csrf))
    thread_id = int(thread_page.path.rstrip("/").rsplit("/", 1)[1])
    return WritePlan(tuple(writers), thread_page.path, thread_id, f"/modules/{module.slug}/assignment/",
                     module.slug, f"bench-{secrets.token_hex(4)}")


def run(request, port: int, jobs: list, connections: int = 16) -> dict:
    """Send each (path, cookie, form, ok_status) with `connections` clients; count the acknowledged ones."""
    acknowledged, refused, lock = [], [], threading.Lock()

    def send(job):
        path, cookie, form, ok = job
        status, _, _ = request(port, "POST", path, cookie, form)
        with lock:
            (acknowledged if status == ok else refused).append(status)

    started = time.monotonic()
    with ThreadPoolExecutor(connections) as pool:
        list(pool.map(send, jobs))
    seconds = time.monotonic() - started
    return {"sent": len(jobs), "acknowledged": len(acknowledged), "refused": len(refused),
            "refusals": sorted(set(map(str, refused))), "seconds": seconds,
            "rps": len(acknowledged) / seconds if seconds else 0.0}


def reply_jobs(plan: WritePlan, total: int) -> list:
    jobs = []
    for i in range(total):
        writer = plan.writers[i % len(plan.writers)]
        form = {"csrf_token": writer.csrf, "form_token": secrets.token_urlsafe(24),
                "body": f"A reply from the benchmark ({plan.marker}, {i}): how does your region plan for this?"}
        jobs.append((plan.thread_path, writer.cookie, form, 303))
    return jobs


def submission_jobs(plan: WritePlan) -> list:
    """One submission per writer (a second one would wait for the first to be graded)."""
    return [(plan.assignment_path, writer.cookie,
             {"csrf_token": writer.csrf, "submit_work": "Submit for grading",
              "body": f"My region's value chain ({plan.marker}): grid operator, charge point operator, city."},
             302) for writer in plan.writers]


def count_stored(app, plan: WritePlan) -> tuple[int, int]:
    """(replies holding the marker, submissions sent by the writers) now in the database."""
    from sqlalchemy import func, select

    from courseware.assignments.models import Submission
    from courseware.extensions import db
    from courseware.forums.models import Post

    with app.app_context():
        replies = db.session.scalar(select(func.count(Post.id)).where(Post.thread_id == plan.thread_id,
                                                                     Post.body.contains(plan.marker)))
        submissions = db.session.scalar(select(func.count(Submission.id)).where(
            Submission.module_slug == plan.module_slug, Submission.submitted_at.is_not(None),
            Submission.user_id.in_([w.user_id for w in plan.writers])))
        db.session.remove()
    return replies, submissions
