"""The smart-charging e-course platform."""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from . import (accounts, admin, assignments, certificates, cli, core, courses, dashboards, editions, forums,
               operations, pages,
               privacy, selfchecks, sso)
from . import config as config_module
from .core import rate_limits  # noqa: F401  (registers the database:// rate-limit storage)
from .core.compiled_templates import TranslatedEnvironment
from .core.params import BoundedIntConverter
from .operations.logs import configure_logging
from .extensions import csrf, db, limiter, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """SQLite: write-ahead log so readers never block the writer, wait instead of failing
    when another process holds the write lock, and enforce foreign keys."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


@event.listens_for(Engine, "savepoint")
def _sqlite_savepoint_inside_transaction(conn, name):
    """pysqlite opens a transaction only before INSERT/UPDATE/DELETE. A SAVEPOINT sent outside one
    starts SQLite's own transaction, which the RELEASE then commits at once: a later rollback of the
    request could not undo it. Open the real transaction first; IMMEDIATE takes the write lock now,
    waiting up to busy_timeout, instead of failing later when a read would have to become a write."""
    dbapi_connection = conn.connection.dbapi_connection
    if isinstance(dbapi_connection, sqlite3.Connection) and not dbapi_connection.in_transaction:
        dbapi_connection.execute("BEGIN IMMEDIATE")


# The features, in the order they are set up. Each package's init_app registers its blueprint (every
# URL is in its blueprint.py) and what it keeps about a person (its personal_data.py).
FEATURES = (accounts, courses, pages, sso, editions, forums, assignments, selfchecks, certificates, dashboards, admin,
            privacy, operations)


def create_app(config: dict | None = None) -> Flask:
    instance_path = (config or {}).get("INSTANCE_PATH") or os.environ.get("INSTANCE_PATH") or str(ROOT / "instance")
    app = Flask(__name__, instance_path=instance_path,
                instance_relative_config=True, template_folder=str(ROOT / "templates"),
                static_folder=str(ROOT / "static"))
    # Templates compiled once per language, their fixed texts translated then (core/compiled_templates.py).
    app.jinja_environment = TranslatedEnvironment
    # Runtime data (database, keys, uploads): the owner's only.
    os.makedirs(app.instance_path, mode=0o700, exist_ok=True)
    settings = config_module.from_environment(app.instance_path)
    settings.update(config or {})
    app.config.from_mapping(settings)
    config_module.complete(app.config)
    config_module.secure_sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"])
    # Text or JSON lines, each with the request's id (operations/logs.py).
    configure_logging(app.config["LOG_FORMAT"])

    if app.config["PROXY_COUNT"]:
        # The client address and scheme from the trusted proxies; never the host: every link is built
        # from BASE_URL, and the Host header itself is checked against TRUSTED_HOSTS (core/security.py).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_COUNT"],
                                x_proto=app.config["PROXY_COUNT"], x_host=0, x_port=0, x_prefix=0)

    # Ids in URLs fit the database's INTEGER columns: a larger number is a 404, not an overflow.
    app.url_map.converters["int"] = BoundedIntConverter
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Please sign in to see this page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    core.init_app(app)
    for feature in FEATURES:
        feature.init_app(app)
    cli.init_app(app)

    if not app.config.get("TESTING"):
        forums.seed_prompt_threads(app)
        assignments.remove_orphan_files(app)
    return app
