"""`claim_certificate` as a service function, without HTTP, with the time passed in.

The learner meets the requirements through the same services the pages use (complete_unit,
start_thread, save_work, grade_submission); then the claim is tried just before and just after the
last requirement is met.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from courseware.accounts.models import User
from courseware.assignments.service import grade_submission, save_work
from courseware.assignments.versions import latest
from courseware.certificates.models import Certificate
from courseware.certificates.rules import ASSIGNMENT, FORUM, UNITS
from courseware.certificates.service import NotEarned, claim_certificate, revoke_certificate
from courseware.core.site import current_site
from courseware.courses.content import get_course
from courseware.courses.service import complete_unit
from courseware.extensions import db
from courseware.forums.service import start_thread

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield
        db.session.rollback()


@pytest.fixture
def people(ctx, learner, tutor, admin):
    return tuple(db.session.get(User, u.id) for u in (learner, tutor, admin))


def certificates() -> int:
    return db.session.scalar(select(func.count(Certificate.id)))


def meet_everything_but_the_last_pass(learner, tutor) -> None:
    """Every unit, every post, basics passed; practice submitted and waiting."""
    site, course = current_site(), get_course()
    for module in course.modules:
        for unit in module.units:
            complete_unit(learner, unit)
        for n in range(module.forum_posts_required):
            start_thread(site, learner, module, f"Thought {n}", "Our depot could offer flexibility.", now=T0)
        work = save_work(site, learner, module, "Our plan.", None, submit=True, now=T0).submission
        if module.slug == "basics":
            grade_submission(site, work, tutor, module, decision="pass", feedback="Good.", criteria_met=[],
                             lock=None, now=T0)
    db.session.flush()


def pass_practice(learner, tutor, now) -> None:
    module = get_course().module("practice")
    grade_submission(current_site(), latest(learner.id, "practice"), tutor, module, decision="pass",
                     feedback="Good.", criteria_met=[], lock=None, now=now)


def test_nothing_is_issued_while_a_requirement_is_missing(people):
    """Is a learner with one assignment still waiting refused with exactly that requirement missing,
    and is nothing stored?"""
    learner, tutor, _ = people
    meet_everything_but_the_last_pass(learner, tutor)
    with pytest.raises(NotEarned) as refused:
        claim_certificate(current_site(), get_course(), learner, T0 + timedelta(hours=1))
    [missing] = refused.value.eligibility.missing
    assert (missing.kind, missing.module.slug, missing.status) == (ASSIGNMENT, "practice", "submitted")
    assert certificates() == 0


def test_a_new_learner_misses_every_requirement(people):
    learner, _, _ = people
    with pytest.raises(NotEarned) as refused:
        claim_certificate(current_site(), get_course(), learner, T0)
    kinds = [(r.module.slug, r.kind) for r in refused.value.eligibility.missing]
    assert kinds == [(m, k) for m in ("basics", "practice") for k in (UNITS, FORUM, ASSIGNMENT)]
    assert certificates() == 0


def test_the_certificate_is_issued_once_with_the_time_of_the_claim(people):
    """Once the last pass is recorded, does the claim issue the certificate dated `now`, and does a
    later claim return the same certificate, unchanged?"""
    learner, tutor, _ = people
    meet_everything_but_the_last_pass(learner, tutor)
    pass_practice(learner, tutor, now=T0 + timedelta(days=1))
    claimed_at = T0 + timedelta(days=1, seconds=1)
    certificate, new = claim_certificate(current_site(), get_course(), learner, claimed_at)
    assert new and (certificate.awarded_at, certificate.issued_at) == (claimed_at, claimed_at)
    assert (certificate.learner_name, certificate.version, certificate.user_id) == ("Lena Learner", 1, learner.id)
    assert certificate.pdf.startswith(b"%PDF") and certificate.module_titles == ["Basics", "Practice"]
    again, new_again = claim_certificate(current_site(), get_course(), learner, claimed_at + timedelta(days=30))
    assert (again.id, new_again, again.awarded_at) == (certificate.id, False, claimed_at)
    assert certificates() == 1


def test_a_later_change_to_the_account_does_not_change_the_issued_certificate(people):
    learner, tutor, _ = people
    meet_everything_but_the_last_pass(learner, tutor)
    pass_practice(learner, tutor, now=T0)
    certificate, _ = claim_certificate(current_site(), get_course(), learner, T0)
    pdf, name = certificate.pdf, certificate.learner_name
    learner.name = "Someone Else"
    again, new = claim_certificate(current_site(), get_course(), learner, T0 + timedelta(days=1))
    assert not new and (again.pdf, again.learner_name) == (pdf, name)


def test_a_revoked_certificate_is_not_replaced_by_claiming_again(people):
    """After an admin revoked it, does claiming again hand back the revoked certificate, not a new one?"""
    learner, tutor, admin = people
    meet_everything_but_the_last_pass(learner, tutor)
    pass_practice(learner, tutor, now=T0)
    certificate, _ = claim_certificate(current_site(), get_course(), learner, T0)
    revoke_certificate(certificate, reason="Not the learner’s own work.", admin=admin, now=T0 + timedelta(days=2))
    again, new = claim_certificate(current_site(), get_course(), learner, T0 + timedelta(days=3))
    assert (again.id, new, again.revoked_at) == (certificate.id, False, T0 + timedelta(days=2))
    assert certificates() == 1
