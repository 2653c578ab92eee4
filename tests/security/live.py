"""Raw HTTP against a real server, with headers of our choosing (a forged Host, forwarded headers)."""
from __future__ import annotations

import http.client
import re
import time
import urllib.parse

from sqlalchemy import select

from courseware.core.outbox import OutboxMessage
from courseware.extensions import db

CSRF_RE = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


class Client:
    """One person's connection to the server: a cookie jar, a CSRF token, and any extra headers."""

    def __init__(self, address: tuple[str, int], **headers: str):
        self.address = address
        self.headers = {name.replace("_", "-"): value for name, value in headers.items()}
        self.cookies: dict[str, str] = {}
        self.csrf_token = ""

    def request(self, method: str, path: str, form: dict | None = None, **headers: str):
        conn = http.client.HTTPConnection(*self.address, timeout=60)
        sent = dict(self.headers, **{name.replace("_", "-"): value for name, value in headers.items()})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["Content-Length"] = str(len(body))
        try:
            # skip_host: the Host header is ours to choose (a forged one, in these tests).
            conn.putrequest(method, path, skip_host="Host" in sent, skip_accept_encoding=True)
            for name, value in sent.items():
                conn.putheader(name, value)
            conn.endheaders(body)
            response = conn.getresponse()
            text = response.read().decode("utf-8", errors="replace")
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key.strip()] = rest.split(";", 1)[0]
            found = CSRF_RE.search(text)
            if found:
                self.csrf_token = found.group(1)
            return response.status, {k.lower(): v for k, v in response.getheaders()}, text
        finally:
            conn.close()

    def get(self, path: str, **headers: str):
        return self.request("GET", path, **headers)

    def post(self, path: str, form: dict, **headers: str):
        return self.request("POST", path, dict(form, csrf_token=self.csrf_token), **headers)

    def sign_in(self, email: str, password: str) -> int:
        self.get("/login")
        status, _, _ = self.post("/login", {"email": email, "password": password})
        return status


def wait_for_mail(app, to_email: str, subject: str, timeout: float = 10.0) -> list[OutboxMessage]:
    """The outbox rows for `to_email` with `subject`, waiting a little: some mail is queued after the
    answer has gone out."""
    deadline = time.monotonic() + timeout
    while True:
        with app.app_context():
            rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_email == to_email,
                                                                  OutboxMessage.subject == subject)).all()
            db.session.expunge_all()
        if rows or time.monotonic() > deadline:
            return rows
        time.sleep(0.1)
