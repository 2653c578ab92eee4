"""/metrics: Prometheus text for this machine or the bearer of METRICS_TOKEN; a 404 for everyone else."""
from __future__ import annotations

import re

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.certificates.helpers import earn_everything, submit_assignment
from tests.conftest import sign_in
from tests.factories import make_user

ELSEWHERE = {"REMOTE_ADDR": "198.51.100.7"}


def samples(text: str) -> dict[tuple[str, tuple], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def value(text: str, name: str, **labels) -> float:
    return samples(text).get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_from_this_machine(app, client):
    """Does a client on the loopback address get the Prometheus text with request counts and latencies?"""
    before = client.get("/metrics").get_data(as_text=True)
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain; version=")
    text = response.get_data(as_text=True)
    counted = value(text, "courseware_http_requests_total", endpoint="core.healthz", method="GET", status="200")
    assert counted - value(before, "courseware_http_requests_total", endpoint="core.healthz", method="GET",
                           status="200") == 3
    assert value(text, "courseware_http_request_duration_seconds_count", endpoint="core.healthz", method="GET") >= 3
    assert value(text, "courseware_database_up") == 1
    # Paths never become labels (they hold ids and tokens, without bound): an unknown address counts as no route.
    client.get("/no/such/page/12345")
    text = client.get("/metrics").get_data(as_text=True)
    assert "12345" not in text
    assert value(text, "courseware_http_requests_total", endpoint="(no route)", method="GET", status="404") >= 1


@pytest.mark.parametrize("headers, environ, expected", [
    ({}, ELSEWHERE, 404),
    ({"X-Forwarded-For": "203.0.113.9"}, {}, 404),          # a local proxy nobody declared forwards the world
    ({"Authorization": "Bearer s3cret-metrics-token"}, ELSEWHERE, 200),
    ({"Authorization": "Bearer wrong"}, ELSEWHERE, 404),
    ({"Authorization": "Bearer wrong"}, {}, 404),           # a wrong token is refused even from here
    ({"Authorization": "Basic czNjcmV0LW1ldHJpY3MtdG9rZW4="}, ELSEWHERE, 404),
    ({}, {"REMOTE_ADDR": "::1"}, 200),
    ({}, {"REMOTE_ADDR": "::ffff:127.0.0.1"}, 200),
])
def test_who_may_read_the_metrics(make_app, headers, environ, expected):
    """Only loopback clients and the bearer of METRICS_TOKEN; everyone else sees the same 404 as for a
    page that does not exist."""
    client = make_app(METRICS_TOKEN="s3cret-metrics-token").test_client()
    response = client.get("/metrics", headers=headers, environ_base=environ)
    assert response.status_code == expected
    if expected == 404:
        assert response.get_data(as_text=True) == client.get("/no-such-page", environ_base=environ).get_data(as_text=True) \
            or "Page not found" in response.get_data(as_text=True)
        assert "courseware_" not in response.get_data(as_text=True)


def test_without_a_token_setting_no_token_opens_it(make_app):
    client = make_app(METRICS_TOKEN="").test_client()
    assert client.get("/metrics", headers={"Authorization": "Bearer "}, environ_base=ELSEWHERE).status_code == 404


def test_behind_a_declared_proxy_the_forwarded_address_decides(make_app):
    client = make_app(PROXY_COUNT=1).test_client()
    assert client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 404
    assert client.get("/metrics", headers={"X-Forwarded-For": "127.0.0.1"}).status_code == 200


def test_the_state_of_the_work(app, client, learner, tutor, outbox):
    """Waiting submissions and the oldest wait, the mail outbox backlog and failures, certificates issued."""
    client = sign_in(app, learner)
    submit_assignment(client, "basics")
    text = client.get("/metrics").get_data(as_text=True)
    assert value(text, "courseware_submissions_waiting") == 1
    assert 0 <= value(text, "courseware_submissions_oldest_wait_seconds") < 600
    assert value(text, "courseware_certificates_issued_total") == 0

    from courseware.core.outbox import OutboxMessage, OutboxStatus
    from courseware.extensions import db
    with app.app_context():
        db.session.add_all([OutboxMessage(to_email="a@example.org", subject="s", body="b"),
                            OutboxMessage(to_email="b@example.org", subject="s", body="b", status=OutboxStatus.FAILED)])
        db.session.commit()
    text = client.get("/metrics").get_data(as_text=True)
    assert value(text, "courseware_mail_outbox_backlog") >= 1
    assert value(text, "courseware_mail_outbox_failed") == 1
    assert value(text, "courseware_mail_outbox_messages", status="failed") == 1
    assert value(text, "courseware_mail_outbox_oldest_pending_seconds") >= 0

    with app.app_context():
        other_learner = make_user(email="earner@city.example", name="Erin Earner")
    other = sign_in(app, other_learner)
    earn_everything(app, other, other_learner, sign_in(app, tutor))
    assert other.post("/certificate/").status_code in (302, 303)
    text = client.get("/metrics").get_data(as_text=True)
    assert value(text, "courseware_certificates_issued_total") == 1
    assert re.search(r"^# TYPE courseware_certificates_issued(_total)? counter$", text, re.M)


@pytest.mark.slow
def test_counts_add_up_over_every_gunicorn_worker(make_site, fresh_database):
    """Under three gunicorn workers, does /metrics count every request, whichever worker answered it and
    whichever answers the scrape? And is it a 404 for a request a local proxy forwards from elsewhere?"""
    import http.client
    import threading
    from pathlib import Path

    from .servers import Browser, gunicorn, gunicorn_master, site_env, worker_pids

    app = make_site(fresh_database(), "metrics-server")
    instance = Path(app.instance_path)
    with gunicorn(site_env(str(app.config["SQLALCHEMY_DATABASE_URI"]), instance), workers=3) as address:
        first = Browser(*address).get("/metrics")[2]
        counters = instance / "metrics"
        sent = 0
        # Batches of concurrent requests, until more than one worker has answered some (each sync worker
        # takes one request at a time, so concurrent ones spread; one batch is nearly always enough).
        for _ in range(10):
            def hit(n: int = 10) -> None:
                for _ in range(n):
                    assert Browser(*address).get("/healthz")[0] == 200
            batch = [threading.Thread(target=hit) for _ in range(6)]
            for t in batch:
                t.start()
            for t in batch:
                t.join(timeout=60)
            sent += 60
            if len(list(counters.glob("counter_*.db"))) >= 3:     # the scraping worker's file and two more
                break
        status, headers, text = Browser(*address).get("/metrics")
        assert status == 200
        counted = (value(text, "courseware_http_requests_total", endpoint="core.healthz", method="GET", status="200")
                   - value(first, "courseware_http_requests_total", endpoint="core.healthz", method="GET",
                           status="200"))
        assert counted == sent
        assert len(list(counters.glob("counter_*.db"))) >= 2, "more than one worker answered (and wrote its counts)"
        assert len(worker_pids(gunicorn_master(address[1]))) == 3
        conn = http.client.HTTPConnection(*address, timeout=30)
        conn.request("GET", "/metrics", headers={"X-Forwarded-For": "203.0.113.5"})
        assert conn.getresponse().status == 404
        conn.close()
