"""Every route of the URL map, visited as anonymous, learner, other learner, tutor and admin.

The table below states the expected answer for each endpoint; it is checked against the URL
map, so a new route without a rule fails this test until someone decides who may use it.
Columns: anonymous, learner (the owner of the objects in the URL), other learner, tutor, admin.
"""
from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from courseware.certificates.models import Certificate
from courseware.extensions import db
from courseware.forums.models import Post, PostReport
from tests.certificates.helpers import (ANSWER, FIXTURE, complete_units, grade, latest_submission_id,
                                        submit_assignment, write_posts)
from tests.conftest import login

ROLES = ("anonymous", "learner", "other", "tutor", "admin")
LOGIN = "login"          # redirected to /login?next=...
REDIRECT = "redirect"    # redirected, but not to sign in

PUBLIC = (200, 200, 200, 200, 200)
SIGNED_IN = (LOGIN, 200, 200, 200, 200)
LEARNERS = (LOGIN, 200, 200, 403, 403)
OWNER = (LOGIN, 200, 404, 404, 404)               # staff have no certificate of their own
OWNER_OR_STAFF = (LOGIN, 200, 404, 200, 200)
STAFF = (LOGIN, 403, 403, 200, 200)
ADMIN = (LOGIN, 403, 403, 403, 200)
GUESTS = (200, REDIRECT, REDIRECT, REDIRECT, REDIRECT)  # signing in or up: the signed-in are sent on

GET_RULES = {
    "core.healthz": PUBLIC, "static": PUBLIC, "courses.asset": PUBLIC,
    "courses.home": PUBLIC, "courses.module_list": PUBLIC, "courses.module_outline": PUBLIC,
    "courses.glossary": PUBLIC, "courses.further_reading": PUBLIC,
    "pages.privacy": PUBLIC, "pages.accessibility": PUBLIC,
    "certificates.verify": PUBLIC, "certificates.issuer": PUBLIC, "certificates.status_list": PUBLIC,
    "accounts.login": GUESTS, "accounts.register": GUESTS,
    "accounts.request_reset": PUBLIC,
    "accounts.reset_password": (400, 400, 400, 400, 400),          # with a forged token
    "forums.unsubscribe": (404, 404, 404, 404, 404),        # with a forged token
    "accounts.account": SIGNED_IN, "privacy.delete_account": SIGNED_IN, "privacy.export_data": SIGNED_IN,
    "courses.unit_page": SIGNED_IN,
    "forums.thread_list": SIGNED_IN, "forums.thread": SIGNED_IN,
    "forums.show_post": (LOGIN, REDIRECT, REDIRECT, REDIRECT, REDIRECT),  # to the post on its thread page
    "forums.notification_settings": SIGNED_IN,
    "forums.report_post": (LOGIN, 403, 200, 403, 403),  # not one's own post; tutors hide instead of reporting
    "forums.edit_post": (LOGIN, 200, 403, 403, 403),
    "forums.delete_post": (LOGIN, 200, 403, 403, 403),
    "forums.hide_post": STAFF, "forums.moderation_queue": STAFF,
    "assignments.assignment_page": LEARNERS,
    "assignments.download_attachment": OWNER_OR_STAFF,
    "certificates.certificate_page": LEARNERS,
    "certificates.download": OWNER, "certificates.credential": OWNER,
    "dashboards.my_progress": LEARNERS,
    "dashboards.overview": STAFF, "dashboards.learner_list": STAFF, "dashboards.learner_detail": STAFF,
    "dashboards.export_progress": STAFF,
    "assignments.queue": STAFF, "assignments.grade": STAFF, "assignments.export_gradebook": STAFF,
    "admin.home": ADMIN, "admin.users": ADMIN, "admin.moderation_log": ADMIN, "admin.outbox": ADMIN,
    "admin.certificate_list": ADMIN, "admin.certificate_detail": ADMIN, "admin.certificate_register": ADMIN,
    "privacy.retention_report": ADMIN,
    # Decided by the client's address, not the role: the test client is on this machine (127.0.0.1).
    # From anywhere else it is 404 without the bearer token (tests/operations/test_metrics.py).
    "operations.metrics": PUBLIC,
}

# For POST only the refusals are checked: who is sent to sign in and who is refused. The
# allowed roles' answers depend on the data sent and are covered by each feature's tests.
ANY_SIGNED_IN = (LOGIN, None, None, None, None)
POST_RULES = {
    "accounts.login": (None,) * 5, "accounts.register": (None,) * 5, "accounts.request_reset": (None,) * 5,
    "accounts.reset_password": (400,) * 5, "forums.unsubscribe": (404,) * 5,
    "accounts.logout": ANY_SIGNED_IN, "accounts.account": ANY_SIGNED_IN,
    "accounts.sign_out_everywhere": ANY_SIGNED_IN, "privacy.delete_account": ANY_SIGNED_IN,
    "forums.thread_list": ANY_SIGNED_IN, "forums.thread": ANY_SIGNED_IN,
    "forums.follow_module": ANY_SIGNED_IN, "forums.follow_thread": ANY_SIGNED_IN,
    "forums.notification_settings": ANY_SIGNED_IN,
    "forums.report_post": (LOGIN, 403, None, 403, 403),
    "forums.edit_post": (LOGIN, None, 403, 403, 403), "forums.delete_post": (LOGIN, None, 403, 403, 403),
    "forums.hide_post": (LOGIN, 403, 403, None, None),
    "forums.restore_post": (LOGIN, 403, 403, None, None),
    "forums.moderate_thread": (LOGIN, 403, 403, None, None),
    "forums.resolve_report": (LOGIN, 403, 403, None, None),
    "courses.complete_unit": (LOGIN, None, None, 403, 403),
    "assignments.assignment_page": (LOGIN, None, None, 403, 403),
    "certificates.certificate_page": (LOGIN, None, None, 403, 403),
    "assignments.grade": (LOGIN, 403, 403, None, None), "assignments.save_settings": (LOGIN, 403, 403, None, None),
    "assignments.claim_submission": (LOGIN, 403, 403, None, None),
    "admin.users": (LOGIN, 403, 403, 403, None),
    "admin.revoke_certificate": (LOGIN, 403, 403, 403, None),
    "admin.reissue_certificate": (LOGIN, 403, 403, 403, None),
}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64


@pytest.fixture
def world(app, client, learner, other_learner, tutor, admin):
    """Objects owned by `learner` (a thread, a post, a submission with a file, a certificate)."""
    login(client, learner)
    for module in FIXTURE:
        complete_units(client, module)
        write_posts(client, module, FIXTURE[module][1])
    response = client.post("/modules/basics/assignment/", content_type="multipart/form-data",
                           data={"body": ANSWER, "attachment": (io.BytesIO(PNG), "plan.png")})
    assert response.status_code in (302, 303)
    submit_assignment(client, "practice")
    for module in FIXTURE:
        grade(app, tutor, latest_submission_id(app, learner.id, module))
    assert client.post("/certificate/").status_code in (302, 303)
    with app.app_context():
        post = db.session.scalar(select(Post).where(Post.author_id == learner.id).order_by(Post.id))
        db.session.add(PostReport(post_id=post.id, reporter_id=other_learner.id, reason="test"))
        db.session.commit()
        certificate = db.session.scalar(select(Certificate).where(Certificate.user_id == learner.id))
        args = {"module_slug": "basics", "unit_slug": "first-steps", "thread_id": post.thread_id, "post_id": post.id,
                "submission_id": latest_submission_id(app, learner.id, "basics"),
                "certificate_id": certificate.id, "user_id": learner.id, "code": certificate.code,
                "token": "forged-token", "report_id": db.session.scalar(select(PostReport.id)), "list_id": 1,
                "filename": "01-basics/images/demand.svg", "action": "pin"}
    return {"args": args, "static": {"filename": "site.css"},
            "users": {"learner": learner, "other": other_learner, "tutor": tutor, "admin": admin}}


def _url(rule, world) -> str:
    args = world["static"] if rule.endpoint == "static" else world["args"]
    values = {name: args[name] for name in rule.arguments}
    return rule.build(values, append_unknown=False)[1]


def _client(app, world, role):
    client = app.test_client()
    if role != "anonymous":
        login(client, world["users"][role])
    return client


def _check(response, expected, where):
    if expected is None:
        assert response.status_code not in (403, 500), where
        assert not (response.status_code == 302 and "/login" in response.headers.get("Location", "")), where
    elif expected == LOGIN:
        assert response.status_code == 302 and "/login?next=" in response.headers["Location"], where
    elif expected == REDIRECT:
        assert response.status_code == 302 and "/login" not in response.headers["Location"], where
    else:
        assert response.status_code == expected, f"{where}: got {response.status_code}"


def test_every_route_has_a_rule(app):
    missing = []
    for rule in app.url_map.iter_rules():
        methods = rule.methods - {"HEAD", "OPTIONS"}
        if "GET" in methods and rule.endpoint not in GET_RULES:
            missing.append(f"GET {rule.rule} ({rule.endpoint})")
        if "POST" in methods and rule.endpoint not in POST_RULES:
            missing.append(f"POST {rule.rule} ({rule.endpoint})")
    assert not missing, "routes without an access rule: " + ", ".join(missing)


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(app, world, role):
    column = ROLES.index(role)
    client = _client(app, world, role)
    failures = []
    # Deleting a post last, so the other checks still find it.
    rules = sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint == "forums.delete_post", r.rule))
    for method in ("GET", "POST"):
        for rule in rules:
            if method not in rule.methods:
                continue
            table = GET_RULES if method == "GET" else POST_RULES
            if rule.endpoint not in table or rule.endpoint in ("accounts.logout", "accounts.sign_out_everywhere",
                                                               "privacy.delete_account") and method == "POST":
                continue
            url = _url(rule, world)
            response = client.open(url, method=method, data={} if method == "POST" else None)
            try:
                _check(response, table[rule.endpoint][column], f"{method} {url} as {role}")
            except AssertionError as e:
                failures.append(str(e).split("\n")[0])
            if role != "anonymous" and client.get("/account/").status_code != 200:
                client = _client(app, world, role)  # an action signed us out; sign in again
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("endpoint", ["accounts.logout", "accounts.sign_out_everywhere", "privacy.delete_account"])
def test_session_ending_posts_need_sign_in(app, endpoint):
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    response = app.test_client().post(rule.rule)
    assert response.status_code == 302 and "/login?next=" in response.headers["Location"]
