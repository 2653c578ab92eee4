"""Announcements: posted by tutors and admins to one edition or all, shown on the course home until read or
dismissed, mailed once per person through the outbox (even when two mail runs overlap), with an opt-out."""
from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select

from courseware.core import outbox as outbox_module
from courseware.core.outbox import OutboxMessage
from courseware.editions.models import Announcement
from courseware.extensions import db
from tests.conftest import sign_in
from tests.editions.helpers import admin_client, create_edition, put_in
from tests.factories import make_user


@pytest.fixture
def two_editions(app, admin, learner, other_learner):
    client = admin_client(app, admin)
    spring = create_edition(client, "Spring 2027")
    autumn = create_edition(client, "Autumn 2027")
    put_in(app, learner.id, spring)
    put_in(app, other_learner.id, autumn)
    return spring, autumn


def _post(client, title, body, edition="all"):
    return client.post("/announcements/", data={"title": title, "body": body, "edition": str(edition)})


def test_an_announcement_reaches_its_edition_only(app, tutor, learner, other_learner, two_editions):
    spring, _ = two_editions
    staff = sign_in(app, tutor)
    assert _post(staff, "Kick-off on Monday", "Join us for the **kick-off**.", spring).status_code == 303
    assert _post(staff, "Welcome, everyone", "Hello to all learners.").status_code == 303
    mine, theirs = sign_in(app, learner), sign_in(app, other_learner)
    page = mine.get("/announcements/").get_data(as_text=True)
    assert "Kick-off on Monday" in page and "<strong>kick-off</strong>" in page and "Welcome, everyone" in page
    other = theirs.get("/announcements/").get_data(as_text=True)
    assert "Welcome, everyone" in other and "Kick-off on Monday" not in other
    with app.app_context():
        spring_id = db.session.scalar(select(Announcement.id).where(Announcement.title == "Kick-off on Monday"))
    # Someone else's edition's announcement: as if it did not exist.
    assert theirs.post(f"/announcements/{spring_id}/read").status_code == 404


def test_announcement_markdown_is_sanitised(app, tutor, learner):
    staff = sign_in(app, tutor)
    _post(staff, "Careful", "<script>alert(1)</script> [link](javascript:alert(1)) <b onclick=x>bold</b>")
    client = sign_in(app, learner)
    html = client.get("/announcements/").get_data(as_text=True)
    assert "<script>alert(1)" not in html and 'href="javascript' not in html and "<b onclick" not in html


def test_the_home_page_shows_announcements_until_read_or_dismissed(app, tutor, learner, client):
    staff = sign_in(app, tutor)
    _post(staff, "First news", "One.")
    _post(staff, "Second news", "Two.")
    client = sign_in(app, learner)
    home = client.get("/").get_data(as_text=True)
    assert ">First news</h3>" in home and ">Second news</h3>" in home
    with app.app_context():
        first, second = db.session.scalars(select(Announcement.id).order_by(Announcement.id)).all()
    assert client.post(f"/announcements/{first}/dismiss", data={"next": "/"}).status_code == 303
    home = client.get("/").get_data(as_text=True)
    assert ">First news</h3>" not in home and ">Second news</h3>" in home
    assert client.post(f"/announcements/{second}/read").status_code == 303
    assert "Second news" not in client.get("/").get_data(as_text=True)
    # Still on the announcements page.
    page = client.get("/announcements/").get_data(as_text=True)
    assert "First news" in page and "Second news" in page and "tag-new" not in page


def test_mark_all_as_read(app, tutor, learner, client):
    staff = sign_in(app, tutor)
    for n in range(3):
        _post(staff, f"News {n}", "Text.")
    client = sign_in(app, learner)
    assert "3 unread" in client.get("/announcements/").get_data(as_text=True)
    assert client.post("/announcements/read-all").status_code == 303
    assert "News 0" not in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("data, field, message", [
    ({"title": "", "body": "Text", "edition": "all"}, "title", "Give the announcement a title."),
    ({"title": "T", "body": "   ", "edition": "all"}, "body", "Write the announcement."),
    ({"title": "T", "body": "Text", "edition": "999999"}, "edition", "Choose an edition from the list"),
    ({"title": "T", "body": "Text", "edition": "spring"}, "edition", "Choose an edition from the list"),
    ({"title": "T" * 201, "body": "Text", "edition": "all"}, "title", "under 200 characters"),
])
def test_bad_announcement_input_changes_nothing(app, tutor, data, field, message):
    staff = sign_in(app, tutor)
    response = staff.post("/announcements/", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html and message in html
    with app.app_context():
        assert db.session.scalar(select(func.count(Announcement.id))) == 0
        assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_learners_cannot_post(app, learner, client):
    client = sign_in(app, learner)
    assert _post(client, "Mine", "Text").status_code == 403


def test_announcement_mail_goes_out_once_each_even_when_two_mail_runs_overlap(make_app, monkeypatch):
    """With a mail server set (nothing delivered by the request itself), two `flask mail send` started
    together deliver every learner's message exactly once."""
    app = make_app(MAIL_SERVER="mail.example.invalid")
    with app.app_context():
        learners = [make_user(role="learner", email=f"learner{n}@city.example") for n in range(12)]
        tutor = make_user(role="tutor", email="tutor@course.example")
        opted_out = make_user(role="learner", email="quiet@city.example")
    quiet = sign_in(app, opted_out)
    assert quiet.post("/announcements/settings", data={"session_reminders": "y"}).status_code == 303

    sent, lock = [], threading.Lock()

    class SlowTransport:
        def send(self, mail):
            time.sleep(0.02)      # long enough for the two runs to overlap
            with lock:
                sent.append((mail.to, mail.subject))

        def close(self):
            pass
    monkeypatch.setattr(outbox_module, "transport_for", lambda settings: SlowTransport())

    staff = sign_in(app, tutor)
    response = _post(staff, "Kick-off webinar", "Monday at 10:00.")
    assert response.status_code == 303
    assert sent == []          # queued with the announcement, not sent by the request
    runner = app.test_cli_runner()
    results = []
    threads = [threading.Thread(target=lambda: results.append(runner.invoke(args=["mail", "send"]))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert all(r.exit_code == 0 for r in results), [r.output for r in results]
    recipients = sorted(to for to, subject in sent if subject == "Announcement: Kick-off webinar")
    assert recipients == sorted(u.email for u in learners)          # each once; not the opted-out one
    # A third run finds nothing more to send.
    assert runner.invoke(args=["mail", "send"]).exit_code == 0
    assert len(sent) == len(learners)


def test_announcement_mail_is_written_for_its_reader(app, tutor, learner, outbox):
    staff = sign_in(app, tutor)
    _post(staff, "Kick-off webinar", "Monday at **10:00**.")
    mail = [m for m in outbox if m["To"] == learner.email]
    assert len(mail) == 1
    body = mail[0].get_content()
    assert "Hello Lena Learner" in body and "Monday at **10:00**." in body
    assert "http://localhost/announcements/" in body and "To stop announcement mail" in body
