"""What an account itself holds about its person (the account row is deleted last, by the privacy driver)."""
from __future__ import annotations

from sqlalchemy import delete, select

from ..core.personal_data import Erasure, PersonalData
from ..core.time import iso
from ..extensions import db
from .models import SignInSession, User


def export_profile(user: User) -> dict:
    return {
        "name": user.name, "email": user.email, "organisation": user.organisation, "role": user.role.value,
        "created_at": iso(user.created_at), "last_login_at": iso(user.last_login_at),
        "password_changed_at": iso(user.password_changed_at),
        "email_confirmed_at": iso(user.email_confirmed_at),
        "privacy_notice_version": user.privacy_notice_version,
        "privacy_accepted_at": iso(user.privacy_accepted_at),
        "time_zone": user.time_zone,
        "language": user.language,
    }


PART = PersonalData("profile", export=export_profile)


def export_sessions(user: User) -> list[dict]:
    return [{"signed_in_at": iso(s.created_at), "last_seen_at": iso(s.last_seen_at), "device": s.device,
             "network": s.network}
            for s in db.session.scalars(select(SignInSession).where(SignInSession.user_id == user.id)
                                        .order_by(SignInSession.id))]


def erase_sessions(erasure: Erasure) -> None:
    db.session.execute(delete(SignInSession).where(SignInSession.user_id == erasure.user.id))


SESSIONS = PersonalData("sign_in_sessions", export=export_sessions, erase=erase_sessions)
