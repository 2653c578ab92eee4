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


# A unit is one sitting: at most 2,000 words is about 13 minutes at the 150 words a minute of a reader of
# English as a second language (the second edition's units carry their sources and worked examples).
MIN_UNIT_WORDS, MAX_UNIT_WORDS = 800, 2000


def test_three_modules_of_four_to_six_units_of_the_right_length():
    """Does every module have four to six units, each long enough to teach and short enough for one sitting?"""
    assert len(COURSE.modules) == 3
    for module in COURSE.modules:
        assert 4 <= len(module.units) <= 6, module.slug
        for unit in module.units:
            assert MIN_UNIT_WORDS <= unit.words <= MAX_UNIT_WORDS, (unit.key, unit.words)


def test_each_module_has_brief_criteria_prompts_and_glossary():
    for module in COURSE.modules:
        assert len(module.objectives) >= 3
        assert len(module.assignment.criteria) >= 4
        assert 2 <= len(module.prompts) <= 3
        assert len(module.glossary) >= 10
    assert "further-reading" in COURSE.pages


def test_module_three_offers_its_three_spreadsheets():
    """The tender requirements, the needs-assessment checklist and the budget sheet (formats brief §4)."""
    import io

    import openpyxl

    planning = COURSE.modules[2]
    downloads = [d for d in COURSE.downloads.values() if d.module_slug == planning.slug]
    assert len(downloads) >= 3, [d.slug for d in downloads]
    last_rows = []
    for download in downloads:
        sheet = openpyxl.load_workbook(io.BytesIO(download.data)).active
        assert sheet["A1"].value == download.title and sheet.max_row > 2, download.slug
        last_rows.append([str(cell.value) for cell in sheet[sheet.max_row]])
    assert any(value.startswith("=SUM(") for row in last_rows for value in row), "no budget sheet with totals"


def test_units_are_written_in_british_english():
    for unit in COURSE.units:
        # Not the sources the platform writes from references.yml: their titles are names ("International
        # Organization for Standardization") and stay as their publishers spell them.
        prose = re.sub(r'<div class="footnote">.*?</div>', " ", unit.html, flags=re.S)
        found = AMERICAN.findall(re.sub(r"<[^>]+>", " ", prose))
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
