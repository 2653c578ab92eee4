"""The learner's own progress page: the same chart style and the one next step, agreeing with the
certificate checklist."""
from __future__ import annotations

import re

import pytest

from courseware.accounts.models import User
from courseware.certificates.rules import check_requirements
from courseware.certificates.service import current_certificate
from courseware.courses.content import get_course
from courseware.courses.service import course_progress
from courseware.dashboards.next_step import next_step
from courseware.extensions import db
from tests.dashboards import helpers as h


def next_step_box(client) -> str:
    response = client.get("/progress/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    start = html.index('id="next-step"')
    return re.sub(r"\s+", " ", html[start:html.index("</section>", start)])


def step_of(app, user_id: int):
    with app.app_context():
        user = db.session.get(User, user_id)
        course = get_course()
        eligibility = check_requirements(course, user)
        step = next_step(course_progress(course, user), eligibility, current_certificate(user_id))
        return step, eligibility


def test_a_new_learner_starts_with_the_first_unit(learner, signed_in):
    client = signed_in(learner)
    box = next_step_box(client)
    assert 'href="/modules/basics/first-steps/"' in box and "Start with “First steps”" in box


def test_continue_where_the_learner_left_off(app, learner, signed_in):
    with app.app_context():
        h.complete(learner.id, "basics", "first-steps")
        db.session.commit()
    client = signed_in(learner)
    box = next_step_box(client)
    assert 'href="/modules/basics/second-unit/"' in box and "Continue with “Second unit”" in box


@pytest.mark.parametrize("setup, expected_kind, expected_text", [
    ("units", "forum", "Write 2 more posts"),
    ("units+posts", "assignment", "Submit your assignment for Basics"),
    ("units+posts+revise", "assignment", "Your tutor asked for a revision"),
    ("units+posts+basics-waiting", "assignment", "Submit your assignment for Practice"),
    ("units+posts+all-waiting", "wait", "a tutor will grade your assignment"),
    ("everything", "claim", "Claim your certificate"),
])
def test_next_step_follows_the_checklist(app, learner, signed_in, setup, expected_kind, expected_text):
    """Is the suggested step always a requirement the certificate checklist shows as missing?"""
    with app.app_context():
        h.complete_all(learner.id)
        if "posts" in setup or setup == "everything":
            for module, n in (("basics", 2), ("practice", 1)):
                t = h.thread(module, learner.id)
                for _ in range(n):
                    h.post(t, learner.id)
        if setup == "units+posts+revise":
            h.submission(learner.id, "basics", "needs revision")
        if setup in ("units+posts+basics-waiting", "units+posts+all-waiting"):
            h.submission(learner.id, "basics", "submitted")
        if setup == "units+posts+all-waiting":
            h.submission(learner.id, "practice", "submitted")
        if setup == "everything":
            h.submission(learner.id, "basics", "passed")
            h.submission(learner.id, "practice", "passed")
        db.session.commit()
    step, eligibility = step_of(app, learner.id)
    assert step.kind == expected_kind
    if step.requirement is not None:
        assert step.requirement in eligibility.missing
    client = signed_in(learner)
    box = next_step_box(client)
    assert expected_text in box
    certificate_page = client.get("/certificate/").get_data(as_text=True)
    if step.module is not None:
        # The checklist shows the same module as not completed yet.
        section = certificate_page[certificate_page.index(f'id="req-{step.module.slug}"'):]
        assert "Completed</strong>" not in section.split("</table>")[0].split("</h3>")[0]


def test_a_certified_learner_is_sent_to_the_certificate(app, learner, signed_in):
    with app.app_context():
        h.certificate(learner.id, "Lena Learner")
        db.session.commit()
    client = signed_in(learner)
    assert "See and download your certificate" in next_step_box(client)


def test_charts_are_accessible_and_show_the_figures(app, learner, signed_in):
    with app.app_context():
        h.complete(learner.id, "basics", "first-steps")
        h.post(h.thread("basics", learner.id), learner.id)
        db.session.commit()
    client = signed_in(learner)
    html = client.get("/progress/").get_data(as_text=True)
    assert html.count('role="img"') == 2 and html.count("<summary>Show the figures as a table</summary>") == 2
    assert ">1 of 2 units</text>" in html and ">1 of 2 posts</text>" in html and ">0 of 1 unit</text>" in html
    assert '<title id="my-units-title">' in html and '<desc id="my-units-desc">' in html
    assert not re.search(r"\sstyle=", html)


def test_only_learners(app, client, tutor, signed_in):
    assert client.get("/progress/").status_code == 302
    client = signed_in(tutor)
    assert client.get("/progress/").status_code == 403


def test_queries_do_not_grow_with_posts(app, learner, signed_in, count_queries):
    client = signed_in(learner)
    counts = []
    for n in (1, 20):
        with app.app_context():
            t = h.thread("basics", learner.id)
            for _ in range(n):
                h.post(t, learner.id)
            db.session.commit()
        with count_queries() as queries:
            client.get("/progress/")
        counts.append(queries.count)
    assert counts[0] == counts[1]
