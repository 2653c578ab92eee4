"""Who may do what with a certificate: small predicates the views (and templates) share."""
from __future__ import annotations

from ..accounts.models import User
from .models import Certificate


def is_owner(user: User, certificate: Certificate) -> bool:
    return user.is_authenticated and certificate.user_id is not None and certificate.user_id == user.id


def can_download(user: User, certificate: Certificate) -> bool:
    """The owner may download the PDF and the credential while the certificate stands."""
    return is_owner(user, certificate) and not certificate.is_revoked

