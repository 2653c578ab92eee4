"""`?edition=<id>` on the tutor queue, the dashboards, the learner table, the forum and the CSV exports; and
the number of SQL queries of the new and the filtered pages, which must not grow with the learners."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from courseware.assignments.models import Submission, SubmissionStatus
from courseware.core.time import utcnow
from courseware.editions.models import Announcement, AnnouncementReceipt, Attendance, LiveSession
from courseware.extensions import db
from courseware.forums.models import Post, Thread
from tests.conftest import sign_in
from tests.editions.helpers import admin_client, create_edition, put_in
from tests.factories import make_user


@pytest.fixture
def cohort(app, admin, tutor):
    """Two editions; `add(n)` adds n learners to each, with a thread, a waiting submission, a read
    announcement and an attended session apiece. Returns a namespace of ids and clients."""
    client = admin_client(app, admin)
    spring = create_edition(client, "Spring 2027")
    autumn = create_edition(client, "Autumn 2027")
    start = utcnow() - timedelta(days=1)
    with app.app_context():
        session = LiveSession(title="Kick-off", starts_at=start, ends_at=start + timedelta(hours=1),
                              join_url="https://meet.example.org/k", created_by_id=tutor.id)
        announcement = Announcement(title="Welcome", body="Hi", body_html="<p>Hi</p>", author_id=tutor.id)
        db.session.add_all([session, announcement])
        db.session.commit()
        session_id, announcement_id = session.id, announcement.id
    made = {"spring": [], "autumn": []}

    def add(n: int) -> None:
        for name, edition in (("spring", spring), ("autumn", autumn)):
            for _ in range(n):
                with app.app_context():
                    user = make_user(role="learner", organisation=f"City of {name.title()}")
                put_in(app, user.id, edition)
                with app.app_context():
                    thread = Thread(module_slug="basics", title=f"{name} thread {user.id}", author_id=user.id)
                    db.session.add(thread)
                    db.session.flush()
                    db.session.add(Post(thread_id=thread.id, author_id=user.id, body="Hello", body_html="<p>Hello</p>",
                                        is_opening=True))
                    db.session.add(Submission(user_id=user.id, module_slug="basics", version=1,
                                              status=SubmissionStatus.SUBMITTED, body="x", body_html="x",
                                              submitted_at=utcnow()))
                    db.session.add(Attendance(session_id=session_id, user_id=user.id))
                    db.session.add(AnnouncementReceipt(announcement_id=announcement_id, user_id=user.id,
                                                       read_at=utcnow()))
                    db.session.commit()
                made[name].append(user)

    class Cohort:
        pass
    c = Cohort()
    c.spring, c.autumn, c.add, c.made, c.session_id = spring, autumn, add, made, session_id
    c.admin_client = client
    return c


def _csv(response) -> list[dict]:
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_every_staff_page_and_export_filters_by_edition(app, tutor, cohort):
    cohort.add(2)
    staff = sign_in(app, tutor)
    spring_names = {u.name for u in cohort.made["spring"]}
    autumn_names = {u.name for u in cohort.made["autumn"]}
    e = cohort.spring

    queue = staff.get(f"/tutor/?edition={e}&status=submitted").get_data(as_text=True)
    assert all(n in queue for n in spring_names) and not any(n in queue for n in autumn_names)
    table = staff.get(f"/tutor/learners/?edition={e}").get_data(as_text=True)
    assert all(n in table for n in spring_names) and not any(n in table for n in autumn_names)
    assert "2 learners in Spring 2027" in table
    overview = staff.get(f"/tutor/overview/?edition={e}").get_data(as_text=True)
    assert "Cohort overview: Spring 2027" in overview and "2 learners registered" in overview
    assert {r["Name"] for r in _csv(staff.get(f"/tutor/export/progress.csv?edition={e}"))} == spring_names
    rows = _csv(staff.get(f"/tutor/export/gradebook.csv?edition={e}"))
    assert {r["Name"] for r in rows} == spring_names and {r["Edition"] for r in rows} == {"Spring 2027"}
    assert {r["Name"] for r in _csv(staff.get("/tutor/export/progress.csv"))} == spring_names | autumn_names
    assert _csv(cohort.admin_client.get(f"/admin/certificates/register.csv?edition={e}")) == []
    forum = staff.get(f"/modules/basics/forum/?edition={cohort.autumn}").get_data(as_text=True)
    assert "autumn thread" in forum and "spring thread" not in forum


@pytest.mark.parametrize("path", ["/tutor/", "/tutor/learners/", "/tutor/overview/"])
def test_an_unknown_edition_gets_a_message_beside_the_filter(app, tutor, cohort, path):
    staff = sign_in(app, tutor)
    for value in ("999999", "spring", "-1"):
        response = staff.get(f"{path}?edition={value}")
        assert response.status_code == 422, (path, value)
        html = response.get_data(as_text=True)
        assert 'id="edition-error"' in html and "Choose an edition from the list." in html


@pytest.mark.parametrize("path", ["/tutor/export/progress.csv", "/tutor/export/gradebook.csv",
                                  "/admin/certificates/register.csv"])
def test_an_export_of_an_unknown_edition_is_not_found(app, admin, cohort, path):
    assert cohort.admin_client.get(f"{path}?edition=999999").status_code == 404
    assert cohort.admin_client.get(f"{path}?edition=nonsense").status_code == 404


def test_a_learner_filters_the_forum_to_their_own_edition_only(app, cohort):
    cohort.add(1)
    me = cohort.made["spring"][0]
    client = sign_in(app, me)
    page = client.get("/modules/basics/forum/").get_data(as_text=True)
    assert "Threads with posts from your edition, Spring 2027" in page
    mine = client.get(f"/modules/basics/forum/?edition={cohort.spring}").get_data(as_text=True)
    assert "spring thread" in mine and "autumn thread" not in mine
    other = client.get(f"/modules/basics/forum/?edition={cohort.autumn}")
    assert other.status_code == 422
    assert "You can filter the threads to your own edition only." in other.get_data(as_text=True)


PAGES = {
    "tutor": ["/announcements/", "/sessions/", "/", "/tutor/?edition={spring}", "/tutor/learners/?edition={spring}",
              "/tutor/overview/?edition={spring}", "/tutor/export/progress.csv?edition={spring}",
              "/tutor/export/gradebook.csv?edition={spring}", "/sessions/{session}/attendance",
              "/modules/basics/forum/?edition={spring}", "/sessions/{session}.ics"],
    "admin": ["/admin/editions/", "/admin/editions/{spring}/", "/admin/certificates/register.csv?edition={spring}"],
    "learner": ["/", "/announcements/", "/sessions/", "/modules/basics/forum/?edition={spring}",
                "/modules/basics/assignment/", "/certificate/", "/account/", "{feed}"],
}


def _counts(app, count_queries, clients, cohort, feed) -> dict[str, int]:
    counts = {}
    for who, paths in PAGES.items():
        for path in paths:
            url = path.format(spring=cohort.spring, session=cohort.session_id, feed=feed)
            assert clients[who].get(url).status_code == 200, url
            with count_queries() as q:
                assert clients[who].get(url).status_code == 200, url
            counts[f"{who} {url}"] = q.count
    return counts


def test_query_counts_stay_the_same_as_learners_join(app, admin, tutor, cohort, count_queries):
    """Do the new pages and the filtered pages make as many queries with 6 learners as with 46?"""
    cohort.add(3)
    learner = cohort.made["spring"][0]
    clients = {"tutor": sign_in(app, tutor), "admin": cohort.admin_client, "learner": sign_in(app, learner)}
    page = clients["learner"].post("/account/calendar").get_data(as_text=True)
    feed = page.split('value="http://localhost', 1)[1].split('"', 1)[0]
    small = _counts(app, count_queries, clients, cohort, feed)
    cohort.add(20)
    large = _counts(app, count_queries, clients, cohort, feed)
    assert large == small
    assert max(small.values()) <= 16, small
