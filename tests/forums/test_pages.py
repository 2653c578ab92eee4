"""Thread list and thread page: order, pagination, unread marks, and a fixed number of queries."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from courseware.core.site import current_site
from courseware.accounts.models import User
from courseware.courses.content import get_course
from courseware.extensions import db
from courseware.forums.models import Post
from courseware.forums import service
from tests.factories import make_user
from tests.forums.conftest import thread_url


def bulk_threads(app, user, n, module_slug="basics", replies_each=0, repliers=()):
    with app.app_context():
        author = db.session.get(User, user.id)
        others = [db.session.get(User, u.id) for u in repliers] or [author]
        ids = []
        for i in range(n):
            post = service.start_thread(current_site(), author, get_course().module(module_slug), f"Thread number {i}", f"Body {i}")
            for j in range(replies_each):
                service.reply(current_site(), others[j % len(others)], get_course().module(module_slug), post.thread, f"Reply {j}")
            ids.append(post.thread_id)
        db.session.commit()
        return ids


def test_thread_list_is_newest_activity_first_with_reply_counts(app, learner, other_learner, signed_in,
                                                                make_thread, make_reply):
    first, _ = make_thread(learner, title="First thread")
    second, _ = make_thread(learner, title="Second thread")
    make_reply(other_learner, first, "bump")
    make_reply(other_learner, first, "bump again")
    client = signed_in(learner)
    html = client.get("/modules/basics/forum/").get_data(as_text=True)
    assert html.index("First thread") < html.index("Second thread")
    row = html[html.index("First thread"):]
    assert re.search(r"<td>Lena Learner</td>\s*<td>2</td>", row)


def test_threads_are_paginated(app, learner, signed_in):
    bulk_threads(app, learner, 25)
    client = signed_in(learner)
    page1 = client.get("/modules/basics/forum/").get_data(as_text=True)
    assert "Page 1 of 2" in page1 and "Thread number 24" in page1 and "Thread number 0<" not in page1
    page2 = client.get("/modules/basics/forum/?page=2").get_data(as_text=True)
    assert "Thread number 0<" in page2 and "Thread number 24" not in page2
    assert client.get("/modules/basics/forum/?page=3").status_code == 404
    assert client.get("/modules/basics/forum/?page=0").status_code == 404
    assert client.get("/modules/basics/forum/?page=abc").status_code == 200  # read as page 1


def test_posts_are_in_order_and_paginated(app, learner, other_learner, signed_in):
    [thread_id] = bulk_threads(app, learner, 1, replies_each=24, repliers=[other_learner])
    client = signed_in(learner)
    page1 = client.get(thread_url("basics", thread_id)).get_data(as_text=True)
    assert "Page 1 of 2" in page1
    assert page1.index("Body 0") < page1.index("Reply 0<") < page1.index("Reply 18<")
    assert "Reply 19<" not in page1
    page2 = client.get(thread_url("basics", thread_id) + "?page=2").get_data(as_text=True)
    assert "Reply 19<" in page2 and "Reply 23<" in page2
    assert client.get(thread_url("basics", thread_id) + "?page=3").status_code == 404


def test_reply_redirects_to_the_page_of_the_new_post(app, learner, signed_in):
    """Does a reply land on the page that holds it, at the top (no anchor), where the confirmation is in view?"""
    [thread_id] = bulk_threads(app, learner, 1, replies_each=20)
    client = signed_in(learner)
    response = client.post(thread_url("basics", thread_id), data={"body": "The 22nd post"})
    assert "page=2" in response.headers["Location"] and "#" not in response.headers["Location"]
    landing = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The 22nd post" in landing
    assert landing.index("Your reply has been posted") < landing.index("<h1")


def test_unread_marks(app, learner, other_learner, signed_in, make_thread, make_reply):
    """Is a thread marked new until opened, and again after someone else replies?"""
    thread_id, _ = make_thread(other_learner, title="Watch me")
    client = signed_in(learner)

    def row():
        html = client.get("/modules/basics/forum/").get_data(as_text=True)
        start = html.rindex("<tr", 0, html.index("Watch me"))
        return html[start:html.index("Watch me")]

    assert 'class="unread"' in row()
    client.get(thread_url("basics", thread_id))
    assert 'class="unread"' not in row()
    make_reply(other_learner, thread_id, "News!")
    assert 'class="unread"' in row()
    page = client.get(thread_url("basics", thread_id)).get_data(as_text=True)
    news = page[page.index("News!") - 600:page.index("News!")]
    assert "tag-new" in news
    assert 'class="unread"' not in row()


def queries_for(count_queries, client, url):
    client.get(url)  # first visit: seeding and read marks settle
    with count_queries() as statements:
        assert client.get(url).status_code == 200
    return statements.count


def test_thread_list_query_count_does_not_grow(app, learner, other_learner, signed_in, count_queries):
    client = signed_in(learner)
    bulk_threads(app, other_learner, 2, replies_each=1)
    few = queries_for(count_queries, client, "/modules/basics/forum/")
    bulk_threads(app, other_learner, 30, replies_each=3, repliers=[learner, other_learner])
    with app.app_context():
        for i in range(5):
            make_user(name=f"Extra learner {i}")
    many = queries_for(count_queries, client, "/modules/basics/forum/")
    assert few == many
    assert many <= 6


def test_thread_page_query_count_does_not_grow(app, learner, other_learner, tutor, signed_in, make_thread,
                                               make_reply, count_queries):
    with app.app_context():
        extra = [make_user(name=f"Writer {i}") for i in range(6)]
    small, _ = make_thread(other_learner, title="Small")
    make_reply(learner, small)
    [big] = bulk_threads(app, other_learner, 1, replies_each=19, repliers=[learner, other_learner, *extra])
    for user in (learner, tutor):  # tutors also load earlier versions and hiders
        client = signed_in(user)
        few = queries_for(count_queries, client, thread_url("basics", small))
        many = queries_for(count_queries, client, thread_url("basics", big))
        assert few == many, user.role
        assert many <= 8
