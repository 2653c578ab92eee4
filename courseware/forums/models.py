"""Forum data: threads and posts per module (keyed by the module's slug), plus what people
follow, what they have read, what they reported and what tutors did.

Every post, the opening one included, is a `Post` row, so "a learner's visible posts" is one
count over one table (see service.visible_post_counts).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint, and_
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..core.time import utcnow
from ..core.types import StrEnumType, UTCDateTime
from ..core.vocabulary import MailPreference
from ..extensions import db

EDIT_WINDOW_MINUTES = 30


class Thread(db.Model):
    __tablename__ = "forum_thread"
    __table_args__ = (
        # Seeded prompt threads: concurrent first visits cannot create one twice. Ordinary
        # threads have no prompt_slug, and NULLs never collide in a unique constraint.
        UniqueConstraint("module_slug", "prompt_slug", name="uq_forum_thread_module_prompt"),
        Index("ix_forum_thread_module_activity", "module_slug", "pinned", "last_post_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    module_slug: Mapped[str] = mapped_column(String(80))
    prompt_slug: Mapped[str | None] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_post_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Visible replies (not the opening post; not deleted, not hidden), kept by the service functions
    # that change them, in the same transaction, with UPDATE ... SET reply_count = reply_count + n:
    # the thread list shows it without counting thousands of posts in a busy prompt thread.
    reply_count: Mapped[int] = mapped_column(default=0, server_default="0")

    author: Mapped[User | None] = relationship(foreign_keys=[author_id], lazy="raise")

    @property
    def is_prompt(self) -> bool:
        return self.prompt_slug is not None


class Post(db.Model):
    __tablename__ = "forum_post"
    __table_args__ = (
        Index("ix_forum_post_thread_created", "thread_id", "id"),
        Index("ix_forum_post_author_visible", "author_id", "deleted_at", "hidden_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("forum_thread.id", ondelete="CASCADE"))
    # NULL for the course team's seeded prompts (by_course_team) and, later, for erased accounts.
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    by_course_team: Mapped[bool] = mapped_column(Boolean, default=False)
    is_opening: Mapped[bool] = mapped_column(Boolean, default=False)
    body: Mapped[str] = mapped_column(Text)
    # Rendered once when written (core.safe_markdown.render_safe), never per request.
    body_html: Mapped[str] = mapped_column(Text)
    # One per rendered form: a double click sends the same token twice and stores one post.
    form_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    hidden_reason: Mapped[str | None] = mapped_column(String(500))

    thread: Mapped[Thread] = relationship(lazy="joined", innerjoin=True)
    author: Mapped[User | None] = relationship(foreign_keys=[author_id], lazy="raise")
    revisions: Mapped[list[PostRevision]] = relationship(back_populates="post", lazy="raise",
                                                         order_by="PostRevision.id")

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @hybrid_property
    def is_visible(self) -> bool:
        """THE definition of a visible post: shown to everyone and counted for the certificate (not
        deleted by its author, not hidden by a tutor). Also an SQL expression: `.where(Post.is_visible)`."""
        return self.deleted_at is None and self.hidden_at is None

    @is_visible.inplace.expression
    @classmethod
    def _is_visible_expression(cls):
        return and_(cls.deleted_at.is_(None), cls.hidden_at.is_(None))


class PostRevision(db.Model):
    """An earlier text of an edited post: edits are kept, never overwritten."""

    __tablename__ = "forum_post_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("forum_post.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    written_at: Mapped[datetime] = mapped_column(UTCDateTime())
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    post: Mapped[Post] = relationship(back_populates="revisions")


class ModerationAction(db.Model):
    """Who did what, when: pin, unpin, lock, unlock, hide, restore, resolve-report."""

    __tablename__ = "forum_moderation_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    moderator_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    thread_id: Mapped[int] = mapped_column(ForeignKey("forum_thread.id", ondelete="CASCADE"), index=True)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("forum_post.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    moderator: Mapped[User | None] = relationship(lazy="raise")
    thread: Mapped[Thread] = relationship(lazy="raise")


class PostReport(db.Model):
    """A learner told the tutors about a post. One open report per person and post."""

    __tablename__ = "forum_post_report"
    __table_args__ = (UniqueConstraint("post_id", "reporter_id", name="uq_forum_post_report_post_reporter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("forum_post.id", ondelete="CASCADE"), index=True)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    post: Mapped[Post] = relationship()
    reporter: Mapped[User | None] = relationship(foreign_keys=[reporter_id], lazy="raise")


# Subscription scopes, one string each so (user, scope) can be unique on every backend.
SCOPE_ALL = "all"                  # staff: every forum
SCOPE_OWN_THREADS = "own-threads"  # replies to threads I started (on unless switched off)


def thread_scope(thread_id: int) -> str:
    return f"thread:{thread_id}"


def module_scope(module_slug: str) -> str:
    return f"module:{module_slug}"


class Subscription(db.Model):
    """How a person wants to hear about new posts in one scope: at once, in a daily digest, or not."""

    __tablename__ = "forum_subscription"
    __table_args__ = (UniqueConstraint("user_id", "scope", name="uq_forum_subscription_user_scope"),
                      Index("ix_forum_subscription_scope", "scope"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    scope: Mapped[str] = mapped_column(String(100))
    mode: Mapped[MailPreference] = mapped_column(StrEnumType(MailPreference, 10), default=MailPreference.INSTANT)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class ThreadRead(db.Model):
    """The newest activity in a thread that a person has seen: older means the thread is unread."""

    __tablename__ = "forum_thread_read"
    __table_args__ = (UniqueConstraint("user_id", "thread_id", name="uq_forum_thread_read_user_thread"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    thread_id: Mapped[int] = mapped_column(ForeignKey("forum_thread.id", ondelete="CASCADE"), index=True)
    seen_last_post_at: Mapped[datetime] = mapped_column(UTCDateTime())
