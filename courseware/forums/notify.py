"""Forum mail: who hears of a new post, at once or in the daily digest, and their opt-out links.

All mail goes through the outbox (core.outbox.queue_mail) inside the caller's transaction.
Each message has a dedupe key per post and recipient, so nobody is told twice about one post.
A mail about a post names, in its text and its List-Unsubscribe header, the link that stops the
subscription it came from; a post held for the daily digest names the link that stops the digest
(forums/optout.py says what each stops).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, delete, or_, select

from ..accounts.models import User
from ..core.mail.optout import unsubscribe_url
from ..core.outbox import HELD, PENDING, OutboxMessage, queue_mail
from ..core.site import Site
from ..courses.content import Module
from ..extensions import db
from ..core.vocabulary import STAFF, MailPreference
from .models import (SCOPE_ALL, SCOPE_OWN_THREADS, Post, PostReport, Subscription, Thread,
                     module_scope, thread_scope)

EXCERPT = 2_000
# Opt-out kinds (what each stops: forums/optout.py) and the outbox's name of the daily forum digest.
FORUM, FORUM_DIGEST = "forum", "forum-digest"
DIGEST = "forum"


@dataclass(frozen=True)
class Recipient:
    user: User
    mode: MailPreference
    scope: str


def _why(scope: str, module: Module) -> str:
    if scope == SCOPE_OWN_THREADS:
        return "you started this thread"
    if scope == SCOPE_ALL:
        return "you follow every forum"
    if scope.startswith("module:"):
        return f"you follow the forum of “{module.title}”"
    return "you follow this thread"


def recipients(post: Post, thread: Thread, module: Module, poster: User) -> list[Recipient]:
    """Everyone to tell about `post`: one entry per person, by their most specific setting
    (thread, then "threads I started", then module, then everything). Two queries."""
    specific = [thread_scope(thread.id), SCOPE_OWN_THREADS, module_scope(module.slug), SCOPE_ALL]
    rows = db.session.execute(select(Subscription.user_id, Subscription.scope, Subscription.mode).where(or_(
        Subscription.scope.in_([thread_scope(thread.id), module_scope(module.slug), SCOPE_ALL]),
        and_(Subscription.scope == SCOPE_OWN_THREADS, Subscription.user_id == thread.author_id)))).all()
    settings: dict[int, dict[str, str]] = {}
    for user_id, scope, mode in rows:
        settings.setdefault(user_id, {})[scope] = mode
    if thread.author_id is not None and not post.is_opening:
        # Authors hear of replies unless they switched it off.
        settings.setdefault(thread.author_id, {}).setdefault(SCOPE_OWN_THREADS, MailPreference.INSTANT)
    settings.pop(poster.id, None)
    if not settings:
        return []
    users = db.session.scalars(select(User).where(User.id.in_(settings), User.active.is_(True)))
    found = []
    for user in users:
        chosen = settings[user.id]
        scope = next(s for s in specific if s in chosen)
        mode = chosen[scope]
        if mode is MailPreference.OFF or (scope == SCOPE_ALL and not user.is_staff):
            continue
        found.append(Recipient(user, mode, scope))
    return sorted(found, key=lambda r: r.user.id)


def queue_post_notifications(site: Site, post: Post, thread: Thread, module: Module, poster: User) -> int:
    link = site.links.url("forums.show_post", module_slug=module.slug, thread_id=thread.id, post_id=post.id)
    excerpt = post.body if len(post.body) <= EXCERPT else post.body[:EXCERPT].rstrip() + " […]"
    if post.is_opening:
        subject = f"New thread in {module.title}: {thread.title}"
        intro = f"{poster.name} started a thread, “{thread.title}”, in the forum of “{module.title}”:"
    else:
        subject = f"New reply in “{thread.title}”"
        intro = f"{poster.name} replied in “{thread.title}” ({module.title}):"
    queued = 0
    for r in recipients(post, thread, module, poster):
        stop_scope = unsubscribe_url(site, r.user.id, FORUM, r.scope)
        daily = r.mode is MailPreference.DAILY
        body = (f"Hello {r.user.name},\n\n{intro}\n\n{excerpt}\n\nRead it and reply: {link}\n\n"
                f"—\nYou receive this because {_why(r.scope, module)}.\n"
                f"Stop these mails (no sign-in needed): {stop_scope}\n")
        if queue_mail(r.user.email, subject, body, user_id=r.user.id, dedupe_key=post_mail_key(post.id, r.user.id),
                      digest=DIGEST if daily else None,
                      unsubscribe_url=unsubscribe_url(site, r.user.id, FORUM_DIGEST) if daily else stop_scope
                      ) is not None:
            queued += 1
    return queued


def post_mail_key(post_id: int, user_id: int) -> str:
    return f"forum-post:{post_id}:{user_id}"


def withdraw_post_notifications(post: Post) -> None:
    """A hidden or deleted post is not mailed out later (digests, retries); sent mail stays sent."""
    db.session.execute(delete(OutboxMessage).where(
        OutboxMessage.dedupe_key.like(f"forum-post:{post.id}:%"),
        OutboxMessage.status.in_([HELD, PENDING])).execution_options(synchronize_session=False))


def queue_report_notifications(site: Site, report: PostReport, post: Post, reporter: User) -> int:
    staff = db.session.scalars(select(User).where(
        User.role.in_(STAFF), User.active.is_(True)).order_by(User.id))
    link = site.links.url("forums.show_post", module_slug=post.thread.module_slug, thread_id=post.thread_id,
                          post_id=post.id)
    queue_link = site.links.url("forums.moderation_queue")
    queued = 0
    for user in staff:
        body = (f"Hello {user.name},\n\n{reporter.name} reported a post in “{post.thread.title}”:\n\n"
                f"{report.reason}\n\nThe post: {link}\nOpen reports: {queue_link}\n")
        if queue_mail(user.email, f"Post reported in “{post.thread.title}”", body, user_id=user.id,
                      dedupe_key=f"forum-report:{report.id}:{user.id}") is not None:
            queued += 1
    return queued
