"""Starting threads and replying: what is stored, what is refused, and what counts."""
from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select

from courseware.courses.content import get_course
from courseware.extensions import db
from courseware.forums.models import Post, Thread
from courseware.forums.service import visible_post_counts
from tests.forums.conftest import thread_url


def post_count(app) -> int:
    """Posts written by people (seeded prompts left out)."""
    with app.app_context():
        return db.session.scalar(select(func.count(Post.id)).where(Post.by_course_team.is_(False)))


def test_start_thread_and_reply(app, learner, other_learner, signed_in):
    """Can a learner start a thread, and another learner reply to it?"""
    client = signed_in(learner)
    response = client.post("/modules/basics/forum/", data={"title": "Grid limits", "body": "Where do *you* see them?"})
    assert response.status_code == 303
    page = client.get(response.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert "Grid limits" in page and "<em>you</em>" in page and "Lena Learner" in page
    thread = db_thread(app, "Grid limits")
    client = signed_in(other_learner)
    response = client.post(thread_url("basics", thread.id), data={"body": "At the **depot**."})
    assert response.status_code == 303
    page = client.get(response.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert "<strong>depot</strong>" in page and "Otto Other" in page
    listing = client.get("/modules/basics/forum/").get_data(as_text=True)
    assert "Grid limits" in listing


def db_thread(app, title):
    with app.app_context():
        thread = db.session.scalar(select(Thread).where(Thread.title == title))
        db.session.expunge(thread)
        return thread


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/modules/basics/forum/")
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]


@pytest.mark.parametrize("role", ["learner", "tutor", "admin"])
def test_every_role_may_read_and_post(app, role, signed_in, request):
    user = request.getfixturevalue(role)
    client = signed_in(user)
    assert client.get("/modules/basics/forum/").status_code == 200
    assert client.post("/modules/basics/forum/", data={"title": "Hi", "body": "Hello"}).status_code == 303


def test_unknown_module_and_thread_are_404(app, learner, signed_in, make_thread):
    client = signed_in(learner)
    assert client.get("/modules/nope/forum/").status_code == 404
    assert client.post("/modules/nope/forum/", data={"title": "x", "body": "y"}).status_code == 404
    assert client.get(thread_url("basics", 9999)).status_code == 404
    assert post_count(app) == 0


def test_thread_of_another_module_in_the_url_is_404(app, learner, signed_in, make_thread):
    """Is a thread of `basics` refused under `practice`, for reading and replying?"""
    thread_id, _ = make_thread(learner, "basics")
    client = signed_in(learner)
    assert client.get(thread_url("practice", thread_id)).status_code == 404
    assert client.post(thread_url("practice", thread_id), data={"body": "sneaky"}).status_code == 404
    assert post_count(app) == 1


@pytest.mark.parametrize("data, field, message", [
    ({"title": "", "body": "text"}, "title", "Give your thread a title"),
    ({"title": "   \t ", "body": "text"}, "title", "Give your thread a title"),
    ({"title": "Title", "body": ""}, "body", "Write something before posting"),
    ({"title": "Title", "body": " \n\r\n  "}, "body", "Write something before posting"),
    ({"title": "Title", "body": "x" * 20_001}, "body", "under 20,000 characters"),
    ({"title": "T" * 201, "body": "text"}, "title", "under 200 characters"),
    ({"title": "Bell\x07", "body": "text"}, "title", "control characters"),
])
def test_bad_thread_input_is_refused_beside_the_field(app, learner, signed_in, data, field, message):
    client = signed_in(learner)
    response = client.post("/modules/basics/forum/", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert f'id="{field}-error"' in html
    with app.app_context():
        assert db.session.scalar(select(func.count(Thread.id)).where(Thread.prompt_slug.is_(None))) == 0


@pytest.mark.parametrize("body, message", [
    ("", "Write something before posting"),
    ("   ", "Write something before posting"),
    ("y" * 20_001, "under 20,000 characters"),
])
def test_bad_reply_is_refused(app, learner, signed_in, make_thread, body, message):
    thread_id, _ = make_thread(learner)
    client = signed_in(learner)
    response = client.post(thread_url("basics", thread_id), data={"body": body})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert post_count(app) == 1


def test_a_body_of_exactly_20000_characters_is_accepted(app, learner, signed_in, make_thread):
    thread_id, _ = make_thread(learner)
    client = signed_in(learner)
    assert client.post(thread_url("basics", thread_id), data={"body": "z" * 20_000}).status_code == 303


def test_nul_characters_never_cause_an_error(app, learner, signed_in):
    """PostgreSQL refuses NUL in text: is a post holding one refused (400), not a 500, and nothing stored?"""
    client = signed_in(learner)
    response = client.post("/modules/basics/forum/", data={"title": "Nul\x00", "body": "a\x00b"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Post).where(Post.author_id == learner.id)) == 0


def test_double_submission_stores_one_post(app, learner, signed_in, make_thread):
    """Does sending the same rendered form twice (a double click) store one reply?"""
    thread_id, _ = make_thread(learner)
    client = signed_in(learner)
    html = client.get(thread_url("basics", thread_id)).get_data(as_text=True)
    token = html.split('name="form_token" type="hidden" value="')[1].split('"')[0]
    first = client.post(thread_url("basics", thread_id), data={"body": "Once", "form_token": token})
    second = client.post(thread_url("basics", thread_id), data={"body": "Once", "form_token": token})
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert post_count(app) == 2  # the opening post and one reply


def test_double_submission_of_a_new_thread_stores_one_thread(app, learner, signed_in):
    client = signed_in(learner)
    data = {"title": "Twice", "body": "clicked", "form_token": "tok-123456"}
    assert client.post("/modules/basics/forum/", data=data).status_code == 303
    assert client.post("/modules/basics/forum/", data=data).status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count(Thread.id)).where(Thread.title == "Twice")) == 1


def test_the_same_text_twice_without_a_form_token_is_two_posts(app, learner, signed_in, make_thread):
    """Are two deliberate posts with the same words two posts (only a repeated form is one)?"""
    thread_id, _ = make_thread(learner)
    client = signed_in(learner)
    for _ in range(2):
        assert client.post(thread_url("basics", thread_id), data={"body": "+1"}).status_code == 303
    assert post_count(app) == 3


def test_someone_elses_form_token_stores_nothing(app, learner, other_learner, signed_in, make_thread):
    thread_id, _ = make_thread(learner)
    client = signed_in(learner)
    client.post(thread_url("basics", thread_id), data={"body": "mine", "form_token": "shared-token"})
    client = signed_in(other_learner)
    response = client.post(thread_url("basics", thread_id), data={"body": "theirs", "form_token": "shared-token"})
    assert response.status_code == 422
    assert post_count(app) == 2


def test_preview_shows_the_rendered_post_and_stores_nothing(app, learner, signed_in, make_thread):
    thread_id, _ = make_thread(learner)
    client = signed_in(learner)
    response = client.post(thread_url("basics", thread_id), data={"body": "**bold idea**", "preview": "1"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Preview" in html and "<strong>bold idea</strong>" in html
    assert "**bold idea**</textarea>" in html  # the text stays in the form
    response = client.post("/modules/basics/forum/", data={"title": "T", "body": "_new_", "preview": "1"})
    assert response.status_code == 200 and "<em>new</em>" in response.get_data(as_text=True)
    assert post_count(app) == 1


def test_quote_fills_the_reply_form(app, learner, other_learner, signed_in, make_thread):
    thread_id, post_id = make_thread(learner, body="Line one\n\nLine two")
    client = signed_in(other_learner)
    html = client.get(f"{thread_url('basics', thread_id)}?quote={post_id}").get_data(as_text=True)
    assert "&gt; **Lena Learner** wrote:" in html
    assert "&gt; Line one\n&gt;\n&gt; Line two" in html


def test_quoting_a_post_of_another_thread_is_404(app, learner, signed_in, make_thread):
    thread_a, _ = make_thread(learner, title="A")
    _, post_b = make_thread(learner, title="B")
    client = signed_in(learner)
    assert client.get(f"{thread_url('basics', thread_a)}?quote={post_b}").status_code == 404


def test_prompts_are_seeded_once_as_pinned_course_team_threads(app, learner, signed_in):
    """Are the module's prompts pinned threads by the course team, created once however often visited?"""
    client = signed_in(learner)
    for _ in range(3):
        html = client.get("/modules/basics/forum/").get_data(as_text=True)
    assert "Introduce yourself" in html and "Course team" in html and "Pinned" in html
    client.get("/modules/practice/forum/")
    with app.app_context():
        threads = db.session.scalars(select(Thread).where(Thread.prompt_slug.is_not(None))).all()
        assert sorted((t.module_slug, t.prompt_slug, t.pinned) for t in threads) == [
            ("basics", "introduce-yourself", True), ("practice", "your-tender", True)]
        opening = db.session.scalar(select(Post).where(Post.thread_id == threads[0].id))
        assert opening.author_id is None and opening.by_course_team
    thread_id = threads[0].id if threads[0].module_slug == "basics" else threads[1].id
    page = client.get(thread_url("basics", thread_id)).get_data(as_text=True)
    assert "Tell the group about your organisation." in page


def test_seeding_twice_in_one_database_keeps_one_thread_per_prompt(app):
    """Is a second seeding (another worker starting at the same moment) refused by the unique constraint,
    quietly? (The app seeds prompts when it starts; the test starts from an unseeded forum.)"""
    from courseware.forums.service import ensure_prompt_threads

    with app.app_context():
        db.session.execute(delete(Post))
        db.session.execute(delete(Thread))
        db.session.commit()
        module = get_course().module("basics")
        assert ensure_prompt_threads(module) == 1
        db.session.commit()
        # Simulate a racing worker that read "nothing seeded yet" before the other committed.
        db.session.add(Thread(module_slug="basics", prompt_slug="introduce-yourself", title="dup"))
        from sqlalchemy.exc import IntegrityError
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()
        assert ensure_prompt_threads(module) == 0
        assert db.session.scalar(select(func.count(Thread.id))) == 1


def test_replies_in_prompt_threads_count_for_the_learner(app, learner, signed_in):
    client = signed_in(learner)
    client.get("/modules/basics/forum/")
    with app.app_context():
        prompt_thread = db.session.scalar(select(Thread.id).where(Thread.prompt_slug == "introduce-yourself"))
    client.post(thread_url("basics", prompt_thread), data={"body": "I plan chargers in Utrecht."})
    client.post("/modules/practice/forum/", data={"title": "Tender", "body": "Ours is V2G-ready."})
    with app.app_context():
        assert visible_post_counts(get_course(), learner.id) == {"basics": 1, "practice": 1}


def test_visible_post_counts_is_one_query(app, learner, other_learner, make_thread, make_reply, count_queries):
    thread_id, _ = make_thread(learner)
    for _ in range(3):
        make_reply(learner, thread_id)
    make_reply(other_learner, thread_id)
    with app.app_context():
        with count_queries() as statements:
            counts = visible_post_counts(get_course(), learner.id)
        assert counts == {"basics": 4, "practice": 0}
        assert statements.count == 1
        assert visible_post_counts(get_course(), other_learner.id) == {"basics": 1, "practice": 0}


def test_posting_allows_60_per_10_minutes_then_holds_back(app, learner, signed_in, make_thread):
    """Do 60 posts in a row pass, and the 61st get 429 with nothing stored?"""
    thread_id, _ = make_thread(learner)
    client = signed_in(learner)
    for i in range(60):
        assert client.post(thread_url("basics", thread_id), data={"body": f"post {i}"}).status_code == 303, i
    response = client.post(thread_url("basics", thread_id), data={"body": "one too many"})
    assert response.status_code == 429
    assert post_count(app) == 61
    # Reading is not limited.
    assert client.get(thread_url("basics", thread_id)).status_code == 200
