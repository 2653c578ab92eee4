"""`/metrics` in the Prometheus text format (prometheus-client).

Request counts and latencies are counted in each process and added up over every gunicorn worker by
the client's multiprocess mode: each worker writes its counters to files in METRICS_DIR, and the
worker that answers a scrape reads them all. gunicorn.conf.py empties the folder when the server
starts. The state of the work (mail outbox, waiting submissions, certificates) is read from the
database at each scrape, so every worker reports the same numbers.
"""
from __future__ import annotations

import hmac
import ipaddress
import logging
import os
from datetime import datetime

from flask import Flask, current_app, request
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from ..assignments.models import Submission, SubmissionStatus
from ..certificates.models import Certificate
from ..core.outbox import OutboxMessage, OutboxStatus
from ..core.time import utcnow
from ..extensions import db
from . import logs

log = logging.getLogger(__name__)

ENV = "PROMETHEUS_MULTIPROC_DIR"
_instruments: dict = {}


def use_folder(folder: str) -> None:
    """Point the client library at the metrics folder. The library decides its mode from the environment
    when it is first imported, so the variable is set first; the first app of a process decides."""
    os.makedirs(folder, mode=0o700, exist_ok=True)
    os.environ.setdefault(ENV, folder)
    from prometheus_client import values

    if not getattr(values.ValueClass, "_multiprocess", False):
        values.ValueClass = values.get_value_class()    # imported before the variable was set


def instruments() -> dict:
    """The request counter and latency histogram of this process (made once, on first use)."""
    if not _instruments:
        from prometheus_client import Counter, Histogram

        _instruments["requests"] = Counter(
            "courseware_http_requests", "HTTP requests answered, by endpoint, method and status code.",
            ["endpoint", "method", "status"], registry=None)
        _instruments["latency"] = Histogram(
            "courseware_http_request_duration_seconds", "Time to answer a request, by endpoint and method.",
            ["endpoint", "method"], registry=None,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0))
    return _instruments


def count_request(response):
    # The endpoint's name, never the path: paths hold ids and tokens, and their number has no bound.
    endpoint = request.endpoint or "(no route)"
    metric = instruments()
    metric["requests"].labels(endpoint, request.method, str(response.status_code)).inc()
    metric["latency"].labels(endpoint, request.method).observe(logs.elapsed())
    return response


class WorkCollector:
    """The state of the work, read from the database when Prometheus asks."""

    def __init__(self, now: datetime):
        self.now = now

    def describe(self):
        return []

    def collect(self):
        from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

        up = GaugeMetricFamily("courseware_database_up", "1 when the database answered this scrape, else 0.")
        try:
            rows = self._read()
        except SQLAlchemyError:
            db.session.rollback()
            log.warning("metrics: the database did not answer", exc_info=True)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        by_status, oldest_mail, waiting, oldest_wait, issued, revoked = rows

        messages = GaugeMetricFamily("courseware_mail_outbox_messages", "Messages in the mail outbox, by state.",
                                     labels=["status"])
        for status in OutboxStatus:
            messages.add_metric([status.value], by_status.get(status, 0))
        yield messages
        yield GaugeMetricFamily("courseware_mail_outbox_backlog",
                                "Messages waiting to be sent or being sent now.",
                                value=by_status.get(OutboxStatus.PENDING, 0) + by_status.get(OutboxStatus.SENDING, 0))
        yield GaugeMetricFamily("courseware_mail_outbox_failed", "Messages that failed for good (see /admin/outbox/).",
                                value=by_status.get(OutboxStatus.FAILED, 0))
        yield GaugeMetricFamily("courseware_mail_outbox_oldest_pending_seconds",
                                "Age of the oldest message waiting to be sent (0 when none waits).",
                                value=self._age(oldest_mail))
        yield GaugeMetricFamily("courseware_submissions_waiting", "Submissions waiting for a tutor's grade.",
                                value=waiting)
        yield GaugeMetricFamily("courseware_submissions_oldest_wait_seconds",
                                "How long the oldest waiting submission has waited (0 when none waits).",
                                value=self._age(oldest_wait))
        certificates = CounterMetricFamily("courseware_certificates_issued",
                                           "Certificate versions issued (corrections included).")
        certificates.add_metric([], issued)
        yield certificates
        yield GaugeMetricFamily("courseware_certificates_revoked", "Certificate versions revoked.", value=revoked)

    def _age(self, moment: datetime | None) -> float:
        return max(0.0, (self.now - moment).total_seconds()) if moment is not None else 0.0

    @staticmethod
    def _read():
        """Four queries, however much data there is."""
        by_status = dict(db.session.execute(select(OutboxMessage.status, func.count(OutboxMessage.id))
                                            .group_by(OutboxMessage.status)).all())
        oldest_mail = db.session.scalar(select(func.min(OutboxMessage.created_at))
                                        .where(OutboxMessage.status == OutboxStatus.PENDING))
        waiting, oldest_wait = db.session.execute(
            select(func.count(Submission.id), func.min(Submission.submitted_at))
            .where(Submission.status == SubmissionStatus.SUBMITTED)).one()
        issued, revoked = db.session.execute(
            select(func.count(Certificate.id), func.count(Certificate.revoked_at))).one()
        return by_status, oldest_mail, waiting, oldest_wait, issued, revoked


def exposition() -> tuple[bytes, str]:
    """The text Prometheus reads, and its content type."""
    from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
    from prometheus_client.multiprocess import MultiProcessCollector

    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=os.environ[ENV])
    registry.register(WorkCollector(utcnow()))
    return generate_latest(registry), CONTENT_TYPE_LATEST


def may_read() -> bool:
    """The bearer of METRICS_TOKEN, or a client on this machine. A request forwarded by a proxy that
    PROXY_COUNT does not declare comes from elsewhere, whatever address the proxy has."""
    token = current_app.config.get("METRICS_TOKEN") or ""
    given = request.headers.get("Authorization", "")
    if given:
        scheme, _, value = given.partition(" ")
        return bool(token) and scheme.lower() == "bearer" and hmac.compare_digest(value.strip().encode(),
                                                                                  token.encode())
    if not current_app.config.get("PROXY_COUNT") and ("X-Forwarded-For" in request.headers
                                                      or "Forwarded" in request.headers):
        return False
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


def init_app(app: Flask) -> None:
    use_folder(app.config["METRICS_DIR"])
    app.after_request(count_request)
