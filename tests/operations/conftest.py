"""Sites of their own for the operations tests: a fresh database built by the migrations (as
`flask db upgrade` builds it), its own instance folder, and helpers to compare two sites."""
from __future__ import annotations

import contextlib
import hashlib
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from courseware import create_app
from courseware.extensions import db
from tests.conftest import app_config, throwaway_postgres_database


def is_postgres(database_url: str) -> bool:
    return make_url(database_url).get_backend_name() == "postgresql"


@pytest.fixture
def fresh_database(database_url, tmp_path):
    """A factory of empty databases of the suite's kind (SQLite files, or throwaway PostgreSQL databases)."""
    with contextlib.ExitStack() as stack:
        count = [0]

        def make() -> str:
            count[0] += 1
            if not is_postgres(database_url):
                return f"sqlite:///{tmp_path / f'site{count[0]}.sqlite3'}"
            return stack.enter_context(throwaway_postgres_database(database_url, prefix="courseware_ops"))

        yield make


@pytest.fixture
def make_site(tmp_path):
    """An app on `database_url` with its own instance folder; migrated when asked. Disposed afterwards."""
    apps = []

    def make(database_url: str, name: str, migrate: bool = True, **overrides):
        folder = tmp_path / name
        folder.mkdir(exist_ok=True)
        app = create_app(app_config(database_url, folder, **overrides))
        app.extensions["mail_outbox"] = []
        if migrate:
            with app.app_context():
                upgrade()
        apps.append(app)
        return app

    yield make
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def table_rows(app) -> dict[str, list[tuple]]:
    """Every row of every table (Alembic's included), in primary-key order."""
    with app.app_context():
        rows = {}
        for table in db.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            rows[table.name] = [tuple(r) for r in db.session.execute(select(table).order_by(*order))]
        rows["alembic_version"] = [tuple(r) for r in db.session.execute(text("SELECT version_num FROM alembic_version"))]
        db.session.remove()
    return rows


def upload_digests(app) -> dict[str, str]:
    folder = Path(app.instance_path) / "uploads"
    if not folder.is_dir():
        return {}
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir() if p.is_file()}
