"""Real servers for the scale tests: gunicorn processes on a free local port, and a tiny HTTP client
with its own cookie jar (one per simulated person), so requests cross process boundaries as in production."""
from __future__ import annotations

import contextlib
import http.client
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest

from tests.conftest import FIXTURE_CONTENT

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"
CSRF_RE = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(database_url: str, instance: Path, **extra: str) -> dict[str, str]:
    """What every worker must share: the database, the secret key, the instance folder, cheap hashing
    matching the suite's (no rehash on sign-in), and cookies usable over plain http."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "RATELIMIT_"))}
    env.update({
        "DATABASE_URL": database_url,
        "SECRET_KEY": "scale-test-secret-key",
        "INSTANCE_PATH": str(instance),
        "CONTENT_DIR": str(FIXTURE_CONTENT),
        "SESSION_COOKIE_SECURE": "0",
        "ARGON2_TIME_COST": "1",
        "ARGON2_MEMORY_COST": "1024",
        "ARGON2_PARALLELISM": "1",
        "RATELIMIT_STORAGE_URI": "memory://",
        "BASE_URL": "http://127.0.0.1",   # required in production mode; the suite's value, not the caller's
    })
    env.update(extra)
    return env


@contextlib.contextmanager
def gunicorn(env: dict[str, str], workers: int = 4, log: Path | None = None):
    """Serve the app with `workers` gunicorn workers; yields the base address; stops the server after."""
    port = free_port()
    out = open(log, "wb") if log else subprocess.DEVNULL
    process = subprocess.Popen([str(GUNICORN), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
                                "--timeout", "60", "app:app"], cwd=ROOT, env=env, stdout=out, stderr=out)
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                pytest.fail(f"gunicorn exited with {process.returncode}"
                            + (f": {log.read_text(errors='replace')[-3000:]}" if log else ""))
            with contextlib.suppress(OSError):
                status, _, _ = Browser("127.0.0.1", port).get("/healthz")
                if status == 200:
                    break
            if time.monotonic() > deadline:
                pytest.fail("gunicorn did not answer /healthz within 30 s")
            time.sleep(0.2)
        yield ("127.0.0.1", port)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if log:
            out.close()


class Browser:
    """One person's HTTP client: keeps cookies, does not follow redirects, reads CSRF tokens from forms."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.cookies: dict[str, str] = {}
        self.csrf_token = ""

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, dict[str, str], str]:
        # A new connection per request: gunicorn's sync workers close the connection after each answer.
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", errors="replace")
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key.strip()] = rest.split(";", 1)[0]
            found = CSRF_RE.search(text)
            if found:
                self.csrf_token = found.group(1)
            return response.status, dict(response.getheaders()), text
        finally:
            conn.close()

    def get(self, path: str):
        return self.request("GET", path)

    def post(self, path: str, form: dict):
        return self.request("POST", path, dict(form, csrf_token=self.csrf_token))

    def sign_in(self, email: str, password: str) -> int:
        self.get("/login")
        status, _, _ = self.post("/login", {"email": email, "password": password})
        return status
