"""Sign in with the organisation's account: OpenID Connect providers the operator configures (SPEC 8.4).

The sign-in page shows a button per provider (none configured: nothing changes). A first sign-in shows
the claims received and the privacy notice, then creates a learner's account through the same steps as
registering; later sign-ins find the account by the provider's subject. Password sign-in, registration
and reset are refused for the domains of a provider an admin requires SSO for (/admin/sso/, core.sign_in_rules).
"""
from __future__ import annotations

from flask import Flask, url_for
from flask_babel import gettext as _

from ..core.personal_data import register
from ..core.sign_in_rules import add_password_refusal, add_passwordless_rule
from ..core.site import current_site


def init_app(app: Flask) -> None:
    from . import models, oidc, personal_data, providers, requirements, service  # noqa: F401  (models: the table)
    from .blueprint import bp

    app.register_blueprint(bp)
    register(app, personal_data.PART)
    oidc.init_app(app, providers.configured_in(app.config))

    def refuse_password(email: str) -> str | None:
        provider = requirements.required_for(current_site(), email)
        if provider is None:
            return None
        return _("Addresses at %(domain)s sign in with %(label)s, not with a password: use the “Sign in with "
                 "%(label)s” button on the sign-in page.", domain=providers.email_domain(email), label=provider.label)

    add_password_refusal(app, refuse_password)
    # Where a password is refused, or was never chosen, deleting the account asks for the address instead.
    add_passwordless_rule(app, lambda user: requirements.required_for(current_site(), user.email) is not None
                          or service.knows_no_password(user))

    def sso_buttons(next_url: str | None = None) -> list[tuple[str, str]]:
        """(label, address) of each provider's sign-in button; empty when none is configured."""
        return [(provider.label, url_for("sso.start", provider=provider.name, next=next_url or None))
                for provider in providers.configured(current_site())]

    app.jinja_env.globals["sso_buttons"] = sso_buttons
