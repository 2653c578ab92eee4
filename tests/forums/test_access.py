"""Who may open which forum page: a role × route matrix."""
from __future__ import annotations

import pytest

from tests.forums.conftest import thread_url

# (method, path template, expected status for anonymous, learner, tutor, admin)
ROUTES = [
    ("GET", "/modules/basics/forum/", 302, 200, 200, 200),
    ("GET", "{thread}", 302, 200, 200, 200),
    ("GET", "{thread}posts/{post}/", 302, 302, 302, 302),
    ("GET", "{thread}posts/{post}/hide", 302, 403, 200, 200),
    ("POST", "{thread}posts/{post}/restore", 302, 403, 303, 303),
    ("POST", "{thread}moderate/pin", 302, 403, 303, 303),
    ("GET", "/forum/moderation/", 302, 403, 200, 200),
    ("GET", "/forum/notifications/", 302, 200, 200, 200),
    ("POST", "/modules/basics/forum/follow", 302, 303, 303, 303),
    ("GET", "{thread}posts/{post}/edit", 302, 403, 403, 403),     # not their post
    ("GET", "{thread}posts/{post}/delete", 302, 403, 403, 403),
    ("GET", "{thread}posts/{post}/report", 302, 200, 403, 403),   # tutors hide instead
]


@pytest.mark.parametrize("method, path, expected", [(m, p, e) for m, p, *e in ROUTES])
@pytest.mark.parametrize("who", ["anonymous", "learner", "tutor", "admin"])
def test_access_matrix(app, client, request, other_learner, make_thread, signed_in, who, method, path, expected):
    thread_id, post_id = make_thread(other_learner)
    url = path.format(thread=thread_url("basics", thread_id), post=post_id)
    if who != "anonymous":
        client = signed_in(request.getfixturevalue(who))
    response = client.open(url, method=method, data={"mode": "instant"})
    status = expected[["anonymous", "learner", "tutor", "admin"].index(who)]
    assert response.status_code == status, (who, method, url)
    if status == 302 and who == "anonymous":
        assert "/login?next=" in response.headers["Location"]
