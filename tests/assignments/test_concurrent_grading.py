"""Two tutors grading the same version at the same moment, in two threads with two database sessions,
on the suite's database (SQLite here, PostgreSQL under DATABASE_URL): exactly one grade is kept."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from courseware.accounts.models import User
from courseware.assignments.models import GradeEvent, Submission
from courseware.assignments.service import StateConflict, grade_submission
from courseware.core.site import current_site
from courseware.core.time import utcnow
from courseware.courses.content import get_course
from courseware.extensions import db
from tests.assignments.conftest import make_submission
from tests.factories import make_user

pytestmark = pytest.mark.scale


@pytest.mark.parametrize("with_counter", [False, True], ids=["plain-post", "page-counter"])
def test_two_tutors_saving_at_once_one_wins_the_other_is_told(app, learner, with_counter):
    """Both tutors have read the submission (the same version counter) before either writes; a barrier
    then lets both save at once. Does exactly one grade win, the other get the conflict, and one grade
    event exist, whichever thread is faster?"""
    sid = make_submission(app, learner.id)
    with app.app_context():
        tara, theo = make_user(role="tutor", name="Tara"), make_user(role="tutor", name="Theo")
    decisions = {tara.id: "pass", theo.id: "revise"}
    both_have_read = threading.Barrier(2)
    outcomes: dict[int, str] = {}
    seen: dict[int, int] = {}

    def tutor_saves(tutor_id: int) -> None:
        try:
            with app.app_context():    # a session and a connection of its own, as in a request
                tutor = db.session.get(User, tutor_id)
                submission = db.session.get(Submission, sid)
                seen[tutor_id] = submission.lock_version
                both_have_read.wait(timeout=30)
                try:
                    grade_submission(current_site(), submission, tutor, get_course().module("basics"),
                                     decision=decisions[tutor_id], feedback=f"From {tutor.name}.", criteria_met=[],
                                     lock=seen[tutor_id] if with_counter else None, now=utcnow())
                    db.session.commit()
                    outcomes[tutor_id] = "saved"
                except StateConflict as conflict:
                    db.session.rollback()
                    outcomes[tutor_id] = conflict.message
        except Exception as error:   # reported below, not lost in the thread
            outcomes[tutor_id] = f"error: {error!r}"

    threads = [threading.Thread(target=tutor_saves, args=(tutor_id,)) for tutor_id in decisions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)

    assert seen[tara.id] == seen[theo.id]                    # both acted on the same version as they saw it
    winners = [tutor_id for tutor_id, outcome in outcomes.items() if outcome == "saved"]
    assert len(winners) == 1, outcomes
    [loser] = set(decisions) - set(winners)
    assert outcomes[loser] == ("Someone else saved a grade for this version while you were working on it. "
                               "Nothing was saved; the page now shows the current grade."), outcomes
    with app.app_context():
        events = db.session.scalars(select(GradeEvent)).all()
        assert [(e.submission_id, e.tutor_id, e.decision) for e in events] == [(sid, winners[0],
                                                                                 decisions[winners[0]])]
        submission = db.session.get(Submission, sid)
        assert (submission.graded_by_id, submission.lock_version) == (winners[0], seen[tara.id] + 1)
        assert submission.status == {"pass": "passed", "revise": "needs revision"}[decisions[winners[0]]]
