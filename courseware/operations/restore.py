"""`flask backup restore FILE`: only into an empty database and an empty instance folder.

Everything that could make it refuse is checked before anything is written: the target is empty, the
archive is whole and matches its manifest, its database kind is the configured one, its schema revision
is known to this version's migrations, and the tools are installed. Then the database is restored (in
one transaction on PostgreSQL), the files are moved into place and the migrations run to the current head.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory
from flask import Flask
from flask_migrate import upgrade

from ..certificates.keys import KEY_FILE
from ..extensions import db
from . import database
from .archive import SECRET_KEY, SIGNING_KEY, UPLOADS, BackupError, Manifest, read_archive
from .backup import SECRET_KEY_FILE, scratch_folder

log = logging.getLogger(__name__)

METRICS_FOLDER = "metrics"


@dataclass(frozen=True)
class Restored:
    manifest: Manifest
    attachments: int
    head: str
    secret_key_differs: bool     # SECRET_KEY is set in the environment to another value than the backup's


def _instance_leftovers(instance: Path, sqlite_file: Path | None, metrics_dir: Path) -> list[str]:
    """What in the instance folder is more than a freshly started site leaves there: a generated secret
    key, an empty SQLite database (checked separately), the metrics folder and empty folders."""
    if not instance.exists():
        return []
    ignored = {SECRET_KEY_FILE}
    if sqlite_file is not None:
        ignored |= {sqlite_file.name, f"{sqlite_file.name}-wal", f"{sqlite_file.name}-shm",
                    f"{sqlite_file.name}-journal"}
    found = []
    for path in sorted(instance.iterdir()):
        if path.resolve() == metrics_dir.resolve() or path.name.startswith(".backup-"):
            continue
        if path.is_dir():
            found.extend(str(p.relative_to(instance)) for p in path.rglob("*") if not p.is_dir())
        elif path.name not in ignored:
            found.append(path.name)
    return found


def check_target_is_empty(app: Flask) -> None:
    instance = Path(app.instance_path)
    with app.app_context():
        engine = db.engine
        sqlite_file = database.sqlite_path(engine.url) if database.kind(engine) == "sqlite" else None
        tables = database.tables_in(engine)
        engine.dispose()
    if tables:
        raise BackupError(f"The database is not empty (it has {len(tables)} table(s), e.g. {tables[0]}). A backup is "
                          "restored only into a new, empty database: create one, point DATABASE_URL at it and run "
                          "this again. Do not run `flask db upgrade` first; the restore migrates the database itself.")
    leftovers = _instance_leftovers(instance, sqlite_file if sqlite_file and sqlite_file.parent.resolve()
                                    == instance.resolve() else None, Path(app.config["METRICS_DIR"]))
    if leftovers:
        shown = ", ".join(leftovers[:5]) + (" …" if len(leftovers) > 5 else "")
        raise BackupError(f"The instance folder {instance} is not empty ({len(leftovers)} file(s): {shown}). A backup is "
                          "restored only into an empty instance folder: set INSTANCE_PATH to a new folder, or move "
                          "these files away, and run this again.")


def _check_revision_known(app: Flask, revision: str) -> ScriptDirectory:
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
    scripts = ScriptDirectory.from_config(config)
    try:
        known = scripts.get_revision(revision) is not None
    except Exception:
        known = False
    if not known:
        raise BackupError(f"The archive's schema revision {revision} is not among this version's migrations: it was "
                          "made by a newer (or a different) version of the software. Restore it with that version.")
    return scripts


def restore_backup(app: Flask, path: Path) -> Restored:
    """Restore the archive at `path` into the app's (empty) database and instance folder."""
    path = Path(path)
    check_target_is_empty(app)
    instance = Path(app.instance_path)
    with app.app_context():
        kind = database.kind(db.engine)
    with scratch_folder(instance) as work:
        manifest = read_archive(path, keep=lambda name: True, into=work)
        if manifest.database != kind:
            raise BackupError(f"The archive holds a {manifest.database} database, but DATABASE_URL names a {kind} "
                              f"database. Restore it into a {manifest.database} database.")
        scripts = _check_revision_known(app, manifest.schema_revision)
        if kind == "postgresql":
            database.tool("pg_restore")
        database.check_dump(work / manifest.database_member, kind)

        with app.app_context():
            database.restore(db.engine, work / manifest.database_member)
        uploads = instance / "uploads"
        uploads.mkdir(mode=0o700, exist_ok=True)
        for name in manifest.attachments:
            target = uploads / name[len(UPLOADS):]
            os.replace(work / name, target)
            os.chmod(target, 0o600)
        if SIGNING_KEY in manifest.members:
            _put_secret(work / SIGNING_KEY, instance / KEY_FILE)
        secret = (work / SECRET_KEY).read_bytes()
        _put_secret(work / SECRET_KEY, instance / SECRET_KEY_FILE)

    with app.app_context():
        upgrade()
        db.engine.dispose()
    configured = app.config["SECRET_KEY"]
    configured = configured if isinstance(configured, bytes) else str(configured).encode()
    differs = "SECRET_KEY" in os.environ and configured != secret
    log.info("backup %s restored (schema %s, migrated to %s)", path, manifest.schema_revision, scripts.get_current_head())
    return Restored(manifest, len(manifest.attachments), scripts.get_current_head(), differs)


def _put_secret(source: Path, target: Path) -> None:
    os.chmod(source, 0o600)
    os.replace(source, target)
