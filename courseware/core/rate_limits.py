"""Rate-limit counters in the site's own database, so every worker and every app server counts together.

Flask-Limiter (through the `limits` library) keeps its counters in a storage named by
RATELIMIT_STORAGE_URI. `memory://` is per process: under gunicorn with 4 workers each worker would
allow the full limit. `redis://...` is shared but needs a Redis server. `database://` (the default) is
this storage: one row per counter in the table `rate_limit_counter`, changed by one atomic statement
(INSERT ... ON CONFLICT DO UPDATE ... RETURNING, on SQLite and PostgreSQL alike), so two workers
counting at the same moment never lose a hit.

Counters use their own short transactions on a connection of their own, committed at once: a
refused sign-in must count even though the request itself changes nothing. Keys are stored as their
SHA-256, so the table holds no email address or client address; expired rows are deleted as new ones
are written.

When the configured storage cannot be reached (Redis stopped), the site keeps serving: Flask-Limiter's
own limits fall back to per-process memory (RATELIMIT_IN_MEMORY_FALLBACK_ENABLED), and the counters
that guard sign-in and password reset (`shared_counters()`) fall back to this database storage, which
every worker shares, so those limits hold exactly as before. Both say so in the log.
"""
from __future__ import annotations

import hashlib
import logging
import threading
import time

from flask import Flask, current_app
from limits.storage import Storage
from sqlalchemy import Float, String, case, delete, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

PURGE_EVERY_SECONDS = 300
WARN_EVERY_SECONDS = 60
EXTENSION = "courseware.shared_counters"

log = logging.getLogger(__name__)


class RateLimitCounter(db.Model):
    __tablename__ = "rate_limit_counter"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)      # SHA-256 of the limiter's key
    count: Mapped[int] = mapped_column(default=0)
    # Seconds since the epoch (time.time()), as the `limits` library counts; the counter restarts after it.
    expires: Mapped[float] = mapped_column(Float, index=True)


def _hashed(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class DatabaseStorage(Storage):
    """A `limits` storage (fixed windows) in the site's database: RATELIMIT_STORAGE_URI=database://"""

    STORAGE_SCHEME = ["database"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._purged_at = 0.0
        self._purge_lock = threading.Lock()

    @property
    def base_exceptions(self):
        return SQLAlchemyError

    @staticmethod
    def _engine():
        # The app's engine (and pool), looked up per call: every test app and every CLI run has its own.
        return db.engine

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add `amount` to the counter, starting a new window of `expiry` seconds when the last one ended;
        returns the new count."""
        now = time.time()
        table = RateLimitCounter.__table__
        engine = self._engine()
        dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
        restart = table.c.expires <= now
        statement = (dialect.insert(table).values(key=_hashed(key), count=amount, expires=now + expiry)
                     .on_conflict_do_update(index_elements=[table.c.key], set_={
                         "count": case((restart, amount), else_=table.c.count + amount),
                         "expires": case((restart, now + expiry), else_=table.c.expires)})
                     .returning(table.c.count))
        with engine.begin() as conn:
            count = conn.execute(statement).scalar_one()
        self._purge_now_and_then(now)
        return count

    def get(self, key: str) -> int:
        with self._engine().connect() as conn:
            count = conn.scalar(select(RateLimitCounter.count).where(
                RateLimitCounter.key == _hashed(key), RateLimitCounter.expires > time.time()))
        return max(count or 0, 0)

    def get_expiry(self, key: str) -> float:
        with self._engine().connect() as conn:
            expires = conn.scalar(select(RateLimitCounter.expires).where(RateLimitCounter.key == _hashed(key)))
        return expires if expires is not None and expires > time.time() else time.time()

    def check(self) -> bool:
        try:
            with self._engine().connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except SQLAlchemyError:
            return False

    def reset(self) -> int | None:
        with self._engine().begin() as conn:
            return conn.execute(delete(RateLimitCounter)).rowcount

    def clear(self, key: str) -> None:
        with self._engine().begin() as conn:
            conn.execute(delete(RateLimitCounter).where(RateLimitCounter.key == _hashed(key)))

    def _purge_now_and_then(self, now: float) -> None:
        """Delete counters whose window has ended (a few minutes apart per process)."""
        if now - self._purged_at < PURGE_EVERY_SECONDS or not self._purge_lock.acquire(blocking=False):
            return
        try:
            self._purged_at = now
            with self._engine().begin() as conn:
                conn.execute(delete(RateLimitCounter).where(RateLimitCounter.expires < now))
        finally:
            self._purge_lock.release()


class FallbackCounters:
    """The configured counters, or the database's while those cannot be reached.

    Offers the part of a `limits` storage that the sign-in throttle and the reset requests use (incr, get,
    get_expiry, clear). A failure of the configured storage is logged at most once a minute per process;
    the next call tries it again, so counting returns to it as soon as it answers.
    """

    def __init__(self, primary: Storage, fallback: Storage):
        self.primary, self.fallback = primary, fallback
        self._warned_at = 0.0

    def _call(self, name: str, *args, **kwargs):
        try:
            return getattr(self.primary, name)(*args, **kwargs)
        except self.primary.base_exceptions as error:
            now = time.time()
            if now - self._warned_at >= WARN_EVERY_SECONDS:
                self._warned_at = now
                log.warning("rate-limit storage unreachable (%s): sign-in and reset limits fall back to the "
                            "database's counters", error.__class__.__name__)
            return getattr(self.fallback, name)(*args, **kwargs)

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        return self._call("incr", key, expiry, amount=amount)

    def get(self, key: str) -> int:
        return self._call("get", key)

    def get_expiry(self, key: str) -> float:
        return self._call("get_expiry", key)

    def clear(self, key: str) -> None:
        return self._call("clear", key)


def shared_counters() -> Storage | FallbackCounters:
    """The counters every worker shares, for limits that must hold exactly (sign-in, reset requests)."""
    counters = current_app.extensions.get(EXTENSION)
    if counters is None:
        from ..extensions import limiter

        primary = limiter.storage
        counters = primary if isinstance(primary, DatabaseStorage) else FallbackCounters(
            primary, DatabaseStorage("database://"))
        current_app.extensions[EXTENSION] = counters
    return counters


def init_app(app: Flask) -> None:
    @app.after_request
    def end_transaction_before_counting(response):
        # Flask-Limiter counts conditional limits (deduct_when) after this hook, on a connection of its
        # own. Views have committed by now; whatever is left is discarded, as teardown would, so that on
        # SQLite the request's connection holds no write lock the counter would wait for.
        if db.session().in_transaction():
            try:
                db.session.rollback()
            except SQLAlchemyError as e:
                # The database connection was cut after the view had committed: there was nothing left
                # to undo, and the answer stands. Drop the dead connection; the next request gets a new one.
                db.session.close()
                log.warning("the request's database connection was lost after its work was committed: %s",
                            type(e.__cause__ or e).__name__)
        return response
