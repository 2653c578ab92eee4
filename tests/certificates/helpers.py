"""Helpers for the certificate tests: earning the certificate through the real pages, reading PDFs."""
from __future__ import annotations

import io

from sqlalchemy import select

from courseware.assignments.models import Submission, SubmissionStatus
from courseware.certificates import service
from courseware.certificates.rules import Eligibility, module_requirements
from courseware.courses.content import get_course
from courseware.extensions import db

# The fixture course: module -> (units, posts required).
FIXTURE = {"basics": (["first-steps", "second-unit"], 2), "practice": (["applying"], 1)}
ANSWER = ("Our city has about forty public charge points, most of them slow AC posts in residential "
          "streets. Occupancy is high in the evening and the local grid operator reports congestion in two "
          "districts, so we want to use smart charging to shift demand to the night and test V2G with our "
          "car-sharing operator before the next tender for new charge points goes out next spring.")


def complete_units(client, module: str) -> None:
    for unit in FIXTURE[module][0]:
        assert client.post(f"/modules/{module}/{unit}/complete").status_code == 302


def write_posts(client, module: str, count: int) -> None:
    for n in range(count):
        response = client.post(f"/modules/{module}/forum/",
                               data={"title": f"Thoughts {n + 1} on {module}",
                                     "body": f"Post number {n + 1}: our depot could offer flexibility."})
        assert response.status_code == 303, response.get_data(as_text=True)


def submit_assignment(client, module: str) -> None:
    response = client.post(f"/modules/{module}/assignment/", data={"body": ANSWER})
    assert response.status_code == 302, response.get_data(as_text=True)


def latest_submission_id(app, user_id: int, module: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Submission.id).where(
            Submission.user_id == user_id, Submission.module_slug == module)
            .order_by(Submission.version.desc()).limit(1))


def grade(tutor_client, submission_id: int, decision: str = "pass") -> None:
    """Grade through the tutor's page (`tutor_client` is signed in as a tutor)."""
    response = tutor_client.post(f"/tutor/submissions/{submission_id}/",
                                 data={"decision": decision, "feedback": "Clear and specific. Well done."})
    assert response.status_code == 302, response.get_data(as_text=True)


def earn_everything(app, client, learner, tutor_client) -> None:
    """Meet every requirement of every module through HTTP only (`client` is signed in as `learner`,
    `tutor_client` as a tutor)."""
    for module, (_, posts) in FIXTURE.items():
        complete_units(client, module)
        write_posts(client, module, posts)
        submit_assignment(client, module)
        grade(tutor_client, latest_submission_id(app, learner.id, module))


def all_met(course=None) -> Eligibility:
    """An eligibility in which every requirement is met, for tests about what happens after earning."""
    course = course or get_course()
    return Eligibility(tuple(
        module_requirements(m, len(m.units), None, m.forum_posts_required, SubmissionStatus.PASSED)
        for m in course.modules))


def pretend_earned(monkeypatch) -> None:
    """Skip the work: the rule says yes. The claim itself still goes through the page."""
    monkeypatch.setattr(service, "check_requirements", lambda course, user: all_met(course))


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def qr_codes_in(data: bytes) -> list[str]:
    """Render the first page as an image and decode every QR code on it."""
    import pypdfium2
    import zxingcpp

    document = pypdfium2.PdfDocument(data)
    try:
        image = document[0].render(scale=2).to_pil()
    finally:
        document.close()
    return [barcode.text for barcode in zxingcpp.read_barcodes(image)]

