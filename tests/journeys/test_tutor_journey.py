"""The tutor's journey (issue 15, points 1 to 4): grading on one screen, no silent failure, landing on the
queue, finding who is stuck. Everything through HTTP, as a tutor would see it."""
from __future__ import annotations

import re
from datetime import timedelta

from courseware.core.time import utcnow
from courseware.courses.models import UnitCompletion
from courseware.extensions import db
from tests.assignments.conftest import make_submission, rows
from tests.conftest import sign_in
from tests.factories import make_user


def _ids_of_waiting(app, learner, other_learner):
    """Two waiting submissions, the other learner's the older one."""
    newer = make_submission(app, learner.id, days_ago=1)
    older = make_submission(app, other_learner.id, days_ago=3)
    return older, newer


def test_criteria_appear_once_beside_the_work_with_the_decision(app, learner, tutor, signed_in):
    """Is the grading page one screen: the work, then the criteria checklist, feedback and decision, with no
    second read-only list of the criteria?"""
    submission_id = make_submission(app, learner.id)
    page = signed_in(tutor).get(f"/tutor/submissions/{submission_id}/").get_data(as_text=True)
    layout = page[page.index('class="grading-layout"'):]
    assert layout.index('id="work-title"') < layout.index('id="criteria"') < layout.index('name="feedback"') \
        < layout.index('name="decision"') < layout.index('name="save_next"')
    assert page.count("Names the city") == 1 and page.count("Gives one example") == 1
    assert "Save and open the next oldest" in page


def test_save_and_open_the_next_oldest(app, learner, other_learner, tutor, signed_in):
    """Does "Save and open the next oldest" save, name the learner in the confirmation and open the oldest
    other waiting submission; and go back to the queue when nothing else waits?"""
    older, newer = _ids_of_waiting(app, learner, other_learner)
    client = signed_in(tutor)
    response = client.post(f"/tutor/submissions/{newer}/", data={
        "decision": "pass", "feedback": "Good.", "save_next": "Save and open the next oldest"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/tutor/submissions/{older}/")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Saved for Lena Learner: Basics, version 1, passed." in page
    response = client.post(f"/tutor/submissions/{older}/", data={
        "decision": "revise", "feedback": "Name the city.", "save_next": "Save and open the next oldest"})
    assert response.headers["Location"].endswith("/tutor/")
    page = client.get("/tutor/").get_data(as_text=True)
    assert "No other work is waiting for a grade." in page
    assert [s.status for s in rows(app)] == ["passed", "needs revision"]


def test_next_oldest_skips_work_another_tutor_has_taken(app, learner, other_learner, tutor, signed_in):
    older, newer = _ids_of_waiting(app, learner, other_learner)
    with app.app_context():
        other_tutor = make_user(role="tutor", name="Colin Colleague", email="colin@example.org")
    assert sign_in(app, other_tutor).post(f"/tutor/submissions/{older}/claim").status_code == 303
    client = signed_in(tutor)
    response = client.post(f"/tutor/submissions/{newer}/", data={
        "decision": "pass", "feedback": "Good.", "save_next": "Save and open the next oldest"})
    assert response.headers["Location"].endswith("/tutor/")


def test_saving_without_a_decision_says_so_at_the_top(app, learner, tutor, signed_in):
    """A refused grading POST: 422, "Error:" first in the title, an error summary first in <main> that links
    to the decision, and nothing saved."""
    submission_id = make_submission(app, learner.id)
    response = signed_in(tutor).post(f"/tutor/submissions/{submission_id}/", data={"feedback": "Fine."})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert re.search(r"<title>Error: ", page)
    main = page[page.index('<main id="main"'):]
    assert main.index('id="error-summary"') < main.index("<h1")
    summary = main[main.index('id="error-summary"'):main.index("</div>")]
    assert '<a href="#decision">Decision: Choose pass or revise.</a>' in summary
    assert 'id="decision"' in page and "error-summary.js" in page
    assert [s.status for s in rows(app)] == ["submitted"]


def test_every_form_gets_the_error_summary(client):
    """The summary comes from the base layout: a refused sign-in and a refused registration have it too."""
    response = client.post("/login", data={"email": "", "password": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "<title>Error: " in page
    assert 'href="#email"' in page and 'id="error-summary"' in page
    assert client.get("/login").get_data(as_text=True).count("error-summary") == 0
    page = client.post("/register", data={"name": "X"}).get_data(as_text=True)
    assert "<title>Error: " in page and 'href="#email"' in page and page.count('id="error-summary"') == 1


def test_a_tutor_signing_in_lands_on_the_queue(app, tutor, learner, client):
    response = client.post("/login", data={"email": tutor.email, "password": "correct horse battery"})
    assert response.headers["Location"].endswith("/tutor/")
    learner_client = sign_in(app, learner)
    assert learner_client.get("/login").headers["Location"].endswith("/")


def test_breadcrumb_names_the_learner_and_module(app, learner, tutor, signed_in):
    submission_id = make_submission(app, learner.id)
    page = signed_in(tutor).get(f"/tutor/submissions/{submission_id}/").get_data(as_text=True)
    crumb = page[page.index('class="breadcrumb"'):page.index("</nav>", page.index('class="breadcrumb"'))]
    assert "Lena Learner: Basics" in crumb and "Submission" not in crumb


def test_breadcrumb_keeps_anonymous_marking(app, learner, tutor, signed_in):
    submission_id = make_submission(app, learner.id, module="practice")
    page = signed_in(tutor).get(f"/tutor/submissions/{submission_id}/").get_data(as_text=True)
    assert "Anonymous learner: Practice" in page and "Lena Learner" not in page


def _names(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/tutor/learners/\d+/">([^<]+)</a>', html)


def test_learners_filtered_by_inactivity_and_step(app, learner, other_learner, tutor, signed_in, count_queries):
    """Do "inactive for N days" and "where they are now" narrow the table, with a last-active column, in the
    same number of queries whatever the filters?"""
    with app.app_context():
        db.session.add(UnitCompletion(user_id=learner.id, module_slug="basics", unit_slug="first-steps",
                                      completed_at=utcnow() - timedelta(days=20)))
        db.session.add(UnitCompletion(user_id=other_learner.id, module_slug="basics", unit_slug="first-steps",
                                      completed_at=utcnow() - timedelta(hours=2)))
        db.session.commit()
        fresh = make_user(role="learner", name="Nora New", email="nora@example.org")
    client = signed_in(tutor)
    page = client.get("/tutor/learners/").get_data(as_text=True)
    assert "Last active" in page and "20 days ago" in page and "today" in page
    assert _names(client.get("/tutor/learners/?inactive=14").get_data(as_text=True)) == ["Lena Learner"]
    assert _names(client.get("/tutor/learners/?stage=1").get_data(as_text=True)) == ["Lena Learner", "Otto Other"]
    assert _names(client.get("/tutor/learners/?stage=0").get_data(as_text=True)) == [fresh.name]
    assert _names(client.get("/tutor/learners/?reached=1").get_data(as_text=True)) == ["Lena Learner", "Otto Other"]
    # Nonsense values are ignored, never a 500.
    assert client.get("/tutor/learners/?inactive=-3&stage=x&reached=99").status_code == 200
    counts = []
    for query in ("", "?inactive=14", "?stage=1&inactive=3&q=a&sort=active"):
        with count_queries() as queries:
            assert client.get(f"/tutor/learners/{query}").status_code == 200
        counts.append(queries.count)
    assert len(set(counts)) == 1


def test_learner_rows_are_compact(app, learner, tutor, signed_in):
    """No full module names in every row: each module's assignment is shown by its number."""
    page = signed_in(tutor).get("/tutor/learners/").get_data(as_text=True)
    row = re.search(r"Lena Learner</a>(.*?)</tr>", page, re.S).group(1)
    visible = re.sub(r'<span class="visually-hidden">.*?</span>', "", row)
    assert "Basics" not in visible and "Practice" not in visible and "not started" in visible


def test_funnel_bars_link_to_the_learners_they_count(app, learner, tutor, signed_in):
    page = signed_in(tutor).get("/tutor/overview/").get_data(as_text=True)
    assert re.search(r'<a href="/tutor/learners/\?reached=1" tabindex="-1" aria-label="Started: [^"]+"><rect', page)
    assert re.search(r'See the learners:.*?<a href="/tutor/learners/\?reached=0">Registered</a>', page, re.S)


def test_unit_chart_labels_keep_the_unit_name():
    from courseware.dashboards.charts import unit_labels
    from courseware.dashboards.stats import UnitRow
    long = "Foundations: smart charging, V2G and the European landscape of rules and markets"
    labels = unit_labels([UnitRow(long, "Why cities care", 3), UnitRow(long, "The value chain", 1),
                          UnitRow("Procurement", "Tenders", 0)])
    assert labels == ["Module 1 · Why cities care", "Module 1 · The value chain", "Module 2 · Tenders"]
