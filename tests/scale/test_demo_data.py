"""`flask demo-data`: a realistic synthetic population, written in bulk, never mixed into real data by accident."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from courseware.accounts.models import Role, User
from courseware.assignments.models import GradeEvent, Submission, SubmissionStatus
from courseware.certificates.models import Certificate
from courseware.certificates.rules import check_requirements
from courseware.courses.content import get_course
from courseware.courses.models import UnitCompletion
from courseware.demo import DEMO_DOMAIN, DEMO_PASSWORD
from courseware.extensions import db
from courseware.forums.models import Post, Thread
from courseware.selfchecks.models import SelfCheckAnswer, SelfCheckAttempt
from tests.factories import make_user

pytestmark = pytest.mark.scale

LEARNERS = 200


def _demo(runner, *args: str):
    return runner.invoke(args=["demo-data", "--learners", str(LEARNERS), "--seed", "7", *args])


def test_demo_data_creates_a_whole_course_population(app, runner, signed_in):
    """Are there learners from many organisations with European names, progress at every stage, forum
    threads with posts, submissions in every state with grades, and certificates they really earned?"""
    result = _demo(runner)
    assert result.exit_code == 0, result.output
    assert f"Created {LEARNERS} learners" in result.output
    with app.app_context():
        learners = db.session.scalars(select(User).where(User.role == Role.LEARNER)).all()
        assert len(learners) == LEARNERS
        assert all(u.email.endswith(f"@{DEMO_DOMAIN}") for u in learners)
        assert len({u.organisation for u in learners}) >= 25
        assert any("(DSO)" in u.organisation for u in learners)
        assert any(u.organisation.startswith(("City of", "Municipality of", "Gemeente", "Stadt", "Ville de"))
                   for u in learners)
        assert any(not u.name.isascii() for u in learners)
        assert db.session.scalar(select(func.count(User.id)).where(User.role == Role.TUTOR)) >= 2

        done = dict(db.session.execute(select(UnitCompletion.user_id, func.count()).group_by(UnitCompletion.user_id)).all())
        total_units = len(get_course().units)
        assert 0 < len(done) < LEARNERS                         # some have not started
        assert {n for n in done.values()} >= {1, total_units}   # some barely, some fully

        prompts = db.session.scalar(select(func.count(Thread.id)).where(Thread.prompt_slug.is_not(None)))
        assert prompts == sum(len(m.prompts) for m in get_course().modules)
        threads = db.session.scalar(select(func.count(Thread.id)))
        posts = db.session.scalar(select(func.count(Post.id)))
        assert posts > 2 * threads > 0
        # Every thread's activity time is its newest post's.
        stale = db.session.scalar(select(func.count(Thread.id)).where(
            Thread.last_post_at < select(func.max(Post.created_at)).where(Post.thread_id == Thread.id)
            .correlate(Thread).scalar_subquery()))
        assert stale == 0

        statuses = set(db.session.scalars(select(Submission.status).distinct()))
        assert statuses == set(SubmissionStatus)
        graded = db.session.scalar(select(func.count(Submission.id)).where(Submission.graded_at.is_not(None)))
        assert db.session.scalar(select(func.count(GradeEvent.id))) == graded > 0

        certificates = db.session.scalars(select(Certificate)).all()
        assert certificates
        for certificate in certificates:
            assert check_requirements(get_course(), db.session.get(User, certificate.user_id)).earned
            assert certificate.pdf.startswith(b"%PDF")
        holder = db.session.get(User, certificates[0].user_id).email

        # Self-check attempts at units the learners completed, every one with its answers.
        attempts = db.session.scalars(select(SelfCheckAttempt)).all()
        assert attempts and all(
            (a.user_id, a.module_slug, a.unit_slug) in completed for completed in [set(db.session.execute(
                select(UnitCompletion.user_id, UnitCompletion.module_slug, UnitCompletion.unit_slug)).all())]
            for a in attempts)
        assert db.session.scalar(select(func.count(SelfCheckAnswer.id))) == sum(a.total for a in attempts)

    # A demo learner signs in with the documented password and sees their certificate.
    assert "/verify/" in signed_in(holder, DEMO_PASSWORD).get("/certificate/").get_data(as_text=True)


def test_demo_data_refuses_a_database_with_real_accounts(app, runner, learner):
    """Does it stop, changing nothing, when someone real has an account, unless forced?"""
    result = _demo(runner)
    assert result.exit_code != 0
    assert "1 account(s) that are not demo accounts" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 1

    result = _demo(runner, "--force")
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id)).where(User.email.like(f"%@{DEMO_DOMAIN}"))) > LEARNERS


def test_the_app_keeps_working_after_demo_data(app, runner, signed_in):
    """Can new accounts, threads and submissions still be created (the id sequences moved on)?"""
    assert _demo(runner).exit_code == 0
    with app.app_context():
        user = make_user(email="after@city.example")
    client = signed_in(user)
    assert client.post("/modules/basics/forum/", data={"title": "After the demo", "body": "Hello"}).status_code == 303
    assert client.post("/modules/basics/assignment/", data={"body": "My answer"}).status_code == 302
    assert client.post("/modules/basics/first-steps/check", data={"q1": "a", "q2": ["a", "b"], "q3": "a", "q4": "22",
                                                                  "q5": "V2G"}).status_code == 200
    # Adding more demo learners to a demo database is allowed; it only refuses real accounts... which now exist.
    assert _demo(runner).exit_code != 0
