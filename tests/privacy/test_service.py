"""`erase_account` as a service function, without HTTP, with the time passed in: every registered part
of a person's data does its share, and what others rely on (threads, the certificate register) stays."""
from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

import pytest
from flask import current_app
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from courseware.accounts.models import User
from courseware.assignments import storage
from courseware.assignments.models import GradeEvent, Submission
from courseware.assignments.service import grade_submission, save_work
from courseware.certificates.models import Certificate
from courseware.certificates.service import claim_certificate
from courseware.core.errors import DomainError
from courseware.core.personal_data import registered
from courseware.core.site import current_site
from courseware.courses.content import get_course
from courseware.courses.models import UnitCompletion
from courseware.courses.service import complete_unit
from courseware.extensions import db
from courseware.forums.models import Post, Thread
from courseware.forums.service import reply, start_thread
from courseware.privacy.service import erase_account
from tests.factories import DEFAULT_PASSWORD

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield app
        db.session.rollback()


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def lena(ctx, learner, other_learner, tutor):
    """Lena has done everything and holds a certificate; Otto replied in her thread."""
    site, course = current_site(), get_course()
    lena, otto, tara = (db.session.get(User, u.id) for u in (learner, other_learner, tutor))
    for module in course.modules:
        for unit in module.units:
            complete_unit(lena, unit)
        for n in range(module.forum_posts_required):
            start_thread(site, lena, module, f"Lena's thought {n}", "Depot charging at night.", now=T0)
        upload = storage.check_upload(FileStorage(io.BytesIO(PNG), "plan.png")) if module.slug == "basics" else None
        work = save_work(site, lena, module, "Our plan.", upload, submit=True, now=T0).submission
        grade_submission(site, work, tara, module, decision="pass", feedback="Good.", criteria_met=[], lock=None,
                         now=T0)
    thread = db.session.scalar(select(Thread).where(Thread.author_id == lena.id).order_by(Thread.id))
    reply(site, otto, course.module(thread.module_slug), thread, "I agree with Lena.", now=T0)
    claim_certificate(site, course, lena, T0)
    db.session.commit()
    return lena


def test_a_wrong_password_erases_nothing(lena):
    with pytest.raises(DomainError) as refused:
        erase_account(registered(current_app), current_site(), lena, "not my password", T0)
    assert refused.value.field == "password" and "has not been deleted" in refused.value.message
    db.session.rollback()
    assert count(User, User.id == lena.id) == 1 and count(Submission) == 2 and count(UnitCompletion) == 3


def test_erasing_removes_the_person_and_keeps_what_others_rely_on(lena, other_learner):
    """After erasure, are the account, progress, submissions, grades and files gone; the posts kept without
    an author; the certificate revoked at `now` with the reason, naming nobody; and Otto's reply whole?"""
    lena_id = lena.id
    [upload_key] = db.session.scalars(select(Submission.attachment_key).where(Submission.attachment_key.is_not(None)))
    upload = storage.for_site(current_site()).path_of(upload_key)
    assert upload.exists()
    when = T0 + timedelta(days=40)
    erasure = erase_account(registered(current_app), current_site(), lena, DEFAULT_PASSWORD, when)
    db.session.commit()
    for work in erasure.after_commit:
        work()

    assert count(User, User.id == lena_id) == 0
    assert count(UnitCompletion) == 0 and count(Submission) == 0 and count(GradeEvent) == 0
    assert not upload.exists()
    # Her posts stay, without an author; Otto's reply in her thread is untouched.
    assert count(Post, Post.author_id.is_(None), Post.by_course_team.is_(False)) == 3
    assert count(Post, Post.author_id == other_learner.id) == 1
    # The certificate stays in the register, revoked at the time of erasure, naming nobody.
    [certificate] = db.session.scalars(select(Certificate)).all()
    assert (certificate.user_id, certificate.revoked_at, certificate.revocation_reason) == (
        None, when, "account deleted")
    assert (certificate.learner_name, certificate.organisation, certificate.pdf, certificate.credential_json) == (
        "deleted user", "", b"", "{}")
