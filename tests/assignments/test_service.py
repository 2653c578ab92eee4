"""The assignment rules as service functions, without HTTP, with the time passed in.

`save_work` (drafts and submissions), `grade_submission` (grades, corrections, claims) and
`send_reminders` (work waiting too long) each take `now`; the tests put it just before and just
after every boundary: a tutor's claim lapsing after ASSIGNMENT_CLAIM_MINUTES, a reminder falling
due after ASSIGNMENT_REMINDER_DAYS.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from courseware.accounts.models import User
from courseware.assignments import service
from courseware.assignments.models import GradeEvent, Submission, SubmissionStatus
from courseware.assignments.notifications import send_reminders
from courseware.assignments.service import StateConflict, grade_submission, save_work
from courseware.core.errors import DomainError
from courseware.core.outbox import OutboxMessage
from courseware.core.site import current_site
from courseware.courses.content import get_course
from courseware.extensions import db
from tests.factories import make_user

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
SECOND = timedelta(seconds=1)
CLAIM = timedelta(minutes=30)      # ASSIGNMENT_CLAIM_MINUTES, the default the suite runs with
REMIND = timedelta(days=5)         # ASSIGNMENT_REMINDER_DAYS


@pytest.fixture
def ctx(app):
    """An app context for the whole test: the services run in it as they do in a request or a command."""
    with app.app_context():
        yield
        db.session.rollback()


@pytest.fixture
def people(ctx, learner, tutor):
    """The learner, the tutor, a second tutor, as database rows."""
    theo = make_user(role="tutor", name="Theo Second", email="theo@course.example")
    return (db.session.get(User, learner.id), db.session.get(User, tutor.id), db.session.get(User, theo.id))


def basics():
    return get_course().module("basics")


def submit(user, body="Our depot has forty chargers.", now=T0, **kwargs) -> Submission:
    return save_work(current_site(), user, basics(), body, None, submit=True, now=now, **kwargs).submission


def grade(submission, tutor, decision="pass", now=T0 + timedelta(hours=1), lock=None, feedback="Clear.") -> GradeEvent:
    return grade_submission(current_site(), submission, tutor, basics(), decision=decision, feedback=feedback,
                            criteria_met=[], lock=lock, now=now)


def outbox_to(email: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_email == email)
                                   .order_by(OutboxMessage.id)))


# save_work -----------------------------------------------------------------------------------

def test_a_draft_is_kept_in_place_until_it_is_submitted(people):
    """Is a draft saved as version 1, updated in place by a later save, and submitted as that same
    row, with the times given and mail to the tutor only on submitting?"""
    learner, tutor, _ = people
    first = save_work(current_site(), learner, basics(), "First thoughts", None, submit=False, now=T0).submission
    assert (first.version, first.status, first.created_at, first.submitted_at) == (1, "draft", T0, None)
    assert outbox_to(tutor.email) == []
    later = T0 + timedelta(hours=2)
    again = save_work(current_site(), learner, basics(), "Better thoughts", None, submit=False, now=later).submission
    assert again.id == first.id and again.body == "Better thoughts" and again.updated_at == later
    sent = submit(learner, "Final thoughts", now=later + timedelta(hours=1))
    assert sent.id == first.id
    assert (sent.status, sent.version, sent.submitted_at) == ("submitted", 1, later + timedelta(hours=1))
    [mail] = outbox_to(tutor.email)
    assert "version 1" in mail.subject


@pytest.mark.parametrize("body", ["", "   \n\t "])
def test_empty_work_is_refused(people, body):
    learner, _, _ = people
    with pytest.raises(DomainError) as refused:
        save_work(current_site(), learner, basics(), body, None, submit=True, now=T0)
    assert refused.value.field == "body" and "Write your answer" in refused.value.message
    assert db.session.scalars(select(Submission)).all() == []


def test_text_over_the_limit_is_refused_and_at_the_limit_accepted(people):
    learner, _, _ = people
    with pytest.raises(DomainError) as refused:
        submit(learner, "x" * (service.MAX_BODY_LENGTH + 1))
    assert refused.value.field == "body"
    assert submit(learner, "x" * service.MAX_BODY_LENGTH).status == "submitted"


def test_nothing_more_while_a_version_waits_or_after_a_pass(people):
    """Is a second submission or a draft refused while version 1 waits, and anything after it passed?"""
    learner, tutor, _ = people
    waiting = submit(learner)
    for submit_it in (True, False):
        with pytest.raises(StateConflict, match="waiting for a tutor"):
            save_work(current_site(), learner, basics(), "More", None, submit=submit_it, now=T0 + SECOND)
    grade(waiting, tutor, "pass")
    with pytest.raises(StateConflict, match="has passed"):
        submit(learner, "Even more", now=T0 + timedelta(days=1))
    assert [s.version for s in db.session.scalars(select(Submission))] == [1]


def test_after_a_revision_request_a_new_version_starts_and_the_old_is_kept(people):
    """Does submitting after "needs revision" create version 2 and bump version 1's counter, so a
    tutor's correction of version 1 from a page opened before fails?"""
    learner, tutor, _ = people
    v1 = submit(learner, "Version one")
    grade(v1, tutor, "revise")
    lock_seen_by_tutor = v1.lock_version
    v2 = submit(learner, "Version two", now=T0 + timedelta(days=1))
    assert (v2.version, v2.status, v2.body) == (2, "submitted", "Version two")
    db.session.refresh(v1)
    assert (v1.status, v1.body, v1.lock_version) == ("needs revision", "Version one", lock_seen_by_tutor + 1)
    with pytest.raises(StateConflict, match="latest version"):
        grade(v1, tutor, "pass", lock=lock_seen_by_tutor, now=T0 + timedelta(days=1, hours=1))


# grade_submission ----------------------------------------------------------------------------

@pytest.mark.parametrize("decision, feedback, field", [
    ("fail", "Fine", "decision"), ("", "Fine", "decision"),
    ("pass", "", "feedback"), ("pass", "  \n ", "feedback"),
    ("pass", "x" * (service.MAX_BODY_LENGTH + 1), "feedback"),
])
def test_bad_decisions_are_refused_and_change_nothing(people, decision, feedback, field):
    learner, tutor, _ = people
    work = submit(learner)
    with pytest.raises(DomainError) as refused:
        grade(work, tutor, decision, feedback=feedback)
    assert refused.value.field == field
    db.session.refresh(work)
    assert work.status == "submitted" and db.session.scalars(select(GradeEvent)).all() == []


def test_a_first_grade_records_the_decision_the_time_and_tells_the_learner(people):
    learner, tutor, _ = people
    work = submit(learner)
    when = T0 + timedelta(hours=3)
    event = grade(work, tutor, "revise", now=when, feedback="Name *the city*.")
    assert (event.decision, event.is_correction, event.created_at, event.tutor_id) == ("revise", False, when, tutor.id)
    assert (work.status, work.graded_at, work.graded_by_id, work.claimed_by_id) == (
        "needs revision", when, tutor.id, None)
    [mail] = outbox_to(learner.email)
    assert "needs revision" in mail.subject and "Name *the city*." in mail.body


def test_drafts_are_never_graded(people):
    learner, tutor, _ = people
    draft = save_work(current_site(), learner, basics(), "Unfinished", None, submit=False, now=T0).submission
    with pytest.raises(StateConflict, match="draft"):
        grade(draft, tutor)


def test_a_correction_needs_the_counter_the_page_showed(people):
    """Is a graded version refused without `lock`, corrected (both events kept) with the counter the
    page showed, and left alone with an older counter?"""
    learner, tutor, theo = people
    work = submit(learner)
    grade(work, tutor, "pass")
    with pytest.raises(StateConflict, match="already been graded"):
        grade(work, theo, "revise")
    seen = work.lock_version
    correction = grade(work, theo, "revise", lock=seen, now=T0 + timedelta(days=1))
    assert correction.is_correction and work.status == "needs revision" and work.graded_by_id == theo.id
    with pytest.raises(StateConflict, match="Someone else saved a grade"):
        grade(work, tutor, "pass", lock=seen, now=T0 + timedelta(days=2))
    events = db.session.scalars(select(GradeEvent).order_by(GradeEvent.id)).all()
    assert [(e.tutor_id, e.decision, e.is_correction) for e in events] == [
        (tutor.id, "pass", False), (theo.id, "revise", True)]


@pytest.mark.parametrize("after, holder_wins", [
    (CLAIM - SECOND, True),       # the claim still holds
    (CLAIM, True),                # exactly 30 minutes: still held (a claim lapses only after the limit)
    (CLAIM + SECOND, False),      # lapsed: anyone may grade
])
def test_a_claim_holds_for_the_claim_minutes_then_lapses(people, after, holder_wins):
    """Tara takes the submission at T0; Theo grades it `after` later: is he refused (and told who has
    it) while the claim holds, and does his grade count once it has lapsed?"""
    learner, tara, theo = people
    work = submit(learner, now=T0 - timedelta(days=1))
    assert service.claim(current_site(), work, tara, now=T0)
    now = T0 + after
    assert service.claim_holder(work, current_site(), now) == (tara.id if holder_wins else None)
    if holder_wins:
        with pytest.raises(StateConflict, match="Tara Tutor is grading this submission now"):
            grade(work, theo, "pass", now=now)
        assert not service.claim(current_site(), work, theo, now=now)
        db.session.refresh(work)
        assert (work.status, work.claimed_by_id) == ("submitted", tara.id)
    else:
        assert grade(work, theo, "pass", now=now).tutor_id == theo.id
        assert (work.status, work.claimed_by_id, work.claimed_at) == ("passed", None, None)


def test_the_claim_holder_grades_and_the_claim_is_released(people):
    learner, tara, _ = people
    work = submit(learner)
    assert service.claim(current_site(), work, tara, now=T0 + SECOND)
    assert service.claim(current_site(), work, tara, now=T0 + 2 * SECOND)   # taking it again is fine
    grade(work, tara, "pass", now=T0 + CLAIM)
    assert (work.status, work.claimed_by_id) == ("passed", None)
    assert not service.claim(current_site(), work, tara, now=T0 + CLAIM + SECOND)   # graded work is not taken


# send_reminders ------------------------------------------------------------------------------

def sent_at(learner_id: int, when: datetime, status=SubmissionStatus.SUBMITTED, module="basics") -> Submission:
    row = Submission(user_id=learner_id, module_slug=module, version=1, status=status, body="Work",
                     body_html="<p>Work</p>", words=1, created_at=when, updated_at=when, submitted_at=when)
    db.session.add(row)
    db.session.flush()
    return row


@pytest.mark.parametrize("waited, due", [(REMIND - SECOND, False), (REMIND, False), (REMIND + SECOND, True)])
def test_a_reminder_falls_due_after_the_reminder_days(people, waited, due):
    """Work sent `waited` before `now`: is it in a reminder only once it has waited longer than 5 days?"""
    learner, tutor, _ = people
    work = sent_at(learner.id, T0 - waited)
    assert send_reminders(current_site(), get_course(), now=T0) == (1 if due else 0)
    db.session.refresh(work)
    assert (work.reminded_at == T0) is due
    assert len(outbox_to(tutor.email)) == (1 if due else 0)


def test_each_submission_is_reminded_about_once_and_lists_how_long_it_waited(people):
    learner, tutor, theo = people
    old = sent_at(learner.id, T0 - timedelta(days=9, hours=3))
    assert send_reminders(current_site(), get_course(), now=T0) == 1
    for staff in (tutor, theo):   # every tutor hears
        [mail] = outbox_to(staff.email)
        assert mail.subject == "Reminder: 1 submission waiting over 5 days"
        assert "waiting 9 days" in mail.body and f"/tutor/submissions/{old.id}/" in mail.body
    assert send_reminders(current_site(), get_course(), now=T0 + timedelta(days=3)) == 0
    assert len(outbox_to(tutor.email)) == 1


@pytest.mark.parametrize("status", [SubmissionStatus.DRAFT, SubmissionStatus.PASSED,
                                    SubmissionStatus.NEEDS_REVISION])
def test_only_waiting_work_is_reminded_about(people, status):
    learner, tutor, _ = people
    sent_at(learner.id, T0 - timedelta(days=30), status=status)
    assert send_reminders(current_site(), get_course(), now=T0) == 0
    assert outbox_to(tutor.email) == []


def test_days_can_be_given_and_admins_hear_when_there_is_no_tutor(ctx, learner, admin):
    """With no tutor registered, are the admins reminded instead; does `days` override the setting; and is
    one day written "1 day"?"""
    sent_at(learner.id, T0 - timedelta(days=2))
    assert send_reminders(current_site(), get_course(), now=T0) == 0
    assert send_reminders(current_site(), get_course(), now=T0, days=1) == 1
    [mail] = outbox_to(admin.email)
    assert mail.subject == "Reminder: 1 submission waiting over 1 day"
    assert "1 submission has waited longer than 1 day for a grade:" in mail.body
    assert "version 1: waiting 2 days" in mail.body
