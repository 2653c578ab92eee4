"""CSRF on every form, and the request size limit above the file limit."""
from __future__ import annotations

from tests.assignments.conftest import PDF, file_field, make_submission, rows, submit
from tests.factories import make_user


def test_every_form_carries_a_csrf_token_and_posts_without_it_are_400(make_app, signed_in):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        learner = make_user(role="learner")
        tutor = make_user(role="tutor")
    sid = make_submission(app, learner.id, module="practice")
    lc, tc = signed_in(learner, app=app), signed_in(tutor, app=app)
    page = lc.get("/modules/basics/assignment/").get_data(as_text=True)
    assert 'name="csrf_token"' in page
    assert lc.post("/modules/basics/assignment/", data={"body": "No token"}).status_code == 400
    queue = tc.get("/tutor/").get_data(as_text=True)
    assert queue.count('name="csrf_token"') == 3  # the mail setting form, the sign-out and the language forms
    grade_page = tc.get(f"/tutor/submissions/{sid}/").get_data(as_text=True)
    assert 'name="csrf_token"' in grade_page
    assert tc.post(f"/tutor/submissions/{sid}/", data={"decision": "pass", "feedback": "x"}).status_code == 400
    assert tc.post("/tutor/settings", data={"new_submissions": "off"}).status_code == 400
    assert rows(app)[0].status == "submitted"


def test_request_over_the_app_limit_is_413(app, learner, signed_in):
    client = signed_in(learner)
    response = submit(client, attachment=file_field(PDF + b"0" * (11 * 1024 * 1024 + 10), "huge.pdf"))
    assert response.status_code == 413
    assert rows(app) == []
