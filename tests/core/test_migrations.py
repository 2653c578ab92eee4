"""The Alembic migrations build exactly the schema the models describe."""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from courseware import create_app
from courseware.extensions import db
from tests.conftest import app_config, throwaway_postgres_database


@pytest.fixture
def empty_database_url(database_url, tmp_path):
    if make_url(database_url).get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
        return
    with throwaway_postgres_database(database_url, prefix="courseware_migrate") as url:
        yield url


def test_migrations_match_the_models(empty_database_url, tmp_path):
    app = create_app(app_config(empty_database_url, tmp_path))
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)
        assert diff == [], f"models and migrations differ; run 'flask db migrate': {diff}"
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()
