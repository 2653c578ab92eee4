"""Grading: the whole cycle, bad decisions, the race between two tutors, corrections, anonymous marking."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from courseware.assignments.models import Submission
from courseware.assignments.versions import latest_statuses as assignment_statuses
from courseware.core.outbox import OutboxMessage
from courseware.core.time import utcnow
from courseware.extensions import db
from tests.factories import make_user
from tests.assignments.conftest import grade_events, make_submission, rows, submit



def grade_url(sid: int) -> str:
    return f"/tutor/submissions/{sid}/"


def test_whole_cycle_submit_revise_resubmit_pass(app, learner, tutor, signed_in):
    """Submit, revise with feedback, submit version 2, pass: is every version and feedback kept and shown in order?"""
    client = signed_in(learner)
    submit(client, body="First attempt at the answer.")
    [v1] = rows(app)
    staff = signed_in(tutor)
    page = staff.get(grade_url(v1.id)).get_data(as_text=True)
    assert "First attempt at the answer." in page and "Names the city" in page
    assert 'name="decision"' in page and 'name="feedback"' in page and 'name="criteria"' in page
    response = staff.post(grade_url(v1.id), data={"decision": "revise", "feedback": "Name *the city*, please.",
                                                   "criteria": ["1"]})
    assert response.status_code == 302

    html = client.get("/modules/basics/assignment/").get_data(as_text=True)
    assert "needs revision" in html and "<em>the city</em>" in html and "Tara Tutor" in html
    assert "Criteria met: Gives one example" in html
    assert 'name="body"' in html and "First attempt at the answer." in html  # prefilled for revising
    with app.app_context():
        mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_email == learner.email)).all()
        assert len(mail) == 1 and "needs revision" in mail[0].subject and "Name *the city*" in mail[0].body

    assert submit(client, body="Second attempt: Utrecht.").status_code == 302
    v2 = rows(app)[1]
    assert (v2.version, v2.status) == (2, "submitted")
    assert staff.post(grade_url(v2.id), data={"decision": "pass", "feedback": "Well done."}).status_code == 302

    html = client.get("/modules/basics/assignment/").get_data(as_text=True)
    html = html[html.index('id="versions"'):]
    assert html.index("Version 1") < html.index("Version 2")
    assert html.index("Name <em>the city</em>") < html.index("Well done.")
    assert "First attempt at the answer." in html and "Second attempt: Utrecht." in html
    assert [s.status for s in rows(app)] == ["needs revision", "passed"]
    assert [(g.submission_id, g.decision) for g in grade_events(app)] == [(v1.id, "revise"), (v2.id, "pass")]
    with app.app_context():
        assert assignment_statuses(learner.id) == {"basics": "passed"}


@pytest.mark.parametrize("data, message", [
    ({"decision": "fail", "feedback": "Hmm"}, "Choose pass or revise."),
    ({"feedback": "Hmm"}, "Choose pass or revise."),
    ({"decision": "pass", "feedback": "   "}, "Write your feedback for the learner."),
    ({"decision": "pass"}, "Write your feedback for the learner."),
    ({"decision": "pass", "feedback": "Ok", "criteria": ["7"]}, "criteria"),
])
def test_bad_grading_input_is_refused(app, learner, tutor, data, message, signed_in):
    sid = make_submission(app, learner.id)
    staff = signed_in(tutor)
    response = staff.post(grade_url(sid), data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert rows(app)[0].status == "submitted" and grade_events(app) == []


def test_preview_of_feedback_stores_nothing(app, learner, tutor, signed_in):
    sid = make_submission(app, learner.id)
    staff = signed_in(tutor)
    response = staff.post(grade_url(sid), data={"decision": "pass", "feedback": "**Good** <b>x</b>",
                                                "preview": "Preview feedback"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<strong>Good</strong>" in html and "&lt;b&gt;" in html
    assert rows(app)[0].status == "submitted" and grade_events(app) == []


def test_grading_an_older_version_is_refused(app, learner, tutor, signed_in):
    old = make_submission(app, learner.id, version=1, status="needs revision")
    make_submission(app, learner.id, version=2, status="submitted")
    staff = signed_in(tutor)
    page = staff.get(grade_url(old)).get_data(as_text=True)
    assert "not the latest version" in page and 'name="decision"' not in page
    response = staff.post(grade_url(old), data={"decision": "pass", "feedback": "Fine"})
    assert response.status_code == 409
    assert "Only the latest version can be graded" in response.get_data(as_text=True)
    assert [s.status for s in rows(app)] == ["needs revision", "submitted"] and grade_events(app) == []


def test_missing_or_draft_submission_is_404(app, learner, tutor, signed_in):
    draft = make_submission(app, learner.id, status="draft")
    staff = signed_in(tutor)
    assert staff.get(grade_url(draft)).status_code == 404
    assert staff.post(grade_url(draft), data={"decision": "pass", "feedback": "x"}).status_code == 404
    assert staff.get(grade_url(9999)).status_code == 404


def test_opening_changes_nothing_taking_marks_it_and_a_second_tutor_cannot_save(app, learner, tutor, signed_in):
    """Does opening a submission leave it untaken (a GET writes nothing), does "Take this submission for
    grading" (a POST) mark it, and while Tara has it is Theo told and his grade refused?"""
    with app.app_context():
        theo = make_user(role="tutor", name="Theo Second")
    sid = make_submission(app, learner.id)
    tara, other = signed_in(tutor), signed_in(theo)
    page = tara.get(grade_url(sid)).get_data(as_text=True)
    assert rows(app)[0].claimed_by_id is None
    assert "Take this submission for grading" in page
    response = tara.post(grade_url(sid) + "claim")
    assert response.status_code == 303 and response.headers["Location"].endswith(grade_url(sid))
    assert rows(app)[0].claimed_by_id == tutor.id
    page = other.get(grade_url(sid)).get_data(as_text=True)
    assert "Tara Tutor" in page and "opened this submission for grading" in page
    assert 'name="decision"' not in page
    assert "Tara Tutor" in other.get("/tutor/").get_data(as_text=True)  # the queue shows who has it
    response = other.post(grade_url(sid), data={"decision": "pass", "feedback": "Mine"})
    assert response.status_code == 409
    assert "Tara Tutor is grading this submission now. Nothing was saved." in response.get_data(as_text=True)
    assert rows(app)[0].status == "submitted" and grade_events(app) == []
    assert tara.post(grade_url(sid), data={"decision": "pass", "feedback": "Good",
                                           "lock": "1"}).status_code == 302
    assert rows(app)[0].claimed_by_id is None


def test_grading_race_with_a_lapsed_claim(app, learner, tutor, signed_in):
    """Tara's claim lapses, Theo opens and passes it; is Tara's stale save refused and nothing changed?"""
    with app.app_context():
        theo = make_user(role="tutor", name="Theo Second")
    sid = make_submission(app, learner.id)
    tara, other = signed_in(tutor), signed_in(theo)
    form = tara.get(grade_url(sid)).get_data(as_text=True)
    assert 'name="lock" type="hidden" value="1"' in form
    tara.post(grade_url(sid) + "claim")
    with app.app_context():
        db.session.execute(update(Submission).values(claimed_at=utcnow() - timedelta(minutes=31)))
        db.session.commit()
    assert other.post(grade_url(sid) + "claim").status_code == 303
    assert rows(app)[0].claimed_by_id == theo.id
    assert other.post(grade_url(sid), data={"decision": "pass", "feedback": "Theo: pass",
                                            "lock": "1"}).status_code == 302
    response = tara.post(grade_url(sid), data={"decision": "revise", "feedback": "Tara: revise", "lock": "1"})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Someone else saved a grade for this version" in html and "Theo: pass" in html
    assert rows(app)[0].status == "passed"
    assert [(g.tutor_id, g.decision) for g in grade_events(app)] == [(theo.id, "pass")]
    # Saving the same stale form again still changes nothing.
    assert tara.post(grade_url(sid), data={"decision": "revise", "feedback": "Again",
                                           "lock": "1"}).status_code == 409
    assert len(grade_events(app)) == 1


def test_two_plain_posts_cannot_both_grade(app, learner, tutor, admin, signed_in):
    """Without the page's hidden counter (the contract needs only decision and feedback), does the first
    grade win and the second get 409?"""
    sid = make_submission(app, learner.id)
    assert signed_in(tutor).post(grade_url(sid), data={"decision": "pass", "feedback": "A"}).status_code == 302
    response = signed_in(admin).post(grade_url(sid), data={"decision": "revise", "feedback": "B"})
    assert response.status_code == 409 and "already been graded" in response.get_data(as_text=True)
    assert [g.decision for g in grade_events(app)] == ["pass"]


def test_a_grade_can_be_corrected_and_both_events_are_kept(app, learner, tutor, admin, signed_in):
    sid = make_submission(app, learner.id)
    signed_in(tutor).post(grade_url(sid), data={"decision": "pass", "feedback": "Looks fine."})
    staff = signed_in(admin)
    page = staff.get(grade_url(sid)).get_data(as_text=True)
    assert "Correct the grade" in page and 'name="lock" type="hidden" value="2"' in page
    response = staff.post(grade_url(sid), data={"decision": "revise", "feedback": "Sorry: the city is missing.",
                                                "lock": "2"})
    assert response.status_code == 302
    events = grade_events(app)
    assert [(e.tutor_id, e.decision, e.is_correction) for e in events] == [
        (tutor.id, "pass", False), (admin.id, "revise", True)]
    assert rows(app)[0].status == "needs revision" and rows(app)[0].graded_by_id == admin.id
    client = signed_in(learner)
    html = client.get("/modules/basics/assignment/").get_data(as_text=True)
    assert "Looks fine." in html and "Grade corrected" in html and "Adam Admin" in html
    with app.app_context():
        assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.subject.contains("needs revision")))


def test_correction_is_refused_when_the_learner_has_moved_on(app, learner, tutor, signed_in):
    sid = make_submission(app, learner.id, status="needs revision")
    make_submission(app, learner.id, version=2, status="draft")
    response = signed_in(tutor).post(grade_url(sid), data={"decision": "pass", "feedback": "x", "lock": "1"})
    assert response.status_code == 409
    assert rows(app)[0].status == "needs revision"


def test_learner_revising_and_tutor_correcting_at_once(app, learner, tutor, signed_in):
    """A learner sends version 2 while a tutor corrects version 1: is the tutor's stale correction refused?"""
    sid = make_submission(app, learner.id, status="needs revision")
    client = signed_in(learner)
    assert submit(client, body="Version two").status_code == 302
    response = signed_in(tutor).post(grade_url(sid), data={"decision": "pass", "feedback": "x", "lock": "1"})
    assert response.status_code == 409
    assert [s.status for s in rows(app)] == ["needs revision", "submitted"]


def test_anonymous_marking_hides_the_learner_until_the_decision(app, learner, tutor, signed_in):
    """In `practice` (anonymous marking), are name and organisation hidden in the queue and page until graded?"""
    sid = make_submission(app, learner.id, module="practice")
    staff = signed_in(tutor)
    queue = staff.get("/tutor/").get_data(as_text=True)
    table = queue[queue.index("<table"):queue.index("</table>")]
    assert "Anonymous learner" in table and "Lena Learner" not in table and "City of Utrecht" not in table
    page = staff.get(grade_url(sid)).get_data(as_text=True)
    assert "Anonymous" in page and "Lena Learner" not in page and "City of Utrecht" not in page
    assert staff.post(grade_url(sid), data={"decision": "pass", "feedback": "Good"}).status_code == 302
    html = staff.get(grade_url(sid)).get_data(as_text=True)
    assert "Lena Learner" in html and "City of Utrecht" in html
    assert "Lena Learner" in staff.get("/tutor/?status=passed").get_data(as_text=True)


def test_named_marking_shows_the_learner(app, learner, tutor, signed_in):
    sid = make_submission(app, learner.id, module="basics")
    html = signed_in(tutor).get(grade_url(sid)).get_data(as_text=True)
    assert "Lena Learner" in html and "City of Utrecht" in html
