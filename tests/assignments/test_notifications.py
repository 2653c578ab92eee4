"""Mail about assignments: tutors' choice of at once or a daily digest, reminders, learners told of grades."""
from __future__ import annotations

import re

from sqlalchemy import select

from courseware.assignments.models import Submission, TutorMailPreference
from courseware.core.outbox import OutboxMessage
from courseware.extensions import db
from tests.factories import make_user
from tests.assignments.conftest import make_submission, submit


def messages(app, to=None):
    with app.app_context():
        stmt = select(OutboxMessage).order_by(OutboxMessage.id)
        if to:
            stmt = stmt.where(OutboxMessage.to_email == to)
        items = db.session.scalars(stmt).all()
        db.session.expunge_all()
        return items



def test_tutor_chooses_at_once_digest_or_nothing(app, learner, tutor, admin, signed_in):
    staff = signed_in(tutor)
    page = staff.get("/tutor/").get_data(as_text=True)
    assert 'name="new_submissions"' in page and re.search(r'<input checked [^>]*value="daily"', page)
    assert staff.post("/tutor/settings", data={"new_submissions": "instant"}).status_code == 302
    assert re.search(r'<input checked [^>]*value="instant"', staff.get("/tutor/").get_data(as_text=True))
    client = signed_in(learner)
    submit(client)
    [to_tutor] = messages(app, tutor.email)
    # At once: no MAIL_SERVER in the suite, so it was delivered (to the log) when the request ended.
    assert to_tutor.digest is None and to_tutor.status == "sent"
    assert messages(app, admin.email) == []  # admins hear nothing unless they opt in

    with app.app_context():
        assert db.session.get(TutorMailPreference, tutor.id).new_submissions == "instant"


def test_daily_digest_is_built_by_mail_send(app, learner, tutor, signed_in, runner):
    client = signed_in(learner)
    submit(client)
    [held] = messages(app, tutor.email)
    assert (held.status, held.digest) == ("held", "submissions")
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    digest = [m for m in messages(app, tutor.email) if m.digest is None]
    assert len(digest) == 1 and "digest of new submissions" in digest[0].subject


def test_tutor_who_opts_out_gets_no_mail(app, learner, tutor, signed_in):
    signed_in(tutor).post("/tutor/settings", data={"new_submissions": "off"})
    client = signed_in(learner)
    submit(client)
    assert messages(app, tutor.email) == []


def test_bad_mail_setting_is_refused(app, tutor, signed_in):
    response = signed_in(tutor).post("/tutor/settings", data={"new_submissions": "hourly"})
    assert response.status_code == 422
    with app.app_context():
        assert db.session.get(TutorMailPreference, tutor.id) is None


def test_new_submission_mail_under_anonymous_marking_names_nobody(app, learner, tutor, signed_in):
    client = signed_in(learner)
    submit(client, module="practice")
    [mail] = messages(app, tutor.email)
    assert "Lena Learner" not in mail.body and "Utrecht" not in mail.body and "anonymous" in mail.body


def test_reminder_goes_out_once_for_work_waiting_too_long(app, learner, other_learner, tutor, runner):
    """Does `assignments remind` mail tutors about work older than 5 days, and nobody twice?"""
    old = make_submission(app, learner.id, days_ago=6)
    make_submission(app, other_learner.id, days_ago=2)
    result = runner.invoke(args=["assignments", "remind"])
    assert result.exit_code == 0, result.output
    assert "reminded about 1 submission(s) waiting over 5 days" in result.output
    [reminder] = messages(app, tutor.email)
    assert "Reminder" in reminder.subject and f"/tutor/submissions/{old}/" in reminder.body
    assert "6 days" in reminder.body
    result = runner.invoke(args=["assignments", "remind"])
    assert "reminded about 0 submission(s)" in result.output
    assert len(messages(app, tutor.email)) == 1


def test_reminder_days_come_from_config(make_app, runner):
    app = make_app(ASSIGNMENT_REMINDER_DAYS=1)
    with app.app_context():
        learner = make_user(role="learner")
        tutor = make_user(role="tutor")
    make_submission(app, learner.id, days_ago=2)
    result = app.test_cli_runner().invoke(args=["assignments", "remind"])
    assert "reminded about 1 submission(s) waiting over 1 day\n" in result.output
    assert len(messages(app, tutor.email)) == 1


def test_reminders_skip_graded_work(app, learner, tutor, runner):
    make_submission(app, learner.id, status="passed", days_ago=30)
    runner.invoke(args=["assignments", "remind"])
    assert messages(app, tutor.email) == []
    with app.app_context():
        assert db.session.scalar(select(Submission.reminded_at)) is None


def test_reminder_from_cron_carries_full_links_from_base_url(make_app):
    """From cron (no request, no SERVER_NAME), does the reminder carry real links built from BASE_URL?"""
    app = make_app(SERVER_NAME=None, BASE_URL="https://course.example.org/learn")
    with app.app_context():
        learner = make_user(role="learner")
        tutor = make_user(role="tutor")
    sid = make_submission(app, learner.id, days_ago=8)
    result = app.test_cli_runner().invoke(args=["assignments", "remind"])
    assert result.exit_code == 0, result.output
    [reminder] = messages(app, tutor.email)
    assert f"https://course.example.org/learn/tutor/submissions/{sid}/" in reminder.body
    assert "The grading queue: https://course.example.org/learn/tutor/\n" in reminder.body
