"""Storage limitation (GDPR Article 5(1)(e)): personal data is kept no longer than the policy says.

`flask --app app privacy retention`, run daily from cron, does what is due under the settings:
- an account unused (no sign-in) for RETENTION_INACTIVE_ACCOUNT_DAYS is first warned by mail, and
  erased no sooner than RETENTION_WARNING_DAYS after the warning, with the same erasure as
  /account/delete; signing in keeps it. Admin accounts are listed, never erased automatically;
- a submission's attachment is removed RETENTION_ATTACHMENT_DAYS after that version was graded
  (the submission keeps a note that it was);
- finished mail records (sent, failed, gathered into a digest) are deleted after RETENTION_MAIL_DAYS.
A setting of 0 keeps that kind of data for ever. Every action is recorded (RetentionRecord); with
--dry-run the same plan is only listed. Each action is its own transaction, so one failure stops
nothing else and nothing is half done.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Iterable

from sqlalchemy import and_, delete, func, select, update

from ..accounts.models import Role, User
from ..assignments import storage
from ..assignments.models import Submission
from ..core.outbox import OutboxMessage, OutboxStatus, queue_mail
from ..core.personal_data import PersonalData
from ..core.site import Site
from ..core.templating import describe_days
from ..extensions import db
from .models import RetentionAction, RetentionNotice, RetentionRecord
from .service import erase_person

log = logging.getLogger(__name__)

FINISHED_MAIL = (OutboxStatus.SENT, OutboxStatus.FAILED, OutboxStatus.DIGESTED)
# Erased or warned automatically; admin accounts are only listed (the site must keep its admins).
AUTOMATIC_ROLES = (Role.LEARNER, Role.TUTOR)
last_active = func.coalesce(User.last_login_at, User.created_at)


@dataclass(frozen=True)
class Policy:
    inactive_account_days: int
    warning_days: int
    attachment_days: int
    mail_days: int

    @classmethod
    def of(cls, site: Site) -> Policy:
        return cls(site.setting("RETENTION_INACTIVE_ACCOUNT_DAYS"), site.setting("RETENTION_WARNING_DAYS"),
                   site.setting("RETENTION_ATTACHMENT_DAYS"), site.setting("RETENTION_MAIL_DAYS"))


@dataclass(frozen=True)
class DueAccount:
    user_id: int
    name: str
    email: str
    last_active: datetime
    erase_after: datetime | None     # for warnings: the earliest erasure; for erasures: the notice's date


@dataclass(frozen=True)
class DueAttachment:
    submission_id: int
    user_id: int
    key: str
    graded_at: datetime


@dataclass
class Plan:
    at: datetime
    warn: list[DueAccount] = field(default_factory=list)
    erase: list[DueAccount] = field(default_factory=list)
    attachments: list[DueAttachment] = field(default_factory=list)
    mail: int = 0
    admins_inactive: list[DueAccount] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.warn or self.erase or self.attachments or self.mail)


def _account(row, erase_after=None) -> DueAccount:
    user, active = row[0], row[1]
    return DueAccount(user.id, user.name, user.email, active, erase_after)


def plan(site: Site, now: datetime, limit: int | None = None) -> Plan:
    """What a run at `now` would do (at most `limit` entries of each list; the mail is a count)."""
    policy, result = Policy.of(site), Plan(at=now)
    if policy.inactive_account_days:
        cutoff = now - timedelta(days=policy.inactive_account_days)
        warn_from = cutoff + timedelta(days=policy.warning_days)
        valid = and_(RetentionNotice.user_id == User.id, RetentionNotice.warned_at >= last_active)
        candidates = (select(User, last_active, RetentionNotice.erase_after).outerjoin(RetentionNotice, valid)
                      .where(User.role.in_(AUTOMATIC_ROLES)).order_by(last_active, User.id))
        # Warned when inactive for the period less the warning time, unless already warned since.
        warn = candidates.where(last_active <= warn_from, RetentionNotice.user_id.is_(None)).limit(limit)
        result.warn = [_account(row, max(now + timedelta(days=policy.warning_days),
                                         row[1] + timedelta(days=policy.inactive_account_days)))
                       for row in db.session.execute(warn)]
        erase = candidates.where(last_active <= cutoff, RetentionNotice.erase_after <= now).limit(limit)
        result.erase = [_account(row, row[2]) for row in db.session.execute(erase)]
        admins = (select(User, last_active).where(User.role == Role.ADMIN, last_active <= cutoff)
                  .order_by(last_active, User.id).limit(limit))
        result.admins_inactive = [_account(row) for row in db.session.execute(admins)]
    if policy.attachment_days:
        graded_before = now - timedelta(days=policy.attachment_days)
        due = (select(Submission.id, Submission.user_id, Submission.attachment_key, Submission.graded_at)
               .where(Submission.attachment_key.is_not(None), Submission.graded_at <= graded_before)
               .order_by(Submission.graded_at, Submission.id).limit(limit))
        result.attachments = [DueAttachment(*row) for row in db.session.execute(due)]
    if policy.mail_days:
        result.mail = db.session.scalar(select(func.count(OutboxMessage.id)).where(*_old_mail(policy, now)))
    return result


def _old_mail(policy: Policy, now: datetime):
    return (OutboxMessage.status.in_(FINISHED_MAIL), OutboxMessage.created_at <= now - timedelta(days=policy.mail_days))


@dataclass
class Done:
    warned: int = 0
    erased: int = 0
    attachments: int = 0
    mail: int = 0
    skipped: list[str] = field(default_factory=list)


def _record(now: datetime, action: RetentionAction, **values) -> None:
    db.session.add(RetentionRecord(at=now, action=action, **values))


def run(site: Site, parts: Iterable[PersonalData], course_title: str, now: datetime) -> Done:
    """Do what is due at `now`. Commits after each action (it is a command, not a request)."""
    parts, done, todo = tuple(parts), Done(), plan(site, now)
    # Notices made stale by a sign-in since the warning go first, so a returning person starts afresh.
    db.session.execute(delete(RetentionNotice).where(RetentionNotice.user_id.in_(
        select(User.id).join(RetentionNotice, RetentionNotice.user_id == User.id)
        .where(RetentionNotice.warned_at < last_active))))
    db.session.commit()
    for due in todo.warn:
        _warn(site, course_title, due, now)
        db.session.commit()
        done.warned += 1
    for due in todo.erase:
        erasure = _erase(site, parts, due, now)
        if erasure is None:
            done.skipped.append(f"account {due.user_id} was used again or changed role; not erased")
            db.session.rollback()
            continue
        db.session.commit()
        for work in erasure.after_commit:
            work()
        done.erased += 1
    store = storage.for_site(site)
    for due in todo.attachments:
        removed = db.session.execute(update(Submission).where(
            Submission.id == due.submission_id, Submission.attachment_key == due.key)
            .values(attachment_key=None, attachment_removed_at=now).execution_options(synchronize_session=False))
        if removed.rowcount != 1:
            db.session.rollback()
            continue
        _record(now, RetentionAction.ATTACHMENT_REMOVED, account_id=due.user_id, submission_id=due.submission_id,
                note=f"graded {due.graded_at.date().isoformat()}")
        db.session.commit()
        store.discard(due.key)
        done.attachments += 1
    if todo.mail:
        policy = Policy.of(site)
        done.mail = db.session.execute(delete(OutboxMessage).where(*_old_mail(policy, now))
                                       .execution_options(synchronize_session=False)).rowcount
        if done.mail:
            _record(now, RetentionAction.MAIL_DELETED, count=done.mail,
                    note=f"sent, failed or digested over {policy.mail_days} days ago")
        db.session.commit()
    log.info("retention: %d warned, %d erased, %d attachments removed, %d mail records deleted",
             done.warned, done.erased, done.attachments, done.mail)
    return done


def _warn(site: Site, course_title: str, due: DueAccount, now: datetime) -> None:
    policy = Policy.of(site)
    db.session.execute(delete(RetentionNotice).where(RetentionNotice.user_id == due.user_id))
    db.session.add(RetentionNotice(user_id=due.user_id, warned_at=now, erase_after=due.erase_after))
    day = due.erase_after.strftime("%-d %B %Y")
    queue_mail(due.email, f"Your account for {course_title} will be deleted after {day} unless you sign in",
               warning_text(site, course_title, due, policy), user_id=due.user_id,
               dedupe_key=f"retention-warning:{due.user_id}:{due.last_active.isoformat()}")
    _record(now, RetentionAction.WARNED, account_id=due.user_id,
            note=f"inactive since {due.last_active.date().isoformat()}; erasure after {due.erase_after.date().isoformat()}")


def warning_text(site: Site, course_title: str, due: DueAccount, policy: Policy) -> str:
    day = due.erase_after.strftime("%-d %B %Y")
    return (f"Hello {due.name},\n\n"
            f"You have not signed in to {course_title} since {due.last_active.strftime('%-d %B %Y')}. We keep an "
            f"account that is not used for {describe_days(policy.inactive_account_days)}, and then delete it, as our "
            f"privacy notice explains: {site.links.url('pages.privacy', _anchor='how-long')}\n\n"
            f"To keep your account, simply sign in before {day}:\n{site.links.url('accounts.login')}\n\n"
            f"If you do nothing, your account will be deleted after {day}: your name, email address, organisation, "
            "progress, submissions and attachments. Your forum posts will stay, shown under the name "
            "\"deleted user\". A certificate you earned will be revoked with the reason \"account deleted\".\n\n"
            f"To keep a copy of your data, sign in and download it from your account page:\n"
            f"{site.links.url('privacy.export_data')}\n\n"
            f"{site.setting('OPERATOR_NAME')}\n")


def _erase(site: Site, parts, due: DueAccount, now: datetime):
    """Erase one account if it is still due (nobody signed in since the plan was made)."""
    policy = Policy.of(site)
    cutoff = now - timedelta(days=policy.inactive_account_days)
    row = db.session.execute(
        select(User, last_active).join(RetentionNotice, RetentionNotice.user_id == User.id)
        .where(User.id == due.user_id, User.role.in_(AUTOMATIC_ROLES), last_active <= cutoff,
               RetentionNotice.warned_at >= last_active, RetentionNotice.erase_after <= now)).first()
    if row is None:
        return None
    erasure = erase_person(parts, site, row[0], now, why="under the retention policy")
    _record(now, RetentionAction.ERASED, account_id=due.user_id,
            note=f"inactive since {due.last_active.date().isoformat()}; warned, erasure due "
                 f"{due.erase_after.date().isoformat()}")
    return erasure


def recent_records(limit: int = 50) -> list[RetentionRecord]:
    return list(db.session.scalars(select(RetentionRecord).order_by(RetentionRecord.at.desc(),
                                                                     RetentionRecord.id.desc()).limit(limit)))


# Personal data: the warning an account was sent (its date), exported and erased with the account.

def export_notice(user) -> dict | None:
    notice = db.session.get(RetentionNotice, user.id)
    if notice is None:
        return None
    return {"warned_at": notice.warned_at.isoformat(), "erase_after": notice.erase_after.isoformat()}


def erase_notice(erasure) -> None:
    db.session.execute(delete(RetentionNotice).where(RetentionNotice.user_id == erasure.user.id))


PART = PersonalData("retention_warning", export=export_notice, erase=erase_notice)
