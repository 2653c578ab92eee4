"""`flask privacy retention`: data kept no longer than the policy says, with a warning before an account goes."""
from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import func, select, update

from courseware.accounts.models import User
from courseware.assignments import storage
from courseware.assignments.models import Submission
from courseware.certificates.models import Certificate
from courseware.core.outbox import OutboxMessage, OutboxStatus
from courseware.core.personal_data import registered
from courseware.core.site import current_site
from courseware.core.time import utcnow
from courseware.extensions import db
from courseware.forums.models import Post, Thread
from courseware.privacy import retention
from courseware.privacy.models import RetentionAction, RetentionNotice, RetentionRecord
from tests.certificates.helpers import earn_everything, grade, latest_submission_id
from tests.conftest import sign_in
from tests.factories import make_user

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
DAY = timedelta(days=1)


def last_used(app, user, ago: timedelta) -> None:
    """Pretend the account was last signed in to `ago` before now."""
    with app.app_context():
        moment = utcnow() - ago
        db.session.execute(update(User).where(User.id == user.id).values(last_login_at=moment, created_at=moment - DAY))
        db.session.commit()


def run(app, at):
    with app.app_context():
        done = retention.run(current_site(), registered(app), "Smart charging", at)
        db.session.remove()
        return done


def queued(app, email: str) -> list[OutboxMessage]:
    """The mail queued for `email` (the retention run queues; `flask mail send` delivers)."""
    with app.app_context():
        messages = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_email == email)
                                      .order_by(OutboxMessage.id)).all()
        db.session.expunge_all()
        return messages


def records(app) -> list[tuple]:
    with app.app_context():
        return [(r.action, r.account_id, r.submission_id, r.count) for r in
                db.session.scalars(select(RetentionRecord).order_by(RetentionRecord.id))]


def test_an_inactive_account_is_warned_then_erased_as_by_account_delete(app, client, learner, tutor):
    """Three years unused: a warning mail says how to keep the account (sign in); 30 days later, still unused,
    the account is erased as /account/delete erases it: posts stay under "deleted user", the certificate is revoked."""
    client = sign_in(app, learner)
    earn_everything(app, client, learner, sign_in(app, tutor))
    assert client.post("/certificate/").status_code in (302, 303)
    last_used(app, learner, timedelta(days=3 * 365 - 20))
    now = utcnow()

    done = run(app, now)
    assert done.warned == 1 and done.erased == 0
    warning = queued(app, learner.email)[-1]
    text = warning.body
    assert "will be deleted after" in warning.subject
    assert "To keep your account, simply sign in before" in text and "http://localhost/login" in text
    assert "3 years" in text and "deleted user" in text
    with app.app_context():
        notice = db.session.get(RetentionNotice, learner.id)
        assert notice.erase_after >= now + timedelta(days=30) - timedelta(seconds=1)

    # Nothing more happens until the warning period is over; then the account goes.
    assert run(app, now + 5 * DAY).erased == 0
    assert run(app, now + 29 * DAY).erased == 0
    done = run(app, now + 31 * DAY)
    assert done.erased == 1
    with app.app_context():
        assert db.session.get(User, learner.id) is None
        posts = db.session.scalars(select(Post).where(Post.author_id.is_(None), Post.by_course_team.is_(False))).all()
        assert posts, "the posts stay, without their author"
        certificate = db.session.scalar(select(Certificate))
        assert certificate.is_revoked and certificate.revocation_reason == "account deleted"
        assert certificate.learner_name == "deleted user"
        thread = db.session.get(Thread, posts[0].thread_id)
        thread_id, module = thread.id, thread.module_slug
        db.session.remove()
    assert [(a, i) for a, i, _, _ in records(app)] == [(RetentionAction.WARNED, learner.id),
                                                       (RetentionAction.ERASED, learner.id)]
    other = sign_in(app, tutor)
    page = other.get(f"/modules/{module}/forum/{thread_id}/").get_data(as_text=True)
    assert "deleted user" in page and "Lena Learner" not in page


def test_signing_in_keeps_the_account(app, client, learner):
    last_used(app, learner, timedelta(days=3 * 365 - 10))
    now = utcnow()
    assert run(app, now).warned == 1
    client = sign_in(app, learner)                       # the learner reads the mail and signs in
    done = run(app, now + 40 * DAY)
    assert done.erased == 0 and done.warned == 0
    with app.app_context():
        assert db.session.get(User, learner.id) is not None
        assert db.session.get(RetentionNotice, learner.id) is None, "the warning no longer applies"


def test_admins_are_never_erased_automatically_but_tutors_are(app, admin, tutor):
    for person in (admin, tutor):
        last_used(app, person, timedelta(days=4 * 365))
    now = utcnow()
    assert run(app, now).warned == 1
    assert run(app, now + 31 * DAY).erased == 1
    with app.app_context():
        assert db.session.get(User, admin.id) is not None
        assert db.session.get(User, tutor.id) is None


def test_a_graded_attachment_is_removed_after_a_year_with_a_note(app, client, learner, tutor):
    client = sign_in(app, learner)
    response = client.post("/modules/basics/assignment/", content_type="multipart/form-data",
                           data={"body": "My plan, attached.", "attachment": (io.BytesIO(PNG), "plan.png")})
    assert response.status_code in (302, 303)
    submission_id = latest_submission_id(app, learner.id, "basics")
    grade(sign_in(app, tutor), submission_id)
    with app.app_context():
        key = db.session.get(Submission, submission_id).attachment_key
        path = storage.for_site(current_site()).path_of(key)
    assert path.exists()

    assert run(app, utcnow() + 300 * DAY).attachments == 0
    done = run(app, utcnow() + 366 * DAY)
    assert done.attachments == 1
    assert not path.exists()
    with app.app_context():
        submission = db.session.get(Submission, submission_id)
        assert submission.attachment_key is None and submission.attachment_removed_at is not None
        assert submission.body == "My plan, attached."
    page = client.get("/modules/basics/assignment/").get_data(as_text=True)
    assert "was removed on" in page and "under the retention policy" in page and "plan.png" in page
    assert client.get(f"/submissions/{submission_id}/attachment").status_code == 404
    assert records(app)[-1][:3] == (RetentionAction.ATTACHMENT_REMOVED, learner.id, submission_id)


def test_finished_mail_records_go_after_90_days_and_waiting_mail_never(app):
    now = utcnow()
    with app.app_context():
        old = now - 91 * DAY
        for status in (OutboxStatus.SENT, OutboxStatus.FAILED, OutboxStatus.DIGESTED, OutboxStatus.PENDING,
                       OutboxStatus.HELD):
            db.session.add(OutboxMessage(to_email="x@example.org", subject=status.value, body="b", status=status,
                                         created_at=old, next_attempt_at=now + 365 * DAY))
        db.session.add(OutboxMessage(to_email="y@example.org", subject="recent", body="b", status=OutboxStatus.SENT,
                                     created_at=now - 10 * DAY))
        db.session.commit()
    assert run(app, now).mail == 3
    with app.app_context():
        left = set(db.session.scalars(select(OutboxMessage.subject)))
    assert left == {"pending", "held", "recent"}
    assert records(app)[-1] == (RetentionAction.MAIL_DELETED, None, None, 3)


def test_dry_run_lists_and_changes_nothing(app, runner, learner, admin):
    last_used(app, learner, timedelta(days=3 * 365 + 40))
    last_used(app, admin, timedelta(days=3 * 365 + 40))
    with app.app_context():
        db.session.add(OutboxMessage(to_email="x@example.org", subject="s", body="b", status=OutboxStatus.SENT,
                                     created_at=utcnow() - 100 * DAY))
        db.session.commit()
    result = runner.invoke(args=["privacy", "retention", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Dry run: nothing is changed" in result.output
    assert f"would warn account {learner.id} ({learner.email})" in result.output
    assert "would delete 1 finished mail record(s)" in result.output
    assert f"admin account {admin.id}" in result.output and "not erased automatically" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(RetentionNotice.user_id))) == 0
        assert db.session.scalar(select(func.count(RetentionRecord.id))) == 0
        assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1
    assert not queued(app, learner.email)

    result = runner.invoke(args=["privacy", "retention"])
    assert result.exit_code == 0, result.output
    assert "Warned 1, erased 0 account(s), removed 0 attachment(s), deleted 1 mail record(s)." in result.output
    assert [m.subject for m in queued(app, learner.email)][0].startswith("Your account for")


def test_admins_see_what_is_due_and_what_was_done(app, client, admin, learner, other_learner):
    last_used(app, learner, timedelta(days=3 * 365 - 5))          # due for a warning now
    last_used(app, other_learner, timedelta(days=3 * 365 - 50))   # due within 30 days
    run(app, utcnow())
    last_used(app, other_learner, timedelta(days=3 * 365 - 50))
    client = sign_in(app, admin)
    assert 'href="/admin/retention/"' in client.get("/admin/").get_data(as_text=True)
    page = client.get("/admin/retention/").get_data(as_text=True)
    assert "Data retention" in page and "3 years" in page and "30 days" in page
    assert "Warned before erasure" in page                       # what was done
    due_now = page.split('id="due"')[1].split('id="soon"')[0]
    soon = page.split('id="soon"')[1].split('id="done"')[0]
    assert "Lena Learner" not in due_now, "already warned: not due again"
    assert "Otto Other" in soon.split('id="soon-erase"')[0]        # to be warned within 30 days
    assert "Lena Learner" in soon.split('id="soon-erase"')[1]      # to be erased within 30 days


def test_the_privacy_notice_states_the_periods_of_the_settings(make_app):
    page = make_app().test_client().get("/privacy/").get_data(as_text=True)
    assert "nobody has signed in to for 3 years" in page
    assert "30 days before" in page
    assert "deleted 1 year after a tutor graded" in page
    assert "deleted 90 days" in page
    page = make_app(RETENTION_INACTIVE_ACCOUNT_DAYS=730, RETENTION_WARNING_DAYS=14, RETENTION_ATTACHMENT_DAYS=180,
                    RETENTION_MAIL_DAYS=0).test_client().get("/privacy/").get_data(as_text=True)
    assert "nobody has signed in to for 2 years" in page and "14 days before" in page
    assert "deleted 180 days after a tutor graded" in page
    assert "Our record of each mail" not in page


def test_a_period_of_zero_keeps_that_data(make_app):
    app = make_app(RETENTION_INACTIVE_ACCOUNT_DAYS=0, RETENTION_ATTACHMENT_DAYS=0, RETENTION_MAIL_DAYS=0)
    with app.app_context():
        user = make_user(email="old@city.example")
    last_used(app, user, timedelta(days=20 * 365))
    done = run(app, utcnow())
    assert (done.warned, done.erased, done.attachments, done.mail) == (0, 0, 0, 0)
