"""Live sessions: scheduling and its refusals, changes that raise SEQUENCE, cancelling, the .ics file parsed
back field by field, the reminder mail (once per person, from `flask sessions remind`) and attendance."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from courseware.core.outbox import OutboxMessage
from courseware.core.time import utcnow
from courseware.editions.models import Attendance, LiveSession
from courseware.extensions import db
from tests.conftest import sign_in
from tests.editions.helpers import admin_client, create_edition, put_in

GOOD = {"title": "Kick-off webinar", "starts_at": "2027-03-04T14:00+01:00", "ends_at": "2027-03-04T15:30+01:00",
        "join_url": "https://meet.example.org/kick-off", "recording_url": "", "slides_url": "", "edition": "all"}


def _staff(app, tutor):
    client = sign_in(app, tutor)
    return client


def _schedule(client, **changes) -> int:
    response = client.post("/sessions/", data={**GOOD, **changes})
    assert response.status_code == 303, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("session-", 1)[1])


def _session(app, session_id) -> LiveSession:
    with app.app_context():
        session = db.session.get(LiveSession, session_id)
        db.session.expunge(session)
        return session


def _ics(response) -> Calendar:
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.data)


def test_a_tutor_schedules_a_session_and_learners_see_it_in_their_zone(app, tutor, learner, client):
    session_id = _schedule(_staff(app, tutor))
    session = _session(app, session_id)
    assert session.starts_at == datetime(2027, 3, 4, 13, 0, tzinfo=timezone.utc)
    assert session.sequence == 0
    client = sign_in(app, learner)
    page = client.get("/sessions/").get_data(as_text=True)
    assert "Kick-off webinar" in page and "4 March 2027, 14:00–15:30 CET" in page
    assert client.post("/account/time-zone", data={"time_zone": "Europe/Lisbon"}).status_code == 302
    assert "4 March 2027, 13:00–14:30 WET" in client.get("/sessions/").get_data(as_text=True)


def test_a_time_without_offset_is_read_in_the_tutors_zone(app, tutor):
    client = _staff(app, tutor)
    session_id = _schedule(client, starts_at="2027-07-01 10:00", ends_at="2027-07-01 11:00")
    assert _session(app, session_id).starts_at == datetime(2027, 7, 1, 8, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("changes, field, message", [
    ({"ends_at": "2027-03-04T13:00+01:00"}, "ends_at", "The session must end after it starts."),
    ({"ends_at": "2027-03-04T14:00+01:00"}, "ends_at", "The session must end after it starts."),
    ({"join_url": "javascript:alert(1)"}, "join_url", "starts with https://"),
    ({"join_url": "ftp://files.example.org/x"}, "join_url", "starts with https://"),
    ({"join_url": "meet.example.org/room"}, "join_url", "starts with https://"),
    ({"join_url": ""}, "join_url", "Give the link to join the session"),
    ({"recording_url": "data:text/html,hi"}, "recording_url", "starts with https://"),
    ({"starts_at": "next Tuesday"}, "starts_at", "Enter a date and time"),
    ({"starts_at": "2027-02-30T10:00+01:00"}, "starts_at", "does not exist"),
    ({"starts_at": "2027-03-28 02:30"}, "starts_at", "does not exist in your time zone"),
    ({"starts_at": ""}, "starts_at", "Give the date and time the session starts."),
    ({"edition": "999999"}, "edition", "Choose an edition from the list"),
    ({"title": ""}, "title", "Give the session a title"),
    ({"ends_at": "2027-03-06T15:30+01:00"}, "ends_at", "12 hours at most"),
])
def test_bad_session_input_changes_nothing(app, tutor, changes, field, message):
    response = _staff(app, tutor).post("/sessions/", data={**GOOD, **changes})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html and message in html
    with app.app_context():
        assert db.session.scalar(select(func.count(LiveSession.id))) == 0


def test_learners_cannot_schedule_or_change_sessions(app, tutor, learner, client):
    session_id = _schedule(_staff(app, tutor))
    client = sign_in(app, learner)
    assert client.post("/sessions/", data=GOOD).status_code == 403
    assert client.get(f"/sessions/{session_id}/edit").status_code == 403


def test_one_session_as_ics_parsed_back_field_by_field(app, tutor, learner, client):
    session_id = _schedule(_staff(app, tutor), recording_url="https://video.example.org/rec")
    client = sign_in(app, learner)
    response = client.get(f"/sessions/{session_id}.ics")
    assert response.headers["Content-Disposition"] == f'attachment; filename="session-{session_id}.ics"'
    calendar = _ics(response)
    assert str(calendar["VERSION"]) == "2.0"
    assert "localhost" in str(calendar["PRODID"])
    assert "METHOD" not in calendar and not calendar.walk("VTIMEZONE")
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"session-{session_id}@localhost"
    assert str(event["SUMMARY"]) == "Kick-off webinar"
    assert event.decoded("DTSTART") == datetime(2027, 3, 4, 13, 0, tzinfo=timezone.utc)
    assert event.decoded("DTEND") == datetime(2027, 3, 4, 14, 30, tzinfo=timezone.utc)
    assert event["DTSTART"].to_ical() == b"20270304T130000Z"      # UTC, which every program converts
    assert int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTAMP").tzinfo is not None
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["LOCATION"]) == "https://meet.example.org/kick-off"
    assert str(event["URL"]) == "https://meet.example.org/kick-off"
    description = str(event["DESCRIPTION"])
    assert "Join the session: https://meet.example.org/kick-off" in description
    assert "Recording: https://video.example.org/rec" in description
    assert "Lena" not in response.get_data(as_text=True) and learner.email not in response.get_data(as_text=True)


def test_changing_a_session_raises_its_sequence_and_keeps_its_uid(app, tutor, learner, client):
    staff = _staff(app, tutor)
    session_id = _schedule(staff)
    edit = staff.get(f"/sessions/{session_id}/edit").get_data(as_text=True)
    assert 'value="2027-03-04T14:00+01:00"' in edit
    moved = {**GOOD, "starts_at": "2027-03-05T14:00+01:00", "ends_at": "2027-03-05T15:00+01:00"}
    assert staff.post(f"/sessions/{session_id}/edit", data=moved).status_code == 303
    # Saving the same again changes nothing, and the sequence stays.
    assert staff.post(f"/sessions/{session_id}/edit", data=moved).status_code == 303
    assert _session(app, session_id).sequence == 1
    bad = staff.post(f"/sessions/{session_id}/edit", data={**moved, "ends_at": "2027-03-05T13:00+01:00"})
    assert bad.status_code == 422 and "must end after it starts" in bad.get_data(as_text=True)
    assert _session(app, session_id).ends_at == datetime(2027, 3, 5, 14, 0, tzinfo=timezone.utc)
    client = sign_in(app, learner)
    (event,) = _ics(client.get(f"/sessions/{session_id}.ics")).walk("VEVENT")
    assert str(event["UID"]) == f"session-{session_id}@localhost"
    assert int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART") == datetime(2027, 3, 5, 13, 0, tzinfo=timezone.utc)


def test_a_cancelled_session_says_so_in_the_calendar(app, tutor, learner, client):
    staff = _staff(app, tutor)
    session_id = _schedule(staff)
    assert staff.post(f"/sessions/{session_id}/cancel").status_code == 303
    client = sign_in(app, learner)
    (event,) = _ics(client.get(f"/sessions/{session_id}.ics")).walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) == 1
    assert "This session was cancelled." in client.get("/sessions/").get_data(as_text=True)


def test_a_session_of_another_edition_is_not_found(app, admin, tutor, learner, other_learner, client):
    admin_side = admin_client(app, admin)
    spring = create_edition(admin_side, "Spring 2027")
    autumn = create_edition(admin_side, "Autumn 2027")
    put_in(app, learner.id, spring)
    put_in(app, other_learner.id, autumn)
    session_id = _schedule(_staff(app, tutor), edition=str(spring), title="Spring Q&A")
    client = sign_in(app, other_learner)
    assert "Spring Q&amp;A" not in client.get("/sessions/").get_data(as_text=True)
    assert client.get(f"/sessions/{session_id}.ics").status_code == 404
    mine = sign_in(app, learner)
    assert mine.get(f"/sessions/{session_id}.ics").status_code == 200


def test_reminders_the_day_before_once_per_person(app, admin, tutor, learner, other_learner, outbox):
    """`flask sessions remind` run twice (as cron would) mails each learner of the session once."""
    admin_side = admin_client(app, admin)
    spring = create_edition(admin_side, "Spring 2027")
    put_in(app, learner.id, spring)
    staff = _staff(app, tutor)
    start = utcnow() + timedelta(hours=20)
    soon = _schedule(staff, title="Q&A hour", edition=str(spring),
                     starts_at=start.isoformat(timespec="minutes"),
                     ends_at=(start + timedelta(hours=1)).isoformat(timespec="minutes"))
    _schedule(staff, title="Much later", starts_at=(start + timedelta(days=5)).isoformat(timespec="minutes"),
              ends_at=(start + timedelta(days=5, hours=1)).isoformat(timespec="minutes"))
    runner = app.test_cli_runner()
    first = runner.invoke(args=["sessions", "remind"])
    assert first.exit_code == 0 and "queued 1 reminder" in first.output
    second = runner.invoke(args=["sessions", "remind"])
    assert second.exit_code == 0 and "queued 0 reminder" in second.output
    assert runner.invoke(args=["mail", "send"]).exit_code == 0
    reminders = [m for m in outbox if m["Subject"].startswith("Reminder: Q&A hour")]
    assert [m["To"] for m in reminders] == [learner.email]          # not the learner of no edition
    body = reminders[0].get_content()
    assert "https://meet.example.org/kick-off" in body and f"/sessions/{soon}.ics" in body
    assert "Much later" not in "".join(m["Subject"] for m in outbox)


def test_a_moved_session_is_reminded_again_and_an_opted_out_learner_is_not(app, tutor, learner, other_learner):
    staff = _staff(app, tutor)
    start = utcnow() + timedelta(hours=3)
    data = {"starts_at": start.isoformat(timespec="minutes"),
            "ends_at": (start + timedelta(hours=1)).isoformat(timespec="minutes")}
    session_id = _schedule(staff, **data)
    quiet = sign_in(app, other_learner)
    assert quiet.post("/announcements/settings", data={"announcements": "y"}).status_code == 303
    runner = app.test_cli_runner()
    assert "queued 1 reminder" in runner.invoke(args=["sessions", "remind"]).output
    later = start + timedelta(hours=2)
    moved = {**GOOD, "starts_at": later.isoformat(timespec="minutes"),
             "ends_at": (later + timedelta(hours=1)).isoformat(timespec="minutes")}
    assert staff.post(f"/sessions/{session_id}/edit", data=moved).status_code == 303
    assert "queued 1 reminder" in runner.invoke(args=["sessions", "remind"]).output
    with app.app_context():
        keys = db.session.scalars(select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.like("session-reminder:%"))).all()
    assert len(keys) == 2 and all(k.endswith(f":{learner.id}") for k in keys)


def test_attendance_is_recorded_and_shows_in_history_and_export(app, admin, tutor, learner, other_learner):
    staff = _staff(app, tutor)
    past = utcnow() - timedelta(days=2)
    session_id = _schedule(staff, starts_at=past.isoformat(timespec="minutes"),
                           ends_at=(past + timedelta(hours=1)).isoformat(timespec="minutes"))
    page = staff.get(f"/sessions/{session_id}/attendance").get_data(as_text=True)
    assert "Lena Learner" in page and "Otto Other" in page
    response = staff.post(f"/sessions/{session_id}/attendance",
                          data={"shown": [str(learner.id), str(other_learner.id)], "attended": [str(learner.id)]})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalars(select(Attendance.user_id)).all() == [learner.id]
    # Unticking removes the mark; marks of people not shown stay.
    staff.post(f"/sessions/{session_id}/attendance", data={"shown": [str(other_learner.id)],
                                                          "attended": [str(other_learner.id)]})
    with app.app_context():
        assert sorted(db.session.scalars(select(Attendance.user_id))) == sorted([learner.id, other_learner.id])
    staff.post(f"/sessions/{session_id}/attendance", data={"shown": [str(other_learner.id)]})
    history = staff.get(f"/tutor/learners/{learner.id}/").get_data(as_text=True)
    assert "Live sessions attended" in history and "Kick-off webinar" in history
    rows = {r["Email"]: r for r in csv.DictReader(io.StringIO(
        staff.get("/tutor/export/progress.csv").get_data(as_text=True).lstrip("\ufeff")))}
    assert rows[learner.email]["Live sessions attended"] == "1"
    assert rows[other_learner.email]["Live sessions attended"] == "0"


def test_attendance_cannot_be_recorded_before_the_session(app, tutor, learner):
    staff = _staff(app, tutor)
    start = utcnow() + timedelta(days=3)
    session_id = _schedule(staff, starts_at=start.isoformat(timespec="minutes"),
                           ends_at=(start + timedelta(hours=1)).isoformat(timespec="minutes"))
    response = staff.post(f"/sessions/{session_id}/attendance", data={"shown": [str(learner.id)],
                                                                      "attended": [str(learner.id)]})
    assert response.status_code == 422 and "has not started yet" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Attendance.id))) == 0
