"""The OpenID providers the operator configured (config.oidc_providers reads them from the environment)."""
from __future__ import annotations

from dataclasses import dataclass

from ..core.site import Site

SCOPES = "openid email profile"


@dataclass(frozen=True)
class Provider:
    name: str                   # the short name in the URL: /login/sso/<name>
    label: str                  # the button says "Sign in with <label>"
    discovery_url: str
    client_id: str
    client_secret: str
    domains: tuple[str, ...]    # email domains it serves (lower case); empty: any
    organisation: str           # recorded on accounts it creates; empty: none

    def serves(self, email: str) -> bool:
        """Whether `email` is in one of this provider's domains (any address when it names none)."""
        return not self.domains or email_domain(email) in self.domains

    def covers(self, email: str) -> bool:
        """Whether `email` is in one of the domains this provider names (an admin can require SSO there)."""
        return email_domain(email) in self.domains


def email_domain(email: str) -> str:
    return email.strip().lower().rpartition("@")[2]


def configured(site: Site) -> tuple[Provider, ...]:
    return configured_in(site.config)


def configured_in(config) -> tuple[Provider, ...]:
    return tuple(Provider(name=p["name"], label=p["label"], discovery_url=p["discovery_url"],
                          client_id=p["client_id"], client_secret=p["client_secret"],
                          domains=tuple(p["domains"]), organisation=p["organisation"])
                 for p in config.get("OIDC_PROVIDERS") or ())


def find(site: Site, name: str) -> Provider | None:
    return next((p for p in configured(site) if p.name == name), None)
