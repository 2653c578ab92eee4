"""A learner's rights: export all their data, and erase their account."""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from sqlalchemy import func, select

from courseware.accounts.models import User
from courseware.assignments.models import Submission
from courseware.certificates.models import Certificate
from courseware.courses.models import UnitCompletion
from courseware.extensions import db
from courseware.forums.models import Post
from tests.certificates.helpers import earn_everything
from tests.factories import DEFAULT_PASSWORD

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64


def _count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_export_holds_every_kind_of_data(app, learner, tutor, signed_in):
    client = signed_in(learner)
    earn_everything(app, client, learner, signed_in(tutor))
    assert client.post("/certificate/").status_code == 302
    response = client.get("/account/export")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["profile"]["email"] == learner.email and data["profile"]["name"] == "Lena Learner"
    assert data["profile"]["privacy_notice_version"] is None  # created by a factory, not the form
    assert {(p["module"], p["unit"]) for p in data["progress"]} == {
        ("basics", "first-steps"), ("basics", "second-unit"), ("practice", "applying")}
    assert len(data["forum_posts"]) == 3
    assert all(s["status"] == "passed" and s["feedback"][0]["decision"] == "pass" for s in data["submissions"])
    assert data["certificates"][0]["name_as_printed"] == "Lena Learner"


def test_export_is_only_ever_your_own(learner, other_learner, signed_in):
    client = signed_in(other_learner)
    data = json.loads(client.get("/account/export").get_data(as_text=True))
    assert data["profile"]["email"] == other_learner.email
    assert learner.email not in json.dumps(data)


def test_export_needs_sign_in(client):
    assert client.get("/account/export").status_code == 302


def test_zip_export_contains_attachments(learner, signed_in):
    client = signed_in(learner)
    response = client.post("/modules/basics/assignment/", data={
        "body": "Our city plan in brief.", "attachment": (io.BytesIO(PNG), "plan.png")},
        content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    archive = zipfile.ZipFile(io.BytesIO(client.get("/account/export?attachments=1").data))
    names = archive.namelist()
    assert "my-data.json" in names
    attachment = next(n for n in names if n.startswith("attachments/"))
    assert archive.read(attachment) == PNG


def test_delete_needs_the_password(app, learner, signed_in):
    client = signed_in(learner)
    response = client.post("/account/delete", data={"password": "not my password"})
    assert response.status_code == 422
    assert "not your password" in response.get_data(as_text=True)
    assert _count(app, User, User.id == learner.id) == 1


def test_delete_erases_and_keeps_discussions_whole(app, learner, other_learner, tutor, signed_in):
    client = signed_in(learner)
    earn_everything(app, client, learner, signed_in(tutor))
    assert client.post("/certificate/").status_code == 302
    with app.app_context():
        code = db.session.scalar(select(Certificate.code).where(Certificate.user_id == learner.id))
        thread_id = db.session.scalar(select(Post.thread_id).where(Post.author_id == learner.id).limit(1))
    other = signed_in(other_learner)
    assert other.post(f"/modules/basics/forum/{thread_id}/", data={"body": "I agree with this."}).status_code == 303

    response = client.post("/account/delete", data={"password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert _count(app, User, User.id == learner.id) == 0
    assert _count(app, UnitCompletion) == 0
    assert _count(app, Submission) == 0
    assert _count(app, Post, Post.author_id.is_(None), Post.by_course_team.is_(False)) == 3
    # Other people's threads stay whole, the erased author reads "deleted user".
    page = other.get(f"/modules/basics/forum/{thread_id}/").get_data(as_text=True)
    assert "deleted user" in page and "Lena Learner" not in page and "I agree with this." in page
    assert "our depot could offer flexibility" in page
    # The certificate is revoked with the reason, and no longer shows the name.
    verify = app.test_client().get(f"/verify/{code}").get_data(as_text=True)
    assert "account deleted" in verify and "Lena Learner" not in verify
    # The account can never sign in again; the address can register anew.
    assert client.post("/login", data={"email": learner.email, "password": DEFAULT_PASSWORD}).status_code == 422
    again = client.post("/register", data={"name": "Lena Again", "email": learner.email, "organisation": "City",
                                           "password": "another long secret", "confirm": "another long secret"})
    assert again.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(User.privacy_notice_version).where(User.email == learner.email))


def test_delete_removes_attachment_files(app, learner, signed_in):
    client = signed_in(learner)
    response = client.post("/modules/basics/assignment/", content_type="multipart/form-data",
                           data={"body": "Plan.", "attachment": (io.BytesIO(PNG), "plan.png")})
    assert response.status_code == 302
    uploads = list((Path(app.instance_path) / "uploads").iterdir())
    assert len(uploads) == 1
    assert client.post("/account/delete", data={"password": DEFAULT_PASSWORD}).status_code == 302
    assert not uploads[0].exists()
