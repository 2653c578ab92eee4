"""The personal calendar feed: a secret address made on the account page, shown once, stored hashed;
a wrong, revoked or replaced address is 404; the feed lists the learner's edition's sessions and those
for everyone, and nothing personal."""
from __future__ import annotations

import hashlib
import re

from icalendar import Calendar
from sqlalchemy import select

from courseware.editions.models import CalendarToken
from courseware.extensions import db
from tests.conftest import sign_in
from tests.editions.helpers import admin_client, create_edition, put_in

SESSION = {"starts_at": "2027-03-04T14:00+01:00", "ends_at": "2027-03-04T15:00+01:00",
           "join_url": "https://meet.example.org/room"}


def _make_link(client) -> str:
    response = client.post("/account/calendar")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    url = re.search(r'value="(http://localhost/calendar/[^"]+\.ics)"', response.get_data(as_text=True)).group(1)
    return url.replace("http://localhost", "")


def test_the_feed_lists_the_sessions_of_the_learners_edition_and_for_everyone(app, admin, tutor, learner, client):
    admin_side = admin_client(app, admin)
    spring = create_edition(admin_side, "Spring 2027")
    autumn = create_edition(admin_side, "Autumn 2027")
    put_in(app, learner.id, spring)
    staff = sign_in(app, tutor)
    for title, edition in (("For spring", spring), ("For autumn", autumn), ("For everyone", "all")):
        assert staff.post("/sessions/", data={**SESSION, "title": title, "edition": str(edition)}).status_code == 303

    client = sign_in(app, learner)
    assert "Make my calendar link" in client.get("/account/").get_data(as_text=True)
    path = _make_link(client)
    feed = app.test_client().get(path)               # no sign-in: calendar programs have none
    assert feed.status_code == 200
    assert feed.headers["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(feed.data)
    assert sorted(str(e["SUMMARY"]) for e in calendar.walk("VEVENT")) == ["For everyone", "For spring"]
    assert all(str(e["UID"]).endswith("@localhost") for e in calendar.walk("VEVENT"))
    assert str(calendar["X-WR-CALNAME"]).endswith("live sessions")
    text = feed.get_data(as_text=True)
    assert learner.email not in text and learner.name not in text
    # The account page now says there is a link, without showing it again.
    account = client.get("/account/").get_data(as_text=True)
    assert "cannot be shown again" in account and path not in account


def test_the_token_is_stored_hashed(app, learner, client):
    client = sign_in(app, learner)
    path = _make_link(client)
    token = path.rsplit("/", 1)[1][:-len(".ics")]
    with app.app_context():
        stored = db.session.scalar(select(CalendarToken.token_hash))
    assert stored == hashlib.sha256(token.encode()).hexdigest() and token not in stored


def test_wrong_revoked_and_replaced_addresses_are_not_found(app, learner, client):
    client = sign_in(app, learner)
    anonymous = app.test_client()
    assert anonymous.get("/calendar/not-a-real-token.ics").status_code == 404
    first = _make_link(client)
    assert anonymous.get(first).status_code == 200
    second = _make_link(client)                      # renewing replaces the old address
    assert anonymous.get(first).status_code == 404
    assert anonymous.get(second).status_code == 200
    assert client.post("/account/calendar/revoke").status_code == 303
    assert anonymous.get(second).status_code == 404
    assert "Make my calendar link" in client.get("/account/").get_data(as_text=True)


def test_a_deactivated_account_has_no_feed(app, learner, client):
    from courseware.accounts.models import User

    client = sign_in(app, learner)
    path = _make_link(client)
    with app.app_context():
        db.session.get(User, learner.id).active = False
        db.session.commit()
    assert app.test_client().get(path).status_code == 404
