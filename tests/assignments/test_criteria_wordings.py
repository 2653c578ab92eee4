"""Assignment criteria in two wordings: tutors grade against theirs, learners read theirs (SPEC §4, formats §5)."""
from __future__ import annotations

from tests.assignments.conftest import grade_events, rows, submit

TUTOR_WORDING = "Names the city"
LEARNER_WORDING = "Say which city or region you work for."


def test_tutor_grades_in_the_tutor_wording_and_the_learner_reads_the_learner_wording(app, learner, tutor, signed_in):
    client = signed_in(learner)
    page = client.get("/modules/basics/assignment/").get_data(as_text=True)
    assert LEARNER_WORDING in page and TUTOR_WORDING not in page
    submit(client, body="We are the city of Utrecht; one example is our depot.")
    [version] = rows(app)

    staff = signed_in(tutor)
    grading = staff.get(f"/tutor/submissions/{version.id}/").get_data(as_text=True)
    assert TUTOR_WORDING in grading and LEARNER_WORDING not in grading
    response = staff.post(f"/tutor/submissions/{version.id}/",
                          data={"decision": "pass", "feedback": "Good.", "criteria": ["0", "1"]})
    assert response.status_code == 302
    assert grade_events(app)[0].criteria_met == [TUTOR_WORDING, "Gives one example"]     # stored as tutors word them
    grading = staff.get(f"/tutor/submissions/{version.id}/").get_data(as_text=True)
    assert f"Criteria met: {TUTOR_WORDING}; Gives one example" in grading

    page = client.get("/modules/basics/assignment/").get_data(as_text=True)
    assert f"Criteria met: {LEARNER_WORDING}; Gives one example" in page
    assert TUTOR_WORDING not in page
