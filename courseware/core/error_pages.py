"""Friendly error pages for the answers SPEC section 4 names."""
from __future__ import annotations

import logging
import time

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from ..extensions import db, limiter

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("Bad request", "The request could not be understood. If you were sending a form, "
                         "go back, reload the page and try again."),
    403: ("Not allowed", "Your account does not have access to this page."),
    404: ("Page not found", "There is no page at this address. Check the address, or start again from the course home."),
    405: ("Method not allowed", "This page cannot be used that way."),
    413: ("File too large", "The file you sent is larger than the limit. Choose a smaller file and try again."),
    429: ("Too many attempts", "You have tried this too often."),
    500: ("Something went wrong", "An unexpected error happened on our side. It has been logged; please try again later."),
}


def _retry_minutes() -> int | None:
    current = limiter.current_limit
    if current is None:
        return None
    return max(1, round((current.reset_at - time.time()) / 60))


def render_error(code: int, detail: str | None = None):
    title, message = MESSAGES.get(code, (f"Error {code}", ""))
    retry_minutes = _retry_minutes() if code == 429 else None
    return render_template("errors/error.html", code=code, title=title, message=message,
                           detail=detail, retry_minutes=retry_minutes), code


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(e):
        return render_error(400, "The form had expired or was sent from elsewhere. Reload the page and try again.")

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        if e.code is None or e.code < 400:
            return e
        # Rate-limit answers carry their own explanation (which limit was hit).
        detail = e.description if e.code == 429 else None
        response_body, code = render_error(e.code, detail)
        response = app.make_response((response_body, code))
        if e.code == 405 and hasattr(e, "valid_methods") and e.valid_methods:
            response.headers["Allow"] = ", ".join(e.valid_methods)
        return response

    @app.errorhandler(InternalServerError)
    def server_error(e):
        db.session.rollback()
        return render_error(500)
