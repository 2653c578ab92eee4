"""Issued certificates. A row is written once and never silently changes: a name correction
adds a new version that points back to the one it replaces; revocation only adds who, when and why."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from ..accounts.models import User
from ..core.time import utcnow
from ..core.types import UTCDateTime
from ..extensions import db
from .codes import format_code


class CertificateState(StrEnum):
    """What the public verification page says of one certificate version (derived, never stored:
    revocation and replacement are recorded with who and when, and the state follows from them)."""

    VALID = "valid"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"


class Certificate(db.Model):
    __tablename__ = "certificate"
    __table_args__ = (
        # One claim per learner: two concurrent claims cannot both write version 1.
        UniqueConstraint("user_id", "version", name="uq_certificate_user_version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Kept when an account is erased, so the public register and verification stay truthful.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)      # normalised: 20 Crockford base32 digits
    version: Mapped[int] = mapped_column(Integer, default=1)
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("certificate.id"), unique=True)

    # What was printed, frozen at issue time.
    learner_name: Mapped[str] = mapped_column(String(120))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    course_title: Mapped[str] = mapped_column(String(300))
    course_version: Mapped[str] = mapped_column(String(40))
    tutor_organisation: Mapped[str] = mapped_column(String(300))
    module_titles: Mapped[list] = mapped_column(JSON)
    # The edition the learner earned it in, as it was named then (None: issued without editions, or before them).
    edition_id: Mapped[int | None] = mapped_column(ForeignKey("edition.id", ondelete="SET NULL"), index=True)
    edition_name: Mapped[str | None] = mapped_column(String(120))
    awarded_at: Mapped[datetime] = mapped_column(UTCDateTime())    # when the learner earned it (kept by corrections)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)   # when this version was made
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))  # admin; None: claimed
    correction_note: Mapped[str] = mapped_column(Text, default="")

    # The PDF lives in the database beside its record: written in the same transaction (no orphan or missing
    # file), shared by every app server and included in every backup. Deferred: lists never load it.
    pdf: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    # The signed Open Badges credential, exactly as issued.
    credential_json: Mapped[str] = deferred(mapped_column(Text, nullable=False))
    status_index: Mapped[int] = mapped_column(Integer, unique=True)  # position in the revocation status list

    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    revocation_reason: Mapped[str] = mapped_column(Text, default="")

    replaces: Mapped[Certificate | None] = relationship(
        remote_side=[id], back_populates="replaced_by", foreign_keys=[replaces_id])
    replaced_by: Mapped[Certificate | None] = relationship(
        back_populates="replaces", foreign_keys=[replaces_id], uselist=False)
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    issued_by: Mapped[User | None] = relationship(foreign_keys=[issued_by_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])

    def __repr__(self) -> str:
        return f"<Certificate {self.id} v{self.version}>"

    @property
    def display_code(self) -> str:
        return format_code(self.code)

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_superseded(self) -> bool:
        return self.replaced_by is not None

    @property
    def state(self) -> CertificateState:
        # Revocation wins: a superseded version of a revoked certificate is revoked too.
        if self.is_revoked:
            return CertificateState.REVOKED
        if self.is_superseded:
            return CertificateState.SUPERSEDED
        return CertificateState.VALID

    @property
    def is_valid(self) -> bool:
        return self.state is CertificateState.VALID
