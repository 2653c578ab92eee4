"""Course pages, unit completion and progress, through HTTP."""
from __future__ import annotations

import re
import shutil

from sqlalchemy import func, select

from courseware.courses.models import UnitCompletion
from courseware.extensions import db
from tests.conftest import FIXTURE_CONTENT
from tests.factories import make_user


def completions(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(UnitCompletion))


def test_home_for_visitors(client):
    page = client.get("/").get_data(as_text=True)
    assert "Fixture course" in page
    assert 'href="/modules/basics/"' in page and 'href="/modules/practice/"' in page
    assert 'href="/register"' in page and 'href="/login"' in page
    assert "How to earn the certificate" in page


def test_module_outline_links_only_units_forum_and_assignment(client):
    page = client.get("/modules/basics/").get_data(as_text=True)
    links = set(re.findall(r'href="(/modules/basics/[^"/#]+/)', page))
    allowed = {"/modules/basics/first-steps/", "/modules/basics/second-unit/",
               "/modules/basics/forum/", "/modules/basics/assignment/"}
    assert {"/modules/basics/first-steps/", "/modules/basics/second-unit/"} <= links
    assert links <= allowed
    assert "Explain the basics" in page and "about 1 min" in page and "V1G" in page
    assert "About 2 minutes of reading in all:" in page


def test_unit_page_with_previous_and_next(signed_in, learner):
    client = signed_in(learner)
    page = client.get("/modules/basics/first-steps/").get_data(as_text=True)
    assert "<h1 id=\"unit-title\">First steps</h1>" in page
    assert 'rel="next" href="/modules/basics/second-unit/"' in page and 'rel="prev"' not in page
    assert 'href="#getting-started"' in page  # table of contents
    assert "about 1 minute of reading" in page and "Content checked on 1 December 2026" in page
    page = client.get("/modules/basics/second-unit/").get_data(as_text=True)
    assert 'rel="prev" href="/modules/basics/first-steps/"' in page


def test_table_of_contents_shows_quotes_not_entities(make_app, tmp_path, signed_in, learner):
    """Does a unit's table of contents show “quotes”, dashes and ellipses, not HTML entities?"""
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, content)
    unit = content / "01-basics/02-second-unit.md"
    unit.write_text(unit.read_text().replace("## Details", '## V2X: the "vehicle-to-everything" family\n\n'
                                                           "## Grid & <DSO> -- costs...\n\n## Details"))
    client = signed_in(learner, app=make_app(CONTENT_DIR=str(content)))
    page = client.get("/modules/basics/second-unit/").get_data(as_text=True)
    toc = page[page.index('<nav class="toc"'):page.index("</nav>", page.index('<nav class="toc"'))]
    assert '>V2X: the “vehicle-to-everything” family</a>' in toc
    assert "&amp;ldquo;" not in page and "&ldquo;" not in toc
    assert ">Grid &amp; – costs…</a>" in toc      # raw HTML in a heading is not a link title


def test_unknown_module_or_unit_is_404(signed_in, learner):
    client = signed_in(learner)
    assert client.get("/modules/nope/").status_code == 404
    assert client.get("/modules/basics/nope/").status_code == 404
    assert client.get("/modules/nope/first-steps/").status_code == 404


def test_completing_a_unit_is_idempotent(app, signed_in, learner):
    client = signed_in(learner)
    response = client.post("/modules/basics/first-steps/complete")
    assert response.status_code == 302 and response.headers["Location"].endswith("/modules/basics/second-unit/")
    client.post("/modules/basics/first-steps/complete")
    assert completions(app) == 1
    page = client.get("/modules/basics/").get_data(as_text=True)
    assert "1 of 2 units complete" in page and "Completed" in page


def test_completing_an_unknown_unit_stores_nothing(app, signed_in, learner):
    client = signed_in(learner)
    assert client.post("/modules/nope/first-steps/complete").status_code == 404
    assert client.post("/modules/basics/nope/complete").status_code == 404
    assert completions(app) == 0


def test_completion_needs_a_learner(app, client, signed_in, tutor):
    assert client.post("/modules/basics/first-steps/complete").status_code == 302  # to sign in
    staff = signed_in(tutor)
    assert staff.post("/modules/basics/first-steps/complete").status_code == 403
    assert staff.get("/modules/basics/first-steps/").status_code == 200  # tutors may read the course
    assert completions(app) == 0


def test_progress_and_continue_where_you_left_off(signed_in, learner):
    client = signed_in(learner)
    assert "Start the course" in client.get("/").get_data(as_text=True)
    client.post("/modules/basics/first-steps/complete")
    home = client.get("/").get_data(as_text=True)
    assert "Continue where you left off" in home and "Second unit" in home
    assert "1 of 3 units complete" in home
    client.post("/modules/basics/second-unit/complete")
    home = client.get("/").get_data(as_text=True)
    assert "Applying it" in home and "2 of 3 units complete" in home
    modules = client.get("/modules/").get_data(as_text=True)
    assert "2 of 2 units complete" in modules and "0 of 1 units complete" in modules


def test_removed_unit_no_longer_counts_and_progress_survives_edits(make_app, tmp_path, learner, signed_in):
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, content)
    app = make_app(CONTENT_DIR=str(content))
    client = signed_in(learner, app=app)
    client.post("/modules/basics/first-steps/complete")
    client.post("/modules/basics/second-unit/complete")
    # The author removes one unit and moves the other to a new position.
    (content / "01-basics/02-second-unit.md").unlink()
    unit = content / "01-basics/01-first-steps.md"
    unit.write_text(unit.read_text().replace("(02-second-unit.md#details)", "(#top)").replace("order: 1", "order: 7"))
    app2 = make_app(CONTENT_DIR=str(content))
    client2 = signed_in(learner, app=app2)
    page = client2.get("/modules/basics/").get_data(as_text=True)
    assert "1 of 1 units complete" in page


def test_glossary_and_further_reading(client):
    glossary = client.get("/glossary/").get_data(as_text=True)
    assert 'id="v1g"' in glossary and "One-way smart charging." in glossary
    assert "The fixture handbook." in client.get("/further-reading/").get_data(as_text=True)


def test_course_assets_are_served_with_cache_headers(client):
    response = client.get("/course-assets/01-basics/images/demand.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert "max-age=86400" in response.headers["Cache-Control"]
    assert client.get("/course-assets/01-basics/module.md").status_code == 404
    assert client.get("/course-assets/../courseware/config.py").status_code == 404
    assert client.get("/course-assets/01-basics/images/missing.svg").status_code == 404


def test_unit_page_query_count_is_constant(app, count_queries, learner, signed_in):
    """Does the unit page make the same number of queries with 1 or 30 learners and many completions?"""
    client = signed_in(learner)
    client.post("/modules/basics/first-steps/complete")

    def measure() -> int:
        with count_queries() as q:
            assert client.get("/modules/basics/second-unit/").status_code == 200
        return q.count

    before = measure()
    with app.app_context():
        for i in range(30):
            other = make_user(email=f"bulk{i}@example.org")
            for unit in ("first-steps", "second-unit"):
                db.session.add(UnitCompletion(user_id=other.id, module_slug="basics", unit_slug=unit))
        db.session.commit()
    client.post("/modules/basics/second-unit/complete")
    after = measure()
    assert before == after <= 3
