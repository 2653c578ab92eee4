"""Forum mail: authors hear of replies, followers at once or daily, opt-out without signing in,
and the outbox never mails anyone twice."""
from __future__ import annotations

import re

import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import select

from courseware.core.outbox import OutboxMessage
from courseware.extensions import db
from courseware.forums.models import Subscription, Thread
from tests.factories import make_user
from tests.forums.conftest import thread_url

UNSUBSCRIBE = re.compile(r"http://localhost(/unsubscribe/\S+)")


def mails_to(outbox, email):
    return [m for m in outbox if m["To"] == email]


def deliver(app):
    """Mail queued outside a request (the factories) goes out with the cron command."""
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output


def follow(client, url, mode):
    assert client.post(url, data={"mode": mode}).status_code == 303


def test_thread_author_is_told_of_replies_and_can_opt_out_without_signing_in(learner_pair, signed_in):
    app, learner, other = learner_pair
    outbox = app.extensions["mail_outbox"]
    client = signed_in(learner, app=app)
    response = client.post("/modules/basics/forum/", data={"title": "Depot charging", "body": "Who does it?",
                                                           "csrf_token": csrf(client, "/modules/basics/forum/")})
    assert response.status_code == 303
    with app.app_context():
        thread_id = db.session.scalar(select(Thread.id).where(Thread.title == "Depot charging"))
    assert outbox == []  # nobody follows yet; starting a thread mails nobody

    client = signed_in(other, app=app)
    url = thread_url("basics", thread_id)
    assert client.post(url, data={"body": "We do, at night.", "csrf_token": csrf(client, url)}).status_code == 303
    [mail] = outbox
    assert mail["To"] == learner.email and "Depot charging" in mail["Subject"]
    text = mail.get_content()
    assert "We do, at night." in text and f"/forum/{thread_id}/posts/" in text
    opt_out = UNSUBSCRIBE.search(text).group(1)
    assert mail["List-Unsubscribe"] == f"<http://localhost{opt_out}>"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    anonymous = app.test_client()
    page = anonymous.get(opt_out)
    assert page.status_code == 200 and "Replies to threads you started" in page.get_data(as_text=True)
    with app.app_context():  # the page only asks; a GET changes nothing
        assert db.session.scalar(select(Subscription).where(Subscription.user_id == learner.id)) is None
    # The mail program's one-click POST (RFC 8058): no sign-in, no CSRF token, even with CSRF protection on.
    done = anonymous.post(opt_out, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "no more of these mails" in done.get_data(as_text=True)
    assert anonymous.post(opt_out, data={"List-Unsubscribe": "One-Click"}).status_code == 200  # twice is once

    assert client.post(url, data={"body": "And in the morning.", "csrf_token": csrf(client, url)}).status_code == 303
    assert len(outbox) == 1  # the author opted out


def csrf(client, url):
    html = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)


@pytest.fixture
def learner_pair(make_app):
    """An app with CSRF protection on, and two learners."""
    app = make_app(WTF_CSRF_ENABLED=True)
    app.extensions["mail_outbox"] = []
    with app.app_context():
        return app, make_user(email="lena@city.example", name="Lena"), make_user(email="otto@city.example",
                                                                                    name="Otto")


def test_a_forged_opt_out_link_is_404(client):
    assert client.get("/unsubscribe/not-a-token").status_code == 404
    assert client.post("/unsubscribe/eyJ1IjoxLCJzIjoiYWxsIn0.forged").status_code == 404
    assert client.get("/forum/unsubscribe/not-a-token").status_code == 404


def test_an_opt_out_link_from_an_older_forum_mail_still_works(app, client, learner, other_learner, make_thread,
                                                             make_reply, outbox):
    """Links in forum mail sent before the one opt-out page lead to it and stop the same thing."""
    thread_id, _ = make_thread(learner)
    with app.app_context():
        old_token = URLSafeSerializer(app.config["SECRET_KEY"], salt="forum-unsubscribe").dumps(
            {"u": learner.id, "s": "own-threads"})
    response = client.get(f"/forum/unsubscribe/{old_token}")
    assert response.status_code == 301
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and "Replies to threads you started" in page.get_data(as_text=True)
    assert client.post(response.headers["Location"]).status_code == 200
    make_reply(other_learner, thread_id)
    deliver(app)
    assert mails_to(outbox, learner.email) == []


def test_nobody_is_mailed_about_their_own_post(app, learner, signed_in, make_thread, outbox):
    thread_id, _ = make_thread(learner)
    client = signed_in(learner)
    follow(client, f"{thread_url('basics', thread_id)}follow", "instant")
    client.post(thread_url("basics", thread_id), data={"body": "Talking to myself"})
    deliver(app)
    assert outbox == []


def test_following_a_thread_at_once(app, learner, other_learner, tutor, signed_in, make_thread,
                                    make_reply, outbox):
    thread_id, _ = make_thread(tutor, title="Tutor thread")
    client = signed_in(learner)
    follow(client, f"{thread_url('basics', thread_id)}follow", "instant")
    make_reply(other_learner, thread_id, "First reply")
    deliver(app)
    assert [m["To"] for m in mails_to(outbox, learner.email)] == [learner.email]
    assert len(mails_to(outbox, tutor.email)) == 1  # the thread's author, by default
    follow(client, f"{thread_url('basics', thread_id)}follow", "off")
    make_reply(other_learner, thread_id, "Second reply")
    deliver(app)
    assert len(mails_to(outbox, learner.email)) == 1


def test_following_a_module_as_a_daily_digest(app, runner, learner, other_learner, signed_in,
                                              make_thread, make_reply, outbox):
    """Are a day's posts gathered into one digest, and does sending twice mail nobody twice?"""
    client = signed_in(learner)
    follow(client, "/modules/basics/forum/follow", "daily")
    thread_id, _ = make_thread(other_learner, title="Module news")
    make_reply(other_learner, thread_id, "More news")
    make_thread(other_learner, module_slug="practice", title="Elsewhere")
    assert outbox == []  # held for the digest
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    [digest] = outbox
    assert digest["To"] == learner.email and "digest" in digest["Subject"].lower()
    text = digest.get_content()
    assert "Module news" in text and "More news" in text and "Elsewhere" not in text
    runner.invoke(args=["mail", "send"])
    assert len(outbox) == 1


def test_hidden_posts_are_withdrawn_from_the_digest(app, runner, learner, other_learner, tutor, signed_in,
                                                    make_thread, make_reply, outbox):
    client = signed_in(learner)
    follow(client, "/modules/basics/forum/follow", "daily")
    thread_id, _ = make_thread(other_learner, title="Fine thread")
    bad = make_reply(other_learner, thread_id, "Abusive words")
    client = signed_in(tutor)
    client.post(f"{thread_url('basics', thread_id)}posts/{bad}/hide", data={"reason": "Abuse"})
    runner.invoke(args=["mail", "send"])
    [digest] = mails_to(outbox, learner.email)
    assert "Fine thread" in digest.get_content() and "Abusive words" not in digest.get_content()


def test_tutors_follow_every_forum_and_learners_cannot(app, learner, other_learner, tutor, signed_in,
                                                       make_thread, outbox):
    client = signed_in(learner)
    assert client.post("/forum/notifications/", data={"scope": "all", "mode": "instant"}).status_code == 404
    with app.app_context():
        assert db.session.scalar(select(Subscription).where(Subscription.scope == "all")) is None
    client = signed_in(tutor)
    page = client.get("/forum/notifications/").get_data(as_text=True)
    assert "Every forum" in page
    assert client.post("/forum/notifications/", data={"scope": "all", "mode": "instant"}).status_code == 303
    make_thread(other_learner, module_slug="practice", title="Practice question")
    make_thread(learner, module_slug="basics", title="Basics question")
    deliver(app)
    assert len(mails_to(outbox, tutor.email)) == 2


def test_settings_page_switches_author_mail_back_on(app, learner, other_learner, signed_in, make_thread,
                                                    make_reply, outbox):
    thread_id, _ = make_thread(learner)
    client = signed_in(learner)
    assert "Replies to threads you started" in client.get("/forum/notifications/").get_data(as_text=True)
    client.post("/forum/notifications/", data={"scope": "own-threads", "mode": "off"})
    make_reply(other_learner, thread_id)
    deliver(app)
    assert outbox == []
    client.post("/forum/notifications/", data={"scope": "own-threads", "mode": "daily"})
    make_reply(other_learner, thread_id)
    with app.app_context():
        held = db.session.scalars(select(OutboxMessage)).all()
        assert [(m.to_email, m.status, m.digest) for m in held] == [(learner.email, "held", "forum")]
    assert client.post("/forum/notifications/", data={"scope": "thread:99999", "mode": "off"}).status_code == 404
    assert client.post("/forum/notifications/", data={"scope": "own-threads", "mode": "loud"}).status_code == 303
    with app.app_context():
        assert db.session.scalar(select(Subscription.mode).where(Subscription.scope == "own-threads")) == "daily"


def test_a_failing_mail_server_blocks_no_post(make_app, signed_in):
    """With an unreachable mail server, is the reply stored at once and its mail kept for retry?"""
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=9)
    with app.app_context():
        author, replier = make_user(name="Author"), make_user(name="Replier")
    assert signed_in(author, app=app).post("/modules/basics/forum/", data={"title": "T", "body": "B"}).status_code == 303
    client = signed_in(replier, app=app)
    with app.app_context():
        thread_id = db.session.scalar(select(Thread.id).where(Thread.title == "T"))
    assert client.post(thread_url("basics", thread_id), data={"body": "Reply"}).status_code == 303
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert "will retry: 1" in result.output
    with app.app_context():
        [msg] = db.session.scalars(select(OutboxMessage)).all()
        assert msg.status == "pending" and msg.attempts == 1 and msg.to_email == author.email
