"""What the editions feature keeps about a person is in /account/export and goes with /account/delete;
each person chooses the time zone dates are shown in."""
from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select

from courseware.core.time import utcnow
from courseware.editions.models import (Announcement, AnnouncementReceipt, Attendance, CalendarToken,
                                        CourseMailSetting, EditionMembership, EditionMove, LiveSession)
from courseware.extensions import db
from tests.conftest import sign_in
from tests.editions.helpers import admin_client, create_edition, put_in
from tests.factories import DEFAULT_PASSWORD


def _everything(app, admin, tutor, learner):
    admin_side = admin_client(app, admin)
    spring = create_edition(admin_side, "Spring 2027")
    autumn = create_edition(admin_side, "Autumn 2027")
    put_in(app, learner.id, spring)
    assert admin_side.post(f"/admin/learners/{learner.id}/edition", data={"edition": str(autumn)}).status_code == 303
    staff = sign_in(app, tutor)
    staff.post("/announcements/", data={"title": "Welcome", "body": "Hello", "edition": "all"})
    start = utcnow() - timedelta(days=1)
    staff.post("/sessions/", data={"title": "Kick-off", "starts_at": start.isoformat(timespec="minutes"),
                                   "ends_at": (start + timedelta(hours=1)).isoformat(timespec="minutes"),
                                   "join_url": "https://meet.example.org/k", "edition": "all"})
    with app.app_context():
        session_id = db.session.scalar(select(LiveSession.id))
        announcement_id = db.session.scalar(select(Announcement.id))
    staff.post(f"/sessions/{session_id}/attendance", data={"shown": [str(learner.id)], "attended": [str(learner.id)]})
    client = sign_in(app, learner)
    client.post(f"/announcements/{announcement_id}/dismiss")
    client.post("/announcements/settings", data={"announcements": "y"})
    client.post("/account/calendar")
    return client


def test_the_export_holds_edition_moves_announcements_attendance_and_calendar_link(app, admin, tutor, learner):
    client = _everything(app, admin, tutor, learner)
    data = json.loads(client.get("/account/export").get_data(as_text=True))
    part = data["editions"]
    assert part["edition"]["name"] == "Autumn 2027"
    assert part["moves"][0]["from"] == "Spring 2027" and part["moves"][0]["moved_by"] == "Adam Admin"
    assert part["announcements"][0]["title"] == "Welcome" and part["announcements"][0]["dismissed_at"]
    assert part["mail"] == {"announcements": True, "session_reminders": False}
    assert part["sessions_attended"][0]["title"] == "Kick-off"
    assert part["calendar_link"]["created_at"]
    assert "token" not in json.dumps(part["calendar_link"])
    assert data["profile"]["time_zone"] is None


def test_deleting_the_account_removes_it_all(app, admin, tutor, learner):
    client = _everything(app, admin, tutor, learner)
    assert client.post("/account/delete", data={"password": DEFAULT_PASSWORD}).status_code == 302
    with app.app_context():
        for model in (EditionMembership, EditionMove, AnnouncementReceipt, Attendance, CalendarToken,
                      CourseMailSetting):
            assert db.session.scalar(select(func.count()).select_from(model)) == 0, model.__name__
        assert db.session.scalar(select(func.count(Announcement.id))) == 1    # the tutor's stays


def test_a_tutor_who_leaves_keeps_their_announcements_and_sessions_readable(app, admin, tutor, learner):
    client = _everything(app, admin, tutor, learner)
    staff = sign_in(app, tutor)
    assert staff.post("/account/delete", data={"password": DEFAULT_PASSWORD}).status_code == 302
    page = client.get("/announcements/").get_data(as_text=True)
    assert "Welcome" in page and "The course team" in page
    assert "Kick-off" in client.get("/sessions/").get_data(as_text=True)


def test_the_time_zone_setting(app, learner, client):
    client = sign_in(app, learner)
    page = client.get("/account/").get_data(as_text=True)
    assert '<option selected value="Europe/Brussels">' in page or 'value="Europe/Brussels" selected' in page
    response = client.post("/account/time-zone", data={"time_zone": "Mars/Olympus_Mons"})
    assert response.status_code == 422
    assert "Choose a time zone from the list" in response.get_data(as_text=True)
    assert client.post("/account/time-zone", data={"time_zone": "Asia/Tokyo"}).status_code == 302
    assert "Your time zone is now Asia/Tokyo." in client.get("/account/").get_data(as_text=True)
    data = json.loads(client.get("/account/export").get_data(as_text=True))
    assert data["profile"]["time_zone"] == "Asia/Tokyo"
