"""Admin pages: accounts (roles, deactivation, reset links, the audit record), moderation log, outbox."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from courseware.accounts.models import SignInSession, User
from courseware.admin.models import AccountEvent
from courseware.core.outbox import FAILED, PENDING, SENT, OutboxMessage
from courseware.core.time import utcnow
from courseware.extensions import db
from courseware.forums.models import ModerationAction
from tests.dashboards import helpers as h
from tests.factories import make_user


def user_row(app, user_id: int) -> User:
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


def events(app) -> list[tuple]:
    with app.app_context():
        return [(e.actor_id, e.subject_id, e.action, e.detail)
                for e in db.session.scalars(select(AccountEvent).order_by(AccountEvent.id))]


ADMIN_PAGES = ["/admin/", "/admin/users/", "/admin/moderation/", "/admin/outbox/"]


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_only_admins(client, learner, tutor, admin, path, signed_in):
    assert client.get(path).status_code == 302
    for user in (learner, tutor):
        assert signed_in(user).get(path).status_code == 403
    assert signed_in(admin).get(path).status_code == 200


def test_tutors_cannot_change_roles(app, tutor, learner, signed_in):
    client = signed_in(tutor)
    response = client.post("/admin/users/", data={"user_id": learner.id, "action": "role", "role": "admin"})
    assert response.status_code == 403
    assert user_row(app, learner.id).role == "learner" and events(app) == []


def test_admin_home_links_every_admin_page(admin, signed_in):
    client = signed_in(admin)
    html = client.get("/admin/").get_data(as_text=True)
    for path in ["/admin/users/", "/admin/certificates/", "/admin/moderation/", "/admin/outbox/", "/tutor/overview/",
                 "/tutor/export/progress.csv", "/tutor/export/gradebook.csv"]:
        assert f'href="{path}"' in html
    nav = client.get("/").get_data(as_text=True)
    assert '<a href="/admin/">Admin</a>' in nav and ">Certificates</a>" not in nav.split("</nav>")[0]


def test_change_role_is_recorded_and_shown(app, admin, learner, signed_in):
    client = signed_in(admin)
    response = client.post("/admin/users/", data={"user_id": learner.id, "action": "role", "role": "tutor"})
    assert response.status_code == 302
    assert user_row(app, learner.id).role == "tutor"
    assert events(app) == [(admin.id, learner.id, "role", "Learner → Tutor")]
    html = client.get("/admin/users/").get_data(as_text=True)
    changes = html[html.index('id="changes"'):]
    assert "Lena Learner" in changes and "Role changed: Learner → Tutor" in changes and "Adam Admin" in changes


def test_the_last_admin_cannot_drop_their_role(app, admin, signed_in):
    client = signed_in(admin)
    response = client.post("/admin/users/", data={"user_id": admin.id, "action": "role", "role": "learner"})
    assert response.status_code == 422
    assert "last active admin" in response.get_data(as_text=True)
    assert user_row(app, admin.id).role == "admin" and events(app) == []


def test_an_admin_may_step_down_when_another_remains(app, admin, signed_in):
    with app.app_context():
        make_user(role="admin", name="Second Admin")
    client = signed_in(admin)
    response = client.post("/admin/users/", data={"user_id": admin.id, "action": "role", "role": "tutor"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/")
    assert user_row(app, admin.id).role == "tutor"
    assert client.get("/admin/users/").status_code == 403


def test_a_deactivated_admin_does_not_count(app, admin, signed_in):
    """Is a deactivated admin left out of the count, so the last active admin still cannot step down?"""
    with app.app_context():
        other = make_user(role="admin", name="Dormant Admin")
        db.session.get(User, other.id).active = False
        db.session.commit()
    client = signed_in(admin)
    response = client.post("/admin/users/", data={"user_id": admin.id, "action": "role", "role": "learner"})
    assert response.status_code == 422 and user_row(app, admin.id).role == "admin"


def test_deactivate_signs_out_everywhere_and_reactivate(app, admin, learner, signed_in):
    learner_client = signed_in(learner)
    assert learner_client.get("/account/").status_code == 200
    client = signed_in(admin)
    assert client.post("/admin/users/", data={"user_id": learner.id, "action": "deactivate"}).status_code == 302
    row = user_row(app, learner.id)
    assert not row.active
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SignInSession)
                                 .where(SignInSession.user_id == learner.id)) == 0
    assert learner_client.get("/account/").status_code == 302          # signed out
    refused = app.test_client().post("/login", data={"email": learner.email, "password": "correct horse battery"})
    assert refused.status_code == 422                                     # cannot sign in
    assert "The email address or password is not right." in refused.get_data(as_text=True)
    assert client.post("/admin/users/", data={"user_id": learner.id, "action": "reactivate"}).status_code == 302
    assert user_row(app, learner.id).active
    assert [e[2] for e in events(app)] == ["deactivate", "reactivate"]
    assert "Signed in as" in signed_in(learner).get("/").get_data(as_text=True)   # can sign in again


def test_an_admin_cannot_deactivate_themselves(app, admin, signed_in):
    client = signed_in(admin)
    response = client.post("/admin/users/", data={"user_id": admin.id, "action": "deactivate"})
    assert response.status_code == 422 and user_row(app, admin.id).active


def test_resend_reset_link(app, admin, learner, signed_in, outbox):
    client = signed_in(admin)
    assert client.post("/admin/users/", data={"user_id": learner.id, "action": "reset"}).status_code == 302
    with app.app_context():
        mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_email == learner.email)).one()
        assert mail.sensitive and mail.body == ""  # sent: the live link is not kept
    [sent] = outbox
    link = re.search(r"http://localhost(/reset-password/\S+)", sent.get_content()).group(1)
    fresh = app.test_client()
    response = fresh.post(link, data={"password": "a brand new passphrase", "confirm": "a brand new passphrase"})
    assert response.status_code == 302
    assert events(app)[-1][2] == "reset-link"


def test_no_reset_link_for_a_deactivated_account(app, admin, learner, signed_in):
    client = signed_in(admin)
    client.post("/admin/users/", data={"user_id": learner.id, "action": "deactivate"})
    response = client.post("/admin/users/", data={"user_id": learner.id, "action": "reset"})
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalars(select(OutboxMessage)).all() == []


@pytest.mark.parametrize("data", [{"user_id": "x", "action": "role", "role": "tutor"},
                                  {"action": "deactivate"},
                                  {"user_id": "1", "action": "explode"},
                                  {"user_id": "1", "action": "role", "role": "superuser"}])
def test_bad_input_is_refused(app, admin, learner, signed_in, data):
    client = signed_in(admin)
    response = client.post("/admin/users/", data=data)
    assert response.status_code == 422
    assert user_row(app, learner.id).role == "learner" and events(app) == []


def test_unknown_account_is_404(admin, signed_in):
    client = signed_in(admin)
    assert client.post("/admin/users/", data={"user_id": 99999, "action": "deactivate"}).status_code == 404


def test_user_search_is_literal(app, admin, signed_in):
    with app.app_context():
        make_user(name="Fifty Percent", organisation="50% Town")
        make_user(name="Other Person", organisation="50 Town")
    client = signed_in(admin)
    html = client.get("/admin/users/?q=50%25").get_data(as_text=True)
    assert "Fifty Percent" in html and "Other Person" not in html
    html = client.get("/admin/users/?role=admin").get_data(as_text=True)
    assert "Adam Admin" in html and "Fifty Percent" not in html


def test_moderation_log_newest_first_and_paginated(app, admin, signed_in):
    with app.app_context():
        tutor = make_user(role="tutor", name="Mo Derator")
        t = h.thread("basics", tutor.id, "Spam thread")
        now = utcnow()
        for i in range(55):
            db.session.add(ModerationAction(moderator_id=tutor.id, action="pin" if i % 2 else "lock", thread_id=t.id,
                                            reason=f"reason {i:02d}", created_at=now - timedelta(minutes=i)))
        db.session.commit()
    client = signed_in(admin)
    html = client.get("/admin/moderation/").get_data(as_text=True)
    reasons = re.findall(r"reason (\d\d)", html)
    assert reasons[:3] == ["00", "01", "02"] and len(reasons) == 50 and "Mo Derator" in html
    assert re.findall(r"reason (\d\d)", client.get("/admin/moderation/?page=2").get_data(as_text=True)) == [
        "50", "51", "52", "53", "54"]
    assert client.get("/admin/moderation/?page=3").status_code == 404


def test_outbox_state(app, admin, signed_in):
    with app.app_context():
        def msg(status, attempts, error=None, subject="Hello"):
            db.session.add(OutboxMessage(to_email="x@example.eu", subject=subject, body="b", status=status,
                                         attempts=attempts, last_error=error))
        msg(SENT, 1)
        msg(SENT, 3)
        msg(PENDING, 2, "Connection refused", "Retry me")
        msg(FAILED, 6, "550 mailbox unavailable", "Gave up")
        db.session.commit()
    client = signed_in(admin)
    html = client.get("/admin/outbox/").get_data(as_text=True)
    assert re.search(r"Sent</th><td>2</td>", html) and re.search(r"Failed for good</th><td>1</td>", html)
    assert re.search(r"Sent after one or more retries</dt><dd>1</dd>", html)
    assert re.search(r"Waiting to be retried</dt><dd>1</dd>", html)
    assert "550 mailbox unavailable" in html and "Gave up" in html and "Connection refused" in html


@pytest.mark.parametrize("path", ["/admin/users/", "/admin/outbox/", "/admin/moderation/"])
def test_admin_pages_make_constant_queries(app, admin, signed_in, path, count_queries):
    client = signed_in(admin)
    counts = []
    for n in (3, 27):
        with app.app_context():
            ids = h.cohort(n)
            t = h.thread("practice", ids[0])
            for user_id in ids:
                db.session.add(ModerationAction(moderator_id=admin.id, action="hide", thread_id=t.id))
                db.session.add(AccountEvent(actor_id=admin.id, subject_id=user_id, action="role", detail="x"))
                db.session.add(OutboxMessage(to_email="x@example.eu", subject="s", body="b", status=FAILED,
                                             attempts=6, last_error="boom"))
            db.session.commit()
        with count_queries() as queries:
            assert client.get(path).status_code == 200
        counts.append(queries.count)
    assert counts[0] == counts[1], counts


def test_account_actions_need_the_csrf_token(make_app, signed_in):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        admin = make_user(role="admin", email="csrf-admin@course.example")
    client = signed_in(admin, app=app)
    response = client.post("/admin/users/", data={"user_id": admin.id, "action": "reset"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalars(select(OutboxMessage)).all() == []
