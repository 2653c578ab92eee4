"""A known cohort for the dashboard tests."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from courseware.extensions import db
from tests.dashboards import helpers as h
from tests.factories import make_user


@dataclass(frozen=True)
class Cohort:
    ana: int      # City of Utrecht: everything done, certified
    ben: int      # City of Utrecht: everything but the certificate
    cleo: int     # Region of Grenoble: all units, basics passed, practice waiting 2 days (anonymous marking)
    dan: int      # Region of Grenoble: one unit, basics waiting 10 days, one hidden post
    eve: int      # Grid Operator X: registered only, one deleted post
    fay: int      # City of Utrecht: like Ben, and a revoked certificate
    tutor: int


@pytest.fixture
def known(app):
    """Six learners in three organisations, in known states (see Cohort)."""
    with app.app_context():
        tutor = make_user(role="tutor", email="tina@course.example", name="Tina Tutor")
        ids = {}
        for key, name, org in [("ana", "Ana Alves", "City of Utrecht"), ("ben", "Ben Brink", "City of Utrecht"),
                               ("cleo", "Cleo Cruz", "Region of Grenoble"), ("dan", "Dan Dekker", "Region of Grenoble"),
                               ("eve", "Eve Eriksen", "Grid Operator X"), ("fay", "Fay Fox", "City of Utrecht")]:
            ids[key] = make_user(role="learner", email=f"{key}@example.eu", name=name, organisation=org).id
        for key in ("ana", "ben", "cleo", "fay"):
            h.complete_all(ids[key], days=5)
        h.complete(ids["dan"], "basics", "first-steps", days=3)
        basics = h.thread("basics", ids["ana"], "Depot charging in Utrecht", days=1)
        practice = h.thread("practice", ids["ana"], "Our tender", days=8)
        h.post(basics, ids["ana"], days=1)
        h.post(basics, ids["ana"], days=1)
        h.post(practice, ids["ana"], days=8)
        h.post(basics, ids["dan"], days=2, hidden=True)
        h.post(basics, ids["eve"], days=2, deleted=True)
        h.post(basics, None, days=2, course_team=True)
        for key in ("ana", "ben", "fay"):
            h.submission(ids[key], "basics", "passed", days=6, tutor_id=tutor.id)
            h.submission(ids[key], "practice", "passed", days=6, tutor_id=tutor.id)
        h.submission(ids["cleo"], "basics", "passed", days=6, tutor_id=tutor.id)
        h.submission(ids["cleo"], "practice", "submitted", days=2)
        h.submission(ids["dan"], "basics", "needs revision", days=12, tutor_id=tutor.id)
        h.submission(ids["dan"], "basics", "submitted", days=10, version=2)
        h.certificate(ids["ana"], "Ana Alves")
        h.certificate(ids["fay"], "Fay Fox", revoked=True)
        db.session.commit()
        return Cohort(tutor=tutor.id, **ids)
