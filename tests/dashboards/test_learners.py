"""The learner table, one learner's history and the progress export."""
from __future__ import annotations

import csv
import io
import re

from tests.factories import make_user


def names(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/tutor/learners/\d+/">(.*?)</a>', html)


def test_table_shows_each_learners_figures(app, known, signed_in, tutor):
    client = signed_in(tutor)
    html = client.get("/tutor/learners/").get_data(as_text=True)
    assert names(html) == ["Ana Alves", "Ben Brink", "Cleo Cruz", "Dan Dekker", "Eve Eriksen", "Fay Fox"]
    row = re.search(r"Cleo Cruz</a>(.*?)</tr>", html, re.S).group(1)
    # Compact: units as "3/3", each module's assignment by its number (its title for screen readers).
    assert "<td>3/3</td>" in row and "Practice: 2 submitted" in re.sub(r"<[^>]+>", "", row)
    assert "All units completed" in row
    fay = re.search(r"Fay Fox</a>(.*?)</tr>", html, re.S).group(1)
    assert "certificate revoked" in fay and "All assignments passed" in fay


def test_search_by_name_email_and_organisation(app, known, signed_in, tutor):
    client = signed_in(tutor)
    assert names(client.get("/tutor/learners/?q=grenoble").get_data(as_text=True)) == ["Cleo Cruz", "Dan Dekker"]
    assert names(client.get("/tutor/learners/?q=eve@").get_data(as_text=True)) == ["Eve Eriksen"]
    assert names(client.get("/tutor/learners/?q=FOX").get_data(as_text=True)) == ["Fay Fox"]


def test_search_text_is_literal(app, signed_in, tutor):
    """Are % and _ matched as themselves, never as wildcards, and is a quote harmless?"""
    with app.app_context():
        make_user(role="learner", name="Percy", organisation="100% Renewable Town")
        make_user(role="learner", name="Underscore", organisation="Grid_Op")
        make_user(role="learner", name="Plain", organisation="Gridxop 100 Town")
    client = signed_in(tutor)
    assert names(client.get("/tutor/learners/?q=%25").get_data(as_text=True)) == ["Percy"]
    assert names(client.get("/tutor/learners/?q=d_o").get_data(as_text=True)) == ["Underscore"]
    assert names(client.get("/tutor/learners/?q=100%25 R").get_data(as_text=True)) == ["Percy"]
    response = client.get("/tutor/learners/?q=' OR 1=1 --")
    assert response.status_code == 200 and names(response.get_data(as_text=True)) == []


def test_sorting_is_whitelisted(app, known, signed_in, tutor):
    client = signed_in(tutor)
    html = client.get("/tutor/learners/?sort=progress&order=desc").get_data(as_text=True)
    assert names(html)[-2:] == ["Dan Dekker", "Eve Eriksen"]
    assert 'aria-sort="descending"' in html
    assert names(client.get("/tutor/learners/?sort=stage&order=desc").get_data(as_text=True))[0] == "Ana Alves"
    assert names(client.get("/tutor/learners/?sort=posts&order=desc").get_data(as_text=True))[0] == "Ana Alves"
    # Anything else sorts by name; it never reaches the SQL.
    odd = client.get("/tutor/learners/?sort=password_hash&order=sideways")
    assert odd.status_code == 200 and names(odd.get_data(as_text=True))[0] == "Ana Alves"


def test_pagination(app, signed_in, tutor):
    with app.app_context():
        for i in range(30):
            make_user(role="learner", name=f"Learner {i:02d}")
    client = signed_in(tutor)
    first = client.get("/tutor/learners/").get_data(as_text=True)
    assert len(names(first)) == 25 and "Page 1 of 2" in first
    second = client.get("/tutor/learners/?page=2").get_data(as_text=True)
    assert names(second) == [f"Learner {i}" for i in range(25, 30)]
    assert client.get("/tutor/learners/?page=3").status_code == 404
    assert client.get("/tutor/learners/?page=0").status_code == 404
    assert client.get("/tutor/learners/?page=abc").status_code == 200


def test_learner_history(app, known, signed_in, tutor):
    """Does one learner's page show units with dates, posts with links, submissions with grades and the certificate?"""
    client = signed_in(tutor)
    html = client.get(f"/tutor/learners/{known.ana}/").get_data(as_text=True)
    assert "3 of 3 units" in html
    units = html[html.index('<h2 id="units">'):html.index('<h2 id="assignments">')]
    # A completion date for each of the three units, in the viewer's time zone (the default,
    # Europe/Brussels: CET or CEST).
    assert len(re.findall(r"CES?T</td>", units)) == 3
    assert len(re.findall(r'<a href="/modules/basics/forum/\d+/posts/\d+/">Depot charging in Utrecht</a>', html)) == 2
    assert re.search(r'<a href="/modules/practice/forum/\d+/posts/\d+/">Our tender</a>', html)
    assert "Tina Tutor" in html                  # who graded
    assert 'class="certificate-code"' in html and "/verify/" in html


def test_waiting_work_under_anonymous_marking_stays_anonymous(app, known, signed_in, tutor):
    """Cleo's practice work waits under anonymous marking: does her page show neither a link to it nor its date?"""
    client = signed_in(tutor)
    html = client.get(f"/tutor/learners/{known.cleo}/").get_data(as_text=True)
    practice = html[html.index("<h3>Practice</h3>"):html.index('<h2 id="posts">')]
    assert "marked anonymously" in practice and "/tutor/submissions/" not in practice
    basics = html[html.index("<h3>Basics</h3>"):html.index("<h3>Practice</h3>")]
    assert "/tutor/submissions/" in basics


def test_history_of_a_non_learner_is_404(app, known, signed_in, tutor):
    client = signed_in(tutor)
    assert client.get(f"/tutor/learners/{known.tutor}/").status_code == 404
    assert client.get("/tutor/learners/999999/").status_code == 404


def _csv(client) -> list[dict]:
    response = client.get("/tutor/export/progress.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.data.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_progress_csv_matches_the_pages(app, known, signed_in, tutor):
    client = signed_in(tutor)
    rows = {r["Name"]: r for r in _csv(client)}
    assert set(rows) == {"Ana Alves", "Ben Brink", "Cleo Cruz", "Dan Dekker", "Eve Eriksen", "Fay Fox"}
    ana, dan = rows["Ana Alves"], rows["Dan Dekker"]
    assert (ana["Stage"], ana["Units completed"], ana["Progress (%)"], ana["Forum posts"], ana["Certificate"]) == (
        "Certified", "3", "100", "3", "valid")
    assert (ana["Basics: forum posts"], ana["Practice: forum posts"]) == ("2", "1")
    assert (dan["Stage"], dan["Units completed"], dan["Progress (%)"], dan["Forum posts"]) == (
        "Reading", "1", "33", "0")
    assert dan["Basics: assignment"] == "submitted" and dan["Practice: assignment"] == "not started"
    assert rows["Fay Fox"]["Certificate"] == "revoked"
    # The same stage counts as the overview.
    stages = [r["Stage"] for r in rows.values()]
    assert stages.count("All assignments passed") == 2 and stages.count("Not started") == 1


def test_progress_csv_neutralises_formulas(app, signed_in, tutor):
    with app.app_context():
        make_user(role="learner", name="=HYPERLINK(\"http://evil.example\")", organisation="+SUM(A1)",
                  email="at@example.eu")
        make_user(role="learner", name="Émilie Ünal", organisation="-1 Région", email="em@example.eu")
        make_user(role="learner", name="@cmd", organisation="Normal")
    client = signed_in(tutor)
    rows = _csv(client)
    cells = [v for r in rows for v in r.values()]
    assert "'=HYPERLINK(\"http://evil.example\")" in cells and "'+SUM(A1)" in cells
    assert "'-1 Région" in cells and "'@cmd" in cells and "Émilie Ünal" in cells
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)


def test_gradebook_link_is_the_existing_export(app, signed_in, tutor):
    client = signed_in(tutor)
    html = client.get("/tutor/overview/").get_data(as_text=True)
    assert 'href="/tutor/export/gradebook.csv"' in html and 'href="/tutor/export/progress.csv"' in html


def test_control_characters_in_the_search_are_dropped(app, known, signed_in, tutor):
    """Are other control characters in a search dropped, and a NUL byte refused before any query (400)?"""
    client = signed_in(tutor)
    response = client.get("/tutor/learners/?q=Ana Al%01ves")
    assert response.status_code == 200 and names(response.get_data(as_text=True)) == ["Ana Alves"]
    assert client.get("/tutor/learners/?q=%00Ana").status_code == 400
