"""A person's forum posts (with earlier versions), what they follow and what they reported.

Erasing an account keeps its posts, so other people's threads stay whole: the author becomes NULL,
which every page shows as "deleted user" (service.author_name). Follows and read marks go.
"""
from __future__ import annotations

from sqlalchemy import delete, select

from ..core.personal_data import Erasure, PersonalData
from ..core.time import iso
from ..extensions import db
from .models import Post, PostReport, PostRevision, Subscription, Thread, ThreadRead


def export_posts(user) -> list[dict]:
    posts = db.session.execute(select(Post, Thread).join(Thread, Post.thread_id == Thread.id)
                               .where(Post.author_id == user.id).order_by(Post.created_at)).all()
    revisions: dict[int, list[PostRevision]] = {}
    if posts:
        for rev in db.session.scalars(select(PostRevision).where(PostRevision.post_id.in_([p.id for p, _ in posts]))
                                      .order_by(PostRevision.replaced_at)):
            revisions.setdefault(rev.post_id, []).append(rev)
    return [{
        "module": thread.module_slug, "thread_id": thread.id, "thread_title": thread.title,
        "post_id": post.id, "opening_post": post.is_opening, "body": post.body,
        "created_at": iso(post.created_at), "edited_at": iso(post.edited_at),
        "deleted_at": iso(post.deleted_at), "hidden_at": iso(post.hidden_at), "hidden_reason": post.hidden_reason,
        "earlier_versions": [{"body": r.body, "written_at": iso(r.written_at)} for r in revisions.get(post.id, [])],
    } for post, thread in posts]


def export_subscriptions(user) -> list[dict]:
    return [{"scope": s.scope, "mode": s.mode.value}
            for s in db.session.scalars(select(Subscription).where(Subscription.user_id == user.id))]


def export_reports(user) -> list[dict]:
    return [{"post_id": r.post_id, "reason": r.reason, "created_at": iso(r.created_at)}
            for r in db.session.scalars(select(PostReport).where(PostReport.reporter_id == user.id))]


def erase_follows(erasure: Erasure) -> None:
    db.session.execute(delete(Subscription).where(Subscription.user_id == erasure.user.id))
    db.session.execute(delete(ThreadRead).where(ThreadRead.user_id == erasure.user.id))


PARTS = (PersonalData("forum_posts", export=export_posts),
         PersonalData("forum_subscriptions", export=export_subscriptions, erase=erase_follows),
         PersonalData("forum_reports", export=export_reports))
