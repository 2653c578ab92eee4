"""Tutor notes (tutor-notes.md): checked at load time, shown on the grading page, never to learners."""
from __future__ import annotations

import re

import pytest

from courseware.courses.content import load_course
from tests.assignments.conftest import rows
from tests.conftest import FIXTURE_CONTENT, sign_in
from tests.courses.conftest import edit_text, problems_of

NOTES = "01-basics/tutor-notes.md"
# Phrases that appear only in the fixture's tutor notes.
SECRETS = ("zebra-tutor-only", "Fixturetown", "Read the whole answer before ticking anything",
           "Common mistake: naming only the country", "Tutor notes", "Model answer")


def test_notes_are_read_into_the_module():
    notes = load_course(FIXTURE_CONTENT).module("basics").tutor_notes
    assert "Fixturetown is a city of 50,000 people" in notes.model_answer_html
    assert notes.marking_intro_html == "<p>Read the whole answer before ticking anything.</p>"
    assert [m.heading for m in notes.marking] == ["Names the city", "Gives one example"]
    assert "naming only the country" in notes.marking[0].html


@pytest.mark.parametrize("change, expected", [
    (lambda r: (r / NOTES).unlink(),
     f"{NOTES}:1: missing: every module needs tutor notes (a model answer and marking notes for each criterion"),
    (lambda r: edit_text(r / NOTES, "## Model answer", "## Sample answer"), f"{NOTES}:4: no '## Model answer' section"),
    (lambda r: edit_text(r / NOTES, "## Marking notes", "## Notes"), f"{NOTES}:4: no '## Marking notes' section"),
    (lambda r: edit_text(r / NOTES, "## Marking notes", "## Extra\n\nMore.\n\n## Marking notes"),
     f"{NOTES}:10: unknown section '## Extra'"),
    (lambda r: edit_text(r / NOTES, "### Gives one example", "Gives one example"),
     f"{NOTES}:10: '## Marking notes' has 1 '###' section(s) but assignment.md has 2 criteria: write one "
     "'### <criterion>' section per criterion, in the same order"),
    (lambda r: edit_text(r / "01-basics/assignment.md", "  - Gives one example\n", "  - Gives one example\n  - Is polite\n"),
     f"{NOTES}:10: '## Marking notes' has 2 '###' section(s) but assignment.md has 3 criteria"),
    (lambda r: edit_text(r / NOTES, "What counts: any named city or region. Common mistake: naming only the country.\n", ""),
     f"{NOTES}:14: the marking notes for 'Names the city' are empty"),
    (lambda r: edit_text(r / NOTES, "Fixturetown is a city of 50,000 people with forty public charge points. One good "
                                "example is the bus depot,\nwhich charges its buses overnight.\n", ""),
     f"{NOTES}:5: the '## Model answer' section is empty"),
])
def test_broken_tutor_notes_are_reported(tree, change, expected):
    change(tree)
    problems = problems_of(tree)
    assert any(p.startswith(expected) for p in problems), problems


def test_tutor_notes_are_not_a_unit():
    assert "tutor-notes" not in [u.slug for u in load_course(FIXTURE_CONTENT).units]


def _submit_and_grade(app, learner, tutor):
    """(the learner's client, the tutor's client, the submission id) once the learner has submitted."""
    client = sign_in(app, learner)
    response = client.post("/modules/basics/assignment/", data={"body": "Utrecht, with its bus depot."},
                           content_type="multipart/form-data")
    assert response.status_code in (302, 303)
    [version] = rows(app)
    return client, sign_in(app, tutor), version.id


def test_grading_page_shows_the_notes_beside_each_criterion(app, learner, tutor):
    _, staff, submission_id = _submit_and_grade(app, learner, tutor)
    page = staff.get(f"/tutor/submissions/{submission_id}/").get_data(as_text=True)
    # The criteria appear once, as the checklist beside the work, each with its marking notes.
    panel = re.search(r'<fieldset id="criteria".*?</fieldset>', page, re.S).group(0)
    items = [re.search(r'<label for="criteria-\d">(.*?)</label>(.*)', choice, re.S).groups()
             for choice in panel.split('<div class="choice">')[1:]]
    assert [criterion for criterion, _ in items] == ["Names the city", "Gives one example"]
    assert "naming only the country" in items[0][1] and "zebra-tutor-only" in items[1][1]
    assert "<summary>Marking notes" in items[0][1]
    assert page.count("Names the city") == 1
    assert "Read the whole answer before ticking anything." in page
    assert "Fixturetown is a city of 50,000 people" in page and "(not shown to learners)" in page


def test_no_learner_page_ever_shows_the_tutor_notes(app, learner, tutor):
    """Unit, outline, assignment (before and after feedback), certificate, forum and every course page."""
    client, staff, submission_id = _submit_and_grade(app, learner, tutor)
    assert staff.post(f"/tutor/submissions/{submission_id}/",
                      data={"decision": "revise", "feedback": "Say more.", "criteria": ["0", "1"]}).status_code == 302
    forum = client.get("/modules/basics/forum/")
    assert forum.status_code == 200
    thread = re.search(r'href="(/modules/basics/forum/\d+/)"', forum.get_data(as_text=True)).group(1)
    pages = ["/", "/modules/", "/modules/basics/", "/modules/basics/first-steps/", "/modules/basics/second-unit/",
             "/modules/basics/assignment/", "/modules/practice/", "/modules/practice/applying/",
             "/modules/practice/assignment/", "/certificate/", "/modules/basics/forum/", thread, "/glossary/",
             "/references/", "/further-reading/", "/account/export"]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.get_data(as_text=True)
        for secret in SECRETS:
            assert secret not in text, (url, secret)
