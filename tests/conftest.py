"""Shared fixtures: one database per test session, emptied after every test.

Set DATABASE_URL to a PostgreSQL URL to run the suite against PostgreSQL: the session then
creates its own throwaway database next to the one named (and drops it at the end), so the
named database is never touched.
"""
from __future__ import annotations

import contextlib
import os
import re
import secrets
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from jinja2 import BytecodeCache
from sqlalchemy import event, text
from sqlalchemy.engine import make_url

from courseware import create_app
from courseware.demo.pages import is_query
from courseware.forums import seed_prompt_threads
from courseware.extensions import db
from tests.factories import DEFAULT_PASSWORD, make_user

FIXTURE_CONTENT = Path(__file__).parent / "fixtures" / "modules"
REAL_CONTENT = Path(__file__).resolve().parent.parent / "modules"


@contextlib.contextmanager
def throwaway_postgres_database(url: str, prefix: str = "courseware_test"):
    """Create an empty database on the server `url` names, yield its URL, drop it afterwards.
    The database `url` names itself is never touched."""
    import psycopg

    base = make_url(re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql+psycopg://", url))
    name = f"{prefix}_{secrets.token_hex(4)}"
    admin_dsn = base.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    given = os.environ.get("DATABASE_URL", "")
    if not given.startswith(("postgres", "postgresql")):
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        return
    with throwaway_postgres_database(given) as url:
        yield url


def app_config(database_url: str, tmp_path: Path, **overrides) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "CONTENT_DIR": str(FIXTURE_CONTENT),
        "CONTENT_RELOAD": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        # Cheap hashing keeps the suite fast; production uses the defaults in config.py.
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 1024,
        "ARGON2_PARALLELISM": 1,
        "SERVER_NAME": "localhost",
        "BASE_URL": "http://localhost",
        "INSTANCE_PATH": str(tmp_path / "instance"),
    }
    config.update(overrides)
    return config


_schema_ready: set[str] = set()


class SharedBytecodeCache(BytecodeCache):
    """Compiled templates kept for the whole session. Every test builds a new app, and each app's Jinja
    environment would otherwise parse and compile every template it renders again (a fifth of the
    suite's time); a template is recompiled whenever its source changes (the key holds its checksum)."""

    def __init__(self):
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CACHE = SharedBytecodeCache()


def _empty_all_tables():
    tables = [t for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def make_app(database_url, tmp_path):
    """Build an app with extra config; the schema exists and every table is empty afterwards."""
    apps = []

    def factory(**overrides):
        app = create_app(app_config(database_url, tmp_path, **overrides))
        app.extensions["mail_outbox"] = []
        app.jinja_env.bytecode_cache = TEMPLATE_CACHE
        with app.app_context():
            if database_url not in _schema_ready:
                db.drop_all()
                db.create_all()
                _schema_ready.add(database_url)
        # What a started site does once its database is migrated (create_app skips it under TESTING).
        seed_prompt_threads(app)
        apps.append(app)
        return app

    yield factory
    for app in apps:
        with app.app_context():
            db.session.remove()
            _empty_all_tables()
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def outbox(app):
    """Mails the app sent during the test."""
    return app.extensions["mail_outbox"]


@pytest.fixture
def learner(app):
    with app.app_context():
        return make_user(role="learner", email="learner@city.example", name="Lena Learner",
                         organisation="City of Utrecht")


@pytest.fixture
def other_learner(app):
    with app.app_context():
        return make_user(role="learner", email="other@region.example", name="Otto Other",
                         organisation="Region of Grenoble")


@pytest.fixture
def tutor(app):
    with app.app_context():
        return make_user(role="tutor", email="tutor@course.example", name="Tara Tutor", organisation="Tutors")


@pytest.fixture
def admin(app):
    with app.app_context():
        return make_user(role="admin", email="admin@course.example", name="Adam Admin", organisation="Operator")


# The sign-in form's CSRF token, when the app checks them (make_app(WTF_CSRF_ENABLED=True)).
CSRF_FIELD = re.compile(r'<input[^>]*\bname="csrf_token"[^>]*\bvalue="([^"]*)"')


def ask_for_reset(client: FlaskClient, email: str, **kwargs):
    """POST the reset form and close the answer, as a server does once it is sent: the lookup and the
    mail happen then (so their cost cannot be timed by the sender)."""
    response = client.post("/reset-password", data={"email": email}, **kwargs)
    response.close()
    return response


def sign_in(app, user, password: str = DEFAULT_PASSWORD, *, client: FlaskClient | None = None) -> FlaskClient:
    """A new test client of `app` (or `client`, e.g. one with its own user agent and address) signed in as
    `user` (or an email address) through the real sign-in form.

    The form is fetched first and sent back with its CSRF token when it carries one, so it works on an
    app with CSRF protection on. Tests use the `signed_in` fixture; helpers outside a test call this."""
    client = client or app.test_client()
    form = client.get("/login")
    assert form.status_code == 200, form.status
    email = user if isinstance(user, str) else user.email
    data = {"email": email, "password": password}
    token = CSRF_FIELD.search(form.get_data(as_text=True))
    if token:
        data["csrf_token"] = token.group(1)
    response = client.post("/login", data=data)
    assert response.status_code == 302, f"signing in as {email}: {response.status}"
    return client


@pytest.fixture
def signed_in(request):
    """`signed_in(user)`: a new test client of the test's `app` signed in as `user` (see sign_in);
    `app=` for an app made with `make_app`, `password=` when it is not the factories' default."""
    def signing_in(user, password: str = DEFAULT_PASSWORD, *, app=None) -> FlaskClient:
        return sign_in(app or request.getfixturevalue("app"), user, password)
    return signing_in


class QueryLog:
    """The SQL statements sent while a `count_queries()` block ran (savepoint bookkeeping left out)."""

    def __init__(self):
        self.statements: list[str] = []
        self.parameters: list = []

    @property
    def count(self) -> int:
        return len(self.statements)

    def record(self, conn, cursor, statement, parameters, context, executemany):
        if is_query(statement):
            self.statements.append(statement)
            self.parameters.append(parameters)


@pytest.fixture
def count_queries(request):
    """`with count_queries() as queries: ...` then `queries.count` (and `queries.statements`).

    Counts what the test's `app` sends to its database; `count_queries(other_app)` for an app made
    with `make_app`."""
    @contextlib.contextmanager
    def counting(app=None):
        app = app or request.getfixturevalue("app")
        with app.app_context():
            engine = db.engine
        log = QueryLog()
        event.listen(engine, "before_cursor_execute", log.record)
        try:
            yield log
        finally:
            event.remove(engine, "before_cursor_execute", log.record)
    return counting


def pytest_collection_modifyitems(items):
    """Browser and scale tests are slow too, so `-m "not slow"` leaves them out."""
    for item in items:
        if item.get_closest_marker("browser") or item.get_closest_marker("scale"):
            item.add_marker(pytest.mark.slow)
