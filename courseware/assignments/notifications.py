"""Mail about assignments, always through the outbox (courseware.core.outbox.queue_mail).

- Staff hear of new submissions at once or in the daily "submissions" digest, as each chose
  (tutors default to the digest, admins to no mail). Those mails, and the digest, carry a one-click
  opt-out link (core.mail.optout) that sets the preference to "no mail".
- `send_reminders` mails staff about work waiting longer than ASSIGNMENT_REMINDER_DAYS.
- Learners hear when their work is graded or a grade is corrected.
Under anonymous marking, no mail to staff names the learner of work not yet graded.
"""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import select, update

from flask import Flask

from ..accounts.models import Role, User
from ..core.mail.optout import OptOut, Target, register_optout, unsubscribe_url
from ..core.outbox import queue_mail, withdraw_held
from ..core.site import Site
from ..core.vocabulary import MailPreference
from ..courses.content import Course, Module
from ..extensions import db
from .models import GradeEvent, Submission, SubmissionStatus, TutorMailPreference

NEW_SUBMISSIONS = "new-submissions"   # the opt-out kind
DIGEST = "submissions"                # the outbox's digest name


def default_preference(user: User) -> MailPreference:
    return MailPreference.DAILY if user.is_tutor else MailPreference.OFF


def preference_of(user: User) -> MailPreference:
    pref = db.session.get(TutorMailPreference, user.id)
    return pref.new_submissions if pref else default_preference(user)


def set_preference(user: User, choice: MailPreference | str) -> None:
    choice = MailPreference(choice)
    pref = db.session.get(TutorMailPreference, user.id)
    if pref is None:
        db.session.add(TutorMailPreference(user_id=user.id, new_submissions=choice))
    else:
        pref.new_submissions = choice
    db.session.flush()


def _staff_with_preferences() -> list[tuple[User, MailPreference]]:
    rows = db.session.execute(
        select(User, TutorMailPreference.new_submissions)
        .outerjoin(TutorMailPreference, TutorMailPreference.user_id == User.id)
        .where(User.active.is_(True), User.role.in_((Role.TUTOR, Role.ADMIN)))
        .order_by(User.id))
    return [(user, pref or default_preference(user)) for user, pref in rows]


def _who(learner: User, module: Module) -> str:
    if module.anonymous_marking:
        return "A learner (anonymous marking)"
    return f"{learner.name} ({learner.organisation})" if learner.organisation else learner.name


def new_submission(site: Site, submission: Submission, learner: User, module: Module) -> None:
    subject = f"New submission: {module.title}, version {submission.version}"
    body = (f"{_who(learner, module)} submitted version {submission.version} of the assignment "
            f"“{module.assignment.title}” in the module “{module.title}”.\n\n"
            f"Grade it here: {site.links.url('assignments.grade', submission_id=submission.id)}\n")
    for user, choice in _staff_with_preferences():
        if choice is MailPreference.OFF:
            continue
        stop = unsubscribe_url(site, user.id, NEW_SUBMISSIONS)
        if choice is MailPreference.DAILY:  # the digest ends with the same link, once
            queue_mail(user.email, subject, body, user_id=user.id, dedupe_key=f"submission:{submission.id}:{user.id}",
                       digest=DIGEST, unsubscribe_url=stop)
        else:
            queue_mail(user.email, subject, f"{body}\n—\nStop mails about new submissions (no sign-in needed): {stop}\n",
                       user_id=user.id, dedupe_key=f"submission:{submission.id}:{user.id}", unsubscribe_url=stop)


def graded(site: Site, event: GradeEvent, submission: Submission, module: Module, tutor: User) -> None:
    learner = db.session.get(User, submission.user_id)
    if learner is None or not learner.active:
        return
    outcome = event.status.value
    verb = "corrected the grade of" if event.is_correction else "graded"
    link = site.links.url("assignments.assignment_page", module_slug=module.slug)
    body = (f"Hello {learner.name},\n\n{tutor.name} {verb} version {submission.version} of your assignment "
            f"“{module.assignment.title}” in the module “{module.title}”: {outcome}.\n\n"
            f"Feedback:\n\n{event.feedback.strip()}\n\n"
            + ("" if event.is_pass else "You can now send a revised version.\n\n")
            + f"See your submissions and feedback: {link}\n")
    subject = f"Your assignment for “{module.title}”: {outcome}"
    queue_mail(learner.email, subject, body, user_id=learner.id, dedupe_key=f"graded:{event.id}")


def days_text(n: int) -> str:
    """A number of days in words: "1 day", "5 days"."""
    return f"{n} day" if n == 1 else f"{n} days"


def send_reminders(site: Site, course: Course, now: datetime, days: int | None = None) -> int:
    """Queue one reminder per member of staff listing work waiting longer than `days` and not yet
    reminded about. Returns how many submissions were newly reminded about.

    Each submission is reminded about once (`reminded_at`); the dedupe key (a hash of the
    submissions listed) keeps two runs at the same moment from mailing anyone twice.
    """
    days = site.setting("ASSIGNMENT_REMINDER_DAYS") if days is None else days
    overdue = db.session.execute(
        select(Submission.id, Submission.module_slug, Submission.version, Submission.submitted_at)
        .where(Submission.status == SubmissionStatus.SUBMITTED, Submission.reminded_at.is_(None),
               Submission.submitted_at < now - timedelta(days=days))
        .order_by(Submission.submitted_at, Submission.id)).all()
    if not overdue:
        return 0
    lines = []
    for sid, slug, version, submitted_at in overdue:
        module = course.module(slug)
        waited = (now - submitted_at).days
        lines.append(f"- {module.title if module else slug}, version {version}: waiting {days_text(waited)} — "
                     f"{site.links.url('assignments.grade', submission_id=sid)}")
    digest = hashlib.sha256(",".join(str(row[0]) for row in overdue).encode()).hexdigest()[:24]
    body = (f"{len(overdue)} submission{'s have' if len(overdue) != 1 else ' has'} waited longer than "
            f"{days_text(days)} for a grade:\n\n" + "\n".join(lines)
            + f"\n\nThe grading queue: {site.links.url('assignments.queue')}\n")
    subject = f"Reminder: {len(overdue)} submission{'s' if len(overdue) != 1 else ''} waiting over {days_text(days)}"
    recipients = [u for u, _ in _staff_with_preferences() if u.is_tutor]
    if not recipients:  # nobody grades yet: tell the admins instead
        recipients = [u for u, _ in _staff_with_preferences()]
    for user in recipients:
        queue_mail(user.email, subject, body, user_id=user.id, dedupe_key=f"assignment-reminder:{user.id}:{digest}")
    db.session.execute(update(Submission).where(Submission.id.in_([row[0] for row in overdue]),
                                                Submission.reminded_at.is_(None))
                       .values(reminded_at=now).execution_options(synchronize_session=False))
    return len(overdue)


# The opt-out link: "stop" sets the preference to no mail, which ends both the single mails and the digest.

UNDO = "You can switch them on again under “Your mail about new submissions” on the grading queue page once signed in."


def _describe_optout(user_id: int, _: str) -> Target | None:
    user = db.session.get(User, user_id)
    if user is None:
        return None
    return Target(user.email, "Mails about new submissions, one by one or as a daily digest", UNDO)


def _stop(user_id: int, _: str) -> None:
    user = db.session.get(User, user_id)
    set_preference(user, MailPreference.OFF)
    withdraw_held(user.id, DIGEST)


def init_app(app: Flask) -> None:
    register_optout(app, OptOut(NEW_SUBMISSIONS, describe=_describe_optout, stop=_stop))
