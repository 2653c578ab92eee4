"""Admins' page: which providers' email domains must sign in through the provider (passwords refused)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core.auth import admin_required
from ..core.errors import DomainError
from ..core.forms import ActionForm
from ..core.site import current_site
from ..core.time import utcnow
from ..extensions import db
from . import providers, requirements


def _provider_from_form(name: str) -> providers.Provider:
    provider = providers.find(current_site(), name)
    if provider is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    return provider


@admin_required
def requirement_list():
    return render_template("sso/admin.html", rows=requirements.overview(current_site()), form=ActionForm())


@admin_required
def require_sso(provider: str):
    provider = _provider_from_form(provider)
    try:
        requirements.require(provider, current_user, utcnow())
    except DomainError as e:
        flash(e.message, "info")
        return redirect(url_for("sso.requirement_list"))
    db.session.commit()
    flash(_("Addresses at %(domains)s now sign in with %(label)s only; their passwords are refused.",
            domains=", ".join(provider.domains), label=provider.label), "success")
    return redirect(url_for("sso.requirement_list"))


@admin_required
def allow_passwords(provider: str):
    provider = _provider_from_form(provider)
    requirements.allow_passwords(provider)
    db.session.commit()
    flash(_("Addresses at %(domains)s may sign in with a password again.", domains=", ".join(provider.domains)),
          "success")
    return redirect(url_for("sso.requirement_list"))
