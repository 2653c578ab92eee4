"""Requiring SSO: an admin closes a provider's email domains to passwords (admin_views), so the people of
that organisation sign in only through it. Password sign-in, registration and reset requests for those
addresses are then refused (core.sign_in_rules), with a message pointing at the provider's button.

Functions flush but never commit; the caller owns the transaction.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select

from ..core.errors import DomainError
from ..core.site import Site
from ..extensions import db
from .models import SsoRequirement
from .providers import Provider, configured


def required_names() -> set[str]:
    return set(db.session.scalars(select(SsoRequirement.provider)))


def is_required(provider: Provider) -> bool:
    return db.session.get(SsoRequirement, provider.name) is not None


def required_for(site: Site, email: str) -> Provider | None:
    """The provider `email` must sign in with, if an admin requires one for its domain (no query when no
    provider names the address's domain)."""
    candidates = [p for p in configured(site) if p.covers(email)]
    if not candidates:
        return None
    required = required_names()
    return next((p for p in candidates if p.name in required), None)


def require(provider: Provider, admin, now: datetime) -> bool:
    """Refuse passwords for the provider's domains; False when that was already so."""
    if not provider.domains:
        raise DomainError(f"{provider.label} names no email domains (OIDC_{provider.name.upper().replace('-', '_')}"
                          "_DOMAINS), so there is nothing to require it for.")
    if is_required(provider):
        return False
    db.session.add(SsoRequirement(provider=provider.name, required_at=now, required_by_id=admin.id))
    db.session.flush()
    return True


def allow_passwords(provider: Provider) -> bool:
    """Allow passwords again for the provider's domains; False when they were allowed."""
    return db.session.execute(delete(SsoRequirement).where(SsoRequirement.provider == provider.name)).rowcount == 1


def overview(site: Site) -> list[tuple[Provider, SsoRequirement | None]]:
    rows = {r.provider: r for r in db.session.scalars(select(SsoRequirement))}
    return [(p, rows.get(p.name)) for p in configured(site)]
