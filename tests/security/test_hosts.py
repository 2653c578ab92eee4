"""Every absolute link comes from BASE_URL; a request naming another host is refused; forwarded host
headers are never trusted. Checked through real HTTP against gunicorn behind a (simulated) proxy."""
from __future__ import annotations

import json

import pytest

from courseware import config, create_app
from tests.factories import make_user
from tests.scale.conftest import gunicorn, server_env

from .live import Client, wait_for_mail

SITE = "course.example.org"
BASE_URL = f"https://{SITE}"


@pytest.fixture
def server(app, database_url, tmp_path):
    """gunicorn behind one proxy (PROXY_COUNT=1), serving https://course.example.org and, for the start-up
    check of the helper, 127.0.0.1. Mail goes to a server that does not answer, so queued messages stay in
    the outbox for the test to read."""
    env = server_env(database_url, tmp_path / "instance", BASE_URL=BASE_URL, PROXY_COUNT="1",
                     TRUSTED_HOSTS=f"{SITE},127.0.0.1", MAIL_SERVER="127.0.0.1", MAIL_PORT="9")
    with gunicorn(env, workers=2, log=tmp_path / "gunicorn.log") as address:
        yield address


def test_a_forged_host_is_refused_and_never_cached(server):
    """Is a request for another host answered 400, saying so, with nothing a cache may keep?"""
    for path in ("/", "/issuer", "/login", "/credentials/status/1"):
        status, headers, body = Client(server, Host="evil.example").get(path)
        assert status == 400, path
        assert "does not answer to the address" in body and BASE_URL in body
        assert "evil.example" not in body
        assert headers["cache-control"] == "no-store"
    status, _, _ = Client(server, Host=SITE).get("/")
    assert status == 200
    assert Client(server, Host="127.0.0.2").get("/healthz")[0] == 400     # only the names listed


def test_issuer_ignores_forwarded_host(server):
    """With a proxy trusted, does X-Forwarded-Host still leave the public, cached issuer profile alone?"""
    status, headers, body = Client(server, Host=SITE, X_Forwarded_Host="evil.example",
                                   X_Forwarded_Proto="https").get("/issuer")
    assert status == 200 and "public" in headers["cache-control"]
    profile = json.loads(body)
    assert profile["id"] == f"{BASE_URL}/issuer"
    assert "evil.example" not in body


def test_reset_link_comes_from_base_url_whatever_the_headers(app, server):
    """A reset asked for with a forwarded host of the attacker's: does the mailed link still point to the site?"""
    with app.app_context():
        user = make_user(email="victim@city.example")
    # Over https (as the proxy says), Flask-WTF also wants a same-site Referer on a POST.
    browser = Client(server, Host=SITE, X_Forwarded_Host="evil.example", X_Forwarded_Proto="https",
                     Referer=f"{BASE_URL}/reset-password")
    browser.get("/reset-password")
    status, _, body = browser.post("/reset-password", {"email": user.email})
    assert status == 302, body
    [mail] = wait_for_mail(app, user.email, "Reset your password")
    assert f"{BASE_URL}/reset-password/" in mail.body
    assert "evil.example" not in mail.body

    forged = Client(server, Host="evil.example")
    status, _, _ = forged.post("/reset-password", {"email": user.email})
    assert status == 400
    assert len(wait_for_mail(app, user.email, "Reset your password", timeout=1)) == 1


# The settings themselves, in-process --------------------------------------------------------------

@pytest.mark.parametrize("extra, expected", [
    ({}, ["course.example.org"]),
    ({"DEVELOPMENT": True}, ["course.example.org", "localhost", "127.0.0.1"]),
    ({"TRUSTED_HOSTS": ["a.example", "b.example"]}, ["a.example", "b.example"]),
])
def test_trusted_hosts_default_to_the_host_of_base_url(extra, expected):
    settings = dict({"BASE_URL": "https://course.example.org:8443/courses", "LOG_FORMAT": "text"}, **extra)
    config.complete(settings)
    assert settings["TRUSTED_HOSTS"] == expected


def test_trusted_hosts_are_read_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("TRUSTED_HOSTS", "course.example.org, www.course.example.org,")
    assert config.from_environment(str(tmp_path))["TRUSTED_HOSTS"] == ["course.example.org", "www.course.example.org"]


def test_only_trusted_hosts_get_an_answer(make_app):
    client = make_app(TRUSTED_HOSTS=["course.example.org", "www.course.example.org"]).test_client()
    assert client.get("/healthz", headers={"Host": "www.course.example.org"}).status_code == 200
    assert client.get("/healthz", headers={"Host": "course.example.org:8443"}).status_code == 200
    for host in ("evil.example", "course.example.org.evil.example", "localhost"):
        assert client.get("/healthz", headers={"Host": host}).status_code == 400, host


def test_forwarded_host_is_ignored_behind_a_proxy(make_app, learner, outbox):
    """PROXY_COUNT=1 trusts the proxy for the client address and scheme, never for the host."""
    client = make_app(PROXY_COUNT=1).test_client()
    response = client.get("/issuer", headers={"X-Forwarded-Host": "evil.example", "X-Forwarded-For": "203.0.113.9"})
    assert response.status_code == 200 and "evil.example" not in response.get_data(as_text=True)


def test_production_refuses_to_start_without_base_url(tmp_path, monkeypatch):
    monkeypatch.delenv("BASE_URL", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    monkeypatch.delenv("COURSEWARE_ENV", raising=False)
    with pytest.raises(RuntimeError, match="BASE_URL is not set"):
        create_app({"INSTANCE_PATH": str(tmp_path / "instance")})
