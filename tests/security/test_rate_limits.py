"""The documented rate limits hold exactly under the production command (gunicorn, 4 workers), with the
default storage (the site's database) and with Redis: every worker counts in one shared store."""
from __future__ import annotations

import threading
import time

import pytest

from courseware.core.rate_limits import DatabaseStorage
from tests.factories import make_user
from tests.scale.conftest import gunicorn, server_env

from .live import Client

REDIS_URL = "redis://127.0.0.1:6379/14"   # a database number of its own, emptied before and after


def redis_or_skip():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis answers on 127.0.0.1:6379")
    return client


@pytest.fixture(params=[None, REDIS_URL], ids=["default storage", "redis"])
def storage_uri(request):
    """None: RATELIMIT_STORAGE_URI unset, as in the README's production command without Redis."""
    if request.param:
        client = redis_or_skip()
        client.flushdb()
        yield request.param
        client.flushdb()
    else:
        yield request.param


@pytest.fixture
def four_workers(app, database_url, tmp_path, storage_uri):
    env = server_env(database_url, tmp_path / "instance", BASE_URL="http://127.0.0.1")
    if storage_uri:
        env["RATELIMIT_STORAGE_URI"] = storage_uri
    else:
        env.pop("RATELIMIT_STORAGE_URI")
    with gunicorn(env, workers=4, log=tmp_path / "gunicorn.log") as address:
        yield address


def test_the_eleventh_wrong_password_is_refused_under_four_workers(app, four_workers):
    """Ten wrong passwords for one account, spread over four worker processes: is the eleventh refused?"""
    with app.app_context():
        user = make_user(email="target@city.example")
    answers = [Client(four_workers).sign_in(user.email, "not the password") for _ in range(11)]
    assert answers == [422] * 10 + [429]


def test_the_verify_page_allows_exactly_its_limit_under_four_workers(four_workers):
    """VERIFY_RATE_LIMIT is 60 a minute per address: are 60 answered and the 61st refused?"""
    browser = Client(four_workers)
    answers = [browser.get(f"/verify/UNKNOWN{i}")[0] for i in range(61)]
    assert answers[:60] == [404] * 60, answers
    assert answers[60] == 429


# The database storage itself ------------------------------------------------------------------------

@pytest.fixture
def storage(app):
    with app.app_context():
        store = DatabaseStorage("database://")
        store.reset()
        yield store
        store.reset()


def test_counts_in_windows(storage):
    assert storage.get("k") == 0
    assert [storage.incr("k", 60) for _ in range(3)] == [1, 2, 3]
    assert storage.get("k") == 3
    assert time.time() + 55 < storage.get_expiry("k") <= time.time() + 60
    assert storage.incr("k", 60, amount=-1) == 2
    storage.clear("k")
    assert storage.get("k") == 0
    assert storage.check()


def test_a_window_that_ended_starts_again(storage):
    storage.incr("short", 1, amount=5)
    time.sleep(1.1)
    assert storage.get("short") == 0
    assert storage.incr("short", 1) == 1


def test_keys_are_not_stored_as_written(app, storage):
    """The table holds neither email addresses nor client addresses, only their digests."""
    from sqlalchemy import select

    from courseware.core.rate_limits import RateLimitCounter
    from courseware.extensions import db

    storage.incr("sign-in/learner@city.example/203.0.113.7", 900)
    keys = db.session.scalars(select(RateLimitCounter.key)).all()
    assert len(keys) == 1 and "@" not in keys[0] and "203.0.113" not in keys[0]


def test_concurrent_hits_are_never_lost(make_app, database_url):
    """Eight threads, each with its own connection, add 25 hits at once: is the count 200?"""
    app = make_app(RATELIMIT_STORAGE_URI="database://")
    store = DatabaseStorage("database://")
    start = threading.Barrier(8)
    errors = []

    def hit():
        try:
            with app.app_context():
                start.wait(timeout=30)
                for _ in range(25):
                    store.incr("together", 60)
        except Exception as e:  # reported below
            errors.append(repr(e))

    threads = [threading.Thread(target=hit) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    with app.app_context():
        assert store.get("together") == 200


def test_database_storage_is_the_default(monkeypatch, tmp_path):
    from courseware import config

    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    assert config.from_environment(str(tmp_path))["RATELIMIT_STORAGE_URI"] == "database://"
