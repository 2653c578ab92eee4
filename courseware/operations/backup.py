"""`flask backup create`, `backup verify` and `backup restore` (SPEC section 8.5).

create: a consistent snapshot of the database, the attachments it names, the secret key and the signing
    key, in one archive (see archive.py) written under a temporary name, readable by its owner only
    (it holds keys), and renamed into place once complete.
verify: reads the whole archive and checks every member against the manifest, and that the database
    copy opens, without restoring anything.
restore: only into an empty database and an empty instance folder (it refuses otherwise, changing
    nothing); then migrates the database to the current schema.
"""
from __future__ import annotations

import io
import logging
import os
import secrets
import shutil
import tarfile
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import Flask

from ..assignments import storage
from ..certificates.keys import KEY_FILE
from ..extensions import db
from . import database
from .archive import (DATABASE_MEMBERS, MANIFEST, SECRET_KEY, SIGNING_KEY, UPLOADS, BackupError, Manifest,
                      add_member, file_sha256, read_archive)

log = logging.getLogger(__name__)

SECRET_KEY_FILE = "secret_key"


@dataclass(frozen=True)
class Created:
    path: Path
    manifest: Manifest
    size: int
    sha256: str


@contextmanager
def scratch_folder(instance: Path):
    """A private scratch folder inside the instance folder (same file system: hard links, renames)."""
    instance.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=".backup-", dir=instance))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _stage(source: Path, target: Path) -> bool:
    """Keep `source` as it is now: a hard link (a later removal cannot take it away), or a copy."""
    try:
        os.link(source, target)
    except FileNotFoundError:
        return False
    except OSError:
        try:
            shutil.copyfile(source, target)
        except FileNotFoundError:
            return False
    return True


def create_backup(app: Flask, output: Path, now: datetime) -> Created:
    """Write a backup archive of the running site to `output` (which must not exist)."""
    output = Path(output)
    if output.exists():
        raise BackupError(f"{output} exists already; choose a new file name (backups are never overwritten).")
    if not output.parent.is_dir():
        raise BackupError(f"The folder {output.parent} does not exist.")
    instance = Path(app.instance_path)
    uploads = storage.AttachmentStore(instance / "uploads").folder
    with app.app_context():
        engine = db.engine
        kind = database.kind(engine)
        with scratch_folder(instance) as work:
            staged = work / "uploads"
            staged.mkdir()
            # Attachments are kept (hard-linked) before the snapshot and once more after it, for those
            # added in between: so every file the snapshot names is in the archive even if a learner
            # replaces or erases it while the backup runs.
            if uploads.is_dir():
                for path in uploads.iterdir():
                    if storage.is_key(path.name):
                        _stage(path, staged / path.name)
            db_file = work / Path(DATABASE_MEMBERS[kind]).name
            snap = database.snapshot(engine, db_file)
            if snap.revision is None:
                raise BackupError("The database has no schema revision (no alembic_version table): it was not "
                                  "created by `flask --app app db upgrade`, so it could not be migrated after a restore.")
            missing = []
            for key in sorted(snap.attachment_keys):
                if not (staged / key).exists() and not _stage(uploads / key, staged / key):
                    missing.append(key)
            if missing:
                log.warning("backup: %d attachment(s) named by the database are missing from %s", len(missing), uploads)
            secret = app.config["SECRET_KEY"]
            secret = secret if isinstance(secret, bytes) else str(secret).encode()
            signing = instance / KEY_FILE
            members: dict[str, dict] = {}
            temporary = output.with_name(f".{output.name}.{secrets.token_hex(4)}.part")
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
                    def add_file(name: str, path: Path) -> None:
                        with open(path, "rb") as fh:
                            members[name] = add_member(tar, name, fh, os.fstat(fh.fileno()).st_size, now.timestamp())

                    add_file(DATABASE_MEMBERS[kind], db_file)
                    add_member_bytes(tar, members, SECRET_KEY, secret, now)
                    if signing.exists():
                        add_file(SIGNING_KEY, signing)
                    for key in sorted(snap.attachment_keys - set(missing)):
                        add_file(UPLOADS + key, staged / key)
                    manifest = Manifest(created_at=now.isoformat(), database=kind, schema_revision=snap.revision,
                                        members=members, missing_attachments=missing)
                    add_member_bytes(tar, {}, MANIFEST, manifest.to_json(), now)
                    tar.close()
                    raw.flush()
                    os.fsync(raw.fileno())
                os.rename(temporary, output)
            except BaseException:
                temporary.unlink(missing_ok=True)
                raise
    log.info("backup written to %s (%d attachments, schema %s)", output, len(manifest.attachments), snap.revision)
    return Created(output, manifest, output.stat().st_size, file_sha256(output))


def add_member_bytes(tar, members: dict, name: str, data: bytes, now: datetime) -> None:
    members[name] = add_member(tar, name, io.BytesIO(data), len(data), now.timestamp())


def verify_backup(path: Path) -> tuple[Manifest, list[str]]:
    """Check the archive without restoring it. Returns its manifest and notes (what could not be checked)."""
    notes = []
    with tempfile.TemporaryDirectory(prefix="courseware-verify-") as scratch:
        manifest = read_archive(Path(path), keep=lambda name: name.startswith("database/"), into=Path(scratch))
        if manifest.database == "postgresql" and shutil.which("pg_restore") is None:
            notes.append("pg_restore is not installed, so the PostgreSQL dump was checked by its SHA-256 only.")
        database.check_dump(Path(scratch) / manifest.database_member, manifest.database)
    if manifest.missing_attachments:
        notes.append(f"{len(manifest.missing_attachments)} attachment(s) were already missing on the site when "
                     "the backup was made; their submissions will show no file.")
    return manifest, notes
