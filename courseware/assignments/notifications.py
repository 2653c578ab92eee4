"""Mail about assignments, always through the outbox (courseware.core.outbox.queue_mail).

- Staff hear of new submissions at once or in the daily "submissions" digest, as each chose
  (tutors default to the digest, admins to no mail).
- `send_reminders` mails staff about work waiting longer than ASSIGNMENT_REMINDER_DAYS.
- Learners hear when their work is graded or a grade is corrected.
Under anonymous marking, no mail to staff names the learner of work not yet graded.
"""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from flask import current_app, url_for
from sqlalchemy import select, update

from ..accounts.models import Role, User
from ..core.outbox import queue_mail
from ..core.time import utcnow
from ..courses.content import Module, get_course
from ..extensions import db
from .models import (MAIL_AT_ONCE, MAIL_DAILY, MAIL_OFF, PASS, SUBMITTED, GradeEvent, Submission,
                     TutorMailPreference)

DEFAULT_REMINDER_DAYS = 5


def _link(endpoint: str, **values) -> str:
    """An absolute link when the app knows its address (in a request, or SERVER_NAME set); else the path."""
    try:
        return url_for(endpoint, _external=True, **values)
    except RuntimeError:
        # The command line without SERVER_NAME: a path the reader can open on the course site.
        rule = next(r for r in current_app.url_map.iter_rules(endpoint))
        return rule.rule.replace("<int:submission_id>", str(values.get("submission_id", "")))


def default_preference(user: User) -> str:
    return MAIL_DAILY if user.role == Role.TUTOR.value else MAIL_OFF


def preference_of(user: User) -> str:
    pref = db.session.get(TutorMailPreference, user.id)
    return pref.new_submissions if pref else default_preference(user)


def set_preference(user: User, choice: str) -> None:
    if choice not in (MAIL_AT_ONCE, MAIL_DAILY, MAIL_OFF):
        raise ValueError(choice)
    pref = db.session.get(TutorMailPreference, user.id)
    if pref is None:
        db.session.add(TutorMailPreference(user_id=user.id, new_submissions=choice))
    else:
        pref.new_submissions = choice
    db.session.flush()


def _staff_with_preferences() -> list[tuple[User, str]]:
    rows = db.session.execute(
        select(User, TutorMailPreference.new_submissions)
        .outerjoin(TutorMailPreference, TutorMailPreference.user_id == User.id)
        .where(User.active.is_(True), User.role.in_((Role.TUTOR.value, Role.ADMIN.value)))
        .order_by(User.id))
    return [(user, pref or default_preference(user)) for user, pref in rows]


def _who(learner: User, module: Module) -> str:
    if module.anonymous_marking:
        return "A learner (anonymous marking)"
    return f"{learner.name} ({learner.organisation})" if learner.organisation else learner.name


def new_submission(submission: Submission, learner: User, module: Module) -> None:
    subject = f"New submission: {module.title}, version {submission.version}"
    body = (f"{_who(learner, module)} submitted version {submission.version} of the assignment "
            f"“{module.assignment.title}” in the module “{module.title}”.\n\n"
            f"Grade it here: {_link('tutor.grade', submission_id=submission.id)}\n")
    for user, choice in _staff_with_preferences():
        if choice == MAIL_OFF:
            continue
        queue_mail(user.email, subject, body, user_id=user.id, dedupe_key=f"submission:{submission.id}:{user.id}",
                   digest="submissions" if choice == MAIL_DAILY else None)


def graded(event: GradeEvent, submission: Submission, module: Module, tutor: User) -> None:
    learner = db.session.get(User, submission.user_id)
    if learner is None or not learner.active:
        return
    outcome = "passed" if event.decision == PASS else "needs revision"
    verb = "corrected the grade of" if event.is_correction else "graded"
    link = _link("assignments.assignment_page", module_slug=module.slug)
    body = (f"Hello {learner.name},\n\n{tutor.name} {verb} version {submission.version} of your assignment "
            f"“{module.assignment.title}” in the module “{module.title}”: {outcome}.\n\n"
            f"Feedback:\n\n{event.feedback.strip()}\n\n"
            + ("You can now send a revised version.\n\n" if outcome == "needs revision" else "")
            + f"See your submissions and feedback: {link}\n")
    subject = f"Your assignment for “{module.title}”: {outcome}"
    queue_mail(learner.email, subject, body, user_id=learner.id, dedupe_key=f"graded:{event.id}")


def reminder_days() -> int:
    return int(current_app.config.get("ASSIGNMENT_REMINDER_DAYS", DEFAULT_REMINDER_DAYS))


def send_reminders(now: datetime | None = None, days: int | None = None) -> int:
    """Queue one reminder per member of staff listing work waiting longer than `days` and not yet
    reminded about. Returns how many submissions were newly reminded about.

    Each submission is reminded about once (`reminded_at`); the dedupe key (a hash of the
    submissions listed) keeps two runs at the same moment from mailing anyone twice.
    """
    now = now or utcnow()
    days = reminder_days() if days is None else days
    overdue = db.session.execute(
        select(Submission.id, Submission.module_slug, Submission.version, Submission.submitted_at)
        .where(Submission.status == SUBMITTED, Submission.reminded_at.is_(None),
               Submission.submitted_at < now - timedelta(days=days))
        .order_by(Submission.submitted_at, Submission.id)).all()
    if not overdue:
        return 0
    course = get_course()
    lines = []
    for sid, slug, version, submitted_at in overdue:
        module = course.module(slug)
        waited = (now - submitted_at).days
        lines.append(f"- {module.title if module else slug}, version {version}: waiting {waited} days — "
                     f"{_link('tutor.grade', submission_id=sid)}")
    digest = hashlib.sha256(",".join(str(row[0]) for row in overdue).encode()).hexdigest()[:24]
    body = (f"{len(overdue)} submission{'s have' if len(overdue) != 1 else ' has'} waited longer than "
            f"{days} days for a grade:\n\n" + "\n".join(lines)
            + f"\n\nThe grading queue: {_link('tutor.queue')}\n")
    subject = f"Reminder: {len(overdue)} submission{'s' if len(overdue) != 1 else ''} waiting over {days} days"
    recipients = [u for u, _ in _staff_with_preferences() if u.role == Role.TUTOR.value]
    if not recipients:  # nobody grades yet: tell the admins instead
        recipients = [u for u, _ in _staff_with_preferences()]
    for user in recipients:
        queue_mail(user.email, subject, body, user_id=user.id, dedupe_key=f"assignment-reminder:{user.id}:{digest}")
    db.session.execute(update(Submission).where(Submission.id.in_([row[0] for row in overdue]),
                                                Submission.reminded_at.is_(None))
                       .values(reminded_at=now).execution_options(synchronize_session=False))
    return len(overdue)
