"""Tutors pin, lock, hide and restore; every action is recorded; hidden posts do not count."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from courseware.courses.content import get_course
from courseware.extensions import db
from courseware.forums.models import ModerationAction, Post, PostReport, Thread
from courseware.forums.service import visible_post_counts
from tests.forums.conftest import thread_url


def post_url(thread_id, post_id, action):
    return f"{thread_url('basics', thread_id)}posts/{post_id}/{action}"


def moderate_url(thread_id, action):
    return f"{thread_url('basics', thread_id)}moderate/{action}"


def test_tutor_locks_a_thread_and_nobody_can_reply(app, learner, tutor, signed_in, make_thread, db_rows):
    thread_id, _ = make_thread(learner)
    client = signed_in(tutor)
    assert client.post(moderate_url(thread_id, "lock")).status_code == 303
    assert client.post(thread_url("basics", thread_id), data={"body": "tutor too"}).status_code == 403
    client = signed_in(learner)
    response = client.post(thread_url("basics", thread_id), data={"body": "Can I still?"})
    assert response.status_code == 403
    assert "This thread is locked" in response.get_data(as_text=True)
    assert len(db_rows(Post, Post.thread_id == thread_id)) == 1
    actions = db_rows(ModerationAction)
    assert [(a.action, a.moderator_id, a.thread_id) for a in actions] == [("lock", tutor.id, thread_id)]
    assert actions[0].created_at is not None


def test_pin_moves_a_thread_to_the_top(app, learner, tutor, signed_in, make_thread):
    older, _ = make_thread(learner, title="Older thread")
    make_thread(learner, title="Newer thread")
    client = signed_in(tutor)
    client.post(moderate_url(older, "pin"))
    html = client.get("/modules/basics/forum/").get_data(as_text=True)
    # The seeded prompt is pinned too; among the learners' threads the pinned one comes first.
    assert html.index("Older thread") < html.index("Newer thread")
    client.post(moderate_url(older, "unpin"))
    html = client.get("/modules/basics/forum/").get_data(as_text=True)
    assert html.index("Newer thread") < html.index("Older thread")


@pytest.mark.parametrize("action", ["pin", "unpin", "lock", "unlock"])
def test_learners_cannot_moderate_threads(app, learner, signed_in, make_thread, db_rows, action):
    thread_id, _ = make_thread(learner)
    client = signed_in(learner)
    assert client.post(moderate_url(thread_id, action)).status_code == 403
    assert db_rows(ModerationAction) == []


def test_unknown_moderation_action_is_404(app, learner, tutor, signed_in, make_thread):
    thread_id, _ = make_thread(learner)
    client = signed_in(tutor)
    assert client.post(moderate_url(thread_id, "explode")).status_code == 404


def test_hiding_a_post_with_a_reason(app, learner, other_learner, tutor, signed_in, make_thread,
                                     make_reply, db_rows):
    """Does a hidden post vanish for others, show its author why, stop counting, and come back on restore?"""
    thread_id, _ = make_thread(other_learner)
    reply_id = make_reply(learner, thread_id, body="Off-topic advertising")
    with app.app_context():
        assert visible_post_counts(get_course(), learner.id)["basics"] == 1
    client = signed_in(tutor)
    assert client.get(post_url(thread_id, reply_id, "hide")).status_code == 200
    response = client.post(post_url(thread_id, reply_id, "hide"), data={"reason": "  "})
    assert response.status_code == 422 and "Give a reason" in response.get_data(as_text=True)
    assert client.post(post_url(thread_id, reply_id, "hide"), data={"reason": "Advertising"}).status_code == 303
    tutor_view = client.get(thread_url("basics", thread_id)).get_data(as_text=True)
    assert "Off-topic advertising" in tutor_view and "Advertising" in tutor_view and "Restore" in tutor_view

    with app.app_context():
        assert visible_post_counts(get_course(), learner.id)["basics"] == 0
    client = signed_in(learner)
    own_view = client.get(thread_url("basics", thread_id)).get_data(as_text=True)
    assert "This post was hidden by a tutor." in own_view and "Reason: Advertising" in own_view
    assert "does not count towards the certificate" in own_view
    # Hidden posts cannot be edited or quoted.
    assert client.get(post_url(thread_id, reply_id, "edit")).status_code == 403

    client = signed_in(other_learner)
    other_view = client.get(thread_url("basics", thread_id)).get_data(as_text=True)
    assert "This post was hidden by a tutor." in other_view
    assert "Off-topic advertising" not in other_view and "Advertising" not in other_view
    assert client.get(f"{thread_url('basics', thread_id)}?quote={reply_id}").status_code == 404
    assert client.get(post_url(thread_id, reply_id, "report")).status_code == 404

    client = signed_in(tutor)
    assert client.post(post_url(thread_id, reply_id, "restore")).status_code == 303
    with app.app_context():
        assert visible_post_counts(get_course(), learner.id)["basics"] == 1
    actions = db_rows(ModerationAction)
    assert [(a.action, a.moderator_id, a.post_id, a.reason) for a in actions] == [
        ("hide", tutor.id, reply_id, "Advertising"), ("restore", tutor.id, reply_id, "")]
    log = client.get("/forum/moderation/").get_data(as_text=True)
    assert "hide" in log and "restore" in log and "Tara Tutor" in log


def test_learners_cannot_hide_or_restore(app, learner, other_learner, signed_in, make_thread, get_post):
    thread_id, post_id = make_thread(other_learner)
    client = signed_in(learner)
    assert client.get(post_url(thread_id, post_id, "hide")).status_code == 403
    assert client.post(post_url(thread_id, post_id, "hide"), data={"reason": "mine"}).status_code == 403
    assert client.post(post_url(thread_id, post_id, "restore")).status_code == 403
    assert client.get("/forum/moderation/").status_code == 403
    assert get_post(post_id).hidden_at is None


def test_report_reaches_the_tutors(app, learner, other_learner, tutor, admin, signed_in, make_thread,
                                   outbox, db_rows):
    thread_id, post_id = make_thread(other_learner, body="Dubious claim")
    client = signed_in(learner)
    assert client.get(post_url(thread_id, post_id, "report")).status_code == 200
    response = client.post(post_url(thread_id, post_id, "report"), data={"reason": ""})
    assert response.status_code == 422
    assert client.post(post_url(thread_id, post_id, "report"), data={"reason": "Spam link"}).status_code == 303
    assert client.post(post_url(thread_id, post_id, "report"), data={"reason": "Again"}).status_code == 303
    assert len(db_rows(PostReport)) == 1
    assert sorted(m["To"] for m in outbox) == sorted([tutor.email, admin.email])
    assert "Spam link" in outbox[0].get_content()

    client = signed_in(tutor)
    page = client.get("/forum/moderation/").get_data(as_text=True)
    assert "Spam link" in page and "Lena Learner" in page
    report = db_rows(PostReport)[0]
    assert client.post(f"/forum/reports/{report.id}/resolve").status_code == 303
    assert db_rows(PostReport)[0].resolved_by_id == tutor.id
    assert "No open reports." in client.get("/forum/moderation/").get_data(as_text=True)


def test_authors_cannot_report_their_own_post(app, learner, signed_in, make_thread):
    thread_id, post_id = make_thread(learner)
    client = signed_in(learner)
    assert client.get(post_url(thread_id, post_id, "report")).status_code == 403


def test_locked_thread_still_reads_and_unlocks(app, learner, tutor, signed_in, make_thread):
    thread_id, _ = make_thread(learner)
    client = signed_in(tutor)
    client.post(moderate_url(thread_id, "lock"))
    page = client.get(thread_url("basics", thread_id)).get_data(as_text=True)
    assert "Locked" in page and 'name="body"' not in page
    client.post(moderate_url(thread_id, "unlock"))
    assert client.post(thread_url("basics", thread_id), data={"body": "Open again"}).status_code == 303
    with app.app_context():
        assert db.session.scalar(select(Thread.locked).where(Thread.id == thread_id)) is False
