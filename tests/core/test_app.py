"""The application shell: health check, error pages, security headers, configuration."""
from __future__ import annotations

import threading

from sqlalchemy import text

from courseware.config import read_or_create_secret
from courseware.extensions import db


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_healthz_reports_a_dead_database(tmp_path):
    """Does /healthz answer 503 when the database cannot be reached?"""
    from courseware import create_app
    from tests.conftest import app_config

    dead = create_app(app_config("sqlite:///" + str(tmp_path / "no" / "such" / "dir.db"), tmp_path))
    response = dead.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable"}


def test_not_found_page(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Page not found" in page and '<main id="main"' in page


def test_forbidden_page(signed_in, tutor):
    """Does a tutor get 403 on a learner-only action?"""
    client = signed_in(tutor)
    response = client.post("/modules/basics/first-steps/complete")
    assert response.status_code == 403
    assert "Not allowed" in response.get_data(as_text=True)


def test_payload_too_large(client):
    response = client.post("/login", data={"email": "x" * (12 * 1024 * 1024), "password": "y"})
    assert response.status_code == 413
    assert "File too large" in response.get_data(as_text=True)


def test_server_error_page(app):
    @app.get("/boom")
    def boom():
        raise RuntimeError("kaboom")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong" in page and "kaboom" not in page


def test_security_headers(client):
    headers = client.get("/").headers
    csp = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in headers
    assert "Strict-Transport-Security" in client.get("/", base_url="https://localhost").headers


def test_base_layout_landmarks(client):
    page = client.get("/").get_data(as_text=True)
    for marker in ('<a class="skip-link" href="#main">', "<header", '<nav class="site-nav" aria-label="Main">',
                   '<main id="main"', "<footer", 'lang="en"', 'aria-live="polite"'):
        assert marker in page
    assert "<script" not in page and "style=" not in page


def test_sqlite_uses_wal_busy_timeout_and_foreign_keys(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            return
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_secret_key_is_generated_once_and_shared(tmp_path):
    """Do workers that start together agree on one secret key?"""
    path = tmp_path / "instance" / "secret_key"
    results = []

    def worker():
        results.append(read_or_create_secret(path, lambda: __import__("secrets").token_hex(32).encode()))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(results)) == 1 and len(results[0]) == 64
    assert read_or_create_secret(path, lambda: b"other") == results[0]
    assert sorted(p.name for p in path.parent.iterdir()) == ["secret_key"]


def test_default_configuration(monkeypatch, tmp_path):
    from courseware.config import from_environment
    for name in ("DATABASE_URL", "SECRET_KEY", "RATELIMIT_STORAGE_URI", "FLASK_DEBUG", "COURSEWARE_ENV"):
        monkeypatch.delenv(name, raising=False)
    cfg = from_environment(str(tmp_path))
    assert cfg["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'courseware.sqlite3'}"
    assert cfg["RATELIMIT_STORAGE_URI"] == "database://"   # shared by every worker, no extra service
    assert cfg["SESSION_COOKIE_SECURE"] is True
    assert (tmp_path / "secret_key").read_text() == cfg["SECRET_KEY"]
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@db/courseware")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379")
    cfg = from_environment(str(tmp_path))
    assert cfg["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/courseware"
    assert cfg["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379"


def test_nul_bytes_are_refused_everywhere(app, client, learner):
    """Is a NUL byte in a form field or query parameter a 400, with nothing stored or looked up?"""
    response = client.post("/login", data={"email": "learner@city.example\x00", "password": "x"})
    assert response.status_code == 400
    assert client.get("/modules/", query_string={"page": "1\x00"}).status_code == 400
    response = client.post("/register", data={"name": "Nul\x00", "email": "nul@x.example", "organisation": "O",
                                              "password": "long enough secret", "confirm": "long enough secret"})
    assert response.status_code == 400
    from sqlalchemy import select

    from courseware.accounts.models import User
    from courseware.extensions import db
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "nul@x.example")) is None
