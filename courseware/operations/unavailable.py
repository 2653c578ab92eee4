"""When the database stops answering in the middle of a request: a clear 503, never a 500.

A connection the server cut (a restart, a failover, `pg_terminate_backend`) fails the statement that
was using it. The pool pings every connection before lending it out (`pool_pre_ping`), so the next
request gets a fresh one; the request that was in flight is told plainly to try again. The page is
rendered without the database (no signed-in user is loaded for it).
"""
from __future__ import annotations

import logging

from flask import Flask, current_app, g
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, PendingRollbackError

from ..core.templating import site_title
from ..extensions import db
from . import logs

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


def database_unavailable(error):
    log.warning("the database did not answer (request %s): %s", logs.request_id(), str(error).split("\n")[0])
    g.mail_queued = False           # nothing queued by this request was committed
    try:
        db.session.rollback()
    except Exception:  # the connection is gone; the pool replaces it
        log.debug("rollback after a lost connection failed", exc_info=True)
    # Rendered straight from the template, without the context processors: flask-login's would load the
    # signed-in user from the database that is not answering.
    body = current_app.jinja_env.get_template("errors/unavailable.html").render(
        request_id=logs.request_id(), site_title=site_title(current_app))
    return body, 503, {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}


def release_session(exc) -> None:
    """End the request's session even when its connection was cut after the answer was made: the
    rollback that ends it fails then, and must not turn a finished request into a 500. (Runs before
    Flask-SQLAlchemy's own clean-up, which then finds nothing left to do.)"""
    try:
        db.session.remove()
    except DBAPIError as error:
        log.warning("the database connection was lost at the end of a request (%s); it is discarded",
                    str(error).split("\n")[0])
        try:
            db.session.invalidate()
        except Exception:  # already gone
            pass
        db.session.registry.clear()


def init_app(app: Flask) -> None:
    app.register_error_handler(OperationalError, database_unavailable)
    app.register_error_handler(InterfaceError, database_unavailable)
    # What the session raises when a connection was cut earlier in the same request and the error was
    # caught on the way (the rate limiter retrying with its in-memory counters): the same outage.
    app.register_error_handler(PendingRollbackError, database_unavailable)
    app.teardown_appcontext(release_session)
