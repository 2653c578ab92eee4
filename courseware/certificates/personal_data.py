"""Certificates a person was issued. Erasure revokes them ("account deleted") and removes the printed
name, the PDF and the credential; the row stays, so the public register and verification stay truthful."""
from __future__ import annotations

from sqlalchemy import select

from ..core.personal_data import Erasure, PersonalData
from ..core.time import iso
from ..extensions import db
from .models import Certificate

ERASED_NAME = "deleted user"
ERASURE_REASON = "account deleted"


def export_certificates(user) -> list[dict]:
    return [{
        "code": c.display_code, "version": c.version, "name_as_printed": c.learner_name,
        "organisation": c.organisation, "course": c.course_title, "course_version": c.course_version,
        "awarded_at": iso(c.awarded_at), "issued_at": iso(c.issued_at), "state": c.state.value,
        "revoked_at": iso(c.revoked_at), "revocation_reason": c.revocation_reason,
    } for c in db.session.scalars(select(Certificate).where(Certificate.user_id == user.id)
                                  .order_by(Certificate.version))]


def erase_certificates(erasure: Erasure) -> None:
    for cert in db.session.scalars(select(Certificate).where(Certificate.user_id == erasure.user.id)):
        if cert.revoked_at is None:
            cert.revoked_at, cert.revocation_reason = erasure.now, ERASURE_REASON
        cert.learner_name, cert.organisation = ERASED_NAME, ""
        cert.pdf, cert.credential_json = b"", "{}"


PART = PersonalData("certificates", export=export_certificates, erase=erase_certificates)
