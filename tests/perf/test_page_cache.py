"""The unit page and module list are served from a per-app cache of rendered pages, with each
person's name, CSRF token, flashed messages and progress put in: nobody may see another's."""
from __future__ import annotations

import re
import shutil

from tests.conftest import FIXTURE_CONTENT, login
from tests.factories import make_user

UNIT = "/modules/basics/first-steps/"
FLASH = "flash-success\">Signed in as"
TOKEN_RE = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


def page(client, url: str = UNIT) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_each_learner_sees_their_own_escaped_name_and_progress(app, learner):
    """Two learners read the same unit, one of them with markup in their name and the unit done:
    does each page show only its reader's name (escaped) and its reader's completion?"""
    with app.app_context():
        odd = make_user(email="odd@example.org", name='<b>O\'Brien & "Co"</b>')
    first, second = app.test_client(), app.test_client()
    login(first, learner)
    login(second, odd)
    second.post(f"{UNIT}complete")
    for _ in range(2):        # the second round comes from the cache
        mine, theirs = page(first), page(second)
        assert f"<strong>{learner.name}</strong>" in mine and "Brien" not in mine
        assert "<strong>&lt;b&gt;O&#39;Brien &amp; &#34;Co&#34;&lt;/b&gt;</strong>" in theirs
        assert "<b>O'Brien" not in theirs and learner.name not in theirs
        assert "Mark as complete" in mine and "You completed this unit." not in mine
        assert "You completed this unit." in theirs and "Mark as complete" not in theirs


def test_cached_pages_carry_each_sessions_own_csrf_token(make_app, learner, other_learner):
    """With CSRF on, does each session get its own token in the cached page, and does it work?"""
    app = make_app(WTF_CSRF_ENABLED=True)
    clients = []
    for user in (learner, other_learner):
        client = app.test_client()
        token = TOKEN_RE.search(page(client, "/login")).group(1)
        assert client.post("/login", data={"email": user.email, "password": "correct horse battery",
                                           "csrf_token": token}).status_code == 302
        clients.append(client)
    tokens = []
    for client in clients:
        page(client)
        html = page(client)
        found = set(TOKEN_RE.findall(html))
        assert len(found) == 1          # the sign-out form and the completion form
        tokens.append(found.pop())
    assert tokens[0] != tokens[1]
    # The other session's token is refused; the page's own one is accepted.
    assert clients[0].post(f"{UNIT}complete", data={"csrf_token": tokens[1]}).status_code == 400
    assert clients[0].post(f"{UNIT}complete", data={"csrf_token": tokens[0]}).status_code == 302


def test_flashed_messages_are_shown_once(client, login_as, learner):
    """The sign-in message and the completion message appear on the next page, then never again."""
    login_as(learner)
    assert FLASH in page(client, "/modules/")
    assert FLASH not in page(client, "/modules/")
    client.post(f"{UNIT}complete")
    html = page(client, "/modules/basics/second-unit/")
    assert "“First steps” is marked as complete." in html
    assert "marked as complete" not in page(client, "/modules/basics/second-unit/")


def test_people_of_different_roles_do_not_share_a_page(client, login_as, learner, tutor, admin):
    """An admin's cached unit page (with the admin link) is not served to a tutor, a tutor's (with
    staff links) not to a learner, nor the reverse."""
    login_as(admin)
    admins = page(client)
    client.post("/logout")
    login_as(tutor)
    tutors = page(client)
    client.post("/logout")
    login_as(learner)
    learners = page(client)
    assert 'href="/admin/"' in admins and 'href="/admin/"' not in tutors
    assert "Grading" in tutors and "Grading" not in learners
    assert "Finished reading?" in learners and "Finished reading?" not in tutors
    client.post("/logout")
    login_as(tutor)
    assert "Finished reading?" not in page(client)


def test_module_list_shows_each_learners_numbers(app, learner, other_learner):
    """Two learners at different points of the course see their own progress bars."""
    ahead, behind = app.test_client(), app.test_client()
    login(ahead, learner)
    login(behind, other_learner)
    ahead.post(f"{UNIT}complete")
    for _ in range(2):
        assert "1 of 2 units complete" in page(ahead, "/modules/")
        assert "0 of 2 units complete" in page(behind, "/modules/")
    assert FLASH not in page(ahead, "/modules/")


def test_a_content_reload_replaces_cached_pages(make_app, tmp_path, learner):
    """When the course text changes and is reloaded, is the new text served, not the cached page?"""
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, content)
    app = make_app(CONTENT_DIR=str(content), CONTENT_RELOAD=True)
    client = app.test_client()
    login(client, learner)
    assert "Some text." in page(client) and "Some text." in page(client)
    unit = content / "01-basics/01-first-steps.md"
    unit.write_text(unit.read_text().replace("Some text.", "Freshly edited text."))
    html = page(client)
    assert "Freshly edited text." in html and "Some text." not in html
