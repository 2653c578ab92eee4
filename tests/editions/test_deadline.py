"""After an edition's certification deadline its learners read and discuss, but cannot submit or claim;
the pages say so and what to do; grading of work submitted before the deadline goes on."""
from __future__ import annotations

from sqlalchemy import func, select

from courseware.assignments.models import Submission, SubmissionStatus
from courseware.certificates.models import Certificate
from courseware.extensions import db
from tests.certificates.helpers import (ANSWER, complete_units, earn_everything, grade, latest_submission_id,
                                        pdf_text, pretend_earned, submit_assignment, write_posts)
from tests.conftest import sign_in
from tests.editions.helpers import admin_client, create_edition, day, put_in


def _editions(app, admin, learner, *, passed: bool) -> int:
    client = admin_client(app, admin)
    edition = create_edition(client, "Spring 2027", certification_deadline=day(-1 if passed else 30))
    create_edition(client, "Autumn 2027", registration_opens=day(-2), starts_on=day(40))
    put_in(app, learner.id, edition)
    return edition


def test_before_the_deadline_everything_works_and_the_certificate_names_the_edition(app, admin, learner, tutor, client):
    _editions(app, admin, learner, passed=False)
    client = sign_in(app, learner)
    page = client.get("/modules/basics/assignment/").get_data(as_text=True)
    assert "the certification deadline of Spring 2027" in page and "Submit for grading" in page
    earn_everything(app, client, learner, sign_in(app, tutor))
    assert client.post("/certificate/").status_code == 302
    with app.app_context():
        certificate = db.session.scalar(select(Certificate))
        assert certificate.edition_name == "Spring 2027"
        code = certificate.code
    # The edition is named wherever the certificate is shown: the PDF, the credential, the public check.
    assert "Edition: Spring 2027" in pdf_text(client.get("/certificate/download").data)
    assert client.get("/certificate/credential").get_json()["credentialSubject"]["term"] == "Spring 2027"
    verify = " ".join(app.test_client().get(f"/verify/{code}").get_data(as_text=True).split())
    assert "<dt>Edition</dt><dd>Spring 2027</dd>" in verify


def test_after_the_deadline_submitting_is_refused_and_the_page_says_what_to_do(app, admin, learner, client):
    _editions(app, admin, learner, passed=True)
    client = sign_in(app, learner)
    page = client.get("/modules/basics/assignment/")
    html = " ".join(page.get_data(as_text=True).split())
    assert page.status_code == 200
    assert "The certification deadline of Spring 2027 has passed" in html
    assert "ask the course team to move you to the next edition, <strong>Autumn 2027</strong>" in html
    assert 'name="submit_work"' not in html
    # The contract's POST of `body` submits: refused, nothing stored.
    response = client.post("/modules/basics/assignment/", data={"body": ANSWER})
    assert response.status_code == 403
    assert "you can no longer submit work for grading" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Submission.id))) == 0
    # A draft can still be kept.
    assert client.post("/modules/basics/assignment/", data={"body": ANSWER, "save_draft": "1"}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Submission.status)) is SubmissionStatus.DRAFT


def test_after_the_deadline_learners_still_read_and_discuss(app, admin, learner, client):
    _editions(app, admin, learner, passed=True)
    client = sign_in(app, learner)
    complete_units(client, "basics")
    write_posts(client, "basics", 1)
    assert client.get("/modules/basics/first-steps/").status_code == 200
    home = " ".join(client.get("/").get_data(as_text=True).split())
    assert "you can no longer submit assignments or claim the certificate" in home
    progress = " ".join(client.get("/progress/").get_data(as_text=True).split())
    assert "The certification deadline of Spring 2027 has passed" in progress


def test_after_the_deadline_claiming_is_refused(app, admin, learner, client, monkeypatch):
    _editions(app, admin, learner, passed=True)
    pretend_earned(monkeypatch)
    client = sign_in(app, learner)
    page = " ".join(client.get("/certificate/").get_data(as_text=True).split())
    assert "has passed" in page and "Claim my certificate" not in page
    response = client.post("/certificate/")
    assert response.status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count(Certificate.id))) == 0


def test_grading_goes_on_after_the_deadline(app, admin, learner, tutor, client):
    """Work submitted before the deadline is graded after it; a revision cannot be sent any more."""
    edition = _editions(app, admin, learner, passed=False)
    client = sign_in(app, learner)
    submit_assignment(client, "basics")
    admin_side = admin_client(app, admin)
    response = admin_side.post(f"/admin/editions/{edition}/", data={"name": "Spring 2027",
                                                                      "certification_deadline": day(-1)})
    assert response.status_code == 302
    submission_id = latest_submission_id(app, learner.id, "basics")
    grade(sign_in(app, tutor), submission_id, decision="revise")
    with app.app_context():
        assert db.session.get(Submission, submission_id).status is SubmissionStatus.NEEDS_REVISION
    assert client.post("/modules/basics/assignment/", data={"body": ANSWER + " Revised."}).status_code == 403


def test_moving_to_the_next_edition_reopens_submitting(app, admin, learner, client):
    _editions(app, admin, learner, passed=True)
    client = sign_in(app, learner)
    assert client.post("/modules/basics/assignment/", data={"body": ANSWER}).status_code == 403
    admin_side = admin_client(app, admin)
    page = admin_side.get(f"/admin/learners/{learner.id}/edition").get_data(as_text=True)
    autumn = page.split('>Autumn 2027<')[0].rsplit('value="', 1)[1].split('"')[0]
    assert admin_side.post(f"/admin/learners/{learner.id}/edition", data={"edition": autumn}).status_code == 303
    assert client.post("/modules/basics/assignment/", data={"body": ANSWER}).status_code == 302
