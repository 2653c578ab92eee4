"""The thread list shows Thread.reply_count, kept by the forum service: it must always equal the real
number of visible replies, whatever people post, delete, hide and restore, and however many reply at once."""
from __future__ import annotations

import re
import threading

import pytest
from sqlalchemy import func, select

from courseware.core.site import current_site
from courseware.accounts.models import User
from courseware.courses.content import get_course
from courseware.demo import generate
from courseware.extensions import db
from courseware.forums import service
from courseware.forums.models import Post, Thread
from tests.factories import make_user

FORUM = "/modules/basics/forum/"


def thread_url(thread_id: int) -> str:
    return f"{FORUM}{thread_id}/"


def post_url(thread_id: int, post_id: int, action: str) -> str:
    return f"{thread_url(thread_id)}posts/{post_id}/{action}"


def counts(app, thread_id: int) -> tuple[int, int]:
    """(kept count, real count of visible replies) of one thread."""
    with app.app_context():
        kept = db.session.scalar(select(Thread.reply_count).where(Thread.id == thread_id))
        real = db.session.scalar(select(func.count(Post.id)).where(
            Post.thread_id == thread_id, Post.is_opening.is_(False),
            Post.deleted_at.is_(None), Post.hidden_at.is_(None)))
        return kept, real


def listed_replies(html: str, title: str) -> int:
    """The replies column of the thread list row whose link reads `title`."""
    row = next(r for r in re.findall(r"<tr[ >].*?</tr>", html, re.S) if f">{title}</a>" in r)
    return int(re.findall(r"<td>(\d+)</td>", row)[0])


def reply_ids(app, thread_id: int, author_id: int) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(Post.id).where(
            Post.thread_id == thread_id, Post.author_id == author_id, Post.is_opening.is_(False))
            .order_by(Post.id)))


def test_reply_count_matches_the_visible_replies_after_a_mix_of_operations(
        app, learner, other_learner, tutor, signed_in):
    """After replies, deletions, hiding, restoring, hiding a deleted post's neighbour and deleting a
    hidden post, does the thread list show exactly the visible replies, as stored in reply_count?"""
    client = signed_in(learner)
    response = client.post(FORUM, data={"title": "Counting replies", "body": "Opening post"})
    assert response.status_code == 303
    thread_id = int(re.search(r"/forum/(\d+)/", response.headers["Location"]).group(1))
    for n in range(3):
        assert client.post(thread_url(thread_id), data={"body": f"Mine {n}"}).status_code == 303
    client = signed_in(other_learner)
    for n in range(3):
        assert client.post(thread_url(thread_id), data={"body": f"Theirs {n}"}).status_code == 303
    assert counts(app, thread_id) == (6, 6)

    mine = reply_ids(app, thread_id, learner.id)
    theirs = reply_ids(app, thread_id, other_learner.id)
    client = signed_in(learner)
    assert client.post(post_url(thread_id, mine[0], "delete")).status_code == 303
    assert counts(app, thread_id) == (5, 5)
    with app.app_context():
        opening = db.session.scalar(select(Post.id).where(Post.thread_id == thread_id, Post.is_opening.is_(True)))
    assert client.post(post_url(thread_id, opening, "delete")).status_code == 303   # not a reply
    assert counts(app, thread_id) == (5, 5)

    client = signed_in(tutor)
    for post_id in (theirs[0], theirs[1], mine[1]):
        assert client.post(post_url(thread_id, post_id, "hide"), data={"reason": "Off topic"}).status_code == 303
    assert counts(app, thread_id) == (2, 2)
    assert client.post(post_url(thread_id, theirs[1], "restore")).status_code == 303
    assert client.post(post_url(thread_id, theirs[1], "restore")).status_code == 303  # not hidden: no change
    assert counts(app, thread_id) == (3, 3)

    client = signed_in(learner)
    # A hidden post deleted by its author was not counted and still is not.
    assert client.post(post_url(thread_id, mine[1], "delete")).status_code == 303
    assert counts(app, thread_id) == (3, 3)
    assert client.post(thread_url(thread_id), data={"body": "One more"}).status_code == 303
    assert counts(app, thread_id) == (4, 4)

    html = client.get(FORUM).get_data(as_text=True)
    assert listed_replies(html, "Counting replies") == 4


def test_sending_the_same_reply_form_twice_counts_once(app, learner, signed_in):
    """A double click stores one reply: is it counted once?"""
    client = signed_in(learner)
    response = client.post(FORUM, data={"title": "Double click", "body": "Opening"})
    thread_id = int(re.search(r"/forum/(\d+)/", response.headers["Location"]).group(1))
    for _ in range(2):
        client.post(thread_url(thread_id), data={"body": "Once", "form_token": "same-form-token-123"})
    assert counts(app, thread_id) == (1, 1)


@pytest.mark.scale
def test_concurrent_replies_are_all_counted(app, learner, signed_in):
    """Eight people replying to one thread at the same moment: is every reply counted (no lost update)?"""
    people, each = 8, 4
    with app.app_context():
        authors = [make_user(email=f"replier{i}@example.org") for i in range(people)]
        opening = service.start_thread(current_site(), db.session.get(User, learner.id), get_course().module("basics"),
                                       "Busy thread", "Reply here")
        db.session.commit()
        thread_id = opening.thread_id
    clients = [signed_in(author) for author in authors]
    start = threading.Barrier(people)
    statuses: list[int] = []
    errors: list[str] = []

    def person(i: int) -> None:
        try:
            client = clients[i]
            start.wait(timeout=30)
            for n in range(each):
                statuses.append(client.post(thread_url(thread_id), data={"body": f"Reply {i}.{n}"}).status_code)
        except Exception as e:   # reported by the assertion below, not lost in the thread
            errors.append(repr(e))

    workers = [threading.Thread(target=person, args=(i,)) for i in range(people)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert not errors, errors
    assert statuses == [303] * (people * each)
    assert counts(app, thread_id) == (people * each, people * each)


@pytest.mark.scale
def test_demo_data_sets_reply_counts(app):
    """Does the demo generator (bulk inserts, not the service) leave every thread's count right?"""
    with app.app_context():
        generate(current_site(), get_course(), 300, seed=5)
        real = (select(func.count(Post.id)).where(Post.thread_id == Thread.id, Post.is_opening.is_(False),
                                                  Post.deleted_at.is_(None), Post.hidden_at.is_(None))
                .correlate(Thread).scalar_subquery())
        rows = db.session.execute(select(Thread.id, Thread.reply_count, real)).all()
        hidden_or_deleted = db.session.scalar(select(func.count(Post.id)).where(
            (Post.deleted_at.is_not(None)) | (Post.hidden_at.is_not(None))))
    assert rows and sum(kept for _, kept, _ in rows) > 0
    assert hidden_or_deleted > 0, "the sample should exercise hidden and deleted posts"
    assert [(i, kept) for i, kept, _ in rows] == [(i, n) for i, _, n in rows]
