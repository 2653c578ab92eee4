"""The learner's assignment page: the brief, drafts, submissions, versions and feedback."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from courseware.assignments.versions import latest_statuses as assignment_statuses
from courseware.core.outbox import OutboxMessage
from courseware.extensions import db
from tests.assignments.conftest import BODY, make_submission, rows, submit

URL = "/modules/basics/assignment/"


def test_page_shows_the_brief_and_criteria(learner, signed_in):
    """Does the page show the brief, its criteria and the suggested length, with the form?"""
    client = signed_in(learner)
    response = client.get(URL)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Describe your city" in html
    assert "Say which city or region you work for." in html and "Gives one example" in html
    assert "Names the city" not in html     # the tutors' wording of the first criterion
    assert "50 to 300 words" in html
    assert 'name="body"' in html and 'name="attachment"' in html and 'name="save_draft"' in html
    assert 'name="preview"' in html
    assert 'enctype="multipart/form-data"' in html


@pytest.mark.parametrize("who", ["tutor", "admin"])
def test_staff_cannot_use_the_learner_page(request, signed_in, who):
    client = signed_in(request.getfixturevalue(who))
    assert client.get(URL).status_code == 403
    assert client.post(URL, data={"body": BODY}).status_code == 403


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]


def test_unknown_module_is_404(learner, signed_in):
    client = signed_in(learner)
    assert client.get("/modules/nowhere/assignment/").status_code == 404


def test_submitting_creates_a_waiting_version_and_tells_tutors(app, learner, tutor, signed_in):
    """Does a POST of `body` submit version 1, shown as "submitted", with mail to the tutor?"""
    client = signed_in(learner)
    response = submit(client)
    assert response.status_code == 302
    # No jump to the version's anchor: the page opens at its top, where the confirmation is.
    assert response.headers["Location"].endswith(URL)
    html = client.get(URL).get_data(as_text=True)
    flash = html.index("Version 1 is submitted. What happens next")
    assert flash < html.index("<h1>")
    assert "Version 1" in html and "submitted" in html
    assert "<strong>forty</strong>" in html
    assert "Waiting for a tutor" in html
    assert 'name="body"' not in html  # nothing more to send while it waits
    [s] = rows(app)
    assert (s.status, s.version, s.user_id) == ("submitted", 1, learner.id)
    with app.app_context():
        to_tutor = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_email == tutor.email)).all()
        assert len(to_tutor) == 1 and to_tutor[0].digest == "submissions"  # tutors default to the daily digest
        assert "Lena Learner" in to_tutor[0].body


def test_draft_is_saved_then_submitted_as_the_same_version(app, learner, tutor, signed_in):
    client = signed_in(learner)
    assert submit(client, body="First thoughts", save_draft="Save draft").status_code == 302
    [s] = rows(app)
    assert s.status == "draft"
    html = client.get(URL).get_data(as_text=True)
    assert "First thoughts" in html and "draft" in html
    with app.app_context():
        assert db.session.scalar(select(OutboxMessage)) is None  # a draft tells nobody
        assert assignment_statuses(learner.id) == {"basics": "draft"}
    assert submit(client, body="Final words here").status_code == 302
    [s] = rows(app)
    assert (s.status, s.version, s.body) == ("submitted", 1, "Final words here")


def test_preview_renders_safely_and_stores_nothing(app, learner, signed_in):
    """Does Preview show the rendered, sanitised text and the word count without saving?"""
    client = signed_in(learner)
    response = submit(client, body="Hello **world** <script>alert(1)</script>", preview="Preview")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<strong>world</strong>" in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    assert "shorter than suggested" in html
    assert rows(app) == []


def test_empty_work_is_refused(app, learner, signed_in):
    client = signed_in(learner)
    response = submit(client, body="   ")
    assert response.status_code == 422
    assert "Write your answer, or attach a file." in response.get_data(as_text=True)
    assert 'id="body-error"' in response.get_data(as_text=True)
    assert rows(app) == []


def test_second_submission_while_waiting_is_refused(app, learner, signed_in):
    client = signed_in(learner)
    submit(client)
    response = submit(client, body="Another go")
    assert response.status_code == 409
    assert "waiting for a tutor" in response.get_data(as_text=True)
    response = submit(client, body="A draft", save_draft="Save draft")
    assert response.status_code == 409
    assert [(s.version, s.body) for s in rows(app)] == [(1, BODY)]


def test_submission_after_passing_is_refused(app, learner, signed_in):
    make_submission(app, learner.id, status="passed")
    client = signed_in(learner)
    html = client.get(URL).get_data(as_text=True)
    assert "has passed" in html and 'name="body"' not in html
    response = submit(client)
    assert response.status_code == 409
    assert len(rows(app)) == 1


def test_body_over_the_limit_is_refused(app, learner, signed_in):
    client = signed_in(learner)
    response = submit(client, body="word " * 12_000)
    assert response.status_code == 422
    assert rows(app) == []


def test_learners_see_only_their_own_work(app, learner, other_learner, signed_in):
    make_submission(app, other_learner.id, body="Otto's secret plan")
    client = signed_in(learner)
    html = client.get(URL).get_data(as_text=True)
    assert "Otto's secret plan" not in html and "Version 1" not in html


def test_assignment_statuses_is_one_query(app, learner, count_queries):
    """Does the certificate's status look-up give each module's latest version in one query?"""
    make_submission(app, learner.id, "basics", 1, "needs revision")
    make_submission(app, learner.id, "basics", 2, "passed")
    make_submission(app, learner.id, "practice", 1, "needs revision")
    make_submission(app, learner.id, "practice", 2, "draft")
    with app.app_context():
        with count_queries() as n:
            statuses = assignment_statuses(learner.id)
    assert statuses == {"basics": "passed", "practice": "draft"}
    assert n.count == 1


def test_learner_page_queries_do_not_grow_with_versions(app, make_app, learner, tutor, signed_in, count_queries):
    client = signed_in(learner)
    make_submission(app, learner.id, "basics", 1, "needs revision")
    with count_queries() as few:
        client.get(URL)
    for v in range(2, 8):
        make_submission(app, learner.id, "basics", v, "needs revision")
    with count_queries() as many:
        client.get(URL)
    assert many.count == few.count
