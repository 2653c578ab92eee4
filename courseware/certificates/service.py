"""Certificate operations: claim (issue), correct (reissue), revoke. Used by the views and the CLI.

Functions flush but never commit; the caller owns the transaction. Everything printed or signed is
fixed at issue time (PDF bytes, their SHA-256, the signed credential), so a later change to the
course, the template or the learner's account never alters an issued certificate.
"""
from __future__ import annotations

import hashlib
import json
import logging
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from ..accounts.models import User
from ..core.i18n import in_language_of
from ..core.errors import DeadlinePassed, DomainError
from ..core.site import Site
from ..core.time import utcnow
from ..courses.content import Course
from ..editions.filters import EVERYONE, EditionFilter
from ..extensions import db
from . import credential, keys
from .codes import format_code, new_code, normalise_code
from .models import Certificate
from .pdf import CertificateText, render_certificate
from .rules import Eligibility, check_requirements

log = logging.getLogger(__name__)

ISSUE_ATTEMPTS = 5


class NotEarned(DomainError):
    def __init__(self, eligibility: Eligibility):
        super().__init__("You have not met every requirement yet.")
        self.eligibility = eligibility


# Addresses printed on certificates and written into credentials: stable public URLs.

def verify_url(site: Site, code: str) -> str:
    return site.links.url("certificates.verify", code=format_code(code))


def issuer_url(site: Site) -> str:
    return site.links.url("certificates.issuer")


def key_id(site: Site) -> str:
    return issuer_url(site) + "#key-1"


def status_list_url(site: Site) -> str:
    return site.links.url("certificates.status_list", list_id=1)


def sign(site: Site, document: dict, created: datetime) -> dict:
    return credential.add_proof(document, keys.signing_key(site), key_id(site), created)


# Reading -------------------------------------------------------------------------------

def current_certificate(user_id: int) -> Certificate | None:
    """The learner's newest certificate version, or None."""
    return db.session.scalar(select(Certificate).where(Certificate.user_id == user_id)
                             .order_by(Certificate.version.desc()).limit(1))


def certificate_by_code(text: str) -> Certificate | None:
    """The certificate a typed code names; None for unknown or malformed codes (no query for the latter)."""
    code = normalise_code(text)
    if code is None:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.code == code)
                             .options(selectinload(Certificate.replaced_by)))


def all_certificates(edition: EditionFilter = EVERYONE) -> list[Certificate]:
    """Every version (issued in one edition, with `edition`), newest first, with the people involved loaded
    (a fixed number of queries)."""
    stmt = select(Certificate)
    if edition.edition is not None:
        stmt = stmt.where(Certificate.edition_id == edition.edition.id)
    elif edition.no_edition:
        stmt = stmt.where(Certificate.edition_id.is_(None))
    return list(db.session.scalars(
        stmt.order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        .options(joinedload(Certificate.user), joinedload(Certificate.issued_by),
                 joinedload(Certificate.revoked_by), selectinload(Certificate.replaced_by),
                 selectinload(Certificate.replaces))))


def revoked_status_indices() -> list[int]:
    return list(db.session.scalars(select(Certificate.status_index).where(Certificate.revoked_at.is_not(None))))


# Issuing -------------------------------------------------------------------------------

def _criteria(course: Course) -> str:
    parts = [f"{m.title}: complete all {len(m.units)} units, write at least {m.forum_posts_required} "
             "posts in the module forum and have the assignment graded pass by a tutor"
             + (f", and answer every self-check with at least {m.self_check_pass}% right"
                if m.self_check_pass is not None and m.checked_units else "")
             for m in course.modules]
    return "For every module of the course. " + ". ".join(parts) + "."


def _free_status_index() -> int:
    # Random positions, as the status list spec recommends, so neighbours in the list reveal nothing.
    while True:
        index = secrets.randbelow(credential.STATUS_LIST_SIZE)
        if db.session.scalar(select(Certificate.id).where(Certificate.status_index == index)) is None:
            return index


def _issue(site: Site, now: datetime, *, user_id: int | None, learner_name: str, organisation: str, course_title: str,
           course_version: str, tutor_organisation: str, module_titles: list[str], awarded_at: datetime,
           criteria: str, version: int = 1, replaces: Certificate | None = None,
           issued_by: User | None = None, correction_note: str = "", edition_id: int | None = None,
           edition_name: str | None = None) -> Certificate:
    code = new_code()
    issued_at = now
    status_index = _free_status_index()
    url = verify_url(site, code)
    pdf = render_certificate(CertificateText(
        learner_name=learner_name, organisation=organisation, course_title=course_title,
        course_version=course_version, module_titles=tuple(module_titles), awarded_at=awarded_at,
        tutor_organisation=tutor_organisation, code=format_code(code), verify_url=url, version=version,
        edition=edition_name or ""))
    home = site.links.url("courses.home")
    issuer = {"id": issuer_url(site), "type": ["Profile"], "name": tutor_organisation, "url": home}
    badge = credential.open_badge(
        credential_id=url, issuer=issuer,
        achievement_id=f"{home}#certificate-{course_version}",
        course_title=course_title, course_version=course_version, module_titles=module_titles,
        learner_name=learner_name, awarded_at=awarded_at, issued_at=issued_at,
        status_url=status_list_url(site), status_index=status_index, criteria=criteria, edition=edition_name)
    certificate = Certificate(
        user_id=user_id, code=code, version=version, replaces=replaces, learner_name=learner_name,
        organisation=organisation, course_title=course_title, course_version=course_version,
        tutor_organisation=tutor_organisation, module_titles=list(module_titles), awarded_at=awarded_at,
        issued_at=issued_at, issued_by=issued_by, correction_note=correction_note, pdf=pdf,
        edition_id=edition_id, edition_name=edition_name,
        pdf_sha256=hashlib.sha256(pdf).hexdigest(), status_index=status_index,
        credential_json=json.dumps(sign(site, badge, issued_at), ensure_ascii=False, indent=2))
    db.session.add(certificate)
    db.session.flush()
    return certificate


def claim_certificate(site: Site, course: Course, user: User, now: datetime, *, deadline: datetime | None = None,
                      edition=None) -> tuple[Certificate, bool]:
    """Issue the learner's certificate once the rule is met. Returns (certificate, newly issued).

    Claiming again returns the certificate already issued. Raises NotEarned, storing nothing,
    when a requirement is missing, and DeadlinePassed at or after `deadline` (the learner's
    certification deadline; None when none applies). `edition` (an editions.models.Edition, or
    None) is named on the certificate, in the PDF and in the credential.
    """
    existing = current_certificate(user.id)
    if existing is not None:
        return existing, False
    if deadline is not None and now >= deadline:
        raise DeadlinePassed("The certification deadline has passed: the certificate can no longer be claimed.")
    eligibility = check_requirements(course, user)
    if not eligibility.earned:
        raise NotEarned(eligibility)
    for attempt in range(ISSUE_ATTEMPTS):
        try:
            # A savepoint: a concurrent claim (unique user/version) or a code or index collision
            # rolls back only this attempt.
            # Printed in the learner's language, with the course's title and module titles in it where the
            # course offers them (the stored PDF never changes afterwards).
            with db.session.begin_nested(), in_language_of(user) as language:
                printed = course.localized(language)
                certificate = _issue(
                    site, now, user_id=user.id, learner_name=user.name, organisation=user.organisation,
                    course_title=printed.title, course_version=course.version,
                    tutor_organisation=course.tutor_organisation,
                    module_titles=[m.title for m in printed.modules], awarded_at=now,
                    criteria=_criteria(course), edition_id=edition.id if edition is not None else None,
                    edition_name=edition.name if edition is not None else None)
        except IntegrityError:
            existing = current_certificate(user.id)
            if existing is not None:
                return existing, False
            if attempt == ISSUE_ATTEMPTS - 1:
                raise
            continue
        log.info("certificate %s issued to user %s", certificate.id, user.id)
        return certificate, True
    raise AssertionError("unreachable")


def reissue_certificate(site: Site, certificate: Certificate, *, learner_name: str, organisation: str,
                        admin: User, note: str = "", now: datetime | None = None) -> Certificate:
    """Correct the printed name or organisation: a new version with a new code and PDF, linked to the old one.

    The achievement stays as it was (course title, version, modules, award date); only what was
    misprinted changes.
    """
    if certificate.is_revoked:
        raise DomainError("A revoked certificate cannot be corrected.")
    if certificate.is_superseded:
        raise DomainError("This version has already been replaced. Correct the newest version.")
    learner_name, organisation = learner_name.strip(), organisation.strip()
    if not learner_name:
        raise DomainError("Enter the name as it should be printed.", field="name")
    if learner_name == certificate.learner_name and organisation == certificate.organisation:
        raise DomainError("The name and organisation are unchanged: there is nothing to correct.", field="name")
    # The criteria as they were when the certificate was earned, not as the course reads today.
    criteria = json.loads(certificate.credential_json)["credentialSubject"]["achievement"]["criteria"]["narrative"]
    learner = db.session.get(User, certificate.user_id) if certificate.user_id else None
    with in_language_of(learner):       # the learner's language, as when it was claimed
        new = _issue(site, now or utcnow(), user_id=certificate.user_id, learner_name=learner_name,
                     organisation=organisation, course_title=certificate.course_title,
                     course_version=certificate.course_version, tutor_organisation=certificate.tutor_organisation,
                     module_titles=certificate.module_titles, awarded_at=certificate.awarded_at, criteria=criteria,
                     version=certificate.version + 1, replaces=certificate, issued_by=admin,
                     correction_note=note.strip(), edition_id=certificate.edition_id,
                     edition_name=certificate.edition_name)
    log.info("certificate %s corrected as %s by admin %s", certificate.id, new.id, admin.id)
    return new


def revoke_certificate(certificate: Certificate, *, reason: str, admin: User, now: datetime | None = None) -> None:
    """Revoke the newest version and every earlier one, so no version of it still verifies."""
    reason = reason.strip()
    if not reason:
        raise DomainError("Give the reason for revoking; it is shown on the verification page.", field="reason")
    if certificate.is_revoked:
        raise DomainError("This certificate is already revoked.")
    if certificate.is_superseded:
        raise DomainError("This version has been replaced. Revoke the newest version.")
    now = now or utcnow()
    version: Certificate | None = certificate
    while version is not None:
        if not version.is_revoked:
            version.revoked_at, version.revoked_by, version.revocation_reason = now, admin, reason
        version = version.replaces
    db.session.flush()
    log.info("certificate %s revoked by admin %s", certificate.id, admin.id)
