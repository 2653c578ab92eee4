"""Assignment operations: learners' drafts and submissions, tutors' claims and grades.

Functions flush but never commit; the caller owns the transaction. Every change of state is
a conditional UPDATE on `Submission.lock_version`, so two writers (two tutors, a tutor and a
learner, a double-clicked button) can never both succeed: the second gets a StateConflict
and nothing of theirs is kept.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..core.errors import DeadlinePassed, DomainError
from ..core.safe_markdown import plain_words, render_safe
from ..core.site import Site
from ..courses.content import Module
from ..extensions import db
from . import notifications, storage, versions
from .models import Decision, GradeEvent, Submission, SubmissionStatus

log = logging.getLogger(__name__)

MAX_BODY_LENGTH = 50_000


class StateConflict(DomainError):
    """The action no longer fits the submission's state (someone else acted first); answered with 409."""


# Reading ---------------------------------------------------------------------------------

def versions_of(user_id: int, module_slug: str) -> list[Submission]:
    """Every row of one learner on one module, oldest first, with grade events and their tutors (2 queries)."""
    return list(db.session.scalars(
        select(Submission).where(Submission.user_id == user_id, Submission.module_slug == module_slug)
        .order_by(Submission.version)
        .options(selectinload(Submission.grades).joinedload(GradeEvent.tutor))))


@dataclass(frozen=True)
class LearnerState:
    versions: list[Submission]

    @property
    def latest(self) -> Submission | None:
        return self.versions[-1] if self.versions else None

    @property
    def draft(self) -> Submission | None:
        return self.latest if self.latest is not None and self.latest.is_draft else None

    @property
    def sent(self) -> list[Submission]:
        return [v for v in self.versions if not v.is_draft]

    @property
    def status(self) -> SubmissionStatus | None:
        return self.latest.status if self.latest else None

    @property
    def is_passed(self) -> bool:
        return self.latest is not None and self.latest.is_passed

    @property
    def is_waiting(self) -> bool:
        return self.latest is not None and self.latest.is_waiting

    @property
    def needs_revision(self) -> bool:
        return self.latest is not None and self.latest.needs_revision

    @property
    def can_write(self) -> bool:
        return self.latest is None or self.latest.status.learner_can_write

    @property
    def start_text(self) -> str:
        """What the answer box starts with: the draft, or the version that needs revision."""
        if self.latest is not None and self.latest.status.learner_can_write:
            return self.latest.body
        return ""


@dataclass(frozen=True)
class LatestFeedback:
    """The newest decision on the learner's newest sent version, with every criterion marked, in the
    learners' wording: what the assignment page shows first."""
    version: Submission
    grade: GradeEvent
    criteria: list[tuple[str, bool]]     # (criterion as the learner reads it, met)

    @property
    def needs_revision(self) -> bool:
        return not self.grade.is_pass


def latest_feedback(state: LearnerState, assignment) -> LatestFeedback | None:
    sent = state.sent
    if not sent or not sent[-1].grades:
        return None
    version, grade = sent[-1], sent[-1].grades[-1]
    met = set(grade.criteria_met or [])
    return LatestFeedback(version, grade, [(learner, tutor in met) for tutor, learner
                                           in zip(assignment.criteria, assignment.learner_criteria)])


def learner_state(user_id: int, module_slug: str) -> LearnerState:
    return LearnerState(versions_of(user_id, module_slug))


def claim_cutoff(site: Site, now: datetime) -> datetime:
    """Claims taken before this moment have lapsed (ASSIGNMENT_CLAIM_MINUTES)."""
    return now - timedelta(minutes=site.setting("ASSIGNMENT_CLAIM_MINUTES"))


def claim_holder(submission: Submission, site: Site, now: datetime) -> int | None:
    """The id of whoever holds a live claim on the submission, if anyone."""
    if (submission.claimed_by_id is None or submission.claimed_at is None
            or submission.claimed_at < claim_cutoff(site, now)):
        return None
    return submission.claimed_by_id


# Learners --------------------------------------------------------------------------------

@dataclass(frozen=True)
class SaveResult:
    submission: Submission
    stored_key: str | None      # a new file on disk: remove it if the transaction fails
    replaced_key: str | None    # a file no row needs any more: remove it after the commit


def _refuse_if_closed(latest: Submission | None) -> None:
    if latest is None:
        return
    if latest.is_waiting:
        raise StateConflict(f"Your version {latest.version} is waiting for a tutor. "
                            "You can send a new version once it has been graded.")
    if latest.is_passed:
        raise StateConflict("Your work on this module has passed. There is nothing more to send.")


def save_work(site: Site, user: User, module: Module, body: str, upload: storage.CheckedFile | None, *,
              submit: bool, now: datetime, remove_attachment: bool = False,
              deadline: datetime | None = None) -> SaveResult:
    """Save a draft (submit=False) or submit a version for grading (submit=True).

    A draft is updated in place; after "needs revision" a new version is started. Raises
    DomainError for empty work, StateConflict when a version is waiting or has passed, and
    DeadlinePassed when submitting at or after `deadline` (the learner's certification deadline,
    None when none applies); drafts can still be saved then.
    """
    if submit and deadline is not None and now >= deadline:
        raise DeadlinePassed("The certification deadline has passed: you can no longer submit work for grading. "
                             "You can still save your text as a draft.", field="body")
    attachments = storage.for_site(site)
    latest = versions.latest(user.id, module.slug)
    _refuse_if_closed(latest)
    body = (body or "").rstrip()
    if len(body) > MAX_BODY_LENGTH:
        raise DomainError(f"Keep your text under {MAX_BODY_LENGTH:,} characters.", field="body")
    draft = latest if latest is not None and latest.is_draft else None
    keeps_file = draft is not None and draft.has_attachment and upload is None and not remove_attachment
    if not body.strip() and upload is None and not keeps_file:
        raise DomainError("Write your answer, or attach a file.", field="body")

    values = {"body": body, "body_html": str(render_safe(body)), "words": plain_words(body), "updated_at": now}
    if submit:
        values.update(status=SubmissionStatus.SUBMITTED, submitted_at=now)
    stored_key = attachments.store(upload) if upload is not None else None
    replaced_key = None
    if stored_key is not None:
        values.update(attachment_key=stored_key, attachment_name=upload.name, attachment_type=upload.mime,
                      attachment_size=len(upload.data))
    elif draft is not None and not keeps_file:
        values.update(attachment_key=None, attachment_name=None, attachment_type=None, attachment_size=None)
    if draft is not None and (stored_key is not None or not keeps_file):
        replaced_key = draft.attachment_key

    try:
        if draft is not None:
            done = db.session.execute(
                update(Submission).where(Submission.id == draft.id, Submission.status == SubmissionStatus.DRAFT,
                                         Submission.lock_version == draft.lock_version)
                .values(lock_version=Submission.lock_version + 1, **values))
            if done.rowcount != 1:
                raise StateConflict("Your draft was changed in another window. Reload the page and try again.")
            db.session.refresh(draft)
            submission = draft
        else:
            if latest is not None:
                # Bumping the graded version's counter makes a tutor's concurrent correction fail, and vice versa.
                done = db.session.execute(
                    update(Submission).where(Submission.id == latest.id,
                                             Submission.status == SubmissionStatus.NEEDS_REVISION,
                                             Submission.lock_version == latest.lock_version)
                    .values(lock_version=Submission.lock_version + 1))
                if done.rowcount != 1:
                    raise StateConflict("A tutor has just changed the grade of your previous version. "
                                        "Reload the page to see it.")
            submission = Submission(user_id=user.id, module_slug=module.slug,
                                    version=latest.version + 1 if latest else 1,
                                    status=values.pop("status", SubmissionStatus.DRAFT), created_at=now, **values)
            try:
                with db.session.begin_nested():
                    db.session.add(submission)
            except IntegrityError:  # the same version sent twice at once (a double click)
                raise StateConflict("This version has already been saved. Reload the page to see it.") from None
    except Exception:
        attachments.discard(stored_key)
        raise
    if submit:
        notifications.new_submission(site, submission, user, module)
        log.info("submission %s (%s v%s) sent by user %s", submission.id, module.slug, submission.version, user.id)
    return SaveResult(submission, stored_key, replaced_key)


def can_withdraw(submission: Submission | None, site: Site, now: datetime) -> bool:
    """A submitted version goes back to a draft until a tutor opens it for grading (takes it: a live claim)."""
    return (submission is not None and submission.is_waiting
            and claim_holder(submission, site, now) is None)


def withdraw_submission(site: Site, user: User, module: Module, now: datetime) -> Submission:
    """Turn the learner's waiting version back into a draft they can change. Raises StateConflict when
    nothing is waiting or a tutor has opened it for grading meanwhile (a conditional UPDATE decides)."""
    latest = versions.latest(user.id, module.slug)
    if latest is None or not latest.is_waiting:
        raise StateConflict(_("There is no submitted version waiting for a tutor to withdraw."))
    done = db.session.execute(
        update(Submission).where(Submission.id == latest.id, Submission.status == SubmissionStatus.SUBMITTED,
                                 Submission.lock_version == latest.lock_version,
                                 or_(Submission.claimed_by_id.is_(None), Submission.claimed_at < claim_cutoff(site, now)))
        .values(status=SubmissionStatus.DRAFT, submitted_at=None, updated_at=now, claimed_by_id=None,
                claimed_at=None, lock_version=Submission.lock_version + 1)
        .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise StateConflict(_("A tutor has opened this version for grading, so it can no longer be withdrawn."))
    db.session.refresh(latest)
    log.info("submission %s (%s v%s) withdrawn by user %s", latest.id, module.slug, latest.version, user.id)
    return latest


# Tutors ----------------------------------------------------------------------------------

def claim(site: Site, submission: Submission, tutor: User, now: datetime) -> bool:
    """Mark a waiting submission as being graded by `tutor`, unless someone else holds a live claim."""
    if not submission.is_waiting:
        return False
    done = db.session.execute(
        update(Submission).where(Submission.id == submission.id, Submission.status == SubmissionStatus.SUBMITTED,
                                 or_(Submission.claimed_by_id.is_(None), Submission.claimed_by_id == tutor.id,
                                     Submission.claimed_at < claim_cutoff(site, now)))
        .values(claimed_by_id=tutor.id, claimed_at=now)
        .execution_options(synchronize_session=False))
    db.session.refresh(submission)
    return done.rowcount == 1


def grade_submission(site: Site, submission: Submission, tutor: User, module: Module, *, decision: str,
                     feedback: str, criteria_met: list[str], lock: int | None, now: datetime) -> GradeEvent:
    """Record a decision on the latest version; a decision on an already graded version is a correction.

    `lock` is the version counter the tutor's page showed; without it only a first grade is
    accepted. Raises StateConflict when someone else acted first, DomainError for bad input.
    """
    if decision not in set(Decision):
        raise DomainError("Choose pass or revise.", field="decision")
    decision = Decision(decision)
    if not (feedback or "").strip():
        raise DomainError("Write your feedback for the learner.", field="feedback")
    if len(feedback) > MAX_BODY_LENGTH:
        raise DomainError(f"Keep your feedback under {MAX_BODY_LENGTH:,} characters.", field="feedback")
    if submission.is_draft:
        raise StateConflict("A draft cannot be graded.")
    if not versions.is_latest(submission):
        raise StateConflict(f"This is version {submission.version}; the learner has started a newer version "
                            "since. Only the latest version can be graded.")
    correction = submission.is_graded
    if lock is None:
        if correction:
            raise StateConflict("This version has already been graded. Open it again to correct the grade.")
        lock = submission.lock_version
    conditions = [Submission.id == submission.id, Submission.lock_version == lock,
                  Submission.status != SubmissionStatus.DRAFT]
    if not correction:
        conditions += [Submission.status == SubmissionStatus.SUBMITTED,
                       or_(Submission.claimed_by_id.is_(None), Submission.claimed_by_id == tutor.id,
                           Submission.claimed_at < claim_cutoff(site, now))]
    done = db.session.execute(
        update(Submission).where(*conditions)
        .values(status=decision.status, lock_version=Submission.lock_version + 1, graded_at=now,
                graded_by_id=tutor.id, claimed_by_id=None, claimed_at=None)
        .execution_options(synchronize_session=False))
    db.session.refresh(submission)
    if done.rowcount != 1:
        holder = claim_holder(submission, site, now)
        if submission.is_waiting and holder is not None and holder != tutor.id:
            name = db.session.get(User, holder).name
            raise StateConflict(f"{name} is grading this submission now. Nothing was saved.")
        raise StateConflict("Someone else saved a grade for this version while you were working on it. "
                            "Nothing was saved; the page now shows the current grade.")
    event = GradeEvent(submission_id=submission.id, tutor_id=tutor.id, decision=decision, feedback=feedback,
                       feedback_html=str(render_safe(feedback)), criteria_met=list(criteria_met),
                       is_correction=correction, created_at=now)
    db.session.add(event)
    db.session.flush()
    notifications.graded(site, event, submission, module, tutor)
    log.info("submission %s %s by tutor %s (%s)", submission.id, decision.status, tutor.id,
             "correction" if correction else "grade")
    return event
