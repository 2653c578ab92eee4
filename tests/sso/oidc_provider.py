"""A real OpenID provider on loopback for the SSO tests: `oidc-provider` (npm, certified) run with Node.js
from provider/ (installed by `make test`: npm ci there). Started and stopped by the tests.

Accounts at the provider (any password): `ada` and `grace` with verified addresses, `unverified` whose
address is not verified. `/wrong-key/.well-known/openid-configuration` is the same provider with a JWKS
that holds another key under the same key id.
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import threading
from html import unescape
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests

HERE = Path(__file__).parent / "provider"
NODE = shutil.which("node")
CLIENT_ID, CLIENT_SECRET = "courseware", "test-client-secret"
FORM_ACTION = re.compile(r'<form[^>]*action="([^"]+)"')


def available() -> str | None:
    """Why the provider cannot run here, or None."""
    if NODE is None:
        return "Node.js is not installed"
    if not (HERE / "node_modules" / "oidc-provider").exists():
        return "oidc-provider is not installed (make test runs npm ci in tests/sso/provider)"
    return None


@contextlib.contextmanager
def running_provider(redirect_uris: list[str]):
    """Start the provider on a free loopback port for a client with these redirect URIs; yields its issuer."""
    reason = available()
    if reason:
        pytest.skip(reason)
    clients = [{"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uris": redirect_uris}]
    process = subprocess.Popen([NODE, "provider.mjs"], cwd=HERE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               env={**os.environ, "PORT": "0", "CLIENTS": json.dumps(clients), "NODE_ENV": "test"},
                               text=True)
    try:
        line = _first_line(process, timeout=30)
        match = re.fullmatch(r"listening (\d+)", line.strip())
        if not match:
            raise RuntimeError(f"the test OpenID provider did not start: {line!r}")
        yield f"http://127.0.0.1:{match.group(1)}"
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _first_line(process, timeout: float) -> str:
    result = []
    reader = threading.Thread(target=lambda: result.append(process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    return result[0] if result else ""


def provider_config(issuer: str, name: str = "test", *, discovery: str = "/.well-known/openid-configuration",
                    **overrides) -> dict:
    """One entry of OIDC_PROVIDERS for the test provider."""
    return {"name": name, "label": "Test Org", "discovery_url": issuer + discovery, "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET, "domains": [], "organisation": "City of Testing",
            **overrides}


def sign_in_at_provider(authorization_url: str, login: str, *, stop_at: str) -> str:
    """Do what a person does at the provider (its login form) and return the address it sends the browser
    back to (starting with `stop_at`, this site's callback), with the code and state."""
    with requests.Session() as session:
        return _follow(session, authorization_url, login, stop_at)


def _follow(session, url: str, login: str, stop_at: str) -> str:
    for _ in range(10):
        response = session.get(url, allow_redirects=False, timeout=10)
        if response.is_redirect:
            url = urljoin(url, response.headers["Location"])
            if url.startswith(stop_at):
                return url
            continue
        form = FORM_ACTION.search(response.text)
        assert response.status_code == 200 and form, f"unexpected provider page {response.status_code}: {response.text[:500]}"
        response = session.post(urljoin(url, unescape(form.group(1))), allow_redirects=False, timeout=10,
                                data={"prompt": "login", "login": login, "password": "any password"})
        assert response.is_redirect, f"the provider refused the login: {response.status_code} {response.text[:500]}"
        url = urljoin(url, response.headers["Location"])
        if url.startswith(stop_at):
            return url
    raise AssertionError("the provider never sent the browser back")


@contextlib.contextmanager
def closed_port():
    """A loopback port nobody listens on (held, so nobody can start listening) for a provider that is down."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        yield s.getsockname()[1]


def path_and_query(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"
