"""When the database stops answering in the middle of a request: a clear 503, never a 500.

A connection the server cut (a restart, a failover, `pg_terminate_backend`) fails the statement that
was using it. The pool pings every connection before lending it out (`pool_pre_ping`), so the next
request gets a fresh one; the request that was in flight is told plainly to try again. The page is
rendered without the database (no signed-in user is loaded for it).
"""
from __future__ import annotations

import logging

from flask import Flask, g, render_template
from sqlalchemy.exc import InterfaceError, OperationalError

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
    body = render_template("errors/unavailable.html", request_id=logs.request_id())
    return body, 503, {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}


def init_app(app: Flask) -> None:
    app.register_error_handler(OperationalError, database_unavailable)
    app.register_error_handler(InterfaceError, database_unavailable)
