"""Forum operations: start, reply, edit, delete, moderate, report, follow, read marks.

Functions flush but never commit (the view owns the transaction), raise DomainError with a
message safe to show, and queue notification mail through the outbox in the same
transaction, so a mail exists exactly when its post does.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User
from ..core.errors import DomainError
from ..core.safe_markdown import render_safe
from ..core.time import utcnow
from ..core.site import Site
from ..courses.content import Course, Module
from ..extensions import db
from . import notify
from ..core.vocabulary import MailPreference
from .models import (EDIT_WINDOW_MINUTES, SCOPE_ALL, ModerationAction, Post, PostReport, PostRevision,
                     Subscription, Thread, ThreadRead)

log = logging.getLogger(__name__)

MAX_BODY = 20_000
MAX_TITLE = 200


class Forbidden(DomainError):
    """The rule refuses this person or this state (a locked thread): answered with 403."""

    status = 403


# Certification ---------------------------------------------------------------------

def visible_post_counts(course: Course, user_id: int) -> dict[str, int]:
    """module_slug -> the learner's visible posts there (opening posts and replies; not hidden, not
    deleted). One query. Every module of the course is present, with 0 when the learner has none."""
    rows = db.session.execute(
        select(Thread.module_slug, func.count(Post.id))
        .join(Thread, Post.thread_id == Thread.id)
        .where(Post.author_id == user_id, Post.is_visible)
        .group_by(Thread.module_slug)).all()
    counts = {m.slug: 0 for m in course.modules}
    counts.update({slug: n for slug, n in rows})
    return counts


# Display ---------------------------------------------------------------------------

COURSE_TEAM = "Course team"
DELETED_USER = "deleted user"


def author_name(author: User | None, by_course_team: bool = False) -> str:
    """The one place that names an author, so erased accounts read "deleted user" everywhere."""
    if by_course_team:
        return COURSE_TEAM
    if author is None:
        return DELETED_USER
    return author.name


# Seeding ---------------------------------------------------------------------------

def sync_prompt_threads(course: Course, now: datetime | None = None) -> int:
    """Every module's discussion prompts as pinned threads (see ensure_prompt_threads). Run when the app
    starts, not when a page is opened: a GET never writes."""
    return sum(ensure_prompt_threads(module, now) for module in course.modules)


def ensure_prompt_threads(module: Module, now: datetime | None = None) -> int:
    """Create the module's discussion prompts as pinned threads by the course team, once.

    Idempotent and safe when two first visits race: the unique (module_slug, prompt_slug)
    constraint refuses the second insert, which is rolled back to its savepoint. Returns how
    many threads were created (the caller commits when it is not 0).
    """
    existing = set(db.session.scalars(select(Thread.prompt_slug).where(
        Thread.module_slug == module.slug, Thread.prompt_slug.is_not(None))))
    created = 0
    # Older prompts get older timestamps, so pinned prompts keep their course order.
    base = (now or utcnow()) - timedelta(seconds=len(module.prompts))
    for i, prompt in enumerate(module.prompts):
        if prompt.slug in existing:
            continue
        at = base + timedelta(seconds=i)
        try:
            with db.session.begin_nested():
                thread = Thread(module_slug=module.slug, prompt_slug=prompt.slug, title=prompt.title[:MAX_TITLE],
                                pinned=True, created_at=at, last_post_at=at)
                db.session.add(thread)
                db.session.flush()
                # Course text, already rendered by the trusted content pipeline.
                db.session.add(Post(thread_id=thread.id, by_course_team=True, is_opening=True,
                                    body=prompt.body, body_html=prompt.html, created_at=at))
                db.session.flush()
            created += 1
        except IntegrityError:
            log.info("prompt thread %s/%s was created by a concurrent request", module.slug, prompt.slug)
    return created


# Reply counts ----------------------------------------------------------------------

def _adjust_reply_count(post: Post, was_visible: bool) -> None:
    """Keep Thread.reply_count (visible replies) right after `post` changed visibility.

    An atomic UPDATE in the caller's transaction, never read-modify-write, so two replies at the
    same moment both count. Opening posts are not replies; unchanged visibility changes nothing."""
    if post.is_opening or post.is_visible == was_visible:
        return
    change = 1 if post.is_visible else -1
    db.session.execute(update(Thread).where(Thread.id == post.thread_id)
                       .values(reply_count=Thread.reply_count + change)
                       .execution_options(synchronize_session=False))
    # A loaded thread would still show the old count: read it again on next use.
    thread = db.session.identity_map.get(db.session.identity_key(Thread, post.thread_id))
    if thread is not None:
        db.session.expire(thread, ["reply_count"])


# Writing ---------------------------------------------------------------------------

def _clean_body(body: str) -> str:
    body = (body or "").replace("\x00", "").replace("\r\n", "\n").strip()
    if not body:
        raise DomainError("Write something before posting.", field="body")
    if len(body) > MAX_BODY:
        raise DomainError(f"Keep your post under {MAX_BODY:,} characters.", field="body")
    return body


def _already_sent(user: User, form_token: str | None) -> Post | None:
    """The post this very form already stored (a double click), if any."""
    if not form_token:
        return None
    post = db.session.scalar(select(Post).where(Post.form_token == form_token))
    if post is not None and post.author_id != user.id:
        raise DomainError("This form cannot be sent again. Reload the page and try again.")
    return post


def _insert_once(user: User, form_token: str | None, rows) -> tuple[Post, bool]:
    """Add the rows built by `rows()` (returning the new post) in a savepoint: (post, True). If a
    concurrent request with the same form token won, (that request's post, False)."""
    try:
        with db.session.begin_nested():
            post = rows()
            db.session.flush()
        return post, True
    except IntegrityError:
        existing = _already_sent(user, form_token)
        if existing is None:
            raise
        return existing, False


def start_thread(site: Site, user: User, module: Module, title: str, body: str, form_token: str | None = None,
                 now: datetime | None = None) -> Post:
    """Start a thread; returns its opening post. Sending the same form twice returns the first post."""
    title = " ".join((title or "").replace("\x00", "").split())
    if not title:
        raise DomainError("Give your thread a title.", field="title")
    if len(title) > MAX_TITLE:
        raise DomainError(f"Keep the title under {MAX_TITLE} characters.", field="title")
    body = _clean_body(body)
    existing = _already_sent(user, form_token)
    if existing is not None:
        return existing
    now = now or utcnow()

    def rows() -> Post:
        thread = Thread(module_slug=module.slug, title=title, author_id=user.id, created_at=now, last_post_at=now)
        db.session.add(thread)
        db.session.flush()
        post = Post(thread_id=thread.id, author_id=user.id, is_opening=True, body=body,
                    body_html=str(render_safe(body)), form_token=form_token or None, created_at=now)
        db.session.add(post)
        return post

    post, created = _insert_once(user, form_token, rows)
    if created:
        notify.queue_post_notifications(site, post, post.thread, module, user)
        log.info("user %s started thread %s in %s", user.id, post.thread_id, module.slug)
    return post


def reply(site: Site, user: User, module: Module, thread: Thread, body: str, form_token: str | None = None,
          now: datetime | None = None) -> Post:
    """Add a reply; sending the same form twice returns the first reply."""
    if thread.locked:
        raise Forbidden("This thread is locked: no new replies can be added.", field="body")
    body = _clean_body(body)
    existing = _already_sent(user, form_token)
    if existing is not None:
        return existing
    now = now or utcnow()

    def rows() -> Post:
        post = Post(thread_id=thread.id, author_id=user.id, body=body, body_html=str(render_safe(body)),
                    form_token=form_token or None, created_at=now)
        db.session.add(post)
        return post

    post, created = _insert_once(user, form_token, rows)
    if created:
        _adjust_reply_count(post, was_visible=False)
        thread.last_post_at = now
        notify.queue_post_notifications(site, post, thread, module, user)
    return post


def edit_post(user: User, post: Post, body: str, now: datetime | None = None) -> bool:
    """Replace the text of one's own post within the edit window, keeping the earlier text.
    Returns False when nothing changed."""
    from .permissions import can_edit_post

    if not can_edit_post(user, post, now):
        raise Forbidden(f"You can edit your own posts for {EDIT_WINDOW_MINUTES} minutes after posting.")
    body = _clean_body(body)
    if body == post.body:
        return False
    db.session.add(PostRevision(post_id=post.id, body=post.body, body_html=post.body_html,
                                written_at=post.edited_at or post.created_at))
    post.body = body
    post.body_html = str(render_safe(body))
    post.edited_at = now or utcnow()
    return True


def delete_post(user: User, post: Post, now: datetime | None = None) -> None:
    """The author removes their post. The row stays so replies keep their place; it no longer counts."""
    from .permissions import can_delete_post

    if not can_delete_post(user, post):
        raise Forbidden("You can only delete your own posts.")
    was_visible = post.is_visible
    post.deleted_at = now or utcnow()
    _adjust_reply_count(post, was_visible)
    notify.withdraw_post_notifications(post)


# Moderation ------------------------------------------------------------------------

THREAD_ACTIONS = {"pin": ("pinned", True), "unpin": ("pinned", False),
                  "lock": ("locked", True), "unlock": ("locked", False)}


def _record(moderator: User, action: str, thread_id: int, post_id: int | None = None, reason: str = "") -> None:
    db.session.add(ModerationAction(moderator_id=moderator.id, action=action, thread_id=thread_id,
                                    post_id=post_id, reason=reason))


def moderate_thread(moderator: User, thread: Thread, action: str) -> bool:
    """Pin, unpin, lock or unlock. Returns False (and records nothing) when already so."""
    from .permissions import can_moderate

    if not can_moderate(moderator):
        raise Forbidden("Only tutors can moderate the forum.")
    if action not in THREAD_ACTIONS:
        raise DomainError("Choose pin, unpin, lock or unlock.")
    attribute, value = THREAD_ACTIONS[action]
    if getattr(thread, attribute) == value:
        return False
    setattr(thread, attribute, value)
    _record(moderator, action, thread.id)
    return True


def hide_post(moderator: User, post: Post, reason: str, now: datetime | None = None) -> None:
    from .permissions import can_moderate

    if not can_moderate(moderator):
        raise Forbidden("Only tutors can moderate the forum.")
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError("Say why the post is hidden; its author will see this.", field="reason")
    if post.is_hidden:
        raise DomainError("This post is already hidden.")
    was_visible = post.is_visible
    post.hidden_at = now or utcnow()
    post.hidden_by_id = moderator.id
    post.hidden_reason = reason[:500]
    _adjust_reply_count(post, was_visible)
    _record(moderator, "hide", post.thread_id, post.id, reason[:500])
    notify.withdraw_post_notifications(post)


def restore_post(moderator: User, post: Post) -> None:
    from .permissions import can_moderate

    if not can_moderate(moderator):
        raise Forbidden("Only tutors can moderate the forum.")
    if not post.is_hidden:
        raise DomainError("This post is not hidden.")
    was_visible = post.is_visible
    post.hidden_at = post.hidden_by_id = post.hidden_reason = None
    _adjust_reply_count(post, was_visible)
    _record(moderator, "restore", post.thread_id, post.id)


def report_post(site: Site, user: User, post: Post, reason: str) -> PostReport | None:
    """Tell the tutors about a post. Returns None when this person's report is already open."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError("Tell the tutors what is wrong with this post.", field="reason")
    if db.session.scalar(select(PostReport.id).where(PostReport.post_id == post.id,
                                                     PostReport.reporter_id == user.id)) is not None:
        return None
    report = PostReport(post_id=post.id, reporter_id=user.id, reason=reason[:1000])
    try:
        with db.session.begin_nested():
            db.session.add(report)
            db.session.flush()
    except IntegrityError:
        return None
    notify.queue_report_notifications(site, report, post, user)
    return report


def resolve_report(moderator: User, report: PostReport, now: datetime | None = None) -> None:
    from .permissions import can_moderate

    if not can_moderate(moderator):
        raise Forbidden("Only tutors can moderate the forum.")
    if report.resolved_at is None:
        report.resolved_at = now or utcnow()
        report.resolved_by_id = moderator.id
        _record(moderator, "resolve-report", report.post.thread_id, report.post_id)


# Following and reading -------------------------------------------------------------

def set_subscription(user: User, scope: str, mode: str) -> None:
    """Follow a scope at once or as a digest, or switch it off. Idempotent."""
    if mode not in set(MailPreference):
        raise DomainError("Choose how you want to hear about new posts.", field="mode")
    mode = MailPreference(mode)
    if scope == SCOPE_ALL and not user.is_staff and mode is not MailPreference.OFF:
        raise Forbidden("Only tutors can follow every forum.")
    changed = db.session.execute(update(Subscription).where(
        Subscription.user_id == user.id, Subscription.scope == scope).values(mode=mode, updated_at=utcnow()))
    if changed.rowcount:
        return
    try:
        with db.session.begin_nested():
            db.session.add(Subscription(user_id=user.id, scope=scope, mode=mode))
    except IntegrityError:  # a concurrent request created it
        db.session.execute(update(Subscription).where(
            Subscription.user_id == user.id, Subscription.scope == scope).values(mode=mode))


def subscriptions_of(user: User, scopes: list[str]) -> dict[str, MailPreference]:
    """scope -> mode for the given scopes (absent when never set)."""
    return dict(db.session.execute(select(Subscription.scope, Subscription.mode).where(
        Subscription.user_id == user.id, Subscription.scope.in_(scopes))).all())


def mark_read(user: User, thread: Thread) -> datetime | None:
    """Remember that `user` has seen the thread's newest activity. Returns what they had seen
    before (None: never opened), so the page can mark newer posts. Writes only when needed."""
    read = db.session.scalar(select(ThreadRead).where(ThreadRead.user_id == user.id,
                                                      ThreadRead.thread_id == thread.id))
    if read is not None:
        before = read.seen_last_post_at
        if before < thread.last_post_at:
            read.seen_last_post_at = thread.last_post_at
        return before
    try:
        with db.session.begin_nested():
            db.session.add(ThreadRead(user_id=user.id, thread_id=thread.id, seen_last_post_at=thread.last_post_at))
    except IntegrityError:
        pass  # opened in another tab at the same moment
    return None
