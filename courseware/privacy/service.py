"""Export and erasure over every registered part of a person's data. Flush, never commit."""
from __future__ import annotations

import io
import json
import logging
import zipfile
from datetime import datetime
from typing import Iterable

from flask_babel import gettext as _
from sqlalchemy import delete

from ..accounts.models import User
from ..accounts.passwords import verify_password
from ..accounts.service import is_last_active_admin
from ..core.errors import DomainError
from ..core.personal_data import Erasure, PersonalData
from ..core.site import Site
from ..extensions import db

log = logging.getLogger(__name__)


def export_user_data(parts: Iterable[PersonalData], user: User, now: datetime) -> dict:
    """Everything the platform holds about `user`, as plain JSON-ready data, one section per part."""
    data: dict = {"exported_at": now.isoformat()}
    for part in parts:
        data[part.name] = part.export(user)
    return data


def export_zip(parts: Iterable[PersonalData], site: Site, user: User, now: datetime) -> bytes:
    """The JSON export plus every file the person uploaded, in one ZIP file."""
    parts = tuple(parts)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("my-data.json", json.dumps(export_user_data(parts, user, now), ensure_ascii=False, indent=2))
        for part in parts:
            for name, content in (part.files(site, user) if part.files else ()):
                archive.writestr(name, content)
    return buffer.getvalue()


def erase_account(parts: Iterable[PersonalData], site: Site, user: User, password: str,
                  now: datetime, *, passwordless: bool = False) -> Erasure:
    """Erase the account at its owner's request (/account/delete), after checking its password (or, for an
    account whose owner knows none, `passwordless`, its email address).

    Returns the Erasure, whose `after_commit` work (removing files) the caller runs once committed.
    """
    if passwordless:
        if (password or "").strip().lower() != user.email:
            raise DomainError(_("That is not your email address. Your account has not been deleted."),
                              field="password")
    elif not verify_password(user.password_hash, password):
        raise DomainError("That is not your password. Your account has not been deleted.", field="password")
    if is_last_active_admin(user):
        raise DomainError("You are the last active admin: make another account an admin first, so that someone "
                          "can still manage the platform. Your account has not been deleted.")
    return erase_person(parts, site, user, now, why="at its owner's request")


def erase_person(parts: Iterable[PersonalData], site: Site, user: User, now: datetime, *, why: str) -> Erasure:
    """The erasure itself, the same whoever asks (the person, or the retention policy): every part does
    its share, then the account row goes. Flushes, never commits; the caller runs `after_commit` once
    it has committed."""
    erasure = Erasure(user=user, site=site, now=now)
    for part in parts:
        if part.erase is not None:
            part.erase(erasure)
    db.session.flush()
    # What no part handled explicitly follows the foreign keys: rows that must stay (posts, threads,
    # reports, certificates, admin records) point to NULL, which reads "deleted user".
    user_id = user.id
    db.session.expunge(user)
    db.session.execute(delete(User).where(User.id == user_id))
    log.info("account %s erased %s", user_id, why)
    return erasure
