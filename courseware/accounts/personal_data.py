"""What an account itself holds about its person (the account row is deleted last, by the privacy driver)."""
from __future__ import annotations

from ..core.personal_data import PersonalData
from ..core.time import iso
from .models import User


def export_profile(user: User) -> dict:
    return {
        "name": user.name, "email": user.email, "organisation": user.organisation, "role": user.role.value,
        "created_at": iso(user.created_at), "last_login_at": iso(user.last_login_at),
        "password_changed_at": iso(user.password_changed_at),
        "privacy_notice_version": user.privacy_notice_version,
        "privacy_accepted_at": iso(user.privacy_accepted_at),
        "time_zone": user.time_zone,
    }


PART = PersonalData("profile", export=export_profile)
