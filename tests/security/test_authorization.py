"""Every route of the URL map, visited as anonymous, learner, other learner, tutor and admin.

The tables below state the expected answer for each endpoint; they are checked against the URL
map, so a new route without a rule fails this test until someone decides who may use it. Every
POST sends a valid request (VALID_POSTS), so an allowed role must get the answer that request
deserves (a redirect to the right page, 409, 422...), not merely "anything but 403".
Columns: anonymous, learner (the owner of the objects in the URL), other learner, tutor, admin.
"""
from __future__ import annotations

import io
import re
import secrets
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from datetime import timedelta

from courseware.assignments.models import Submission
from courseware.accounts.models import SignInSession
from courseware.certificates.models import Certificate
from courseware.core.time import utcnow
from courseware.editions.models import Announcement, Edition, EditionMembership, LiveSession
from courseware.extensions import db
from courseware.forums.models import Post, PostReport
from tests.certificates.helpers import (ANSWER, FIXTURE, complete_units, grade, latest_submission_id,
                                        submit_assignment, write_posts)
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.sso.oidc_provider import closed_port, provider_config

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
    "courses.glossary": PUBLIC, "courses.further_reading": PUBLIC, "courses.references": PUBLIC,
    "courses.download": PUBLIC,
    "pages.privacy": PUBLIC, "pages.accessibility": PUBLIC,
    "certificates.verify": PUBLIC, "certificates.issuer": PUBLIC, "certificates.status_list": PUBLIC,
    "accounts.login": GUESTS, "accounts.register": GUESTS,
    "accounts.request_reset": PUBLIC,
    "accounts.reset_password": (400, 400, 400, 400, 400),          # with a forged token
    "accounts.confirm_email": (400, 400, 400, 400, 400),           # with a forged token
    "forums.unsubscribe": (404, 404, 404, 404, 404),        # with a forged token
    "core.unsubscribe": (404, 404, 404, 404, 404),          # with a forged token
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
    "selfchecks.item_analysis": STAFF, "selfchecks.export_item_analysis": STAFF,
    "assignments.queue": STAFF, "assignments.grade": STAFF, "assignments.export_gradebook": STAFF,
    "admin.home": ADMIN, "admin.users": ADMIN, "admin.moderation_log": ADMIN, "admin.outbox": ADMIN,
    "admin.certificate_list": ADMIN, "admin.certificate_detail": ADMIN, "admin.certificate_register": ADMIN,
    "editions.editions": ADMIN, "editions.edit_edition": ADMIN, "editions.move_learner": ADMIN,
    "editions.announcements": SIGNED_IN, "editions.sessions": SIGNED_IN, "editions.session_ics": SIGNED_IN,
    "editions.edit_session": STAFF, "editions.attendance": STAFF,
    "editions.calendar_feed": (404, 404, 404, 404, 404),    # with a forged token
    # A provider that is down (see the app fixture): it cannot be reached, and the signed-in are sent on.
    "sso.start": (502, REDIRECT, REDIRECT, REDIRECT, REDIRECT),
    "sso.callback": (502, REDIRECT, REDIRECT, REDIRECT, REDIRECT),
    # Without a sign-in at the provider first, nothing to confirm or link: "start again".
    "sso.create_account": (400, REDIRECT, REDIRECT, REDIRECT, REDIRECT),
    "sso.link_account": (400, REDIRECT, REDIRECT, REDIRECT, REDIRECT),
    "sso.requirement_list": ADMIN,
    "privacy.retention_report": ADMIN,
    # Decided by the client's address, not the role: the test client is on this machine (127.0.0.1).
    # From anywhere else it is 404 without the bearer token (tests/operations/test_metrics.py).
    "operations.metrics": PUBLIC,
}

class To:
    """A redirect answer: this status, to a path matching `path` (a regular expression; the query
    string and the fragment aside)."""

    def __init__(self, status: int, path: str):
        self.status, self.path = status, path

    def __repr__(self) -> str:
        return f"{self.status} to {self.path}"


HOME, THREAD, POST = To(302, "/"), r"/modules/basics/forum/\d+/", r"/modules/basics/forum/\d+/posts/\d+/"
ANY_SIGNED_IN_303 = {
    # A reply lands on the page that holds it, at its top, where the confirmation is in view.
    "forums.thread_list": To(303, THREAD), "forums.thread": To(303, THREAD),
    "forums.follow_module": To(303, "/modules/basics/forum/"), "forums.follow_thread": To(303, THREAD),
    "forums.notification_settings": To(303, "/forum/notifications/"),
}
MODERATE = To(303, POST)

# For POST, every role sends a valid request (VALID_POSTS) and must get exactly this answer: the
# refusals (sign in first, 403) and, for the roles allowed, what the view answers that request with.
POST_RULES = {
    # Signs the visitor in; the signed-in are sent where their work is: learners home, staff to the queue.
    "accounts.login": (HOME,) * 3 + (To(302, "/tutor/"),) * 2,
    "accounts.register": (HOME,) * 3 + (To(302, "/tutor/"),) * 2,
    "accounts.request_reset": (To(302, "/login"),) * 5,
    "accounts.reset_password": (400,) * 5, "core.unsubscribe": (404,) * 5,    # forged tokens
    "core.choose_language": (To(303, "/glossary/"),) * 5,      # everyone may choose the language
    "accounts.account": (LOGIN,) + (To(302, "/account/"),) * 4,
    **{endpoint: (LOGIN,) + (answer,) * 4 for endpoint, answer in ANY_SIGNED_IN_303.items()},
    "forums.report_post": (LOGIN, 403, To(303, POST), 403, 403),
    "forums.edit_post": (LOGIN, To(303, POST), 403, 403, 403),
    "forums.delete_post": (LOGIN, To(303, POST), 403, 403, 403),
    "forums.hide_post": (LOGIN, 403, 403, MODERATE, MODERATE),
    "forums.restore_post": (LOGIN, 403, 403, MODERATE, MODERATE),
    "forums.moderate_thread": (LOGIN, 403, 403, To(303, THREAD), To(303, THREAD)),
    "forums.resolve_report": (LOGIN, 403, 403, To(303, "/forum/moderation/"), To(303, "/forum/moderation/")),
    "courses.complete_unit": (LOGIN, To(302, "/modules/basics/second-unit/"), To(302, "/modules/basics/second-unit/"),
                              403, 403),
    # The owner has passed this module already: nothing more to send (409); the other learner submits.
    "assignments.assignment_page": (LOGIN, 409, To(302, "/modules/basics/assignment/"), 403, 403),
    # Learners only; neither has a version waiting for a tutor, so each is told so on their assignment page.
    "assignments.withdraw_submission": (LOGIN, To(303, "/modules/basics/assignment/"),
                                        To(303, "/modules/basics/assignment/"), 403, 403),
    # The owner's certificate was issued (sent back to it); the other learner has not earned one (422).
    "certificates.certificate_page": (LOGIN, To(302, "/certificate/"), 422, 403, 403),
    # A valid self-check: its answer page (a POST answered with the page, not a redirect).
    "selfchecks.check_unit": (LOGIN, 200, 200, 403, 403),
    "assignments.grade": (LOGIN, 403, 403, To(302, "/tutor/"), To(302, "/tutor/")),
    "assignments.save_settings": (LOGIN, 403, 403, To(302, "/tutor/"), To(302, "/tutor/")),
    "assignments.claim_submission": (LOGIN, 403, 403, To(303, r"/tutor/submissions/\d+/"),
                                     To(303, r"/tutor/submissions/\d+/")),
    "admin.users": (LOGIN, 403, 403, 403, To(302, "/admin/users/")),
    "admin.revoke_certificate": (LOGIN, 403, 403, 403, To(302, r"/admin/certificates/\d+/")),
    "admin.reissue_certificate": (LOGIN, 403, 403, 403, To(302, r"/admin/certificates/\d+/")),
    "accounts.set_time_zone": (LOGIN,) + (To(302, "/account/"),) * 4,
    "editions.editions": (LOGIN, 403, 403, 403, To(302, r"/admin/editions/\d+/")),
    "editions.edit_edition": (LOGIN, 403, 403, 403, To(302, r"/admin/editions/\d+/")),
    "editions.adopt_learners": (LOGIN, 403, 403, 403, To(303, r"/admin/editions/\d+/")),
    "editions.move_learner": (LOGIN, 403, 403, 403, To(303, r"/admin/learners/\d+/edition")),
    "editions.announcements": (LOGIN, 403, 403, To(303, "/announcements/"), To(303, "/announcements/")),
    "editions.mark_read": (LOGIN,) + (To(303, "/announcements/"),) * 4,
    "editions.dismiss": (LOGIN,) + (To(303, "/"),) * 4,
    "editions.mark_all_read": (LOGIN,) + (To(303, "/announcements/"),) * 4,
    "editions.mail_settings": (LOGIN,) + (To(303, "/announcements/"),) * 4,
    "editions.sessions": (LOGIN, 403, 403, To(303, "/sessions/"), To(303, "/sessions/")),
    "editions.edit_session": (LOGIN, 403, 403, To(303, "/sessions/"), To(303, "/sessions/")),
    "editions.cancel_session": (LOGIN, 403, 403, To(303, "/sessions/"), To(303, "/sessions/")),
    "editions.attendance": (LOGIN, 403, 403, To(303, r"/sessions/\d+/attendance"),
                            To(303, r"/sessions/\d+/attendance")),
    "editions.create_calendar_link": (LOGIN, 200, 200, 200, 200),
    "editions.revoke_calendar_link": (LOGIN,) + (To(303, "/account/"),) * 4,
    "accounts.confirm_email": (400,) * 5,      # a forged token
    "accounts.resend_confirmation": (LOGIN,) + (To(302, "/account/"),) * 4,
    "accounts.end_session": (LOGIN, To(302, "/account/"), 404, 404, 404),   # the learner's own session only
    # Ending the session: checked one role at a time by test_session_ending_posts.
    "accounts.logout": (LOGIN,) + (HOME,) * 4,
    "accounts.sign_out_everywhere": (LOGIN,) + (To(302, "/login"),) * 4,
    "privacy.delete_account": (LOGIN,) + (HOME,) * 4,
    # Nothing pending from a sign-in at the provider: "start again"; the signed-in are sent home.
    "sso.create_account": (400,) + (HOME,) * 4,
    "sso.link_account": (400,) + (HOME,) * 4,
    "sso.require_sso": (LOGIN, 403, 403, 403, To(302, "/admin/sso/")),
    "sso.allow_passwords": (LOGIN, 403, 403, 403, To(302, "/admin/sso/")),
}
SESSION_ENDING = ("accounts.logout", "accounts.sign_out_everywhere", "privacy.delete_account")
NEW_PASSWORD = "another long password"


def _newest(model, *where):
    with db.session.no_autoflush:
        return db.session.scalar(select(model).where(*where).order_by(model.id.desc()).limit(1))


def _lock(world) -> str:
    return str(_newest(Submission, Submission.id == world["args"]["submission_id"]).lock_version)


# What a person allowed to use each form would send: a valid request. Each takes the world and the
# role's user, and reads the current state where the form would show it (the grading page's counter).
VALID_POSTS = {
    "accounts.login": lambda world, user: {"email": world["users"]["learner"].email, "password": DEFAULT_PASSWORD},
    "accounts.register": lambda world, user: {"name": "Nina New", "email": "nina@city.example",
                                              "organisation": "City of Ghent", "password": NEW_PASSWORD,
                                              "confirm": NEW_PASSWORD},
    "accounts.request_reset": lambda world, user: {"email": world["users"]["learner"].email},
    "accounts.reset_password": lambda world, user: {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    "core.unsubscribe": lambda world, user: {},
    "core.choose_language": lambda world, user: {"language": "de", "next": "/glossary/"},
    "accounts.account": lambda world, user: {"current_password": DEFAULT_PASSWORD, "password": NEW_PASSWORD,
                                             "confirm": NEW_PASSWORD},
    "forums.thread_list": lambda world, user: {"title": "A new question", "body": "Who pays for the grid link?"},
    "forums.thread": lambda world, user: {"body": "A reply, with **Markdown**."},
    "forums.follow_module": lambda world, user: {"mode": "instant"},
    "forums.follow_thread": lambda world, user: {"mode": "daily"},
    "forums.notification_settings": lambda world, user: {"scope": "own-threads", "mode": "off"},
    "forums.report_post": lambda world, user: {"reason": "This reads like an advertisement."},
    "forums.edit_post": lambda world, user: {"body": "Edited within the half hour."},
    "forums.delete_post": lambda world, user: {},
    "forums.hide_post": lambda world, user: {"reason": "Off topic."},
    "forums.restore_post": lambda world, user: {},
    "forums.moderate_thread": lambda world, user: {},
    "forums.resolve_report": lambda world, user: {},
    "courses.complete_unit": lambda world, user: {},
    "assignments.assignment_page": lambda world, user: {"body": ANSWER},
    "certificates.certificate_page": lambda world, user: {},
    "selfchecks.check_unit": lambda world, user: {"q1": "a", "q2": ["a", "c"], "q3": "b", "q4": "22", "q5": "V2G"},
    "assignments.grade": lambda world, user: {"decision": "pass", "feedback": "Still a pass, on a second reading.",
                                              "lock": _lock(world)},
    "assignments.save_settings": lambda world, user: {"new_submissions": "instant"},
    "assignments.claim_submission": lambda world, user: {},
    "assignments.withdraw_submission": lambda world, user: {},
    "admin.users": lambda world, user: {"user_id": world["users"]["learner"].id, "action": "reset"},
    "admin.revoke_certificate": lambda world, user: {"reason": "The assignment was not the learner's own work."},
    "admin.reissue_certificate": lambda world, user: {"name": "Lena L. Learner", "organisation": "City of Utrecht",
                                                      "note": "The middle initial was missing."},
    "accounts.set_time_zone": lambda world, user: {"time_zone": "Europe/Lisbon"},
    "editions.editions": lambda world, user: {"name": "Spring 2028", "starts_on": "2028-03-01"},
    "editions.edit_edition": lambda world, user: {"name": "Spring 2027", "certification_deadline": "2027-06-30"},
    "editions.adopt_learners": lambda world, user: {},
    "editions.move_learner": lambda world, user: {"edition": str(world["other_edition_id"])},
    "editions.announcements": lambda world, user: {"title": "Webinar moved", "body": "Now on **Tuesday**.",
                                                   "edition": "all"},
    "editions.mark_read": lambda world, user: {},
    "editions.dismiss": lambda world, user: {},
    "editions.mark_all_read": lambda world, user: {},
    "editions.mail_settings": lambda world, user: {"announcements": "y"},
    "editions.sessions": lambda world, user: {"title": "Question hour", "starts_at": "2027-03-04T14:00+01:00",
                                              "ends_at": "2027-03-04T15:00+01:00",
                                              "join_url": "https://meet.example.org/q", "edition": "all"},
    "editions.edit_session": lambda world, user: {"title": "Kick-off, moved", "starts_at": "2027-03-05T14:00+01:00",
                                                  "ends_at": "2027-03-05T15:00+01:00",
                                                  "join_url": "https://meet.example.org/kick-off", "edition": "all"},
    "editions.cancel_session": lambda world, user: {},
    "editions.attendance": lambda world, user: {"shown": [str(world["users"]["learner"].id)],
                                                "attended": [str(world["users"]["learner"].id)]},
    "editions.create_calendar_link": lambda world, user: {},
    "editions.revoke_calendar_link": lambda world, user: {},
    "accounts.confirm_email": lambda world, user: {},
    "accounts.resend_confirmation": lambda world, user: {},
    "accounts.end_session": lambda world, user: {},
    "accounts.logout": lambda world, user: {},
    "sso.create_account": lambda world, user: {},
    "sso.link_account": lambda world, user: {"password": DEFAULT_PASSWORD},
    "sso.require_sso": lambda world, user: {},
    "sso.allow_passwords": lambda world, user: {},
    "accounts.sign_out_everywhere": lambda world, user: {},
    "privacy.delete_account": lambda world, user: {"password": DEFAULT_PASSWORD},
}
# URL values read from the current state: a correction issues a new certificate version, and only the
# newest version can be revoked.
CURRENT_ARGS = {
    "admin.revoke_certificate": lambda world: {"certificate_id": _newest(
        Certificate, Certificate.user_id == world["users"]["learner"].id).id},
    # A sign-in of the learner's on another device, still open (changing the password ends the others).
    "accounts.end_session": lambda world: {"sign_in_id": _other_device(world["users"]["learner"])},
}


def _other_device(user) -> int:
    record = SignInSession(user_id=user.id, token_hash=secrets.token_hex(32), device="Firefox on Linux")
    db.session.add(record)
    db.session.commit()
    return record.id


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64


@pytest.fixture
def app(make_app):
    """The app with one OpenID provider configured, whose port is closed (the provider is down)."""
    with closed_port() as port:
        yield make_app(OIDC_PROVIDERS=[provider_config(f"http://127.0.0.1:{port}", "down", domains=["down.example"])])


@pytest.fixture
def world(app, learner, other_learner, tutor, admin, signed_in):
    """Objects owned by `learner` (a thread, a post, a submission with a file, a certificate)."""
    client = signed_in(learner)
    for module in FIXTURE:
        complete_units(client, module)
        write_posts(client, module, FIXTURE[module][1])
    response = client.post("/modules/basics/assignment/", content_type="multipart/form-data",
                           data={"body": ANSWER, "attachment": (io.BytesIO(PNG), "plan.png")})
    assert response.status_code == 302
    submit_assignment(client, "practice")
    tutor_client = signed_in(tutor)
    for module in FIXTURE:
        grade(tutor_client, latest_submission_id(app, learner.id, module))
    assert client.post("/certificate/").status_code == 302
    with app.app_context():
        post = db.session.scalar(select(Post).where(Post.author_id == learner.id).order_by(Post.id))
        db.session.add(PostReport(post_id=post.id, reporter_id=other_learner.id, reason="test"))
        db.session.commit()
        certificate = db.session.scalar(select(Certificate).where(Certificate.user_id == learner.id))
        edition, other_edition, announcement, session = _edition_world(learner, other_learner, tutor)
        args = {"module_slug": "basics", "unit_slug": "first-steps", "thread_id": post.thread_id, "post_id": post.id,
                "submission_id": latest_submission_id(app, learner.id, "basics"),
                "certificate_id": certificate.id, "user_id": learner.id, "code": certificate.code,
                "token": "forged-token", "report_id": db.session.scalar(select(PostReport.id)), "list_id": 1,
                "filename": "01-basics/images/demand.svg", "action": "pin", "slug": "fixture-modes",
                "edition_id": edition, "announcement_id": announcement, "session_id": session,
                "sign_in_id": 0,   # CURRENT_ARGS makes one
                "provider": "down"}
    return {"args": args, "static": {"filename": "site.css"}, "other_edition_id": other_edition,
            "users": {"learner": learner, "other": other_learner, "tutor": tutor, "admin": admin}}


def _edition_world(learner, other_learner, tutor) -> tuple[int, int, int, int]:
    """An edition holding both learners, a second one to move them to, an announcement to the first and a
    live session for everyone (ids)."""
    edition, later = Edition(name="Spring 2027"), Edition(name="Autumn 2027")
    db.session.add_all([edition, later])
    db.session.flush()
    for user in (learner, other_learner):
        db.session.add(EditionMembership(user_id=user.id, edition_id=edition.id))
    start = utcnow() - timedelta(hours=1)
    announcement = Announcement(edition_id=edition.id, title="Welcome", body="Hello", body_html="<p>Hello</p>",
                                author_id=tutor.id)
    session = LiveSession(title="Kick-off", starts_at=start, ends_at=start + timedelta(hours=2),
                          join_url="https://meet.example.org/kick-off", created_by_id=tutor.id)
    db.session.add_all([announcement, session])
    db.session.commit()
    return edition.id, later.id, announcement.id, session.id


def _url(app, rule, world) -> str:
    args = world["static"] if rule.endpoint == "static" else world["args"]
    if rule.endpoint in CURRENT_ARGS:
        with app.app_context():
            args = {**args, **CURRENT_ARGS[rule.endpoint](world)}
    values = {name: args[name] for name in rule.arguments}
    return rule.build(values, append_unknown=False)[1]


def _post_data(app, endpoint, world, role) -> dict:
    with app.app_context():
        return VALID_POSTS[endpoint](world, world["users"].get(role))


def _client(app, world, role, signed_in):
    return app.test_client() if role == "anonymous" else signed_in(world["users"][role])


def _check(response, expected, where):
    location = response.headers.get("Location", "")
    if expected == LOGIN:
        assert response.status_code == 302 and "/login?next=" in location, \
            f"{where}: got {response.status_code} {location}"
    elif expected == REDIRECT:
        assert response.status_code == 302 and "/login" not in location, f"{where}: got {response.status_code}"
    elif isinstance(expected, To):
        assert (response.status_code, bool(re.fullmatch(expected.path, urlsplit(location).path))) == (
            expected.status, True), f"{where}: expected {expected!r}, got {response.status_code} {location}"
    else:
        assert response.status_code == expected, f"{where}: got {response.status_code}"


def test_every_route_has_a_rule(app):
    """Does every GET and POST of the URL map have a rule, and every POST rule a valid request to send?"""
    missing = []
    for rule in app.url_map.iter_rules():
        methods = rule.methods - {"HEAD", "OPTIONS"}
        if "GET" in methods and rule.endpoint not in GET_RULES:
            missing.append(f"GET {rule.rule} ({rule.endpoint})")
        if "POST" in methods and (rule.endpoint not in POST_RULES or rule.endpoint not in VALID_POSTS):
            missing.append(f"POST {rule.rule} ({rule.endpoint})")
    assert not missing, "routes without an access rule: " + ", ".join(missing)


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(app, world, role, signed_in):
    """Does every page answer each role as the tables say, and every form, sent a valid request,
    answer exactly as the tables say (the refusals, and what the allowed roles are answered)?"""
    column = ROLES.index(role)
    client = _client(app, world, role, signed_in)
    failures = []
    # Deleting a post last, so the other checks still find it.
    rules = sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint == "forums.delete_post", r.rule))
    for method in ("GET", "POST"):
        for rule in rules:
            if method not in rule.methods or method == "POST" and rule.endpoint in SESSION_ENDING:
                continue
            table = GET_RULES if method == "GET" else POST_RULES
            url = _url(app, rule, world)
            if role == "anonymous":
                client = app.test_client()    # signing in or up must not carry over to the next request
            data = _post_data(app, rule.endpoint, world, role) if method == "POST" else None
            response = client.open(url, method=method, data=data)
            try:
                _check(response, table[rule.endpoint][column], f"{method} {url} as {role}")
            except AssertionError as e:
                failures.append(str(e).split("\n")[0])
            if role != "anonymous" and client.get("/account/").status_code != 200:
                failures.append(f"{method} {url} as {role} signed the user out")
                client = _client(app, world, role, signed_in)
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", SESSION_ENDING)
def test_session_ending_posts(app, signed_in, endpoint, role):
    """Signing out, signing out everywhere and deleting the account: is an anonymous visitor sent to sign
    in, and is each signed-in role answered as the table says and signed out afterwards?"""
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    if role == "anonymous":
        client = app.test_client()
    else:
        with app.app_context():
            user = make_user(role="learner" if role == "other" else role)
            if role == "admin":
                make_user(role="admin")   # the last admin may not delete the account (test_last_admin.py)
        client = signed_in(user)
    response = client.post(rule.rule, data=VALID_POSTS[endpoint]({}, None))
    _check(response, POST_RULES[endpoint][ROLES.index(role)], f"POST {rule.rule} as {role}")
    assert client.get("/account/").status_code == 302                  # signed out (or never signed in)
