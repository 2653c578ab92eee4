"""Editing within 30 minutes (earlier text kept) and deleting one's own posts."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from courseware.courses.content import get_course
from courseware.core.time import utcnow
from courseware.extensions import db
from courseware.forums.models import Post, PostRevision
from courseware.forums.service import visible_post_counts
from tests.forums.conftest import thread_url


def edit_url(thread_id, post_id):
    return f"{thread_url('basics', thread_id)}posts/{post_id}/edit"


def delete_url(thread_id, post_id):
    return f"{thread_url('basics', thread_id)}posts/{post_id}/delete"


def age_post(app, post_id, minutes):
    with app.app_context():
        db.session.execute(update(Post).where(Post.id == post_id).values(
            created_at=utcnow() - timedelta(minutes=minutes)))
        db.session.commit()


def test_author_edits_within_the_window_and_the_old_text_is_kept(app, learner, signed_in, make_thread,
                                                                  get_post, db_rows):
    thread_id, post_id = make_thread(learner, body="First thought")
    client = signed_in(learner)
    form = client.get(edit_url(thread_id, post_id))
    assert form.status_code == 200 and "First thought</textarea>" in form.get_data(as_text=True)
    response = client.post(edit_url(thread_id, post_id), data={"body": "Second *thought*"})
    assert response.status_code == 303
    page = client.get(response.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert "Second <em>thought</em>" in page and "edited" in page and "First thought" not in page
    post = get_post(post_id)
    assert post.body == "Second *thought*" and post.edited_at is not None
    revisions = db_rows(PostRevision, PostRevision.post_id == post_id)
    assert [r.body for r in revisions] == ["First thought"]


def test_tutors_see_earlier_versions(app, learner, tutor, signed_in, make_thread):
    thread_id, post_id = make_thread(learner, body="Original words")
    client = signed_in(learner)
    client.post(edit_url(thread_id, post_id), data={"body": "Changed words"})
    client = signed_in(tutor)
    page = client.get(thread_url("basics", thread_id)).get_data(as_text=True)
    assert "Earlier versions (1)" in page and "Original words" in page


def test_editing_after_30_minutes_is_refused(app, learner, signed_in, make_thread, get_post):
    thread_id, post_id = make_thread(learner, body="Old")
    age_post(app, post_id, 29)
    client = signed_in(learner)
    assert client.get(edit_url(thread_id, post_id)).status_code == 200
    age_post(app, post_id, 31)
    assert client.get(edit_url(thread_id, post_id)).status_code == 403
    assert client.post(edit_url(thread_id, post_id), data={"body": "Late"}).status_code == 403
    assert "Edit<span" not in client.get(thread_url("basics", thread_id)).get_data(as_text=True)
    assert get_post(post_id).body == "Old"


def test_nobody_edits_someone_elses_post(app, learner, other_learner, tutor, signed_in, make_thread, get_post):
    thread_id, post_id = make_thread(learner, body="Mine")
    for user in (other_learner, tutor):
        client = signed_in(user)
        assert client.post(edit_url(thread_id, post_id), data={"body": "Theirs"}).status_code == 403
    assert get_post(post_id).body == "Mine"


def test_bad_edit_is_refused_and_changes_nothing(app, learner, signed_in, make_thread, get_post):
    thread_id, post_id = make_thread(learner, body="Keep")
    client = signed_in(learner)
    response = client.post(edit_url(thread_id, post_id), data={"body": "   "})
    assert response.status_code == 422 and "Write something before posting" in response.get_data(as_text=True)
    assert get_post(post_id).body == "Keep"


def test_edit_of_a_post_in_another_thread_url_is_404(app, learner, signed_in, make_thread):
    thread_a, _ = make_thread(learner, title="A")
    _, post_b = make_thread(learner, title="B")
    client = signed_in(learner)
    assert client.get(edit_url(thread_a, post_b)).status_code == 404


def test_delete_shows_removed_keeps_replies_and_stops_counting(app, learner, other_learner, signed_in,
                                                              make_thread, make_reply):
    thread_id, post_id = make_thread(learner, body="Regrettable words")
    make_reply(other_learner, thread_id, body="A reply that stays")
    with app.app_context():
        assert visible_post_counts(get_course(), learner.id)["basics"] == 1
    client = signed_in(learner)
    assert client.get(delete_url(thread_id, post_id)).status_code == 200
    response = client.post(delete_url(thread_id, post_id))
    assert response.status_code == 303
    page = client.get(thread_url("basics", thread_id)).get_data(as_text=True)
    assert "This post was removed by its author." in page
    assert "Regrettable words" not in page
    assert "A reply that stays" in page
    with app.app_context():
        assert visible_post_counts(get_course(), learner.id)["basics"] == 0


def test_nobody_deletes_someone_elses_post(app, learner, other_learner, signed_in, make_thread, get_post):
    thread_id, post_id = make_thread(learner)
    client = signed_in(other_learner)
    assert client.post(delete_url(thread_id, post_id)).status_code == 403
    assert get_post(post_id).deleted_at is None


def test_a_deleted_post_cannot_be_edited_or_deleted_again(app, learner, signed_in, make_thread):
    thread_id, post_id = make_thread(learner)
    client = signed_in(learner)
    client.post(delete_url(thread_id, post_id))
    assert client.get(edit_url(thread_id, post_id)).status_code == 404
    assert client.post(delete_url(thread_id, post_id)).status_code == 404
