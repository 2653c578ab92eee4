"""Consistent copies of the database while the site runs, and putting one back.

SQLite: the online backup API copies the database as one read transaction sees it (in WAL mode writers
carry on meanwhile). PostgreSQL: a REPEATABLE READ transaction exports its snapshot and pg_dump dumps
exactly that snapshot (`--snapshot`), so the attachment names and the schema revision read in the same
transaction match the dump. Restoring uses pg_restore in one transaction: it succeeds whole or not at all.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import URL, Engine

from .archive import BackupError

PG_TOOLS_HINT = ("Install the PostgreSQL client programs of the server's major version or newer "
                 "(Debian and Ubuntu: apt-get install postgresql-client).")


@dataclass(frozen=True)
class Snapshot:
    revision: str | None
    attachment_keys: set[str]


def kind(engine: Engine) -> str:
    name = engine.dialect.name
    if name not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {name}.")
    return name


def sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("The SQLite database is in memory; there is no file to back up or restore.")
    return Path(url.database)


def libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A connection string for pg_dump and pg_restore, and their environment. The password goes in
    the environment (PGPASSWORD), never on the command line where every user of the machine sees it."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    dsn = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return dsn, env


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"`{name}` is not installed, and PostgreSQL databases are backed up and restored with it. "
                          + PG_TOOLS_HINT)
    return found


def _read_state(conn) -> Snapshot:
    tables = set(inspect(conn).get_table_names())
    revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar() \
        if "alembic_version" in tables else None
    keys = set(conn.execute(text("SELECT attachment_key FROM submission WHERE attachment_key IS NOT NULL"))
               .scalars()) if "submission" in tables else set()
    return Snapshot(revision, keys)


def snapshot(engine: Engine, destination: Path) -> Snapshot:
    """Write a consistent copy of the database to `destination`."""
    if kind(engine) == "sqlite":
        return _snapshot_sqlite(sqlite_path(engine.url), destination)
    return _snapshot_postgres(engine, destination)


def _snapshot_sqlite(source_path: Path, destination: Path) -> Snapshot:
    if not source_path.exists():
        raise BackupError(f"The SQLite database {source_path} does not exist.")
    source = sqlite3.connect(source_path, timeout=30)
    target = sqlite3.connect(destination)
    try:
        source.backup(target)          # all pages in one step: one consistent read
        target.execute("PRAGMA journal_mode=DELETE")   # one self-contained file
        tables = {row[0] for row in target.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        revision = target.execute("SELECT version_num FROM alembic_version").fetchone()[0] \
            if "alembic_version" in tables else None
        keys = {row[0] for row in target.execute(
            "SELECT attachment_key FROM submission WHERE attachment_key IS NOT NULL")} if "submission" in tables else set()
    except sqlite3.Error as e:
        raise BackupError(f"The SQLite database could not be copied: {e}.") from None
    finally:
        target.close()
        source.close()
    return Snapshot(revision, keys)


def _snapshot_postgres(engine: Engine, destination: Path) -> Snapshot:
    pg_dump = tool("pg_dump")
    dsn, env = libpq(engine.url)
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
        with conn.begin():
            snapshot_id = conn.execute(text("SELECT pg_export_snapshot()")).scalar()
            state = _read_state(conn)
            # The exported snapshot lives as long as this transaction: pg_dump runs inside it.
            done = subprocess.run([pg_dump, "--format=custom", f"--snapshot={snapshot_id}", "--no-password",
                                   f"--file={destination}", f"--dbname={dsn}"],
                                  env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"pg_dump failed: {done.stderr.strip() or done.returncode}. "
                          "If it names a version mismatch: " + PG_TOOLS_HINT)
    return state


def tables_in(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return sorted(inspect(conn).get_table_names())


def check_dump(member: Path, database: str) -> None:
    """Open the copied database without restoring it: SQLite's integrity check; pg_restore's table of contents."""
    if database == "sqlite":
        conn = sqlite3.connect(f"file:{member}?mode=ro", uri=True)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
        except sqlite3.Error as e:
            raise BackupError(f"The archived SQLite database cannot be read: {e}.") from None
        finally:
            conn.close()
        if result != "ok":
            raise BackupError(f"The archived SQLite database is damaged: {result}.")
        return
    pg_restore = shutil.which("pg_restore")
    if pg_restore is None:
        return      # checked by its SHA-256 only; `backup verify` says so
    done = subprocess.run([pg_restore, "--list", str(member)], capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"The archived PostgreSQL dump cannot be read by pg_restore: {done.stderr.strip()}.")


def restore(engine: Engine, member: Path) -> None:
    """Put the archived database into the (empty) configured database."""
    if kind(engine) == "sqlite":
        target = sqlite_path(engine.url)
        engine.dispose()
        target.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        staged = target.with_name(f".{target.name}.restoring")
        shutil.copyfile(member, staged)
        os.chmod(staged, 0o600)
        os.replace(staged, target)
        return
    pg_restore = tool("pg_restore")
    dsn, env = libpq(engine.url)
    engine.dispose()
    done = subprocess.run([pg_restore, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
                           "--no-password", f"--dbname={dsn}", str(member)], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"pg_restore failed, and restored nothing (it runs in one transaction): "
                          f"{done.stderr.strip() or done.returncode}")
