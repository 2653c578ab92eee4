"""Nothing a worker needs lives only in another worker's memory: rate limits are counted in Redis
when RATELIMIT_STORAGE_URI names it, so two app servers share one allowance."""
from __future__ import annotations

import pytest

from tests.factories import make_user

from .conftest import Browser, gunicorn, server_env

pytestmark = pytest.mark.scale

REDIS_URL = "redis://127.0.0.1:6379/15"   # a database number of its own, emptied before and after


@pytest.fixture
def redis_db():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis answers on 127.0.0.1:6379: the shared rate-limit test needs one")
    client.flushdb()
    yield client
    client.flushdb()


def test_two_app_servers_count_failed_sign_ins_together(app, database_url, tmp_path, redis_db):
    """Five failed sign-ins on one server and five on another: is the account's limit of ten reached,
    so that the next attempt is refused on both?"""
    with app.app_context():
        user = make_user(email="shared@city.example")
    env = server_env(database_url, tmp_path / "instance", RATELIMIT_STORAGE_URI=REDIS_URL)
    with gunicorn(env, workers=1) as first, gunicorn(env, workers=1) as second:
        for address in (first, second):
            for _ in range(5):
                browser = Browser(*address)
                assert browser.sign_in(user.email, "not the password") == 422
        for address in (first, second):
            assert Browser(*address).sign_in(user.email, "not the password") == 429
    assert redis_db.dbsize() > 0, "the limiter kept its counts somewhere else than Redis"
