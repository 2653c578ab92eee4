"""Admins create and change editions at /admin/editions/, learners join the open one when they register,
and an admin moves a learner: recorded with who and when, and nothing of the learner's work changes."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from courseware.assignments.models import GradeEvent, Submission
from courseware.courses.models import UnitCompletion
from courseware.editions.models import Edition, EditionMembership, EditionMove
from courseware.extensions import db
from courseware.forums.models import Post
from tests.certificates.helpers import complete_units, grade, latest_submission_id, submit_assignment, write_posts
from tests.conftest import sign_in
from tests.editions.helpers import admin_client, create_edition, day, edition_of, put_in, register, user_id_by_email


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_an_admin_creates_an_edition_with_its_dates(app, admin):
    """Are the typed days stored as moments of the admin's time zone and shown back the same?"""
    client = admin_client(app, admin)
    edition_id = create_edition(client, "Spring 2027", registration_opens="2027-01-10", registration_closes="2027-02-28",
                                starts_on="2027-03-01", certification_deadline="2027-06-30")
    with app.app_context():
        edition = db.session.get(Edition, edition_id)
        # Brussels is UTC+1 in winter and UTC+2 in summer: the last day ends at 22:00 UTC on 30 June.
        assert edition.registration_opens_at.isoformat() == "2027-01-09T23:00:00+00:00"
        assert edition.registration_closes_at.isoformat() == "2027-02-28T23:00:00+00:00"
        assert edition.starts_at.isoformat() == "2027-02-28T23:00:00+00:00"
        assert edition.certification_deadline_at.isoformat() == "2027-06-30T22:00:00+00:00"
    page = client.get(f"/admin/editions/{edition_id}/").get_data(as_text=True)
    assert 'value="2027-06-30"' in page and 'value="2027-02-28"' in page
    assert "30 June 2027, 23:59 CEST" in page
    listing = client.get("/admin/editions/").get_data(as_text=True)
    assert "Spring 2027" in listing and "1 March 2027" in listing


@pytest.mark.parametrize("data, field, message", [
    ({"name": ""}, "name", "Enter the edition"),
    ({"name": "A", "registration_opens": "2027-03-01", "registration_closes": "2027-02-01"},
     "registration_closes", "Registration must close on or after the day it opens."),
    ({"name": "A", "starts_on": "2027-03-01", "certification_deadline": "2027-02-01"},
     "certification_deadline", "The certification deadline must be on or after the start date."),
    ({"name": "A", "starts_on": "1 March 2027"}, "starts_on", "Enter the date as YYYY-MM-DD"),
    ({"name": "A", "certification_deadline": "2027-02-30"}, "certification_deadline", "This date does not exist"),
    ({"name": "A", "registration_opens": "2027-13-01"}, "registration_opens", "This date does not exist"),
    ({"name": "x" * 121}, "name", "under 120 characters"),
])
def test_bad_edition_input_is_refused_beside_the_field(app, admin, data, field, message):
    """Does each mistake get a message beside its field, a 422, and no edition?"""
    client = admin_client(app, admin)
    response = client.post("/admin/editions/", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html and message in html
    assert _count(app, Edition) == 0


def test_a_second_edition_with_the_same_name_is_refused(app, admin):
    client = admin_client(app, admin)
    create_edition(client, "Spring 2027")
    response = client.post("/admin/editions/", data={"name": "spring 2027"})
    assert response.status_code == 422 and "Another edition already has this name" in response.get_data(as_text=True)
    assert _count(app, Edition) == 1


def test_changing_an_edition_refuses_bad_dates_and_keeps_the_old_ones(app, admin):
    client = admin_client(app, admin)
    edition_id = create_edition(client, "Spring 2027", starts_on="2027-03-01", certification_deadline="2027-06-30")
    response = client.post(f"/admin/editions/{edition_id}/", data={"name": "Spring 2027", "starts_on": "2027-03-01",
                                                                     "certification_deadline": "2027-01-01"})
    assert response.status_code == 422
    assert "on or after the start date" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Edition, edition_id).certification_deadline_at.isoformat().startswith("2027-06-30")
    response = client.post(f"/admin/editions/{edition_id}/", data={"name": "Spring 2027 (extended)",
                                                                     "starts_on": "2027-03-01",
                                                                     "certification_deadline": "2027-07-31"})
    assert response.status_code == 302
    with app.app_context():
        edition = db.session.get(Edition, edition_id)
        assert edition.name == "Spring 2027 (extended)"
        assert edition.certification_deadline_at.isoformat() == "2027-07-31T22:00:00+00:00"
    assert client.get("/admin/editions/999999/").status_code == 404


def test_registration_joins_the_edition_open_for_registration(app, admin):
    """Of a closed, an open and a future edition, does a new learner join the open one?"""
    client = admin_client(app, admin)
    create_edition(client, "Last year", registration_opens=day(-400), registration_closes=day(-300))
    create_edition(client, "Now", registration_opens=day(-10), registration_closes=day(10), starts_on=day(15))
    create_edition(client, "Next year", registration_opens=day(300))
    response = register(app.test_client(), "nora@ghent.example")
    assert response.status_code == 302
    assert edition_of(app, user_id_by_email(app, "nora@ghent.example")) == "Now"


def test_of_two_open_editions_a_learner_joins_the_one_that_starts_last(app, admin):
    client = admin_client(app, admin)
    create_edition(client, "Open-ended first run", starts_on=day(-100))
    create_edition(client, "Second run", registration_opens=day(-5), starts_on=day(20))
    register(app.test_client(), "nora@ghent.example")
    assert edition_of(app, user_id_by_email(app, "nora@ghent.example")) == "Second run"


def test_without_editions_registration_works_as_before(app):
    """No edition defined: the learner joins nothing and the course home shows no edition panel."""
    client = app.test_client()
    assert register(client, "nora@ghent.example").status_code == 302
    assert edition_of(app, user_id_by_email(app, "nora@ghent.example")) is None
    assert _count(app, EditionMembership) == 0
    home = client.get("/").get_data(as_text=True)
    assert "Your edition" not in home


def test_when_no_edition_is_open_the_learner_joins_none_and_the_admin_is_told(app, admin):
    client = admin_client(app, admin)
    edition_id = create_edition(client, "Closed", registration_opens=day(-50), registration_closes=day(-20))
    register(app.test_client(), "nora@ghent.example")
    assert edition_of(app, user_id_by_email(app, "nora@ghent.example")) is None
    listing = client.get("/admin/editions/").get_data(as_text=True)
    assert "No edition is open for registration" in listing and "1 learner is in no edition" in listing
    # Adding the learners without an edition, as one recorded move each.
    assert client.post(f"/admin/editions/{edition_id}/adopt").status_code == 303
    assert edition_of(app, user_id_by_email(app, "nora@ghent.example")) == "Closed"
    with app.app_context():
        move = db.session.scalar(select(EditionMove))
        assert move.moved_by_id == admin.id and move.from_edition_id is None


def test_moving_a_learner_keeps_their_work_and_records_who_and_when(app, admin, tutor, learner, client):
    """Progress, posts, submissions and grades stay; the move names the admin and the time."""
    client = sign_in(app, learner)
    complete_units(client, "basics")
    write_posts(client, "basics", 2)
    submit_assignment(client, "basics")
    grade(sign_in(app, tutor), latest_submission_id(app, learner.id, "basics"))
    admin_side = admin_client(app, admin)
    first = create_edition(admin_side, "Spring 2027")
    second = create_edition(admin_side, "Autumn 2027")
    put_in(app, learner.id, first)
    before = {model: _count(app, model) for model in (UnitCompletion, Post, Submission, GradeEvent)}

    page = admin_side.get(f"/admin/learners/{learner.id}/edition")
    assert page.status_code == 200 and "is in <strong>Spring 2027</strong>" in page.get_data(as_text=True)
    response = admin_side.post(f"/admin/learners/{learner.id}/edition", data={"edition": str(second)})
    assert response.status_code == 303
    assert edition_of(app, learner.id) == "Autumn 2027"
    assert {model: _count(app, model) for model in before} == before
    with app.app_context():
        move = db.session.scalar(select(EditionMove))
        assert (move.user_id, move.from_edition_id, move.to_edition_id, move.moved_by_id) == \
            (learner.id, first, second, admin.id)
    history = admin_side.get(f"/admin/learners/{learner.id}/edition").get_data(as_text=True)
    assert "Adam Admin" in history and "Spring 2027" in history
    detail = admin_side.get(f"/tutor/learners/{learner.id}/").get_data(as_text=True)
    assert "Autumn 2027" in detail and "moved 1 time" in detail
    # The learner's own pages still show their work.
    assert "2 of 2 posts" in client.get("/certificate/").get_data(as_text=True)


@pytest.mark.parametrize("value", ["999999", "abc", "", "99999999999999999999"])
def test_moving_to_an_unknown_edition_changes_nothing(app, admin, learner, value):
    client = admin_client(app, admin)
    edition_id = create_edition(client, "Spring 2027")
    put_in(app, learner.id, edition_id)
    response = client.post(f"/admin/learners/{learner.id}/edition", data={"edition": value})
    assert response.status_code == 422
    assert "Choose an edition from the list." in response.get_data(as_text=True)
    assert edition_of(app, learner.id) == "Spring 2027"
    assert _count(app, EditionMove) == 0


def test_moving_into_the_same_edition_is_refused(app, admin, learner):
    client = admin_client(app, admin)
    edition_id = create_edition(client, "Spring 2027")
    put_in(app, learner.id, edition_id)
    response = client.post(f"/admin/learners/{learner.id}/edition", data={"edition": str(edition_id)})
    assert response.status_code == 422 and "already in Spring 2027" in response.get_data(as_text=True)
    assert _count(app, EditionMove) == 0


def test_only_learners_can_be_moved(app, admin, tutor):
    client = admin_client(app, admin)
    create_edition(client, "Spring 2027")
    assert client.get(f"/admin/learners/{tutor.id}/edition").status_code == 404
    assert client.get("/admin/learners/999999/edition").status_code == 404


def test_deadline_dates_are_read_in_the_admins_time_zone(app, admin):
    """An admin in New York types 30 June: the deadline ends at midnight New York time."""
    client = admin_client(app, admin)
    assert client.post("/account/time-zone", data={"time_zone": "America/New_York"}).status_code == 302
    edition_id = create_edition(client, "Americas", certification_deadline="2027-06-30")
    with app.app_context():
        deadline = db.session.get(Edition, edition_id).certification_deadline_at
    assert deadline.isoformat() == "2027-07-01T04:00:00+00:00"
    # Shown to the admin in their zone, and to a Brussels viewer in theirs (six hours later).
    assert "30 June 2027, 23:59 EDT" in client.get(f"/admin/editions/{edition_id}/").get_data(as_text=True)
    assert client.post("/account/time-zone", data={"time_zone": "Europe/Brussels"}).status_code == 302
    assert "1 July 2027, 05:59 CEST" in client.get(f"/admin/editions/{edition_id}/").get_data(as_text=True)
