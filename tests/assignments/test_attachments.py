"""Attachments: checked by content, stored under random names, downloaded only by the author and staff."""
from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

from courseware.assignments.storage import clean_name
from courseware.core.errors import DomainError

from tests.assignments.conftest import PDF, SAMPLES, file_field, rows, submit

URL = "/modules/basics/assignment/"


def uploads(app) -> list[str]:
    folder = Path(app.instance_path) / "uploads"
    return sorted(os.listdir(folder)) if folder.is_dir() else []


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_each_allowed_type_is_accepted(app, learner, signed_in, kind):
    client = signed_in(learner)
    response = submit(client, body="", attachment=file_field(SAMPLES[kind], f"my work.{kind}"))
    assert response.status_code == 302, response.get_data(as_text=True)
    [s] = rows(app)
    assert s.attachment_name == f"my work.{kind}"
    [stored] = uploads(app)
    assert stored == s.attachment_key and "my" not in stored and "." not in stored
    assert (Path(app.instance_path) / "uploads" / stored).read_bytes() == SAMPLES[kind]


def test_type_comes_from_the_content_not_the_name(app, learner, signed_in):
    """Is a PDF called 'notes.docx' stored as a PDF, and a program called 'report.pdf' refused?"""
    client = signed_in(learner)
    response = submit(client, attachment=file_field(b"MZ\x90\x00 this is a program", "report.pdf"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "not one of the allowed types" in html and 'id="attachment-error"' in html
    assert rows(app) == [] and uploads(app) == []
    assert submit(client, attachment=file_field(PDF, "notes.docx")).status_code == 302
    [s] = rows(app)
    assert (s.attachment_name, s.attachment_type) == ("notes.pdf", "application/pdf")


@pytest.mark.parametrize("data", [
    b"PK\x03\x04 not really a zip",
    SAMPLES["docx"].replace(b"wordprocessingml.document.main", b"wordprocessingml.template.mainX"),
])
def test_zip_without_the_declared_office_parts_is_refused(app, learner, signed_in, data):
    client = signed_in(learner)
    response = submit(client, attachment=file_field(data, "essay.docx"))
    assert response.status_code == 422
    assert rows(app) == [] and uploads(app) == []


def test_plain_zip_and_macro_documents_are_refused(app, learner, signed_in):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", 'ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"')
        zf.writestr("word/document.xml", "<document/>")
    client = signed_in(learner)
    assert submit(client, attachment=file_field(buf.getvalue(), "essay.docm")).status_code == 422
    assert rows(app) == []


def test_file_over_ten_megabytes_is_413(app, learner, signed_in):
    client = signed_in(learner)
    big = PDF + b"0" * (10 * 1024 * 1024)
    response = submit(client, attachment=file_field(big, "big.pdf"))
    assert response.status_code == 413
    assert "larger than 10 MB" in response.get_data(as_text=True)
    assert rows(app) == [] and uploads(app) == []


def test_file_of_exactly_ten_megabytes_is_accepted(app, learner, signed_in):
    client = signed_in(learner)
    data = PDF + b"0" * (10 * 1024 * 1024 - len(PDF))
    assert submit(client, attachment=file_field(data, "limit.pdf")).status_code == 302


@pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "C:/Users/lena/plan.pdf", "folder/plan.pdf", ".."])
def test_path_in_the_file_name_is_refused(app, learner, signed_in, name):
    client = signed_in(learner)
    response = submit(client, attachment=file_field(PDF, name))
    assert response.status_code == 422
    assert "must not contain a folder path" in response.get_data(as_text=True)
    assert rows(app) == [] and uploads(app) == []


@pytest.mark.parametrize("name", ["C:\\Users\\lena\\plan.pdf", "..\\plan.pdf", "a/b.pdf"])
def test_clean_name_refuses_windows_and_posix_paths(name):
    """Are Windows and POSIX folder paths refused in a file name? (The test client un-escapes backslashes in
    file names, so Windows paths are checked here directly.)"""
    with pytest.raises(DomainError):
        clean_name(name, "pdf")


def test_odd_characters_in_the_name_are_cleaned(app, learner, signed_in):
    client = signed_in(learner)
    assert submit(client, attachment=file_field(PDF, "Plan\x07 für\tUtrecht.pdf")).status_code == 302
    assert rows(app)[0].attachment_name == "Plan fürUtrecht.pdf"


def test_author_and_tutor_download_others_get_404(app, learner, other_learner, tutor, signed_in):
    client = signed_in(learner)
    submit(client, attachment=file_field(PDF, "Plan für Utrecht.pdf"))
    [s] = rows(app)
    url = f"/submissions/{s.id}/attachment"
    response = client.get(url)
    assert response.status_code == 200
    assert response.data == PDF
    assert response.headers["Content-Type"] == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "Plan%20f%C3%BCr%20Utrecht.pdf" in disposition
    assert "no-store" in response.headers["Cache-Control"]

    other = signed_in(other_learner)
    assert other.get(url).status_code == 404
    assert other.get("/submissions/9999/attachment").status_code == 404
    staff = signed_in(tutor)
    assert staff.get(url).data == PDF
    assert app.test_client().get(url).status_code == 302  # anonymous: sign in first


def test_draft_attachments_are_private_to_the_author(app, learner, tutor, signed_in):
    client = signed_in(learner)
    submit(client, attachment=file_field(PDF, "draft.pdf"), save_draft="Save draft")
    [s] = rows(app)
    staff = signed_in(tutor)
    assert staff.get(f"/submissions/{s.id}/attachment").status_code == 404
    assert staff.get(f"/tutor/submissions/{s.id}/").status_code == 404
    assert client.get(f"/submissions/{s.id}/attachment").status_code == 200


def test_draft_file_is_kept_replaced_or_removed(app, learner, signed_in):
    client = signed_in(learner)
    submit(client, body="", attachment=file_field(PDF, "one.pdf"), save_draft="Save draft")
    first = rows(app)[0].attachment_key
    submit(client, body="Now with text", save_draft="Save draft")
    assert rows(app)[0].attachment_key == first  # no new file: the draft keeps its file
    submit(client, body="Now with text", attachment=file_field(SAMPLES["png"], "two.png"), save_draft="Save draft")
    s = rows(app)[0]
    assert s.attachment_name == "two.png" and uploads(app) == [s.attachment_key]  # the old file is gone
    submit(client, body="Now with text", remove_attachment="y", save_draft="Save draft")
    s = rows(app)[0]
    assert s.attachment_key is None and uploads(app) == []
