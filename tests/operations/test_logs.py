"""Every request has an id, returned in X-Request-ID and written on every log line of that request."""
from __future__ import annotations

import io
import json
import logging

import pytest

from courseware.operations.logs import configure_logging


@pytest.fixture
def log_lines():
    """What the app's log handler writes, as a list of lines (the handler's stream swapped for a buffer)."""
    buffers = []

    def capture(app) -> io.StringIO:
        handler = configure_logging(app.config["LOG_FORMAT"])
        buffer = io.StringIO()
        buffers.append((handler, handler.setStream(buffer)))
        return buffer

    yield capture
    for handler, stream in buffers:
        handler.setStream(stream)


def test_json_lines_carry_the_request_id(make_app, log_lines):
    """With LOG_FORMAT=json, is every line a JSON object, and do the lines written while one request runs
    (the app's own and the closing request line) carry the id the response names?"""
    app = make_app(LOG_FORMAT="json")
    buffer = log_lines(app)
    client = app.test_client()
    response = client.post("/register", data={"name": "Jo Json", "email": "jo@city.example", "organisation": "City",
                                              "password": "a long enough password", "confirm": "a long enough password"})
    assert response.status_code == 302
    request_id = response.headers["X-Request-ID"]
    assert len(request_id) == 32
    lines = [json.loads(line) for line in buffer.getvalue().splitlines()]
    mine = [entry for entry in lines if entry["request_id"] == request_id]
    messages = " | ".join(entry["message"] for entry in mine)
    assert any(entry["logger"] == "courseware.accounts.service" and "created" in entry["message"] for entry in mine), messages
    closing = [entry for entry in mine if entry["logger"] == "courseware.requests"]
    assert len(closing) == 1
    assert closing[0]["status"] == 302 and closing[0]["route"] == "/register" and closing[0]["method"] == "POST"
    assert {"time", "level"} <= set(closing[0])
    # Another request, another id.
    assert client.get("/healthz").headers["X-Request-ID"] != request_id


def test_text_lines_carry_the_request_id(make_app, log_lines):
    app = make_app(LOG_FORMAT="text")
    buffer = log_lines(app)
    response = app.test_client().get("/healthz")
    request_id = response.headers["X-Request-ID"]
    assert f"[{request_id}]: GET /healthz 200" in buffer.getvalue()


def test_a_log_line_outside_a_request_says_so(make_app, log_lines):
    app = make_app(LOG_FORMAT="json")
    buffer = log_lines(app)
    logging.getLogger("courseware.test").warning("from a command")
    assert json.loads(buffer.getvalue().splitlines()[-1])["request_id"] == "-"


@pytest.mark.parametrize("proxies, sent, kept", [
    (1, "req-7f3a9c.upstream", True),
    (1, "a" * 129, False),                    # too long
    (1, "bad id; injected=1", False),         # only letters, digits and a few separators
    (1, "", False),
    (0, "req-7f3a9c.upstream", False),        # no trusted proxy: anyone could choose their id
])
def test_an_incoming_id_is_used_only_from_a_trusted_proxy(make_app, proxies, sent, kept):
    client = make_app(PROXY_COUNT=proxies).test_client()
    answered = client.get("/healthz", headers={"X-Request-ID": sent} if sent else {}).headers["X-Request-ID"]
    assert (answered == sent) is kept
    assert answered


def test_a_request_refused_before_any_view_still_has_an_id(client):
    """A NUL byte is refused by the first hook (400); the answer still carries an id."""
    response = client.get("/modules/?q=%00")
    assert response.status_code == 400
    assert response.headers.get("X-Request-ID")


def test_the_closing_line_never_holds_a_token_from_the_path(make_app, log_lines):
    """Reset links carry their token in the path: the log names the route pattern instead."""
    app = make_app(LOG_FORMAT="text")
    buffer = log_lines(app)
    app.test_client().get("/reset-password/secret-token-value-123")
    assert "secret-token-value-123" not in buffer.getvalue()


def test_an_unknown_log_format_stops_the_start(make_app):
    with pytest.raises(RuntimeError, match="LOG_FORMAT must be text or json"):
        from courseware import config
        config.check_required({"BASE_URL": "http://x", "LOG_FORMAT": "xml"})
