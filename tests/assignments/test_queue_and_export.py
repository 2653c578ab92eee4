"""The grading queue, the gradebook CSV, who may open them, and how many queries they cost."""
from __future__ import annotations

import csv
import io

import pytest

from sqlalchemy import update

from courseware.core.spreadsheet import safe_cell
from courseware.assignments.models import Submission
from courseware.extensions import db
from tests.factories import make_user
from tests.assignments.conftest import make_submission

TUTOR_PAGES = ["/tutor/", "/tutor/submissions/1/", "/tutor/export/gradebook.csv"]



def table_of(html: str) -> str:
    return html[html.index("<tbody>"):html.index("</tbody>")] if "<tbody>" in html else ""


@pytest.mark.parametrize("url", TUTOR_PAGES)
def test_learners_get_403_on_tutor_pages(app, learner, url, signed_in):
    make_submission(app, learner.id)
    client = signed_in(learner)
    assert client.get(url).status_code == 403
    assert client.post("/tutor/submissions/1/", data={"decision": "pass", "feedback": "x"}).status_code == 403
    assert client.post("/tutor/settings", data={"new_submissions": "off"}).status_code == 403


@pytest.mark.parametrize("url", TUTOR_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(app, client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/login?next=" in response.headers["Location"]


@pytest.mark.parametrize("who", ["tutor", "admin"])
def test_staff_open_the_queue_and_the_export(request, app, who, signed_in):
    client = signed_in(request.getfixturevalue(who))
    assert client.get("/tutor/").status_code == 200
    assert client.get("/tutor/export/gradebook.csv").status_code == 200


def test_queue_lists_waiting_work_oldest_first_with_waiting_time(app, learner, other_learner, tutor, signed_in):
    make_submission(app, learner.id, days_ago=1)
    make_submission(app, other_learner.id, days_ago=3)
    make_submission(app, learner.id, module="practice", status="draft", days_ago=9)  # drafts are private
    html = signed_in(tutor).get("/tutor/").get_data(as_text=True)
    table = table_of(html)
    assert table.index("Otto Other") < table.index("Lena Learner")
    assert "3 days" in table and "1 day" in table
    assert table.count("<tr>") == 2


def test_queue_filters_by_module_status_and_organisation(app, learner, other_learner, tutor, signed_in):
    make_submission(app, learner.id, "basics", 1, "needs revision", days_ago=5)
    make_submission(app, learner.id, "basics", 2, "submitted", days_ago=2)
    make_submission(app, other_learner.id, "basics", 1, "passed", days_ago=4)
    make_submission(app, other_learner.id, "practice", 1, "submitted", days_ago=1)
    client = signed_in(tutor)

    def names(query):
        response = client.get("/tutor/" + query)
        assert response.status_code == 200
        table = table_of(response.get_data(as_text=True))
        return table.count("<tr>"), table

    count, table = names("?module=basics")
    assert count == 1 and "Lena Learner" in table  # only the latest version of each learner's work
    count, table = names("?status=passed")
    assert count == 1 and "Otto Other" in table
    count, table = names("?status=all")
    assert count == 3
    count, table = names("?status=all&organisation=City+of+Utrecht")
    assert count == 1 and "Lena Learner" in table
    # Anonymous work that waits is not shown when filtering by organisation (that would reveal it).
    count, table = names("?organisation=Region+of+Grenoble")
    assert count == 0


@pytest.mark.parametrize("query, status", [("?status=bogus", 422), ("?module=nowhere", 422), ("?page=abc", 200),
                                           ("?organisation=Nowhere", 422)])
def test_unknown_filter_values_are_answered_without_error(app, learner, tutor, query, status, signed_in):
    """Is a filter value that is not one of the choices refused beside the filter (422, the unfiltered
    queue still shown), and a page number that is not a number read as the first page?"""
    make_submission(app, learner.id)
    response = signed_in(tutor).get("/tutor/" + query)
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert "Lena Learner" in table_of(html)
    assert ('aria-invalid="true"' in html) is (status == 422)


def test_queue_queries_do_not_grow_with_learners(app, tutor, signed_in, count_queries):
    client = signed_in(tutor)

    def add_learners(n):
        for _ in range(n):
            with app.app_context():
                user = make_user(role="learner", organisation=f"Org {_ % 3}")
            make_submission(app, user.id, "basics")
            make_submission(app, user.id, "practice", status="passed")

    add_learners(2)
    with count_queries() as few:
        assert client.get("/tutor/?status=all").status_code == 200
    add_learners(8)
    with count_queries() as many:
        client.get("/tutor/?status=all")
    assert many.count == few.count


def test_grading_page_queries_do_not_grow_with_versions(app, learner, tutor, signed_in, count_queries):
    client = signed_in(tutor)
    make_submission(app, learner.id, "basics", 1, "needs revision")
    sid = make_submission(app, learner.id, "basics", 2, "submitted")
    client.get(f"/tutor/submissions/{sid}/")
    with count_queries() as few:
        client.get(f"/tutor/submissions/{sid}/")
    with app.app_context():
        db.session.execute(update(Submission).where(Submission.id == sid).values(status="needs revision"))
        db.session.commit()
    for v in range(3, 9):
        make_submission(app, learner.id, "basics", v, "needs revision")
    sid = make_submission(app, learner.id, "basics", 9, "submitted")
    client.get(f"/tutor/submissions/{sid}/")
    with count_queries() as many:
        client.get(f"/tutor/submissions/{sid}/")
    assert many.count == few.count


def read_csv(response):
    """The rows of a CSV download, which starts with a byte-order mark for spreadsheet programs."""
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_gradebook_csv_has_learners_by_modules(app, learner, other_learner, tutor, signed_in):
    make_submission(app, learner.id, "basics", 1, "needs revision", days_ago=6)
    make_submission(app, learner.id, "basics", 2, "passed", days_ago=2)
    make_submission(app, other_learner.id, "practice", 1, "draft")
    response = signed_in(tutor).get("/tutor/export/gradebook.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    header, *body = read_csv(response)
    assert header[:3] == ["Name", "Email", "Organisation"]
    assert "Basics: status" in header and "Practice: status" in header
    by_name = {row[0]: dict(zip(header, row)) for row in body}
    lena, otto = by_name["Lena Learner"], by_name["Otto Other"]
    assert lena["Basics: status"] == "passed" and lena["Basics: versions"] == "2"
    assert lena["Basics: first submitted (UTC)"] < lena["Basics: last submitted (UTC)"]
    assert lena["Basics: graded (UTC)"] == ""  # rows made directly carry no grading date
    assert lena["Practice: status"] == "not started"
    assert otto["Practice: status"] == "draft" and otto["Practice: versions"] == "0"
    assert "Tara Tutor" not in by_name  # learners only


def test_gradebook_neutralises_formulas(app, tutor, signed_in):
    with app.app_context():
        make_user(role="learner", name="=HYPERLINK(\"http://evil\")", organisation="+SUM(A1)")
        make_user(role="learner", name="@cmd", organisation="-1")
    _, *body = read_csv(signed_in(tutor).get("/tutor/export/gradebook.csv"))
    cells = [c for row in body for c in row]
    assert "'=HYPERLINK(\"http://evil\")" in cells and "'+SUM(A1)" in cells
    assert "'@cmd" in cells and "'-1" in cells
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)


@pytest.mark.parametrize("value, expected", [("=1+1", "'=1+1"), ("plain", "plain"), ("", ""), (None, ""),
                                             ("\tx", "'\tx"), (3, "3")])
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_gradebook_withholds_dates_of_waiting_anonymous_work(app, learner, tutor, signed_in):
    make_submission(app, learner.id, "practice", 1, "submitted", days_ago=2)
    header, *body = read_csv(signed_in(tutor).get("/tutor/export/gradebook.csv"))
    row = dict(zip(header, body[0]))
    assert row["Practice: status"] == "submitted" and row["Practice: last submitted (UTC)"] == ""


def test_gradebook_queries_do_not_grow_with_learners(app, tutor, signed_in, count_queries):
    client = signed_in(tutor)

    def add_learners(n):
        for _ in range(n):
            with app.app_context():
                user = make_user(role="learner")
            make_submission(app, user.id, "basics", 1, "needs revision")
            make_submission(app, user.id, "basics", 2, "submitted")

    add_learners(2)
    with count_queries() as few:
        client.get("/tutor/export/gradebook.csv")
    add_learners(8)
    with count_queries() as many:
        body = client.get("/tutor/export/gradebook.csv").get_data(as_text=True)
    assert many.count == few.count
    assert body.count("\n") == 11


@pytest.mark.parametrize("code, words", [
    ("de", ["Alle Module", "Alle Organisationen", "Wartet auf Bewertung", "3 Tage", "unter einer Stunde"]),
    ("fr", ["Tous les modules", "Toutes les organisations", "En attente d’évaluation", "3 jours", "moins d’une heure"]),
    ("nl", ["Alle modules", "Alle organisaties", "Wacht op beoordeling", "3 dagen", "minder dan een uur"])])
def test_the_queue_is_in_the_tutors_language(app, learner, other_learner, tutor, signed_in, code, words):
    """The filters' choices and the waiting times, not only the template's texts."""
    make_submission(app, learner.id, days_ago=3)
    make_submission(app, other_learner.id, days_ago=0.01)
    client = signed_in(tutor)
    client.post("/language", data={"language": code})
    html = client.get("/tutor/").get_data(as_text=True)
    for word in words:
        assert word in html, word
    assert "All modules" not in html and "3 days" not in html
