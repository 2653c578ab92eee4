"""A database that stops answering in the middle of a request: a clear 503 page, never a 500."""
from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from courseware.extensions import db, login_manager
from tests.conftest import sign_in

from .conftest import is_postgres


def lost_connection(*args, **kwargs):
    raise OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))


def test_a_lost_connection_is_a_503_that_says_what_to_do(app, client, learner, monkeypatch):
    """The signed-in user cannot even be loaded: the page needs nothing from the database, says what
    happened, what to do, and gives the reference the operator finds in the log."""
    client = sign_in(app, learner)
    monkeypatch.setattr(login_manager, "_user_callback", lost_connection)
    response = client.get("/modules/")
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "Temporarily unavailable" in page and "may not have been saved" in page
    assert response.headers["X-Request-ID"] in page
    assert response.headers["Retry-After"] == "30"
    monkeypatch.undo()
    assert client.get("/modules/").status_code == 200, "the next request is served as usual"


def test_a_connection_cut_by_the_server_in_flight(make_app, database_url, learner, monkeypatch):
    """PostgreSQL: the app's own connection is terminated (pg_terminate_backend) while a request uses it.
    That request gets a 503; the next one is served on a fresh connection (pool_pre_ping)."""
    if not is_postgres(database_url):
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgresql://...)")
    app = make_app()
    client = sign_in(app, learner)
    original = login_manager._user_callback

    def load_after_cut(user_id):
        pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar()
        with db.engine.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            other.commit()
        return original(user_id)

    monkeypatch.setattr(login_manager, "_user_callback", load_after_cut)
    assert client.get("/modules/").status_code == 503
    monkeypatch.setattr(login_manager, "_user_callback", original)
    assert client.get("/modules/").status_code == 200
