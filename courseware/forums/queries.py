"""Read-only queries for the forum pages. Each page costs a fixed number of queries, however
many threads and posts there are: counts, authors and read marks come in the same statement."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased, lazyload, selectinload

from ..accounts.models import User
from flask_sqlalchemy.pagination import Pagination

from ..core.pagination import paginate
from ..editions.filters import EVERYONE, EditionFilter
from ..extensions import db
from . import permissions
from .models import ModerationAction, Post, PostReport, Thread, ThreadRead

THREADS_PER_PAGE = 20
POSTS_PER_PAGE = 20

@dataclass(frozen=True)
class ThreadRow:
    thread: Thread
    author: Person | None
    replies: int
    unread: bool


def thread_page(module_slug: str, viewer: User, number: int, per_page: int = THREADS_PER_PAGE,
                edition: EditionFilter = EVERYONE) -> Pagination | None:
    """ThreadRows, pinned first, then newest activity. None when the page number is past the end. Two queries.

    Reply counts come from the kept Thread.reply_count, not from counting each listed thread's posts.
    With an `edition` filter, only threads in which someone of that edition has a visible post."""
    conditions = [Thread.module_slug == module_slug]
    authors = edition.where(Post.author_id)
    if authors is not None:
        conditions.append(Thread.id.in_(select(Post.thread_id).where(Post.is_visible, authors)))
    page = paginate(
        select(Thread, User.id, User.name, Thread.reply_count, ThreadRead.seen_last_post_at)
        .outerjoin(User, Thread.author_id == User.id)
        .outerjoin(ThreadRead, and_(ThreadRead.thread_id == Thread.id, ThreadRead.user_id == viewer.id))
        .where(*conditions)
        .order_by(Thread.pinned.desc(), Thread.last_post_at.desc(), Thread.id.desc()),
        number, per_page, rows=True,
        count=select(func.count(Thread.id)).where(*conditions))
    if page is not None:
        # Authors as (id, name) columns, not whole accounts: the list shows only their names.
        page.items = [ThreadRow(thread, Person(author_id, name) if author_id is not None else None, count,
                                seen is None or seen < thread.last_post_at)
                      for thread, author_id, name, count, seen in page.items]
    return page


@dataclass
class PostRow:
    post: Post
    author: Person | None
    hidden_by: Person | None
    is_new: bool
    can: permissions.PostActions | None = None      # what the viewer may do with it (set by the view)


@dataclass(frozen=True)
class Person:
    """Who wrote or hid a post, as the thread page shows them (service.author_name reads .name)."""
    id: int
    name: str


def post_page(thread: Thread, number: int, seen_before: datetime | None, with_revisions: bool = False,
              per_page: int = POSTS_PER_PAGE) -> Pagination | None:
    """PostRows in order, with authors (and, for tutors, earlier versions). Two or three queries.

    Authors come as (id, name) columns, not whole accounts, and each post's thread from the identity map
    (the page has loaded it), not a join: the ORM's per-row work was a third of the thread page's time."""
    hider = aliased(User)
    query = (select(Post, User.id, User.name, hider.id, hider.name)
             .outerjoin(User, Post.author_id == User.id)
             .outerjoin(hider, Post.hidden_by_id == hider.id)
             .where(Post.thread_id == thread.id)
             .options(lazyload(Post.thread))
             .order_by(Post.id))
    if with_revisions:
        query = query.options(selectinload(Post.revisions))
    page = paginate(query, number, per_page, rows=True,
                    count=select(func.count(Post.id)).where(Post.thread_id == thread.id))
    if page is not None:
        page.items = [PostRow(post, Person(author_id, author) if author_id is not None else None,
                              Person(hider_id, hider_name) if hider_id is not None else None,
                              seen_before is not None and post.created_at > seen_before)
                      for post, author_id, author, hider_id, hider_name in page.items]
    return page


def page_of_post(post: Post, per_page: int = POSTS_PER_PAGE) -> int:
    """The page of its thread on which `post` appears."""
    before = db.session.scalar(select(func.count(Post.id)).where(Post.thread_id == post.thread_id,
                                                                 Post.id <= post.id))
    return max(1, -(-before // per_page))


def load_post_with_author(post_id: int) -> tuple[Post, User | None] | None:
    row = db.session.execute(select(Post, User).outerjoin(User, Post.author_id == User.id)
                             .where(Post.id == post_id)).first()
    return (row[0], row[1]) if row else None


@dataclass(frozen=True)
class ReportRow:
    report: PostReport
    post: Post
    reporter: User | None


def open_reports(limit: int = 100) -> list[ReportRow]:
    rows = db.session.execute(
        select(PostReport, Post, User)
        .join(Post, PostReport.post_id == Post.id)
        .outerjoin(User, PostReport.reporter_id == User.id)
        .where(PostReport.resolved_at.is_(None))
        .order_by(PostReport.created_at, PostReport.id).limit(limit)).all()
    return [ReportRow(r, p, u) for r, p, u in rows]


def moderation_log(number: int, per_page: int = 50) -> Pagination | None:
    """(action, moderator, thread) rows, newest first."""
    return paginate(select(ModerationAction, User, Thread)
                    .outerjoin(User, ModerationAction.moderator_id == User.id)
                    .join(Thread, ModerationAction.thread_id == Thread.id)
                    .order_by(ModerationAction.created_at.desc(), ModerationAction.id.desc()),
                    number, per_page, rows=True, count=select(func.count(ModerationAction.id)))
