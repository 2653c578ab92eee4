"""Real servers for the fault tests: gunicorn (tests/scale/conftest.py) on a site of its own, and a client
that can also send files (multipart/form-data) the way a browser does."""
from __future__ import annotations

import http.client
import os
import secrets
import signal
import time
from pathlib import Path

from tests.scale.conftest import CSRF_RE, Browser, free_port, gunicorn, server_env  # noqa: F401  (re-exported)


def site_env(database_url: str, instance: Path, **extra: str) -> dict[str, str]:
    """server_env, plus what a production start needs (BASE_URL) and the site's own metrics folder."""
    return server_env(database_url, instance, BASE_URL="http://127.0.0.1", LOG_FORMAT="json",
                      PROMETHEUS_MULTIPROC_DIR=str(instance / "metrics"), **extra)


class Client(Browser):
    """A Browser that can upload files and survives a server that drops the connection."""

    def multipart(self, path: str, fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]):
        boundary = "----courseware" + secrets.token_hex(8)
        parts = []
        for name, value in {**fields, "csrf_token": self.csrf_token}.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        for name, (filename, data, mime) in files.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                         f"Content-Type: {mime}\r\n\r\n".encode() + data + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            conn.request("POST", path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", errors="replace")
            found = CSRF_RE.search(text)
            if found:
                self.csrf_token = found.group(1)
            return response.status, dict(response.getheaders()), text
        finally:
            conn.close()


def worker_pids(master_pid: int) -> list[int]:
    """The gunicorn master's worker processes (Linux: the kernel lists a task's children)."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    return [int(pid) for pid in children]


def gunicorn_master(port: int) -> int:
    """The pid of the gunicorn master listening on `port` (found through /proc, this user's processes only)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if any(arg.endswith(b"gunicorn") for arg in cmdline[:2]) and f"127.0.0.1:{port}".encode() in cmdline:
            stat = (entry / "stat").read_text().split()
            if int(stat[3]) == os.getpid():      # started by this test process
                return int(entry.name)
    raise LookupError(f"no gunicorn master of ours on port {port}")


def kill_one_worker(master_pid: int, rng) -> int:
    pid = rng.choice(worker_pids(master_pid))
    os.kill(pid, signal.SIGKILL)
    return pid


def wait_until_answering(host: str, port: int, limit: float) -> float:
    """Seconds until /healthz answers 200 (fails the test after `limit`)."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        try:
            if Browser(host, port).get("/healthz")[0] == 200:
                return time.monotonic() - started
        except OSError:
            pass
        time.sleep(0.02)
    raise AssertionError(f"the service did not answer within {limit} s")
