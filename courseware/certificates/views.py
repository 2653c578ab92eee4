"""The learner's certificate page and downloads, public verification, the issuer profile and status list."""
from __future__ import annotations

from flask_babel import gettext

import io

from flask import Response, abort, current_app, flash, jsonify, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..accounts.access import confirmed_email_required
from ..core.auth import learner_required
from ..core.site import current_site
from ..core.time import utcnow
from ..core.errors import DeadlinePassed
from ..courses.content import get_course
from ..editions.service import terms_of
from ..extensions import db, limiter
from . import credential as vc
from . import keys, service
from .forms import ClaimForm
from .models import Certificate
from .permissions import can_download
from .rules import check_requirements


def _verify_limit() -> str:
    return current_app.config["VERIFY_RATE_LIMIT"]


def _own_certificate_or_404() -> Certificate:
    """The signed-in learner's current, unrevoked certificate. Nobody reaches another learner's."""
    certificate = service.current_certificate(current_user.id)
    if certificate is None or not can_download(current_user, certificate):
        abort(404)
    return certificate


@learner_required
@confirmed_email_required
def certificate_page():
    course = get_course()
    form = ClaimForm()
    not_earned = None
    status = 200
    terms = terms_of(current_user.id, utcnow())
    if form.validate_on_submit():
        try:
            certificate, newly = service.claim_certificate(current_site(), course, current_user, utcnow(),
                                                           deadline=terms.deadline, edition=terms.edition)
        except service.NotEarned as e:
            not_earned = e.eligibility
            status = 422
            # The base layout's error summary (and "Error:" in the title) comes from the form's errors.
            form.form_errors.append(_("You have not earned the certificate yet: the list below says what is still to do."))
        except DeadlinePassed:
            status = 403
        else:
            db.session.commit()
            if newly:
                flash(gettext("Congratulations: your certificate has been issued."), "success")
            else:
                flash(gettext("Your certificate was already issued; here it is."), "info")
            return redirect(url_for("certificates.certificate_page"))
    eligibility = not_earned or check_requirements(course, current_user)
    certificate = service.current_certificate(current_user.id)
    body = render_template("certificates/certificate.html", course=course, eligibility=eligibility,
                           certificate=certificate, form=form, refused=not_earned is not None, terms=terms,
                           verify_url=service.verify_url(current_site(), certificate.code) if certificate else None)
    return body, status


@login_required
def download():
    certificate = _own_certificate_or_404()
    response = send_file(io.BytesIO(certificate.pdf), mimetype="application/pdf", as_attachment=True,
                         download_name=f"certificate-{certificate.display_code}.pdf", etag=certificate.pdf_sha256)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@login_required
def credential():
    certificate = _own_certificate_or_404()
    response = Response(certificate.credential_json, mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="credential-{certificate.display_code}.json"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@limiter.limit(_verify_limit)
def verify(code: str):
    # Unknown and malformed codes get the same plain 404: the page reveals nothing about other codes.
    certificate = service.certificate_by_code(code)
    if certificate is None:
        abort(404)
    response = current_app.make_response(render_template(
        "certificates/verify.html", certificate=certificate,
        newer_url=(url_for("certificates.verify", code=certificate.replaced_by.display_code)
                   if certificate.replaced_by else None)))
    # A revocation must show at once; do not let caches keep an old answer.
    response.headers["Cache-Control"] = "no-cache"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def issuer():
    """The issuer profile: who signs the credentials and the public key that checks them."""
    course, site = get_course(), current_site()
    issuer_url = service.issuer_url(site)
    profile = {
        "@context": [vc.VC_CONTEXT, vc.OB_CONTEXT],
        "id": issuer_url,
        "type": ["Profile"],
        "name": course.tutor_organisation,
        "url": site.links.url("courses.home"),
        "description": f"Issues the certificates of the course “{course.title}”.",
        "verificationMethod": [{
            "id": service.key_id(site),
            "type": "Multikey",
            "controller": issuer_url,
            "publicKeyMultibase": keys.multikey(keys.public_key(site)),
        }],
        "assertionMethod": [service.key_id(site)],
    }
    response = jsonify(profile)
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response


def status_list(list_id: int):
    """The signed Bitstring Status List (purpose: revocation) that every credential points to."""
    if list_id != 1:
        abort(404)
    now, site = utcnow(), current_site()
    document = vc.status_list(list_url=service.status_list_url(site), issuer_url=service.issuer_url(site),
                              revoked_indices=service.revoked_status_indices(), now=now)
    response = jsonify(service.sign(site, document, now))
    response.cache_control.public = True
    response.cache_control.max_age = 60
    return response
