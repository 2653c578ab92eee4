"""Forum test helpers: create threads and posts through the service."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from courseware.core.site import current_site
from courseware.accounts.models import User
from courseware.courses.content import get_course
from courseware.extensions import db
from courseware.forums import service
from courseware.forums.models import Post, Thread


@pytest.fixture
def make_thread(app):
    """make_thread(user_ref, module_slug='basics', title=..., body=...) -> (thread_id, post_id)."""
    def do(user, module_slug="basics", title="A question", body="What do you think?"):
        with app.app_context():
            author = db.session.get(User, user.id)
            post = service.start_thread(current_site(), author, get_course().module(module_slug), title, body)
            db.session.commit()
            return post.thread_id, post.id
    return do


@pytest.fixture
def make_reply(app):
    def do(user, thread_id, body="I agree."):
        with app.app_context():
            author = db.session.get(User, user.id)
            thread = db.session.get(Thread, thread_id)
            post = service.reply(current_site(), author, get_course().module(thread.module_slug), thread, body)
            db.session.commit()
            return post.id
    return do


@pytest.fixture
def get_post(app):
    def do(post_id):
        with app.app_context():
            post = db.session.get(Post, post_id)
            db.session.expunge(post)
            return post
    return do


@pytest.fixture
def db_rows(app):
    def do(model, *where):
        with app.app_context():
            rows = db.session.scalars(select(model).where(*where)).all()
            for r in rows:
                db.session.expunge(r)
            return rows
    return do


def thread_url(module_slug: str, thread_id: int) -> str:
    return f"/modules/{module_slug}/forum/{thread_id}/"
