"""Writes a demo plan to the database with bulk inserts, in batches, reporting progress.

Rows are built as plain dicts and sent with `session.execute(insert(Model), rows)` (RETURNING
ids where later rows need them), which is tens of times faster than adding ORM objects one by
one. Certificates are the exception: they are claimed through the certificates service, like a
learner pressing the button, so every certificate has its real PDF, signed credential and code.
"""
from __future__ import annotations

import logging
import random
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select, text, update

from ..accounts.models import PRIVACY_NOTICE_VERSION, Role, User
from ..accounts.passwords import hash_password
from ..assignments.models import Decision, GradeEvent, Submission
from ..certificates import service as certificates
from ..core.site import Site
from ..core.safe_markdown import plain_words, render_safe
from ..courses.content import Course
from ..courses.models import UnitCompletion
from ..extensions import db
from ..forums.models import Post, Thread
from ..forums.service import sync_prompt_threads
from ..selfchecks.models import SelfCheckAnswer, SelfCheckAttempt
from ..selfchecks.stats import rebuild as rebuild_item_stats
from . import people, texts
from .editions import write_editions
from .plan import NEW_THREAD, Plan
from .self_checks import plan_self_checks

DEMO_DOMAIN = "demo.invalid"          # RFC 2606: a domain that can never receive mail
DEMO_PASSWORD = "demo-password"       # every demo account signs in with this
BATCH = 2000
CERTIFICATE_BATCH = 100

Progress = Callable[[str, int], None]   # (what is being written, rows just written)


@dataclass(frozen=True)
class Summary:
    learners: int
    tutors: int
    organisations: int
    completions: int
    threads: int
    posts: int
    submissions: int
    grades: int
    certificates: int
    editions: int = 0
    announcements: int = 0
    sessions: int = 0
    self_check_attempts: int = 0
    self_check_answers: int = 0


def demo_email_filter():
    return User.email.like(f"%@{DEMO_DOMAIN}")


def real_user_count() -> int:
    """Accounts that are not demo accounts: demo data must not be mixed with them unless forced."""
    return db.session.scalar(select(func.count(User.id)).where(~demo_email_filter()))


def _batches(rows: list, size: int = BATCH) -> Iterator[list]:
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


def _insert(model, rows: list[dict], progress: Progress, label: str, with_ids: bool = False) -> list[int]:
    """Insert `rows` in batches. With `with_ids`, the rows get ids chosen here (after the highest id in
    the table) and the ids are returned: bulk INSERT ... RETURNING in parameter order falls back to
    one round trip per row on some backends, while plain executemany stays fast on all of them."""
    ids: list[int] = []
    if with_ids:
        first = (db.session.scalar(select(func.max(model.id))) or 0) + 1
        ids = list(range(first, first + len(rows)))
        rows = [dict(row, id=i) for row, i in zip(rows, ids)]
    for batch in _batches(rows):
        db.session.execute(insert(model), batch)
        progress(label, len(batch))
    if with_ids and rows and db.engine.dialect.name == "postgresql":
        # Explicit ids do not advance PostgreSQL's sequence: move it past them, or the app's next insert fails.
        table = model.__table__.name
        db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                                f"(SELECT max(id) FROM \"{table}\"))"))
    return ids


class _Rendered:
    """Each distinct Markdown text rendered once by the real renderer."""

    def __init__(self):
        self._html: dict[str, str] = {}

    def __call__(self, source: str) -> str:
        if source not in self._html:
            self._html[source] = str(render_safe(source))
        return self._html[source]


def write_plan(site: Site, course: Course, plan: Plan, seed: int, now: datetime, progress: Progress) -> Summary:
    rng = random.Random(seed + 1)
    rendered = _Rendered()
    password_hash = hash_password(DEMO_PASSWORD)   # one slow, memory-hard hash shared by every demo account
    first_number = db.session.scalar(select(func.count(User.id)).where(demo_email_filter())) + 1

    user_rows = []
    for n, learner in enumerate(plan.learners):
        user_rows.append(_user_row(learner.name, learner.organisation, Role.LEARNER, first_number + n,
                                   password_hash, learner.registered_at, learner.last_active_at))
    staff_start = now - timedelta(days=200)
    for n, name in enumerate(plan.tutors):
        user_rows.append(_user_row(name, course.tutor_organisation, Role.TUTOR, first_number + len(plan.learners) + n,
                                   password_hash, staff_start, now - timedelta(hours=rng.uniform(1, 48))))
    user_rows.append(_user_row("Demo Administrator", course.tutor_organisation, Role.ADMIN,
                               first_number + len(user_rows), password_hash, staff_start, None))
    user_ids = _insert(User, user_rows, progress, "accounts", with_ids=True)
    learner_ids = user_ids[:len(plan.learners)]
    tutor_ids = user_ids[len(plan.learners):len(plan.learners) + len(plan.tutors)]
    db.session.commit()
    demo_editions = write_editions(plan, learner_ids, tutor_ids, user_ids[-1], now, random.Random(seed + 17))
    db.session.commit()

    _insert(UnitCompletion, [{"user_id": learner_ids[i], "module_slug": m, "unit_slug": u, "completed_at": at}
                             for i, m, u, at in plan.completions], progress, "unit completions")
    db.session.commit()

    attempts, answers = _write_self_checks(course, plan, seed, learner_ids, now, progress)
    db.session.commit()

    threads, posts = _write_forums(course, plan, rng, rendered, learner_ids, tutor_ids, now, progress)
    db.session.commit()
    submissions, grades = _write_submissions(course, plan, rng, rendered, learner_ids, tutor_ids, progress)
    db.session.commit()
    issued = _claim_certificates(site, course, [learner_ids[i] for i in plan.certified], now, progress,
                                 {learner_ids[i]: e for i, e in demo_editions.editions.items()})
    editions, announcements, sessions = demo_editions.counts
    return Summary(learners=len(plan.learners), tutors=len(plan.tutors), organisations=plan.organisations,
                   completions=len(plan.completions), threads=threads, posts=posts, submissions=submissions,
                   grades=grades, certificates=issued, editions=editions, announcements=announcements,
                   sessions=sessions, self_check_attempts=attempts, self_check_answers=answers)


def _user_row(name: str, organisation: str, role: Role, number: int, password_hash: str, created_at: datetime,
              last_login_at: datetime | None) -> dict:
    return {"email": f"{people.email_local_part(name)}.{number}@{DEMO_DOMAIN}", "name": name,
            "organisation": organisation, "password_hash": password_hash, "role": role.value, "active": True,
            "created_at": created_at, "password_changed_at": created_at,
            "last_login_at": last_login_at, "privacy_notice_version": PRIVACY_NOTICE_VERSION,
            "privacy_accepted_at": created_at}


def _write_self_checks(course: Course, plan: Plan, seed: int, learner_ids: list[int], now: datetime,
                       progress: Progress) -> tuple[int, int]:
    """Self-check attempts at units the learners completed (demo/self_checks.py), with every answer."""
    planned = plan_self_checks(course, plan.completions, seed, now)
    attempt_rows = []
    for attempt, _ in planned:
        row = dict(attempt, user_id=learner_ids[attempt["learner"]])
        del row["learner"]
        attempt_rows.append(row)
    ids = _insert(SelfCheckAttempt, attempt_rows, lambda label, n: progress(label, 0), "self-check attempts",
                  with_ids=True)
    answer_rows = []
    for attempt_id, (attempt, answers) in zip(ids, planned):
        user_id = learner_ids[attempt["learner"]]
        for answer in answers:
            row = dict(answer, attempt_id=attempt_id, user_id=user_id)
            del row["learner"]
            answer_rows.append(row)
    _insert(SelfCheckAnswer, answer_rows, lambda label, n: progress(label, 0), "self-check answers")
    # Bulk rows bypass the running sums of the item analysis: recompute them from the answers, once.
    rebuild_item_stats()
    return len(attempt_rows), len(answer_rows)


def _write_forums(course: Course, plan: Plan, rng: random.Random, rendered: _Rendered, learner_ids: list[int],
                  tutor_ids: list[int], now: datetime, progress: Progress) -> tuple[int, int]:
    """Threads and posts in time order: a post either opens a thread or replies to one that exists by then."""
    course_start = min([p.at for p in plan.posts], default=now) - timedelta(days=1)
    prompt_threads: dict[str, list[int]] = {}
    sync_prompt_threads(course)        # the forums package's own seeding: pinned course-team prompts
    db.session.flush()
    for thread in db.session.scalars(select(Thread).where(Thread.prompt_slug.is_not(None))):
        prompt_threads.setdefault(thread.module_slug, []).append(thread.id)
        if thread.created_at > course_start:
            # Prompts were there when the course opened, before any learner replied to them.
            db.session.execute(update(Post).where(Post.thread_id == thread.id, Post.is_opening.is_(True))
                               .values(created_at=course_start).execution_options(synchronize_session=False))
            thread.created_at = course_start
    db.session.flush()

    bodies = texts.post_pool(rng, 600)
    names = {i: learner.organisation for i, learner in enumerate(plan.learners)}
    # New threads are numbered -1, -2, ... until their ids are known; prompt threads use their ids.
    new_threads: list[dict] = []
    recent: dict[str, list[int]] = defaultdict(list)
    last_post: dict[int, datetime] = {}
    post_rows: list[tuple[int, dict]] = []
    for planned in plan.posts:
        choices = recent[planned.module_slug]
        prompts = prompt_threads.get(planned.module_slug, [])
        if planned.author is None and not (choices or prompts):
            continue    # a tutor has nothing to answer yet
        author_id = learner_ids[planned.author] if planned.author is not None else tutor_ids[planned.tutor]
        body = rng.choice(bodies)
        row = {"author_id": author_id, "by_course_team": False, "body": body, "body_html": rendered(body),
               "created_at": planned.at, "is_opening": False}
        if planned.hidden:
            row.update(hidden_at=planned.at + timedelta(hours=3), hidden_by_id=rng.choice(tutor_ids),
                       hidden_reason="Off topic: please keep to the module's subject.")
        if planned.deleted:
            row["deleted_at"] = planned.at + timedelta(minutes=20)
        if planned.author is not None and (rng.random() < NEW_THREAD or not (choices or prompts)):
            key = -(len(new_threads) + 1)
            title = rng.choice(texts.TITLES)
            if rng.random() < 0.5:
                title = f"{title} ({names[planned.author]})"[:200]
            new_threads.append({"module_slug": planned.module_slug, "title": title, "author_id": author_id,
                                "pinned": False, "locked": rng.random() < 0.01, "created_at": planned.at})
            choices.append(key)
            row["is_opening"] = True
        elif prompts and (not choices or rng.random() < 0.35):
            key = rng.choice(prompts)
        else:
            key = rng.choice(choices[-40:])   # people reply to threads that are still active
        last_post[key] = planned.at
        post_rows.append((key, row))

    # Thread.reply_count as the forum service keeps it: visible replies, the opening post not counted.
    replies: dict[int, int] = defaultdict(int)
    for key, row in post_rows:
        if not row["is_opening"] and "hidden_at" not in row and "deleted_at" not in row:
            replies[key] += 1
    for key, thread in enumerate(new_threads, start=1):
        thread["last_post_at"] = last_post[-key]
        thread["reply_count"] = replies[-key]
    new_ids = _insert(Thread, new_threads, lambda label, n: progress(label, 0), "forum threads", with_ids=True)
    thread_id = {-(n + 1): tid for n, tid in enumerate(new_ids)}
    for ids in prompt_threads.values():
        for tid in ids:
            thread_id[tid] = tid
            if tid in last_post:
                db.session.execute(update(Thread).where(Thread.id == tid, Thread.last_post_at < last_post[tid])
                                   .values(last_post_at=last_post[tid]).execution_options(synchronize_session=False))
            if replies[tid]:
                # Added to what is there: with --force, a prompt thread may already hold real replies.
                db.session.execute(update(Thread).where(Thread.id == tid)
                                   .values(reply_count=Thread.reply_count + replies[tid])
                                   .execution_options(synchronize_session=False))
    rows = [dict(row, thread_id=thread_id[key]) for key, row in post_rows]
    _insert(Post, rows, progress, "forum posts")
    return len(new_threads), len(rows)


def _write_submissions(course: Course, plan: Plan, rng: random.Random, rendered: _Rendered,
                       learner_ids: list[int], tutor_ids: list[int], progress: Progress) -> tuple[int, int]:
    answers = texts.answer_pool(rng, 60)
    words = {a: plain_words(a) for a in answers}
    rows = []
    for v in plan.versions:
        body = rng.choice(answers)
        updated = v.graded_at or v.submitted_at or v.created_at
        rows.append({"user_id": learner_ids[v.learner], "module_slug": v.module_slug, "version": v.version,
                     "status": v.status, "body": body, "body_html": rendered(body), "words": words[body],
                     "lock_version": 2 if v.graded_at else 1, "created_at": v.created_at, "updated_at": updated,
                     "submitted_at": v.submitted_at, "graded_at": v.graded_at,
                     "graded_by_id": tutor_ids[v.tutor] if v.tutor is not None else None})
    ids = _insert(Submission, rows, progress, "submissions", with_ids=True)
    grade_rows = []
    for submission_id, v in zip(ids, plan.versions):
        if v.decision is None:
            continue
        criteria = list(course.module(v.module_slug).assignment.criteria)
        passed = v.decision == Decision.PASS
        feedback = rng.choice(texts.FEEDBACK_PASS if passed else texts.FEEDBACK_REVISE)
        met = criteria if passed else rng.sample(criteria, max(0, len(criteria) - 1))
        grade_rows.append({"submission_id": submission_id, "tutor_id": tutor_ids[v.tutor], "decision": v.decision,
                           "feedback": feedback, "feedback_html": rendered(feedback), "criteria_met": met,
                           "is_correction": False, "created_at": v.graded_at})
    _insert(GradeEvent, grade_rows, progress, "grades")
    return len(rows), len(grade_rows)


def _claim_certificates(site: Site, course: Course, user_ids: list[int], now: datetime, progress: Progress,
                        editions: dict | None = None) -> int:
    """Through the certificates service, as the learners would: it checks the rule, so a demo learner
    who did not really earn the certificate would make this fail loudly."""
    issued = 0
    # One log line per certificate is right for real claims, noise for thousands of demo ones.
    service_log = logging.getLogger(certificates.__name__)
    level = service_log.level
    service_log.setLevel(logging.WARNING)
    try:
        for batch in _batches(user_ids, CERTIFICATE_BATCH):
            users = db.session.scalars(select(User).where(User.id.in_(batch)).order_by(User.id)).all()
            for user in users:
                edition = (editions or {}).get(user.id)
                _, newly = certificates.claim_certificate(
                    site, course, user, now, edition=edition,
                    deadline=edition.certification_deadline_at if edition is not None else None)
                issued += newly
            db.session.commit()
            progress("certificates", len(batch))
    finally:
        service_log.setLevel(level)
    return issued
