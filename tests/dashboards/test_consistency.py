"""The dashboards and the certificate checklist read the same rules: checked on whole generated populations.

For several seeds, the demo generator writes a population (learners at every point of the course,
hidden and deleted posts, drafts, revisions, certificates); one certificate is then revoked. For every
learner, the stage the dashboards show (`dashboards.stats.learner_facts`, one SQL query for everyone)
must agree with the certificate checklist (`certificates.rules.check_requirements`, per learner).
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from courseware.accounts.models import Role, User
from courseware.certificates.models import Certificate
from courseware.certificates.rules import ASSIGNMENT, FORUM, UNITS, check_requirements
from courseware.certificates.service import current_certificate, revoke_certificate
from courseware.core.site import current_site
from courseware.core.time import utcnow
from courseware.courses.content import get_course
from courseware.dashboards.stats import ASSIGNMENTS_PASSED, CERTIFIED, STARTED, UNITS_DONE, learner_facts
from courseware.demo import generate
from courseware.extensions import db

LEARNERS = 60


@pytest.mark.slow   # three populations of 60 learners, with their certificates' PDFs: a few seconds
@pytest.mark.parametrize("seed", [11, 12, 13])
def test_every_learners_stage_agrees_with_the_certificate_checklist(app, seed):
    """For every learner of a generated population: is the stage at least "all units completed" exactly
    when every units requirement is met, at least "all assignments passed" exactly when every assignment
    requirement is met too, and "certified" exactly when the learner holds a valid certificate; and do the
    units, posts and passed counts equal what the checklist counts?"""
    with app.app_context():
        course = get_course()
        generate(current_site(), course, LEARNERS, seed=seed)
        revoked = db.session.scalar(select(Certificate).order_by(Certificate.id).limit(1))
        assert revoked is not None, "the population has no certificate: choose another seed"
        admin = db.session.scalar(select(User).where(User.role == Role.ADMIN))
        revoke_certificate(revoked, reason="Checked by the consistency test.", admin=admin, now=utcnow())
        db.session.commit()

        facts = {row.id: row for row in db.session.execute(learner_facts(course))}
        learners = db.session.scalars(select(User).where(User.role == Role.LEARNER).order_by(User.id)).all()
        assert len(facts) == len(learners) == LEARNERS
        stages = set()
        for user in learners:
            row, checklist = facts[user.id], check_requirements(course, user)
            requirements = [r for m in checklist.modules for r in m.requirements]
            units_met = all(r.met for r in requirements if r.kind is UNITS)
            assignments_met = all(r.met for r in requirements if r.kind is ASSIGNMENT)
            certificate = current_certificate(user.id)
            valid = certificate is not None and certificate.revoked_at is None
            who = f"learner {user.id} (seed {seed}): stage {row.stage}"
            assert (row.stage >= UNITS_DONE) == units_met, who
            assert (row.stage >= ASSIGNMENTS_PASSED) == (units_met and assignments_met), who
            assert (row.stage == CERTIFIED) == valid, who
            assert row.units == sum(r.done for r in requirements if r.kind is UNITS), who
            assert (row.stage >= STARTED) == (row.units > 0 or valid), who
            assert row.posts == sum(r.done for r in requirements if r.kind is FORUM), who
            assert row.passed == sum(1 for r in requirements if r.kind is ASSIGNMENT and r.met), who
            assert row.certificate == (certificate.state.value if certificate else None), who
            stages.add(row.stage)
        # The population reaches every stage, so each rule above was tried both ways; the learner whose
        # certificate was revoked is back at "all assignments passed".
        assert stages == {0, 1, 2, 3, 4}, stages
        assert facts[revoked.user_id].stage == ASSIGNMENTS_PASSED
