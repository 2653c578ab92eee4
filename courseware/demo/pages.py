"""The pages the benchmark measures, found in a demo population: shared by bench/ and the scale tests.

Picks stable examples, so two populations built with the same content measure the same kind of page:
a learner who holds a certificate, a tutor, the first module's first unit and its busiest thread.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import event, func, select

from ..accounts.models import Role, User
from ..certificates.models import Certificate
from ..courses.content import get_course
from ..courses.questions import format_number
from ..extensions import db
from ..forums.models import Post, Thread
from .writer import DEMO_DOMAIN, DEMO_PASSWORD


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    who: str            # "learner" or "tutor": whose session requests it
    form: dict | None = None    # a POST page: the form's fields (without the CSRF token)
    form_page: str = ""         # the page that shows that form (where a client gets its CSRF token)


@dataclass(frozen=True)
class Sample:
    learner_email: str
    tutor_email: str
    password: str
    pages: tuple[Page, ...]


def pick_sample() -> Sample:
    """Call inside an app context on a database holding demo data with at least one certificate."""
    course = get_course()
    module = course.modules[0]
    learner = db.session.scalar(
        select(User.email).join(Certificate, Certificate.user_id == User.id)
        .where(User.email.like(f"%@{DEMO_DOMAIN}"), Certificate.revoked_at.is_(None))
        .order_by(Certificate.id).limit(1))
    tutor = db.session.scalar(select(User.email).where(User.role == Role.TUTOR,
                                                       User.email.like(f"%@{DEMO_DOMAIN}"))
                              .order_by(User.id).limit(1))
    if learner is None or tutor is None:
        raise LookupError("the database holds no demo learner with a certificate, or no demo tutor")
    thread_id = db.session.scalar(
        select(Thread.id).join(Post, Post.thread_id == Thread.id).where(Thread.module_slug == module.slug)
        .group_by(Thread.id).order_by(func.count(Post.id).desc(), Thread.id).limit(1))
    unit = module.units[0]
    checked = next((u for u in module.units if u.questions), None)
    self_check = () if checked is None else (
        Page("self-check answer", f"/modules/{module.slug}/{checked.slug}/check", "learner",
             form=right_answers(checked), form_page=f"/modules/{module.slug}/{checked.slug}/"),
        Page("self-check analysis", "/tutor/self-checks/", "tutor"))
    pages = (
        Page("unit page", f"/modules/{module.slug}/{unit.slug}/", "learner"),
        Page("module list", "/modules/", "learner"),
        Page("forum thread list", f"/modules/{module.slug}/forum/", "learner"),
        Page("thread page", f"/modules/{module.slug}/forum/{thread_id}/", "learner"),
        Page("tutor queue", "/tutor/", "tutor"),
        Page("certificate page", "/certificate/", "learner"),
        Page("certificate PDF", "/certificate/download", "learner"),
        *self_check,
    )
    return Sample(learner, tutor, DEMO_PASSWORD, pages)


def right_answers(unit) -> dict:
    """The self-check form of `unit` filled in with the right answers (q1, q2, ... as on the page)."""
    form = {}
    for number, question in enumerate(unit.questions, start=1):
        if question.is_choice:
            form[f"q{number}"] = [o.value for o in question.options if o.correct]
        elif question.answers:
            form[f"q{number}"] = question.answers[0]
        else:
            form[f"q{number}"] = format_number(question.answer)
    return form


# Transaction bookkeeping, not queries: left out of every count (here and in the test suite's).
SAVEPOINT_STATEMENTS = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


def is_query(statement: str) -> bool:
    return not statement.lstrip().upper().startswith(SAVEPOINT_STATEMENTS)


class QueryCounter:
    """Counts SQL statements sent to `engine` while active (savepoint bookkeeping left out)."""

    def __init__(self, engine):
        self.engine, self.count = engine, 0

    def _record(self, conn, cursor, statement, *args) -> None:
        if is_query(statement):
            self.count += 1

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._record)


def signed_in_clients(app, sample: Sample, headers: dict | None = None) -> dict:
    """{"learner": client, "tutor": client}: Flask test clients signed in through the real form as the
    sample's learner and tutor (send the same `headers` with every later request: session protection)."""
    clients = {}
    for who, email in (("learner", sample.learner_email), ("tutor", sample.tutor_email)):
        client = app.test_client()
        response = client.post("/login", data={"email": email, "password": sample.password}, headers=headers)
        if response.status_code != 302:
            raise RuntimeError(f"could not sign in {email}: {response.status_code}")
        clients[who] = client
    return clients


def count_page_queries(app, sample: Sample) -> dict[str, int]:
    """SQL statements per page, through the Flask test client with each role signed in. Each page is
    fetched once before counting, so first-visit writes (read marks, seeded prompts) are not counted."""
    clients = signed_in_clients(app, sample)
    with app.app_context():
        engine = db.engine
    counts = {}
    for page in sample.pages:
        client = clients[page.who]

        def fetch():
            # A POST page is sent without the form's one-time token: each request stores a new attempt.
            return client.post(page.path, data=page.form) if page.form is not None else client.get(page.path)

        if fetch().status_code != 200:
            raise RuntimeError(f"{page.path} did not answer 200")
        with QueryCounter(engine) as counter:
            status = fetch().status_code
        if status != 200:
            raise RuntimeError(f"{page.path} answered {status}")
        counts[page.name] = counter.count
    return counts
