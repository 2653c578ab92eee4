"""The real course in modules/: complete, well formed, and readable through the site."""
from __future__ import annotations

import re

from courseware.courses.content import TOPICS, load_course
from tests.conftest import REAL_CONTENT
from tests.factories import make_user

COURSE = load_course(REAL_CONTENT)
AMERICAN = re.compile(r"\b(organiz\w*|behavior\w*|colors?\b|centers?\b|analyz\w*|prioritiz\w*|utiliz\w*|"
                      r"labor\b|favor\w*|neighbor\w*|programs?\b)", re.IGNORECASE)


def test_every_spec_topic_is_taught_by_a_unit():
    """Is each of the ten SPEC topics tagged on at least one unit (front matter, not keyword luck)?"""
    tagged = {topic for unit in COURSE.units for topic in unit.topics}
    assert set(TOPICS) <= tagged, f"not covered: {set(TOPICS) - tagged}"


def test_three_modules_of_four_to_six_units_of_the_right_length():
    assert len(COURSE.modules) == 3
    for module in COURSE.modules:
        assert 4 <= len(module.units) <= 6, module.slug
        for unit in module.units:
            assert 800 <= unit.words <= 1500, (unit.key, unit.words)


def test_each_module_has_brief_criteria_prompts_and_glossary():
    for module in COURSE.modules:
        assert len(module.objectives) >= 3
        assert len(module.assignment.criteria) >= 4
        assert 2 <= len(module.prompts) <= 3
        assert len(module.glossary) >= 10
    assert "further-reading" in COURSE.pages


def test_units_are_written_in_british_english():
    for unit in COURSE.units:
        found = AMERICAN.findall(re.sub(r"<[^>]+>", " ", unit.html))
        assert not found, (unit.key, found)


def test_every_unit_reads_through_the_site(make_app, signed_in):
    """Does every unit of the real course open for a learner, with one title, its key points and the
    button to mark it complete? (One app for all units: loading the real course takes a while.)"""
    app = make_app(CONTENT_DIR=str(REAL_CONTENT))
    with app.app_context():
        learner = make_user(role="learner")
    client = signed_in(learner, app=app)
    failures = []
    for unit in COURSE.units:
        response = client.get(f"/modules/{unit.module_slug}/{unit.slug}/")
        page = response.get_data(as_text=True)
        checks = {"200": response.status_code == 200, "title": '<h1 id="unit-title">' in page,
                  "one h1": page.count("<h1") == 1, "key points": "Key points" in page,
                  "complete button": "Mark as complete" in page}
        failures += [f"{'/'.join(unit.key)}: {name}" for name, ok in checks.items() if not ok]
    assert not failures, failures
