"""The learner's rights over their data: export everything, erase the account.

This is the one module that knows where every feature keeps personal data; a new feature
that stores data about a person adds it here (export and erasure) and to the privacy notice.
"""
from __future__ import annotations

import io
import json
import logging
import zipfile
from datetime import datetime

from sqlalchemy import delete, select, update

from ..assignments import storage
from ..assignments.models import GradeEvent, Submission
from ..certificates.models import Certificate
from ..core.errors import DomainError
from ..core.outbox import OutboxMessage
from ..core.time import utcnow
from ..courses.models import UnitCompletion
from ..extensions import db
from ..forums.models import Post, PostReport, PostRevision, Subscription, Thread
from .models import User
from .passwords import verify_password

log = logging.getLogger(__name__)

ERASED_NAME = "deleted user"
ERASURE_REASON = "account deleted"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def export_user_data(user: User) -> dict:
    """Everything the platform holds about `user`, as plain JSON-ready data."""
    completions = db.session.execute(
        select(UnitCompletion).where(UnitCompletion.user_id == user.id)
        .order_by(UnitCompletion.completed_at)).scalars().all()
    posts = db.session.execute(
        select(Post, Thread).join(Thread, Post.thread_id == Thread.id)
        .where(Post.author_id == user.id).order_by(Post.created_at)).all()
    post_ids = [post.id for post, _ in posts]
    revisions: dict[int, list[PostRevision]] = {}
    if post_ids:
        for rev in db.session.scalars(select(PostRevision).where(PostRevision.post_id.in_(post_ids))
                                      .order_by(PostRevision.replaced_at)):
            revisions.setdefault(rev.post_id, []).append(rev)
    submissions = db.session.scalars(select(Submission).where(Submission.user_id == user.id)
                                     .order_by(Submission.module_slug, Submission.version)).all()
    grades: dict[int, list[GradeEvent]] = {}
    if submissions:
        for event in db.session.scalars(select(GradeEvent).where(
                GradeEvent.submission_id.in_([s.id for s in submissions])).order_by(GradeEvent.created_at)):
            grades.setdefault(event.submission_id, []).append(event)
    certificates = db.session.scalars(select(Certificate).where(Certificate.user_id == user.id)
                                      .order_by(Certificate.version)).all()
    subscriptions = db.session.scalars(select(Subscription).where(Subscription.user_id == user.id)).all()
    reports = db.session.scalars(select(PostReport).where(PostReport.reporter_id == user.id)).all()
    return {
        "exported_at": utcnow().isoformat(),
        "profile": {
            "name": user.name, "email": user.email, "organisation": user.organisation, "role": user.role,
            "created_at": _iso(user.created_at), "last_login_at": _iso(user.last_login_at),
            "password_changed_at": _iso(user.password_changed_at),
            "privacy_notice_version": user.privacy_notice_version,
            "privacy_accepted_at": _iso(user.privacy_accepted_at),
        },
        "progress": [{"module": c.module_slug, "unit": c.unit_slug, "completed_at": _iso(c.completed_at)}
                     for c in completions],
        "forum_posts": [{
            "module": thread.module_slug, "thread_id": thread.id, "thread_title": thread.title,
            "post_id": post.id, "opening_post": post.is_opening, "body": post.body,
            "created_at": _iso(post.created_at), "edited_at": _iso(post.edited_at),
            "deleted_at": _iso(post.deleted_at), "hidden_at": _iso(post.hidden_at),
            "hidden_reason": post.hidden_reason,
            "earlier_versions": [{"body": r.body, "written_at": _iso(r.written_at)} for r in revisions.get(post.id, [])],
        } for post, thread in posts],
        "forum_subscriptions": [{"scope": s.scope, "mode": s.mode} for s in subscriptions],
        "forum_reports": [{"post_id": r.post_id, "reason": r.reason, "created_at": _iso(r.created_at)} for r in reports],
        "submissions": [{
            "module": s.module_slug, "version": s.version, "status": s.status, "body": s.body,
            "attachment": s.attachment_name, "created_at": _iso(s.created_at),
            "submitted_at": _iso(s.submitted_at), "graded_at": _iso(s.graded_at),
            "feedback": [{"decision": g.decision, "feedback": g.feedback, "criteria_met": g.criteria_met,
                          "correction": g.is_correction, "at": _iso(g.created_at)} for g in grades.get(s.id, [])],
        } for s in submissions],
        "certificates": [{
            "code": c.display_code, "version": c.version, "name_as_printed": c.learner_name,
            "organisation": c.organisation, "course": c.course_title, "course_version": c.course_version,
            "awarded_at": _iso(c.awarded_at), "issued_at": _iso(c.issued_at), "state": c.state,
            "revoked_at": _iso(c.revoked_at), "revocation_reason": c.revocation_reason,
        } for c in certificates],
    }


def export_zip(user: User) -> bytes:
    """The JSON export plus every attachment the learner uploaded, in one ZIP file."""
    data = export_user_data(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("my-data.json", json.dumps(data, ensure_ascii=False, indent=2))
        for s in db.session.scalars(select(Submission).where(Submission.user_id == user.id,
                                                             Submission.attachment_key.is_not(None))):
            try:
                content = storage.path_of(s.attachment_key).read_bytes()
            except (OSError, ValueError):
                log.warning("attachment of submission %s is missing", s.id)
                continue
            archive.writestr(f"attachments/{s.module_slug}-v{s.version}-{s.attachment_name}", content)
    return buffer.getvalue()


def erase_account(user: User, password: str) -> list[str]:
    """Erase the account after checking its password. Returns the attachment keys to delete after commit.

    Name, email, organisation, progress, submissions, attachments, subscriptions and queued mail
    go. Forum posts stay, shown under "deleted user", so other people's threads remain whole.
    Certificates are revoked with the reason "account deleted" and stripped of the printed name.
    """
    if not verify_password(user.password_hash, password):
        raise DomainError("That is not your password. Your account has not been deleted.", field="password")
    user_id = user.id
    now = utcnow()
    attachment_keys = [k for k in db.session.scalars(select(Submission.attachment_key).where(
        Submission.user_id == user_id, Submission.attachment_key.is_not(None)))]
    for cert in db.session.scalars(select(Certificate).where(Certificate.user_id == user_id)):
        if cert.revoked_at is None:
            cert.revoked_at, cert.revocation_reason = now, ERASURE_REASON
        cert.learner_name, cert.organisation = ERASED_NAME, ""
        cert.pdf, cert.credential_json = b"", "{}"
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.user_id == user_id))
    db.session.execute(update(OutboxMessage).where(OutboxMessage.to_email == user.email)
                       .values(to_email="erased@deleted.invalid", body="", subject="(erased)"))
    db.session.flush()
    # The foreign keys do the rest: progress, submissions (with their grades), subscriptions and
    # read marks are deleted (ON DELETE CASCADE); posts, threads, reports and certificates keep
    # their rows with the author set to NULL (ON DELETE SET NULL), which reads "deleted user".
    db.session.expunge(user)
    db.session.execute(delete(User).where(User.id == user_id))
    log.info("account %s erased at its owner's request", user_id)
    return attachment_keys


def discard_attachments(keys: list[str]) -> None:
    for key in keys:
        storage.discard(key)
