"""From a new learner to a downloaded certificate, and the checklist on the way."""
from __future__ import annotations

import hashlib
import re

from sqlalchemy import func, select

from courseware.certificates.models import Certificate
from courseware.extensions import db
from tests.certificates.helpers import (complete_units, earn_everything, grade,
                                        latest_submission_id, pdf_text, submit_assignment, write_posts)


def _certificate_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Certificate.id)))


def test_new_learner_to_downloaded_certificate_through_http_only(app, client, tutor, signed_in):
    """Can a learner who registers, reads, discusses and passes every assignment download a verifiable PDF?"""
    response = client.post("/register", data={
        "name": "Ágnes Győri", "email": "agnes@budapest.example", "organisation": "Budapest Főváros",
        "password": "a long enough password", "confirm": "a long enough password"})
    assert response.status_code == 302
    page = client.get("/certificate/").get_data(as_text=True)
    assert "Not earned yet: 0 of 6 requirements met" in page
    assert "0 of 2 posts" in page and "0 of 1 posts" in page
    assert 'href="/modules/basics/first-steps/"' in page
    assert 'href="/modules/basics/forum/"' in page and 'href="/modules/practice/assignment/"' in page

    # Units.
    complete_units(client, "basics")
    complete_units(client, "practice")
    # Forums: one post short in basics.
    write_posts(client, "basics", 1)
    write_posts(client, "practice", 1)
    page = client.get("/certificate/").get_data(as_text=True)
    assert "1 of 2 posts" in page and "1 of 1 posts" in page
    write_posts(client, "basics", 1)
    assert "2 of 2 posts" in client.get("/certificate/").get_data(as_text=True)

    # Assignments, graded pass by a tutor found through the tutor's own page.
    submit_assignment(client, "basics")
    submit_assignment(client, "practice")
    assert "submitted, waiting for a tutor" in client.get("/certificate/").get_data(as_text=True)
    with app.app_context():
        from courseware.accounts.models import User
        learner_id = db.session.scalar(select(User.id).where(User.email == "agnes@budapest.example"))
    tutor_client = signed_in(tutor)
    for module in ("basics", "practice"):
        grade(tutor_client, latest_submission_id(app, learner_id, module))

    page = client.get("/certificate/").get_data(as_text=True)
    assert "You have met every requirement" in page
    checklist = re.sub(r"<[^>]+>", " ", page).split("Requirements", 1)[1]
    assert "In progress" not in checklist and "Not started" not in checklist and "Completed" in checklist

    response = client.post("/certificate/")
    assert response.status_code == 302
    page = client.get("/certificate/").get_data(as_text=True)
    code = re.search(r'href="/verify/([0-9A-Z-]{24})"', page).group(1)

    pdf = client.get("/certificate/download")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    text = pdf_text(pdf.data)
    assert "Ágnes Győri" in text and code in text

    verify = client.get(f"/verify/{code}").get_data(as_text=True)
    assert "Valid" in verify and "Ágnes Győri" in verify
    assert hashlib.sha256(pdf.data).hexdigest() in verify


def test_forum_requirement_reads_n_of_m_posts_and_links_to_act(learner, signed_in):
    """With one post of two, does the checklist read "1 of 2 posts", link to where to continue, and show
    every requirement still missing?"""
    client = signed_in(learner)
    write_posts(client, "basics", 1)
    page = client.get("/certificate/").get_data(as_text=True)
    assert "1 of 2 posts" in page
    assert '<a href="/modules/basics/first-steps/">Continue with “First steps”</a>' in page
    # Task-list statuses, never "missing": the basics forum and module are in progress, everything else not started.
    assert "missing" not in page.lower() and "Completed</strong>" not in page
    assert page.count('task-in-progress">In progress</strong>') == 2
    assert page.count('task-not-started">Not started</strong>') == 6


def test_claim_before_earning_is_refused_and_stores_nothing(app, learner, signed_in):
    """Is a learner who has not met the rule told what is missing, and given nothing?"""
    client = signed_in(learner)
    complete_units(client, "basics")
    response = client.post("/certificate/")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "You have not earned the certificate yet" in page
    assert "Basics: take part in the forum (0 of 2 posts)" in page
    assert "Practice: complete every unit (0 of 1 units completed)" in page
    assert "Basics: complete every unit" not in page
    assert _certificate_count(app) == 0
    assert client.get("/certificate/download").status_code == 404
    assert client.get("/certificate/credential").status_code == 404


def test_claiming_twice_returns_the_same_certificate(app, learner, tutor, signed_in):
    client = signed_in(learner)
    earn_everything(app, client, learner, signed_in(tutor))
    assert client.post("/certificate/").status_code == 302
    first = client.get("/certificate/download").data
    response = client.post("/certificate/", follow_redirects=True)
    assert "already issued" in response.get_data(as_text=True)
    assert _certificate_count(app) == 1
    assert client.get("/certificate/download").data == first


def test_certificate_page_is_for_learners(client, tutor, signed_in):
    assert client.get("/certificate/").status_code == 302   # to sign in
    assert signed_in(tutor).get("/certificate/").status_code == 403


def test_certificate_page_makes_the_same_number_of_queries_however_busy_the_learner(
        app, learner, other_learner, tutor, signed_in, count_queries):
    """Does the checklist cost the same for a newcomer as for a learner with many posts and submissions?"""
    newcomer = signed_in(other_learner)
    with count_queries() as idle:
        assert newcomer.get("/certificate/").status_code == 200

    busy = signed_in(learner)
    earn_everything(app, busy, learner, signed_in(tutor))
    write_posts(busy, "basics", 6)
    write_posts(busy, "practice", 4)
    with count_queries() as before_claim:
        assert busy.get("/certificate/").status_code == 200
    assert busy.post("/certificate/").status_code == 302
    with count_queries() as after_claim:
        assert busy.get("/certificate/").status_code == 200
    assert idle.count == before_claim.count == after_claim.count
    assert idle.count <= 8
