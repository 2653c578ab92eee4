"""The stored PDF: readable text, a QR code of the verification URL, every European name."""
from __future__ import annotations

import hashlib
import io
import re

import pytest
from pypdf import PdfReader

from courseware.certificates.models import Certificate
from courseware.extensions import db
from tests.certificates.helpers import pdf_text, pretend_earned, qr_codes_in
from tests.factories import make_user


def _claim(app, signed_in, name: str, organisation: str = "Gemeente Utrecht"):
    with app.app_context():
        user = make_user(name=name, organisation=organisation)
    client = signed_in(user)
    assert client.post("/certificate/").status_code == 302
    page = client.get("/certificate/").get_data(as_text=True)
    code = re.search(r'href="/verify/([0-9A-Z-]{24})"', page).group(1)
    return user, code, client.get("/certificate/download").data


@pytest.fixture
def earned(monkeypatch):
    pretend_earned(monkeypatch)


def test_pdf_text_carries_name_organisation_course_code_and_url(app, signed_in, earned):
    """Can the printed facts be read back out of the PDF?"""
    user, code, data = _claim(app, signed_in, "Lena Learner", "City of Utrecht")
    text = pdf_text(data)
    assert "Lena Learner" in text
    assert "City of Utrecht" in text
    assert code in text
    assert f"http://localhost/verify/{code}" in text
    # The fixture course: its title, both module titles and the tutor organisation.
    with app.app_context():
        from courseware.courses.content import get_course
        course = get_course()
    assert course.title in text and course.tutor_organisation in text
    for module in course.modules:
        assert module.title in text


def test_pdf_is_a4_landscape_with_title_and_author_and_embedded_fonts(app, signed_in, earned):
    _, _, data = _claim(app, signed_in, "Lena Learner")
    reader = PdfReader(io.BytesIO(data))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)
    assert "Lena Learner" in reader.metadata.title
    assert reader.metadata.author
    fonts = reader.pages[0]["/Resources"]["/Font"]
    for ref in fonts.values():
        font = ref.get_object()
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"] if "/DescendantFonts" in font \
            else font["/FontDescriptor"]
        assert "/FontFile2" in descriptor.get_object(), "every font is embedded"


def test_qr_code_decodes_to_the_verification_url(app, signed_in, earned):
    _, code, data = _claim(app, signed_in, "Lena Learner")
    assert qr_codes_in(data) == [f"http://localhost/verify/{code}"]


@pytest.mark.parametrize("name", ["Zoë Ødegård-Łukasiewicz", "Ágnes Győri", "Jiří Dvořák-Šťastný", "Ľudmila Ďurčeková"])
def test_names_with_diacritics_print_and_read_back_exactly(app, signed_in, earned, name):
    _, _, data = _claim(app, signed_in, name, organisation="Città di Torino – Mobilità")
    text = pdf_text(data)
    assert name in text
    assert "Città di Torino – Mobilità" in text


def test_the_stored_pdf_never_changes_and_its_hash_is_published(app, client, signed_in, earned):
    """Does a later change to the learner's account leave the issued PDF exactly as it was?"""
    user, code, data = _claim(app, signed_in, "Lena Learner")
    with app.app_context():
        from courseware.accounts.models import User
        db.session.get(User, user.id).name = "Someone Else"
        db.session.commit()
        stored = db.session.query(Certificate).one()
        assert stored.pdf_sha256 == hashlib.sha256(data).hexdigest()
    again = signed_in(user).get("/certificate/download")
    assert again.data == data
    assert again.headers["Content-Disposition"].startswith("attachment")
    assert hashlib.sha256(data).hexdigest() in client.get(f"/verify/{code}").get_data(as_text=True)


def test_a_very_long_name_still_fits_on_the_page(app, signed_in, earned):
    name = "Maximiliane Wilhelmina Theodora von Hohenzollern-Sigmaringen-Auersperg-Breunner"
    _, _, data = _claim(app, signed_in, name)
    assert name in pdf_text(data).replace("\n", " ")
