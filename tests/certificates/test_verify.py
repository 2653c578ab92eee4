"""Public verification: valid, revoked, superseded, unknown; and the admin's revocation and corrections."""
from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import select

from courseware.certificates.codes import LENGTH, format_code, new_code, normalise_code
from courseware.certificates.models import Certificate
from courseware.extensions import db
from tests.certificates.helpers import pdf_text, pretend_earned


@pytest.fixture
def claimed(app, learner, monkeypatch, signed_in):
    """The learner holds a certificate; returns its code as printed."""
    pretend_earned(monkeypatch)
    client = signed_in(learner)
    assert client.post("/certificate/").status_code == 302
    page = client.get("/certificate/").get_data(as_text=True)
    return re.search(r'href="/verify/([0-9A-Z-]{24})"', page).group(1)


@pytest.fixture
def admin_client(admin, signed_in):
    return signed_in(admin)


def _certificate_id(app, code: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Certificate.id).where(Certificate.code == normalise_code(code)))


def test_codes_have_100_random_bits_in_an_unambiguous_alphabet():
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == LENGTH == 20 and not set(c) & set("ILOU") for c in codes)
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){4}", format_code(next(iter(codes))))
    assert normalise_code("abcd efgh-jkmn pqrs tvwx") == "ABCDEFGHJKMNPQRSTVWX"
    assert normalise_code("0000-1111-2222-3333-444o") == "00001111222233334440"   # O read as zero
    assert normalise_code("ABCD-EFGH") is None
    assert normalise_code("ABCD-EFGH-JKMN-PQRS-TVWU") is None    # U is not in the alphabet


def test_anyone_can_verify_a_valid_certificate(app, claimed, learner):
    anonymous = app.test_client()
    response = anonymous.get(f"/verify/{claimed}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Valid" in page and learner.name in page and "Fixture course" in page
    assert re.search(r"[0-9a-f]{64}", page)


@pytest.mark.parametrize("typed", [
    lambda c: c.lower(),
    lambda c: c.replace("-", ""),
    lambda c: c.replace("-", " "),
    lambda c: " " + c.replace("-", " - ").lower() + " ",
])
def test_case_spaces_and_hyphens_in_the_code_do_not_matter(app, claimed, typed):
    response = app.test_client().get(f"/verify/{typed(claimed)}")
    assert response.status_code == 200
    assert claimed in response.get_data(as_text=True)


@pytest.mark.parametrize("code", ["0000-0000-0000-0000-0000", "ABCD", "not-a-code", "x" * 300,
                                  "ABCD-EFGH-JKMN-PQRS-TVWU", "%00", "'; DROP TABLE certificate; --"])
def test_unknown_or_malformed_codes_are_404_revealing_nothing(app, claimed, code):
    response = app.test_client().get(f"/verify/{code}")
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert "Page not found" in body
    assert "certificate" not in body.lower().split("<main", 1)[1]


def test_verification_is_rate_limited(make_app):
    app = make_app(VERIFY_RATE_LIMIT="5 per minute")
    c = app.test_client()
    answers = [c.get(f"/verify/{new_code()}").status_code for _ in range(7)]
    assert answers[:5] == [404] * 5
    assert answers[5:] == [429, 429]


def test_revoked_certificate_shows_date_and_reason(app, claimed, admin_client, learner, signed_in):
    certificate_id = _certificate_id(app, claimed)
    response = admin_client.post(f"/admin/certificates/{certificate_id}/revoke",
                                 data={"reason": "Assignment was not the learner's own work."})
    assert response.status_code == 302
    page = app.test_client().get(f"/verify/{claimed}").get_data(as_text=True)
    assert "Revoked" in page and "Assignment was not the learner&#39;s own work." in page
    assert "Valid" not in page
    # The learner sees it too, and can no longer download it.
    client = signed_in(learner)
    assert "Your certificate was revoked" in client.get("/certificate/").get_data(as_text=True)
    assert client.get("/certificate/download").status_code == 404
    # Recorded with who and when.
    with app.app_context():
        certificate = db.session.get(Certificate, certificate_id)
        assert certificate.revoked_by.email == "admin@course.example" and certificate.revoked_at is not None
    # Revoking again is refused, and claiming again does not hand out a fresh one.
    again = admin_client.post(f"/admin/certificates/{certificate_id}/revoke", data={"reason": "again"})
    assert again.status_code == 422
    client.post("/certificate/")
    with app.app_context():
        assert db.session.query(Certificate).count() == 1


def test_revoking_needs_a_reason(app, claimed, admin_client):
    certificate_id = _certificate_id(app, claimed)
    response = admin_client.post(f"/admin/certificates/{certificate_id}/revoke", data={"reason": "  "})
    assert response.status_code == 422
    assert "Give the reason for revoking" in response.get_data(as_text=True)
    assert "Valid" in admin_client.get(f"/verify/{claimed}").get_data(as_text=True)


def test_a_name_correction_issues_a_new_version_and_supersedes_the_old(app, claimed, admin_client, learner,
                                                                       signed_in):
    old_id = _certificate_id(app, claimed)
    response = admin_client.post(f"/admin/certificates/{old_id}/reissue",
                                 data={"name": "Lena Lærner-Ødegård", "organisation": "City of Utrecht",
                                       "note": "Learner's surname was misspelt."})
    assert response.status_code == 302
    with app.app_context():
        new = db.session.scalar(select(Certificate).where(Certificate.replaces_id == old_id))
        new_code_printed, new_id = new.display_code, new.id
        assert new.version == 2 and new.issued_by.email == "admin@course.example"
        assert new.awarded_at == db.session.get(Certificate, old_id).awarded_at
    assert new_code_printed != claimed

    old_page = app.test_client().get(f"/verify/{claimed}").get_data(as_text=True)
    assert "Superseded" in old_page
    assert f'href="/verify/{new_code_printed}"' in old_page
    new_page = app.test_client().get(f"/verify/{new_code_printed}").get_data(as_text=True)
    assert "Valid" in new_page and "Lena Lærner-Ødegård" in new_page

    # The learner now holds the corrected version.
    client = signed_in(learner)
    assert new_code_printed in client.get("/certificate/").get_data(as_text=True)
    text = pdf_text(client.get("/certificate/download").data)
    assert "Lena Lærner-Ødegård" in text and new_code_printed in text
    credential = client.get("/certificate/credential").get_json()
    assert credential["credentialSubject"]["identifier"][0]["identityHash"] == "Lena Lærner-Ødegård"

    # Only the newest version can be corrected or revoked; revoking it revokes the old one too.
    stale = admin_client.post(f"/admin/certificates/{old_id}/revoke", data={"reason": "x"})
    assert stale.status_code == 422
    assert admin_client.post(f"/admin/certificates/{new_id}/revoke", data={"reason": "Fraud"}).status_code == 302
    assert "Revoked" in app.test_client().get(f"/verify/{claimed}").get_data(as_text=True)


def test_a_correction_must_change_something(app, claimed, admin_client, learner):
    certificate_id = _certificate_id(app, claimed)
    response = admin_client.post(f"/admin/certificates/{certificate_id}/reissue",
                                 data={"name": learner.name, "organisation": learner.organisation})
    assert response.status_code == 422
    assert "nothing to correct" in response.get_data(as_text=True)
    empty = admin_client.post(f"/admin/certificates/{certificate_id}/reissue", data={"name": ""})
    assert empty.status_code == 422
    with app.app_context():
        assert db.session.query(Certificate).count() == 1


def test_admin_downloads_the_register_as_csv(app, claimed, admin_client, learner):
    response = admin_client.get("/admin/certificates/register.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) == 1
    assert rows[0]["code"] == claimed and rows[0]["name"] == learner.name and rows[0]["state"] == "valid"
    assert rows[0]["verify_url"] == f"http://localhost/verify/{claimed}"
    assert claimed in admin_client.get("/admin/certificates/").get_data(as_text=True)


@pytest.mark.parametrize("path", ["/admin/certificates/", "/admin/certificates/register.csv",
                                  "/admin/certificates/1/"])
def test_admin_pages_are_for_admins(client, learner, tutor, path, signed_in):
    assert client.get(path).status_code == 302
    for user in (learner, tutor):
        c = signed_in(user)
        assert c.get(path).status_code == 403


def test_admin_actions_on_a_missing_certificate_are_404(admin_client):
    assert admin_client.get("/admin/certificates/999/").status_code == 404
    assert admin_client.post("/admin/certificates/999/revoke", data={"reason": "x"}).status_code == 404
    assert admin_client.post("/admin/certificates/999/reissue", data={"name": "x"}).status_code == 404


def test_admin_list_and_register_query_count_does_not_grow(app, admin_client, monkeypatch, signed_in,
                                                          count_queries):
    from tests.factories import make_user

    pretend_earned(monkeypatch)

    def claim_one():
        with app.app_context():
            user = make_user()
        c = signed_in(user)
        assert c.post("/certificate/").status_code == 302

    claim_one()
    with count_queries() as one:
        admin_client.get("/admin/certificates/")
        admin_client.get("/admin/certificates/register.csv")
    for _ in range(3):
        claim_one()
    with count_queries() as four:
        admin_client.get("/admin/certificates/")
        admin_client.get("/admin/certificates/register.csv")
    assert one.count == four.count


def test_register_cells_cannot_run_as_spreadsheet_formulas(app, admin_client, monkeypatch, signed_in):
    from tests.factories import make_user

    pretend_earned(monkeypatch)
    with app.app_context():
        user = make_user(name="=HYPERLINK(\"http://evil.example\")", organisation="+City")
    c = signed_in(user)
    assert c.post("/certificate/").status_code == 302
    text = admin_client.get("/admin/certificates/register.csv").get_data(as_text=True)
    row = next(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert row["name"] == "'=HYPERLINK(\"http://evil.example\")" and row["organisation"] == "'+City"
