"""Data files the site creates are its owner's only: the SQLite database (with its WAL files), the keys,
the uploads folder, the instance folder."""
from __future__ import annotations

import os
import stat

import pytest
from sqlalchemy import text

from courseware import create_app
from courseware.certificates import keys
from courseware.core.site import current_site
from courseware.extensions import db
from tests.conftest import app_config


@pytest.fixture
def permissive_umask():
    """The usual umask of a shell (022): files would be world-readable unless created otherwise."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_sqlite_database_and_keys_are_created_owner_only(tmp_path, permissive_umask, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)   # so the key is generated into the instance folder
    instance = tmp_path / "instance"
    database = instance / "courseware.sqlite3"
    app = create_app(app_config(f"sqlite:///{database}", tmp_path, SECRET_KEY=None))
    with app.app_context():
        db.create_all()
        db.session.execute(text("CREATE TABLE scratch (x INTEGER)"))
        db.session.execute(text("INSERT INTO scratch VALUES (1)"))
        db.session.commit()
        keys.signing_key(current_site())
        files = [database, database.with_name(database.name + "-wal"), database.with_name(database.name + "-shm"),
                 instance / "secret_key", instance / keys.KEY_FILE]
        for path in files:
            assert path.exists(), path.name
            assert mode(path) == 0o600, f"{path.name} is {oct(mode(path))}"
        assert mode(instance) == 0o700
        db.engine.dispose()


def test_an_existing_world_readable_database_is_tightened(tmp_path, permissive_umask):
    database = tmp_path / "old.sqlite3"
    database.touch(mode=0o644)
    os.chmod(database, 0o644)
    create_app(app_config(f"sqlite:///{database}", tmp_path))
    assert mode(database) == 0o600
