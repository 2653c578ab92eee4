"""Logs a machine can read: one line per event, as text or as JSON, each naming the request it belongs to.

Every request gets an id: the one a trusted reverse proxy sent in `X-Request-ID` (only when PROXY_COUNT
says there is one, and only when it looks like an id), otherwise a new random one. It is returned in
the `X-Request-ID` response header and added to every log line written while the request runs, so a
person reporting a problem can quote it and the operator finds every line of that request.
"""
from __future__ import annotations

import json
import logging
import re
import secrets
import time
from datetime import datetime, timezone

from flask import Flask, current_app, g, has_request_context, request

HEADER = "X-Request-ID"
# Letters, digits and a few separators, at most 128 characters: what proxies and tracing systems send.
_SANE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@/+=-]{0,127}")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"
# What a request's closing line carries besides the message (see `log_request`).
EXTRA_FIELDS = ("method", "route", "endpoint", "status", "duration_ms")

access_log = logging.getLogger("courseware.requests")


def request_id() -> str:
    """The current request's id ("-" outside a request), decided on first use."""
    if not has_request_context():
        return "-"
    if "request_id" not in g:
        incoming = request.headers.get(HEADER, "")
        trusted = current_app.config.get("PROXY_COUNT", 0) > 0
        g.request_id = incoming if trusted and _SANE_ID.fullmatch(incoming) else secrets.token_hex(16)
    return g.request_id


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request_id, and any traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        for name in EXTRA_FIELDS:
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(log_format: str) -> logging.Handler:
    """One handler on the root logger, writing to standard error in the chosen format. Calling it
    again (another app in the same process) changes the format instead of adding a handler."""
    root = logging.getLogger()
    handler = next((h for h in root.handlers if getattr(h, "courseware", False)), None)
    if handler is None:
        handler = logging.StreamHandler()
        handler.courseware = True
        handler.addFilter(RequestIdFilter())
        root.addHandler(handler)
    handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT))
    if root.level == logging.NOTSET or root.level > logging.INFO:
        root.setLevel(logging.INFO)
    return handler


def init_app(app: Flask) -> None:
    configure_logging(app.config["LOG_FORMAT"])

    def start_clock():
        g.request_started = time.perf_counter()
        request_id()

    # First of all hooks, so even a request refused by an earlier hook is timed and has its id.
    app.before_request_funcs.setdefault(None, []).insert(0, start_clock)

    @app.after_request
    def send_request_id(response):
        response.headers[HEADER] = request_id()
        log_request(response.status_code)
        return response


def elapsed() -> float:
    """Seconds since the request started (0 when it was never timed)."""
    started = g.get("request_started")
    return time.perf_counter() - started if started is not None else 0.0


def log_request(status: int) -> None:
    """The request's closing line. It names the route pattern, never the path, which can hold tokens
    (password-reset and unsubscribe links); no query string, no client address."""
    rule = request.url_rule.rule if request.url_rule is not None else "(no route)"
    duration_ms = round(elapsed() * 1000, 1)
    access_log.info("%s %s %s %.1f ms", request.method, rule, status, duration_ms,
                    extra={"method": request.method, "route": rule, "endpoint": request.endpoint or "",
                           "status": status, "duration_ms": duration_ms})
