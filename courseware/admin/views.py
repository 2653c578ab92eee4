"""Administration pages (admins only). Certificates: the register, revocation and name corrections."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..certificates import service as certificates
from ..certificates.forms import CorrectionForm, RevokeForm
from ..certificates.models import Certificate
from ..core.auth import admin_required
from ..core.errors import DomainError
from ..core.forms import add_error
from ..core.site import current_site
from ..core.spreadsheet import csv_response, csv_text
from ..core.time import utcnow
from ..editions.filters import UnknownEdition, parse_edition_filter
from ..extensions import db


def _certificate_or_404(certificate_id: int) -> Certificate:
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None:
        abort(404)
    return certificate


# Certificates -------------------------------------------------------------------------------

@admin_required
def certificate_list():
    return render_template("admin/certificates.html", certificates=certificates.all_certificates())


def _render_certificate(certificate: Certificate, revoke_form: RevokeForm | None = None,
                        correction_form: CorrectionForm | None = None):
    revoke_form = revoke_form or RevokeForm(formdata=None)
    correction_form = correction_form or CorrectionForm(
        formdata=None, data={"name": certificate.learner_name, "organisation": certificate.organisation})
    status = 422 if revoke_form.errors or correction_form.errors else 200
    return render_template("admin/certificate.html", certificate=certificate, revoke_form=revoke_form,
                           correction_form=correction_form), status


@admin_required
def certificate_detail(certificate_id: int):
    return _render_certificate(_certificate_or_404(certificate_id))


@admin_required
def revoke_certificate(certificate_id: int):
    certificate = _certificate_or_404(certificate_id)
    form = RevokeForm()
    if form.validate_on_submit():
        try:
            certificates.revoke_certificate(certificate, reason=form.reason.data, admin=current_user, now=utcnow())
        except DomainError as e:
            add_error(form, e.field, e.message)
        else:
            db.session.commit()
            flash(f"Certificate {certificate.display_code} has been revoked.", "success")
            return redirect(url_for("admin.certificate_detail", certificate_id=certificate.id))
    return _render_certificate(certificate, revoke_form=form)


@admin_required
def reissue_certificate(certificate_id: int):
    certificate = _certificate_or_404(certificate_id)
    form = CorrectionForm()
    if form.validate_on_submit():
        try:
            new = certificates.reissue_certificate(current_site(), certificate, learner_name=form.name.data,
                                                   organisation=form.organisation.data or "",
                                                   admin=current_user, note=form.note.data or "")
        except DomainError as e:
            add_error(form, e.field, e.message)
        else:
            db.session.commit()
            flash(f"A corrected certificate {new.display_code} has been issued; "
                  f"{certificate.display_code} now points to it.", "success")
            return redirect(url_for("admin.certificate_detail", certificate_id=new.id))
    return _render_certificate(certificate, correction_form=form)


@admin_required
def certificate_register():
    """Every certificate version; `?edition=<id>` keeps those issued in that edition (`none`: in no edition)."""
    try:
        edition = parse_edition_filter(request.args.get("edition"))
    except UnknownEdition:
        abort(404)
    site = current_site()
    rows = [["code", "version", "state", "name", "organisation", "email", "course", "course_version", "edition",
             "awarded_at", "issued_at", "issued_by", "replaces", "replaced_by", "revoked_at",
             "revoked_by", "revocation_reason", "pdf_sha256", "verify_url"]]
    rows += [(c.display_code, c.version, c.state, c.learner_name, c.organisation, c.user.email if c.user else "",
              c.course_title, c.course_version, c.edition_name or "", c.awarded_at.isoformat(),
              c.issued_at.isoformat(), c.issued_by.email if c.issued_by else "",
              c.replaces.display_code if c.replaces else "", c.replaced_by.display_code if c.replaced_by else "",
              c.revoked_at.isoformat() if c.revoked_at else "", c.revoked_by.email if c.revoked_by else "",
              c.revocation_reason, c.pdf_sha256, certificates.verify_url(site, c.code))
             for c in certificates.all_certificates(edition)]
    return csv_response(csv_text(rows), "certificate-register.csv")
