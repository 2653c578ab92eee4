"""`flask backup create / verify / restore`: a whole site, taken while it runs, put back exactly."""
from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import stat
import tarfile
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from courseware import demo
from courseware.accounts.models import User
from courseware.assignments import storage
from courseware.assignments.models import Submission
from courseware.certificates.credential import verify_credential
from courseware.certificates.keys import public_key, raw_public_bytes
from courseware.certificates.models import Certificate
from courseware.core.site import current_site
from courseware.courses.content import get_course
from courseware.extensions import db
from courseware.operations import database
from courseware.operations.archive import BackupError

from .conftest import is_postgres, table_rows, upload_digests

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"


def populate(app, learners: int = 40) -> None:
    """Demo data (certificates included), and attachments on some submissions."""
    with app.app_context():
        demo.generate(current_site(), get_course(), learners, seed=5)
        store = storage.for_site(current_site())
        submissions = db.session.scalars(select(Submission).order_by(Submission.id).limit(6)).all()
        for i, submission in enumerate(submissions):
            data = PDF + str(i).encode()
            key = store.store(storage.CheckedFile(data=data, name=f"plan-{i}.pdf", mime="application/pdf"))
            submission.attachment_key, submission.attachment_name = key, f"plan-{i}.pdf"
            submission.attachment_type, submission.attachment_size = "application/pdf", len(data)
            db.session.commit()
            store.release(key)
        assert db.session.scalar(select(Certificate.id).limit(1)) is not None, "the demo issues certificates"
        db.session.remove()


@pytest.fixture
def site_with_backup(fresh_database, make_site, tmp_path):
    source = make_site(fresh_database(), "source")
    populate(source)
    archive = tmp_path / "site.backup"
    result = source.test_cli_runner().invoke(args=["backup", "create", "--output", str(archive)])
    assert result.exit_code == 0, result.output
    return source, archive


def test_round_trip_restores_every_row_file_key_and_credential(site_with_backup, fresh_database, make_site):
    """After a restore into an empty site, is every table the same row for row, every attachment the
    same bytes, every certificate PDF the same SHA-256, and does every credential issued before the
    backup still verify with the restored key?"""
    source, archive = site_with_backup
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600, "the archive holds keys: its owner only"

    target = make_site(fresh_database(), "target", migrate=False)
    result = target.test_cli_runner().invoke(args=["backup", "restore", str(archive)])
    assert result.exit_code == 0, result.output
    assert "Restored" in result.output

    rows = table_rows(source)
    assert all(rows[name] for name in ("user", "submission", "grade_event", "forum_post", "certificate",
                                       "unit_completion", "alembic_version")), "the demo data fills the site"
    assert table_rows(target) == rows
    assert upload_digests(target) == upload_digests(source) and len(upload_digests(source)) == 6
    with source.app_context():
        old_key = raw_public_bytes(public_key(current_site()))
    with target.app_context():
        restored_key = public_key(current_site())
        assert raw_public_bytes(restored_key) == old_key
        certificates = db.session.scalars(select(Certificate)).all()
        assert certificates
        for certificate in certificates:
            assert hashlib.sha256(certificate.pdf).hexdigest() == certificate.pdf_sha256
            assert verify_credential(json.loads(certificate.credential_json), restored_key)
        db.session.remove()
    secret = (target.instance_path + "/secret_key")
    assert open(secret).read() == "test-secret-key"
    assert stat.S_IMODE(os.stat(secret).st_mode) == 0o600

    # The restored site serves: a demo learner signs in and downloads an attachment of theirs.
    with target.app_context():
        submission = db.session.scalar(select(Submission).where(Submission.attachment_key.is_not(None)))
        email = db.session.get(User, submission.user_id).email
        db.session.remove()
    client = target.test_client()
    assert client.post("/login", data={"email": email, "password": demo.DEMO_PASSWORD}).status_code == 302
    download = client.get(f"/submissions/{submission.id}/attachment")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    # New rows get new ids (PostgreSQL's sequences came back with the data).
    created = target.test_cli_runner().invoke(args=["create-user", "--email", "new@city.example", "--name", "New",
                                                    "--password", "a long enough password"])
    assert created.exit_code == 0, created.output


def test_verify_reads_the_archive_without_restoring(site_with_backup, tmp_path):
    source, archive = site_with_backup
    result = source.test_cli_runner().invoke(args=["backup", "verify", str(archive)])
    assert result.exit_code == 0, result.output
    assert "ok:" in result.output and "6 attachment(s)" in result.output
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
        names = set(tar.getnames())
    kind = "postgresql" if is_postgres(str(source.config["SQLALCHEMY_DATABASE_URI"])) else "sqlite"
    assert manifest["database"] == kind
    assert manifest["schema_revision"] == newest_migration()
    assert manifest["created_at"]
    assert set(manifest["members"]) | {"manifest.json"} == names
    assert {"keys/secret_key", "keys/signing_key.pem"} <= names


def newest_migration() -> str:
    """The head revision of the migrations in the checkout, read from the files themselves."""
    return ScriptDirectory(str(Path(__file__).parents[2] / "migrations")).get_current_head()


def _rewrite(archive, out, change):
    """Copy the archive member by member, letting `change(name, data)` alter or drop members."""
    with tarfile.open(archive) as src, tarfile.open(out, "w:gz") as dst:
        for member in src:
            data = src.extractfile(member).read()
            data = change(member.name, data)
            if data is None:
                continue
            info = tarfile.TarInfo(member.name)
            info.size = len(data)
            dst.addfile(info, io.BytesIO(data))


def damaged_copies(archive, folder):
    raw = archive.read_bytes()
    truncated = folder / "truncated.backup"
    truncated.write_bytes(raw[: len(raw) * 2 // 3])
    altered_member = folder / "altered-member.backup"
    _rewrite(archive, altered_member, lambda name, data: data[:-1] + b"X" if name.startswith("uploads/") else data)
    altered_manifest = folder / "altered-manifest.backup"

    def drop_hash(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        first = sorted(manifest["members"])[0]
        manifest["members"][first]["sha256"] = "0" * 64
        return json.dumps(manifest).encode()

    _rewrite(archive, altered_manifest, drop_hash)
    extra = folder / "extra-member.backup"
    with tarfile.open(archive) as src, tarfile.open(extra, "w:gz") as dst:
        for member in src:
            dst.addfile(member, src.extractfile(member))
        info = tarfile.TarInfo("../../etc/evil")
        info.size = 4
        dst.addfile(info, io.BytesIO(b"evil"))
    no_manifest = folder / "no-manifest.backup"
    _rewrite(archive, no_manifest, lambda name, data: None if name == "manifest.json" else data)
    flipped = bytearray(raw)
    flipped[len(raw) // 2] ^= 0xFF
    corrupted = folder / "corrupted.backup"
    corrupted.write_bytes(bytes(flipped))
    return [truncated, altered_member, altered_manifest, extra, no_manifest, corrupted]


def test_truncated_or_altered_archives_are_refused(site_with_backup, fresh_database, make_site, tmp_path):
    """Is a truncated, altered, extended or corrupted archive refused by verify, and by restore, which
    then changes nothing?"""
    source, archive = site_with_backup
    target = make_site(fresh_database(), "target", migrate=False)
    for bad in damaged_copies(archive, tmp_path):
        result = source.test_cli_runner().invoke(args=["backup", "verify", str(bad)])
        assert result.exit_code != 0, (bad.name, result.output)
        assert "is not a usable backup" in result.output, result.output
        result = target.test_cli_runner().invoke(args=["backup", "restore", str(bad)])
        assert result.exit_code != 0, (bad.name, result.output)
        assert "Nothing was restored" in result.output
        with target.app_context():
            assert database.tables_in(db.engine) == [], f"{bad.name}: the database was changed"
        assert not (tmp_path / "target" / "instance" / "uploads").exists() or \
            not any((tmp_path / "target" / "instance" / "uploads").iterdir())
        assert not (tmp_path / "target" / "instance" / "signing_key.pem").exists()
    # Still restorable from the good archive afterwards: the refusals left nothing behind.
    assert target.test_cli_runner().invoke(args=["backup", "restore", str(archive)]).exit_code == 0


def test_restore_refuses_a_database_or_instance_folder_that_is_not_empty(site_with_backup, fresh_database,
                                                                        make_site, tmp_path):
    source, archive = site_with_backup
    before = table_rows(source)
    result = source.test_cli_runner().invoke(args=["backup", "restore", str(archive)])
    assert result.exit_code != 0
    assert "The database is not empty" in result.output and "Nothing was restored" in result.output
    assert table_rows(source) == before

    target = make_site(fresh_database(), "target", migrate=False)
    stray = tmp_path / "target" / "instance" / "signing_key.pem"
    stray.write_text("someone else's key")
    result = target.test_cli_runner().invoke(args=["backup", "restore", str(archive)])
    assert result.exit_code != 0
    assert "instance folder" in result.output and "signing_key.pem" in result.output
    assert stray.read_text() == "someone else's key"
    with target.app_context():
        assert database.tables_in(db.engine) == []


def test_the_snapshot_is_consistent_while_others_write(fresh_database, make_site, tmp_path):
    """Is the backup taken while another connection holds an open write transaction, without waiting for it
    and without its uncommitted row?"""
    url = fresh_database()
    source = make_site(url, "busy")
    populate(source, learners=5)
    with source.app_context():
        count = db.session.scalar(text("SELECT count(*) FROM \"user\""))
        db.session.remove()
    writer = _open_writer(url)
    try:
        archive = tmp_path / "busy.backup"
        result = source.test_cli_runner().invoke(args=["backup", "create", "--output", str(archive)])
        assert result.exit_code == 0, result.output
    finally:
        writer()
    target = make_site(fresh_database(), "restored", migrate=False)
    assert target.test_cli_runner().invoke(args=["backup", "restore", str(archive)]).exit_code == 0
    with target.app_context():
        assert db.session.scalar(text("SELECT count(*) FROM \"user\"")) == count
        db.session.remove()


def _open_writer(url: str):
    """Insert an account in a transaction left open; returns the function that rolls it back."""
    statement = ("INSERT INTO \"user\" (email, name, organisation, password_hash, role, active, "
                 "created_at, password_changed_at) VALUES ('uncommitted@example.org', 'U', '', 'x', 'learner', "
                 "true, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        conn = sqlite3.connect(parsed.database, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(statement.replace("true", "1"))
    else:
        import psycopg

        conn = psycopg.connect(parsed.set(drivername="postgresql").render_as_string(hide_password=False))
        conn.execute(statement)

    def finish():
        conn.rollback()
        conn.close()
    return finish


def test_an_archive_is_never_overwritten(site_with_backup):
    source, archive = site_with_backup
    before = archive.read_bytes()
    result = source.test_cli_runner().invoke(args=["backup", "create", "--output", str(archive)])
    assert result.exit_code != 0 and "exists already" in result.output
    assert archive.read_bytes() == before


def test_a_database_without_pg_dump_gets_a_clear_message(monkeypatch):
    monkeypatch.setattr(database.shutil, "which", lambda name: None)
    with pytest.raises(BackupError) as refused:
        database.tool("pg_dump")
    assert "`pg_dump` is not installed" in str(refused.value) and "postgresql-client" in str(refused.value)


def test_a_database_the_migrations_did_not_build_is_not_backed_up(app, runner, tmp_path):
    """The suite's own database is built by create_all, without a schema revision: refused, clearly."""
    result = runner.invoke(args=["backup", "create", "--output", str(tmp_path / "x.backup")])
    assert result.exit_code != 0
    assert "no schema revision" in result.output
    assert not (tmp_path / "x.backup").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]
