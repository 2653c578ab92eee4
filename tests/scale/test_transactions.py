"""Transactions behave the same on SQLite and PostgreSQL: a savepoint never commits on its own."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from courseware.accounts.models import User
from courseware.extensions import db


def _count() -> int:
    return db.session.scalar(select(func.count(User.id)))


def test_rolling_back_a_request_undoes_work_done_in_a_savepoint(app):
    """Does a rollback after a savepoint leave nothing behind? (pysqlite would otherwise commit the
    savepoint by itself when it opened the transaction.)"""
    with app.app_context():
        assert _count() == 0          # a read first, as every request does
        with db.session.begin_nested():
            db.session.add(User(email="saved@example.org", name="Saved", password_hash="x"))
        db.session.rollback()
        assert _count() == 0


def test_a_failed_savepoint_keeps_the_rest_of_the_transaction(app):
    """Does a refused insert in a savepoint (a race lost) roll back only itself?"""
    with app.app_context():
        db.session.add(User(email="first@example.org", name="First", password_hash="x"))
        db.session.flush()
        with pytest.raises(IntegrityError):
            with db.session.begin_nested():
                db.session.add(User(email="first@example.org", name="Again", password_hash="x"))
        db.session.add(User(email="second@example.org", name="Second", password_hash="x"))
        db.session.commit()
        assert sorted(db.session.scalars(select(User.email))) == ["first@example.org", "second@example.org"]
