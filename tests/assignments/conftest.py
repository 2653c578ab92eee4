"""Helpers for the assignment tests: sample files of each allowed type, submitting and making work."""
from __future__ import annotations

import io
import zipfile
from datetime import timedelta

from sqlalchemy import select

from courseware.assignments.models import GradeEvent, Submission, SubmissionStatus
from courseware.core.time import utcnow
from courseware.extensions import db

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def ooxml(main_type: str, part: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", f'<?xml version="1.0"?><Types><Override PartName="/{part}" '
                                           f'ContentType="{main_type}"/></Types>')
        zf.writestr(part, "<document/>")
    return buf.getvalue()


def odf(mimetype: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("mimetype", mimetype)  # first and uncompressed, as ODF requires
        zf.writestr("content.xml", "<office:document-content/>")
        zf.writestr("META-INF/manifest.xml", "<manifest/>")
    return buf.getvalue()


SAMPLES = {
    "pdf": PDF,
    "png": PNG,
    "jpg": JPEG,
    "docx": ooxml(DOCX_MAIN, "word/document.xml"),
    "xlsx": ooxml(XLSX_MAIN, "xl/workbook.xml"),
    "odt": odf("application/vnd.oasis.opendocument.text"),
    "ods": odf("application/vnd.oasis.opendocument.spreadsheet"),
}

BODY = ("My city has **forty** public chargers and one depot. " * 3).strip()


def file_field(data: bytes, name: str):
    return (io.BytesIO(data), name)


def submit(client, module="basics", body=BODY, **extra):
    """POST to a module's assignment page with `client` (signed in as a learner)."""
    data = {"body": body, **extra}
    return client.post(f"/modules/{module}/assignment/", data=data, content_type="multipart/form-data")


def rows(app, model=Submission):
    with app.app_context():
        items = db.session.scalars(select(model).order_by(model.id)).all()
        db.session.expunge_all()
        return items


def submission_ids(app) -> list[int]:
    return [s.id for s in rows(app)]


def make_submission(app, user_id: int, module: str = "basics", version: int = 1, status: str = "submitted",
                    days_ago: float = 1.0, body: str = "Some work") -> int:
    """A row straight in the database, for tests that need many of them or a given age."""
    with app.app_context():
        when = utcnow() - timedelta(days=days_ago)
        s = Submission(user_id=user_id, module_slug=module, version=version, status=status, body=body,
                       body_html=f"<p>{body}</p>", words=len(body.split()), created_at=when, updated_at=when,
                       submitted_at=None if status == SubmissionStatus.DRAFT else when)
        db.session.add(s)
        db.session.commit()
        return s.id


def grade_events(app) -> list[GradeEvent]:
    return rows(app, GradeEvent)
