"""The accounts at organisations' OpenID providers linked to a person's account here."""
from __future__ import annotations

from sqlalchemy import delete

from ..core.personal_data import Erasure, PersonalData
from ..core.time import iso
from ..extensions import db
from .models import LinkedIdentity
from .service import linked_identities


def export_identities(user) -> list[dict]:
    return [{"provider": link.provider, "subject": link.subject, "email": link.email,
             "linked_at": iso(link.created_at), "last_used_at": iso(link.last_used_at)}
            for link in linked_identities(user)]


def erase_identities(erasure: Erasure) -> None:
    db.session.execute(delete(LinkedIdentity).where(LinkedIdentity.user_id == erasure.user.id))


PART = PersonalData("linked_identities", export=export_identities, erase=erase_identities)
