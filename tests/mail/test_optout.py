"""One opt-out mechanism for every kind of notification: the link in the text and in List-Unsubscribe
shows a confirm page to a person (GET changes nothing) and stops the mail on a one-click POST
(RFC 8058), without sign-in or CSRF token; each feature says what "stop" means."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from courseware.core.mail.optout import registered_optout, unsubscribe_token
from courseware.core.outbox import OutboxMessage
from courseware.extensions import db
from courseware.forums.models import Subscription
from tests.assignments.conftest import BODY
from tests.conftest import ask_for_reset, sign_in
from tests.forums.conftest import make_reply, make_thread  # noqa: F401  (fixtures)

ONE_CLICK = {"List-Unsubscribe": "One-Click"}


def mails_to(outbox, email):
    return [m for m in outbox if m["To"] == email]


def opt_out_path(mail) -> str:
    """The List-Unsubscribe link of a received mail, checked against RFC 8058's form, as a path."""
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    match = re.fullmatch(r"<(http://localhost/unsubscribe/[^>\s]+)>", mail["List-Unsubscribe"])
    assert match, mail["List-Unsubscribe"]
    assert match.group(1) in mail.get_content(), "the text names the same link"
    return urlsplit(match.group(1)).path


def submit(client, module="basics"):
    response = client.post(f"/modules/{module}/assignment/", data={"body": BODY}, content_type="multipart/form-data")
    assert response.status_code in (302, 303)


def send_mail(app):
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output


def test_one_click_stops_a_tutors_mail_about_new_submissions(app, learner, tutor, outbox):
    staff = sign_in(app, tutor)
    assert staff.post("/tutor/settings", data={"new_submissions": "instant"}).status_code == 302
    submit(sign_in(app, learner))
    [mail] = mails_to(outbox, tutor.email)
    path = opt_out_path(mail)

    anonymous = app.test_client()
    page = anonymous.get(path).get_data(as_text=True)
    assert "Stop these mails?" in page and "Mails about new submissions" in page and tutor.email in page
    assert re.search(r'<input checked [^>]*value="instant"', staff.get("/tutor/").get_data(as_text=True))

    done = anonymous.post(path, data=ONE_CLICK)
    assert done.status_code == 200 and "no more of these mails" in done.get_data(as_text=True)
    assert anonymous.post(path, data=ONE_CLICK).status_code == 200  # a second click changes nothing
    assert re.search(r'<input checked [^>]*value="off"', staff.get("/tutor/").get_data(as_text=True))
    submit(sign_in(app, learner), module="practice")
    assert len(mails_to(outbox, tutor.email)) == 1


def test_the_submissions_digest_names_an_opt_out_that_stops_it(app, learner, tutor, outbox):
    submit(sign_in(app, learner))  # tutors hear of new work in a daily digest by default
    send_mail(app)
    [digest] = mails_to(outbox, tutor.email)
    assert "digest of new submissions" in digest["Subject"]
    path = opt_out_path(digest)
    assert "Stop this daily digest" in digest.get_content()
    assert app.test_client().post(path, data=ONE_CLICK).status_code == 200
    assert re.search(r'<input checked [^>]*value="off"', sign_in(app, tutor).get("/tutor/").get_data(as_text=True))


def test_the_forum_digest_opt_out_stops_the_digest_and_drops_what_was_held(app, learner, other_learner, make_thread,
                                                                          make_reply, outbox):
    follower = sign_in(app, learner)
    assert follower.post("/modules/basics/forum/follow", data={"mode": "daily"}).status_code == 303
    thread_id, _ = make_thread(other_learner, title="Depot charging at night")
    send_mail(app)
    [digest] = mails_to(outbox, learner.email)
    assert "Depot charging at night" in digest.get_content()
    path = opt_out_path(digest)
    page = app.test_client().get(path).get_data(as_text=True)
    assert "Your daily forum digest" in page

    make_reply(other_learner, thread_id, "Held for tomorrow's digest")
    with app.app_context():
        assert len(db.session.scalars(select(OutboxMessage).where(OutboxMessage.status == "held")).all()) == 1
    assert app.test_client().post(path, data=ONE_CLICK).status_code == 200
    with app.app_context():
        assert db.session.scalar(select(Subscription.mode).where(Subscription.user_id == learner.id)) == "off"
        assert db.session.scalars(select(OutboxMessage).where(OutboxMessage.status == "held")).all() == []
    make_reply(other_learner, thread_id, "Nobody hears of this one")
    send_mail(app)
    assert len(mails_to(outbox, learner.email)) == 1


def test_only_the_opt_out_view_is_exempt_from_csrf(make_app, learner, other_learner, make_thread, make_reply):
    app = make_app(WTF_CSRF_ENABLED=True)
    thread_id, _ = make_thread(learner)
    make_reply(other_learner, thread_id)
    send_mail(app)
    [mail] = mails_to(app.extensions["mail_outbox"], learner.email)
    client = app.test_client()
    assert client.post("/reset-password", data={"email": learner.email}).status_code == 400
    assert client.post(opt_out_path(mail), data=ONE_CLICK).status_code == 200


def test_personal_mail_has_no_opt_out(client, learner, outbox):
    ask_for_reset(client, learner.email)
    [mail] = outbox
    assert mail["List-Unsubscribe"] is None and mail["List-Unsubscribe-Post"] is None


@pytest.mark.parametrize("kind", ["forum", "forum-digest", "new-submissions"])
def test_every_kind_of_link_in_mail_has_a_feature_that_answers_it(app, kind):
    assert registered_optout(app, kind) is not None


def test_links_naming_nobody_or_nothing_known_are_404(app, client, learner):
    with app.app_context():
        for token in (unsubscribe_token(app.extensions["courseware.site"], 99999, "forum", "own-threads"),
                      unsubscribe_token(app.extensions["courseware.site"], learner.id, "newsletter"),
                      "not-a-token", "eyJ1IjoxfQ.forged"):
            assert client.get(f"/unsubscribe/{token}").status_code == 404
            assert client.post(f"/unsubscribe/{token}", data=ONE_CLICK).status_code == 404
