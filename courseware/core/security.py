"""Security headers on every response, refusal of input no person can type, and of unknown hosts."""
from __future__ import annotations

from html import escape

from flask import Flask, abort, request
from werkzeug.exceptions import SecurityError
from werkzeug.wsgi import get_host

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


class TrustedHostGuard:
    """WSGI middleware: a request whose Host header names a host outside TRUSTED_HOSTS gets a plain 400.

    Links never come from the Host header (they are built from BASE_URL), but a forged host must not
    reach the app at all: no page, no cached public answer and no log line is produced for it. The
    answer is made here, before Flask, so it needs neither the database nor the URL map.
    """

    def __init__(self, wsgi_app, trusted_hosts: list[str], base_url: str):
        self.wsgi_app = wsgi_app
        self.trusted_hosts = list(trusted_hosts)
        self.body = (
            '<!doctype html>\n<html lang="en-GB">\n<head><meta charset="utf-8"><title>Bad request</title></head>\n'
            "<body>\n<main>\n<h1>Bad request</h1>\n"
            "<p>This site does not answer to the address your request named. "
            f'The course is at <a href="{escape(base_url)}">{escape(base_url)}</a>.</p>\n'
            "</main>\n</body>\n</html>\n").encode("utf-8")

    def __call__(self, environ, start_response):
        try:
            get_host(environ, self.trusted_hosts)
        except SecurityError:
            start_response("400 Bad Request", [
                ("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(self.body))),
                ("Cache-Control", "no-store"), ("Content-Security-Policy", CSP),
                ("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "DENY")])
            return [self.body]
        return self.wsgi_app(environ, start_response)


def init_app(app: Flask) -> None:
    # Outermost, so it runs before ProxyFix and the app (see create_app).
    app.wsgi_app = TrustedHostGuard(app.wsgi_app, app.config["TRUSTED_HOSTS"], app.config["BASE_URL"])

    @app.before_request
    def refuse_nul_bytes():
        # No text a person types contains NUL; PostgreSQL cannot store it and SQLite would keep
        # it silently. Refuse it once, here, instead of in every form and query parameter.
        for values in (request.args, request.form):
            for key, value in values.items(multi=True):
                if "\x00" in key or "\x00" in value:
                    abort(400)

    @app.after_request
    def set_security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if response.status_code >= 400:
            # An error answer is about one request; no shared cache may keep it.
            headers.setdefault("Cache-Control", "no-store")
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
