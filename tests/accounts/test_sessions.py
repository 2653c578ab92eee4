"""Server-side sign-in sessions: listed on /account/, ended one by one or everywhere, timed out when idle
and after a fixed lifetime, and rotated (cookie and CSRF token) at sign-in and sign-out."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from courseware.accounts.models import SignInSession
from courseware.core.time import utcnow
from courseware.extensions import db
from tests.conftest import sign_in
from tests.factories import DEFAULT_PASSWORD

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
PHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
         "Version/17.5 Mobile/15E148 Safari/604.1")


def sign_in_from(app, user, agent: str, address: str):
    client = app.test_client()
    client.environ_base.update({"HTTP_USER_AGENT": agent, "REMOTE_ADDR": address})
    return sign_in(app, user, client=client)


def session_ids(app, user_id: int) -> list[int]:
    with app.app_context():
        return db.session.scalars(select(SignInSession.id).where(SignInSession.user_id == user_id)
                                  .order_by(SignInSession.id)).all()


def test_account_page_lists_each_device_with_an_approximate_place(app, learner):
    laptop = sign_in_from(app, learner, FIREFOX, "203.0.113.9")
    sign_in_from(app, learner, PHONE, "2001:db8:1234:5678::1")
    page = laptop.get("/account/").get_data(as_text=True)
    assert "Firefox on Windows <strong>(this device)</strong>" in page
    assert "Safari on iOS" in page
    assert "network 203.0.113.0/24" in page and "network 2001:db8:1234::/48" in page
    assert "203.0.113.9" not in page and "5678" not in page
    assert page.count("End this session") == 1 and "Sign out here" in page


def test_a_copied_cookie_opens_nothing_after_signing_out(app, learner):
    """The cookie taken before POST /logout, presented again afterwards: is it sent to sign in?"""
    client = sign_in(app, learner)
    copied = client.get_cookie("session").value
    assert client.post("/logout").status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", copied)
    response = thief.get("/account/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert session_ids(app, learner.id) == []


def test_ending_one_session_signs_out_that_device_only(app, learner):
    laptop = sign_in_from(app, learner, FIREFOX, "203.0.113.9")
    phone = sign_in_from(app, learner, PHONE, "198.51.100.20")
    _, phone_session = session_ids(app, learner.id)
    response = laptop.post(f"/account/sessions/{phone_session}/end")
    assert response.status_code == 302
    assert "That session has ended" in laptop.get("/account/").get_data(as_text=True)
    assert phone.get("/account/").status_code == 302
    assert laptop.get("/account/").status_code == 200


def test_ending_this_session_signs_out_here(app, learner):
    client = sign_in_from(app, learner, FIREFOX, "203.0.113.9")
    [mine] = session_ids(app, learner.id)
    assert client.post(f"/account/sessions/{mine}/end").status_code == 302
    assert client.get("/account/").status_code == 302


def test_nobody_ends_another_persons_session(app, learner, other_learner):
    sign_in_from(app, learner, FIREFOX, "203.0.113.9")
    [theirs] = session_ids(app, learner.id)
    intruder = sign_in_from(app, other_learner, PHONE, "198.51.100.20")
    assert intruder.post(f"/account/sessions/{theirs}/end").status_code == 404
    assert session_ids(app, learner.id) == [theirs]


def test_sign_out_everywhere_ends_every_session(app, learner):
    a = sign_in_from(app, learner, FIREFOX, "203.0.113.9")
    b = sign_in_from(app, learner, PHONE, "198.51.100.20")
    assert a.post("/account/sign-out-everywhere").status_code == 302
    assert session_ids(app, learner.id) == []
    assert a.get("/account/").status_code == 302 and b.get("/account/").status_code == 302


@pytest.fixture
def clock(monkeypatch):
    """Moves the time the sign-in session code sees."""
    class Clock:
        offset = timedelta()

        def now(self):
            return utcnow() + self.offset
    clock = Clock()
    monkeypatch.setattr("courseware.accounts.signin.utcnow", clock.now)
    return clock


def test_a_session_unused_for_two_hours_ends(app, learner, clock):
    client = sign_in(app, learner)
    clock.offset = timedelta(minutes=119)
    assert client.get("/account/").status_code == 200        # used: the idle time starts again
    clock.offset = timedelta(minutes=119 + 119)
    assert client.get("/account/").status_code == 200
    clock.offset = timedelta(minutes=119 + 119 + 121)
    response = client.get("/account/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_session_ends_eight_hours_after_signing_in_however_busy(app, learner, clock):
    client = sign_in(app, learner)
    for hours in range(1, 8):
        clock.offset = timedelta(hours=hours)
        assert client.get("/account/").status_code == 200, hours
    clock.offset = timedelta(hours=8, minutes=1)
    assert client.get("/account/").status_code == 302


def test_lifetimes_are_settings(make_app, learner, clock):
    app = make_app(SESSION_IDLE_MINUTES=10, SESSION_LIFETIME_HOURS=1)
    assert app.config["PERMANENT_SESSION_LIFETIME"] == timedelta(hours=1)   # the signed cookie's own limit
    client = sign_in(app, learner)
    clock.offset = timedelta(minutes=11)
    assert client.get("/account/").status_code == 302


def csrf_in_session(client) -> str | None:
    with client.session_transaction() as session:
        return session.get("csrf_token")


def form_token(client, path: str) -> str:
    return re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"',
                     client.get(path).get_data(as_text=True)).group(1)


def test_session_and_csrf_token_change_at_sign_in_and_sign_out(make_app, learner):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    before = form_token(client, "/login")
    raw_before, cookie_before = csrf_in_session(client), client.get_cookie("session").value
    response = client.post("/login", data={"email": learner.email, "password": DEFAULT_PASSWORD,
                                           "csrf_token": before})
    assert response.status_code == 302
    signed_in = form_token(client, "/account/")
    raw_signed_in = csrf_in_session(client)
    assert raw_signed_in and raw_signed_in != raw_before
    assert client.get_cookie("session").value != cookie_before
    # The token of the signed-out page no longer works once signed in.
    assert client.post("/logout", data={"csrf_token": before}).status_code == 400
    assert client.post("/logout", data={"csrf_token": signed_in}).status_code == 302
    assert csrf_in_session(client) != raw_signed_in
    assert client.post("/login", data={"email": learner.email, "password": DEFAULT_PASSWORD,
                                       "csrf_token": signed_in}).status_code == 400


def test_loading_the_user_is_one_query(app, learner, count_queries):
    """A signed-in page view costs exactly one query more than the same page for a visitor: the one that
    checks the session record and loads the user together."""
    visitor, member = app.test_client(), app.test_client()
    member = sign_in(app, learner)
    visitor.get("/glossary/"), member.get("/glossary/")
    with count_queries() as anonymous:
        assert visitor.get("/glossary/").status_code == 200
    with count_queries() as signed_in:
        assert member.get("/glossary/").status_code == 200
    assert signed_in.count == anonymous.count + 1
    [extra] = [s for s in signed_in.statements if "sign_in_session" in s]
    assert "JOIN sign_in_session" in extra and re.search(r'"?user"?\.email', extra)


def test_the_sessions_are_part_of_the_data_export(app, learner):
    client = sign_in_from(app, learner, FIREFOX, "203.0.113.9")
    data = client.get("/account/export").get_json()
    [session] = data["sign_in_sessions"]
    assert session["device"] == "Firefox on Windows" and session["network"] == "203.0.113.0/24"


def test_a_role_change_or_deactivation_shows_on_the_next_request(app, learner):
    """The user is read afresh with the session on every request (no per-worker cache), so what an admin
    changes takes effect at once, on every worker."""
    from courseware.accounts.models import Role, User

    client = sign_in(app, learner)
    assert client.get("/tutor/").status_code == 403
    with app.app_context():
        db.session.get(User, learner.id).role = Role.TUTOR
        db.session.commit()
    assert client.get("/tutor/").status_code == 200
    with app.app_context():
        db.session.get(User, learner.id).active = False
        db.session.commit()
    response = client.get("/tutor/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_changes_to_the_signed_in_user_are_saved(app, learner):
    """The user the session loads is attached to the request's database session, as an ORM load would be:
    a view that changes it and commits saves the change."""
    from courseware.accounts.models import User

    client = sign_in(app, learner)
    page = client.get("/account/")
    token = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', page.get_data(as_text=True))
    data = {"time_zone": "Europe/Lisbon", **({"csrf_token": token.group(1)} if token else {})}
    assert client.post("/account/time-zone", data=data).status_code == 302
    with app.app_context():
        assert db.session.get(User, learner.id).time_zone == "Europe/Lisbon"
