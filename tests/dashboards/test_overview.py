"""The cohort overview: figures against a known data set, accessible SVG, access and query counts."""
from __future__ import annotations

import re

import pytest

from courseware.courses.content import get_course
from courseware.dashboards import stats
from courseware.extensions import db
from tests.dashboards import helpers as h
from tests.factories import make_user


def test_figures_match_the_known_cohort(app, known):
    """Do the funnel, the stages per organisation, unit completion, waiting work and forum activity
    count exactly what the data set holds?"""
    with app.app_context():
        ov = stats.overview(get_course())
    assert ov.learners == 6
    assert ov.funnel == (6, 5, 4, 3, 1)
    assert [(o.name, o.counts) for o in ov.organisations] == [
        ("City of Utrecht", (0, 0, 0, 2, 1)), ("Region of Grenoble", (0, 1, 1, 0, 0)),
        ("Grid Operator X", (1, 0, 0, 0, 0))]
    assert [(u.unit_title, u.completed) for u in ov.units] == [
        ("First steps", 5), ("Second unit", 4), ("Applying it", 4)]
    assert dict(ov.waiting) == {"Under 1 day": 0, "1 to 2 days": 1, "3 to 6 days": 0, "7 to 13 days": 1,
                                "14 days or more": 0}
    assert ov.waiting_by_module == (("Basics", (0, 0, 0, 1, 0)), ("Practice", (0, 1, 0, 0, 0)))
    # Hidden posts were written (activity); deleted posts and the course team's prompts are left out.
    assert ov.forum == (("Basics", (0, 0, 0, 0, 0, 0, 0, 3)), ("Practice", (0, 0, 0, 0, 0, 0, 1, 0)))


def _table_row(html: str, header: str) -> list[str]:
    """The cells of the table row headed `header`."""
    match = re.search(r'<tr><th scope="row">' + re.escape(header) + r"</th>(.*?)</tr>", html, re.S)
    assert match, f"no row {header!r}"
    return re.findall(r"<td>(.*?)</td>", match.group(1))


def test_page_shows_the_same_figures(app, known, signed_in, tutor):
    client = signed_in(tutor)
    response = client.get("/tutor/overview/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "6 learners registered; 1 certified; 2 submissions waiting" in html
    assert _table_row(html, "Registered") == ["6", "100%"]
    assert _table_row(html, "Certified") == ["1", "17%"]
    assert _table_row(html, "First steps") == ["Basics", "5", "83%"]
    assert _table_row(html, "7 to 13 days") == ["1", "0", "1"]
    assert _table_row(html, "City of Utrecht") == ["0", "0", "0", "2", "1", "3"]
    # The bars carry their numbers as text, not only as lengths and colours.
    assert ">5 of 6 (83%)</text>" in html


def test_every_chart_is_accessible_svg(app, known, signed_in, tutor):
    """Has each chart role=img (or group, when its bars are links), a title and a description it is labelled by, and its figures as a
    table behind a disclosure; and no style attribute anywhere (the CSP forbids them)?"""
    client = signed_in(tutor)
    html = client.get("/tutor/overview/").get_data(as_text=True)
    svgs = re.findall(r"<svg class=\"chart-svg\"(.*?)</svg>", html, re.S)
    assert len(svgs) == 5
    for svg in svgs:
        chart_id = re.search(r'aria-labelledby="([\w-]+)-title \1-desc"', svg).group(1)
        # An image, or (the funnel, whose bars link to the learners they count) a group of named links.
        assert 'role="img"' in svg or ('role="group"' in svg and chart_id == "funnel")
        assert f'<title id="{chart_id}-title">' in svg and f'<desc id="{chart_id}-desc">' in svg
    assert html.count("<summary>Show the figures as a table</summary>") == 5
    assert "<script" not in html
    assert not re.search(r"\sstyle=", html)


def test_empty_cohort(app, signed_in, tutor):
    """With nobody registered, does the page still render, without dividing by zero?"""
    client = signed_in(tutor)
    response = client.get("/tutor/overview/")
    assert response.status_code == 200
    assert "No learner has registered yet." in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/tutor/overview/", "/tutor/learners/", "/tutor/export/progress.csv",
                                  "/tutor/learners/?q=Learner&sort=stage&order=desc"])
def test_queries_do_not_grow_with_the_cohort(app, signed_in, tutor, path, count_queries):
    """Does the page send the same number of statements for 3 learners as for 30?"""
    client = signed_in(tutor)
    counts = []
    for n in (3, 27):     # 3, then 30 in all
        with app.app_context():
            h.cohort(n)
        with count_queries() as queries:
            assert client.get(path).status_code == 200
        counts.append(queries.count)
    assert counts[0] == counts[1], counts


def test_learner_history_queries_do_not_grow(app, signed_in, tutor, count_queries):
    client = signed_in(tutor)
    counts = []
    for posts in (2, 20):
        with app.app_context():
            learner = make_user(role="learner")
            t = h.thread("basics", learner.id)
            for _ in range(posts):
                h.post(t, learner.id)
            h.complete_all(learner.id)
            for version in range(1, posts // 2 + 1):
                h.submission(learner.id, "basics", "needs revision", version=version, tutor_id=tutor.id)
            h.certificate(learner.id, "X")
            db.session.commit()
        with count_queries() as queries:
            assert client.get(f"/tutor/learners/{learner.id}/").status_code == 200
        counts.append(queries.count)
    assert counts[0] == counts[1], counts


TUTOR_PAGES = ["/tutor/overview/", "/tutor/learners/", "/tutor/export/progress.csv", "/tutor/export/gradebook.csv"]


@pytest.mark.parametrize("path", TUTOR_PAGES)
def test_access(client, learner, tutor, admin, path, signed_in):
    """Are anonymous visitors sent to sign in and learners refused (403), while tutors and admins see the page?"""
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert signed_in(learner).get(path).status_code == 403
    for user in (tutor, admin):
        assert signed_in(user).get(path).status_code == 200
