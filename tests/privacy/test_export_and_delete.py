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
from tests.conftest import login
from tests.factories import DEFAULT_PASSWORD

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64


def _count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_export_holds_every_kind_of_data(app, client, learner, tutor):
    login(client, learner)
    earn_everything(app, client, learner, tutor)
    assert client.post("/certificate/").status_code in (302, 303)
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


def test_export_is_only_ever_your_own(client, learner, other_learner):
    login(client, other_learner)
    data = json.loads(client.get("/account/export").get_data(as_text=True))
    assert data["profile"]["email"] == other_learner.email
    assert learner.email not in json.dumps(data)


def test_export_needs_sign_in(client):
    assert client.get("/account/export").status_code == 302


def test_zip_export_contains_attachments(client, learner):
    login(client, learner)
    response = client.post("/modules/basics/assignment/", data={
        "body": "Our city plan in brief.", "attachment": (io.BytesIO(PNG), "plan.png")},
        content_type="multipart/form-data")
    assert response.status_code in (302, 303), response.get_data(as_text=True)
    archive = zipfile.ZipFile(io.BytesIO(client.get("/account/export?attachments=1").data))
    names = archive.namelist()
    assert "my-data.json" in names
    attachment = next(n for n in names if n.startswith("attachments/"))
    assert archive.read(attachment) == PNG


def test_delete_needs_the_password(app, client, learner):
    login(client, learner)
    response = client.post("/account/delete", data={"password": "not my password"})
    assert response.status_code == 422
    assert "not your password" in response.get_data(as_text=True)
    assert _count(app, User, User.id == learner.id) == 1


def test_delete_erases_and_keeps_discussions_whole(app, client, learner, other_learner, tutor):
    login(client, learner)
    earn_everything(app, client, learner, tutor)
    client.post("/certificate/")
    with app.app_context():
        code = db.session.scalar(select(Certificate.code).where(Certificate.user_id == learner.id))
        thread_id = db.session.scalar(select(Post.thread_id).where(Post.author_id == learner.id).limit(1))
    other = app.test_client()
    login(other, other_learner)
    assert other.post(f"/modules/basics/forum/{thread_id}/", data={"body": "I agree with this."}).status_code in (302, 303)

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


def test_delete_removes_attachment_files(app, client, learner):
    login(client, learner)
    client.post("/modules/basics/assignment/", data={"body": "Plan.", "attachment": (io.BytesIO(PNG), "plan.png")},
                content_type="multipart/form-data")
    uploads = list((Path(app.instance_path) / "uploads").iterdir())
    assert len(uploads) == 1
    client.post("/account/delete", data={"password": DEFAULT_PASSWORD})
    assert not uploads[0].exists()
