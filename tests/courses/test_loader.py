"""The content loader on small trees: a good one, and each kind of broken one."""
from __future__ import annotations

import shutil

import pytest

from courseware.courses.content import ContentError, load_course
from tests.conftest import FIXTURE_CONTENT
from tests.courses.conftest import edit_text, problems_of


def test_good_tree_loads():
    course = load_course(FIXTURE_CONTENT)
    assert course.title == "Fixture course" and course.version == "test-1"
    assert [m.slug for m in course.modules] == ["basics", "practice"]
    basics = course.module("basics")
    assert [u.slug for u in basics.units] == ["first-steps", "second-unit"]
    assert basics.forum_posts_required == 2 and not basics.anonymous_marking
    assert course.module("practice").anonymous_marking
    assert basics.assignment.words == (50, 300) and basics.assignment.criteria == ("Names the city", "Gives one example")
    assert basics.assignment.learner_criteria == ("Say which city or region you work for.", "Gives one example")
    assert [p.title for p in basics.prompts] == ["Introduce yourself"]
    assert basics.units[0].topics == ("smart-charging-basics", "ev-users")
    assert [t.term for t in course.glossary] == ["V1G"]


def test_rendering_of_a_unit():
    unit = load_course(FIXTURE_CONTENT).module("basics").unit("first-steps")
    html = unit.html
    assert '<h2 id="getting-started">Getting started</h2>' in html
    assert [(h.level, h.id, h.title) for h in unit.toc] == [(2, "getting-started", "Getting started"),
                                                           (3, "a-smaller-heading", "A smaller heading"),
                                                           (2, "sources", "Sources")]
    assert "<table" in html and "<th>Mode</th>" in html
    assert 'class="footnote"' in html
    assert 'class="admonition key-points" role="note"' in html
    assert 'href="/modules/basics/second-unit/#details"' in html
    assert 'href="/modules/practice/applying/"' in html
    assert 'src="/course-assets/01-basics/images/demand.svg"' in html and 'alt="A bar chart' in html


def test_reading_time_comes_from_the_word_count(tree):
    """150 words a minute, rounded up, at least one minute; a module takes the sum of its units."""
    unit = tree / "01-basics" / "02-second-unit.md"
    unit.write_text(unit.read_text().replace("More details,", "word " * 301))
    course = load_course(tree)
    second = course.module("basics").unit("second-unit")
    assert 301 < second.words <= 360 and second.reading_minutes == 3
    first = course.module("basics").unit("first-steps")
    assert first.words < 150 and first.reading_minutes == 1
    assert course.module("basics").reading_minutes == 4
    assert first.checked.isoformat() == "2026-12-01"


def test_table_of_contents_titles_hold_real_characters_not_entities(tree):
    """Smarty's curly quotes, dashes and ellipses reach the TOC as characters; & and < stay text."""
    edit_text(tree / "01-basics" / "02-second-unit.md", "## Details",
          '## V2X: the "vehicle-to-everything" family\n\n## Costs & savings -- 2024... `<b>`\n\n## Details')
    toc = load_course(tree).module("basics").unit("second-unit").toc
    assert [h.title for h in toc][:2] == ["V2X: the “vehicle-to-everything” family", "Costs & savings – 2024… <b>"]


def test_units_keep_their_identity_when_reordered(tree):
    first = tree / "01-basics" / "01-first-steps.md"
    first.write_text(first.read_text().replace("order: 1", "order: 3"))
    course = load_course(tree)
    assert [u.slug for u in course.module("basics").units] == ["second-unit", "first-steps"]


@pytest.mark.parametrize("breakage, expected", [
    (lambda r: (r / "01-basics/02-second-unit.md").write_text("no front matter here\n"),
     "01-basics/02-second-unit.md:1: missing front matter"),
    (lambda r: (r / "01-basics/02-second-unit.md").write_text("---\ntitle: [unclosed\n---\nbody\n"),
     "01-basics/02-second-unit.md:3: bad front matter"),
    (lambda r: edit_text(r / "01-basics/02-second-unit.md", "checked: 2026-12-01\n", ""),
     "01-basics/02-second-unit.md:2: front matter is missing 'checked'"),
    (lambda r: edit_text(r / "01-basics/02-second-unit.md", "checked: 2026-12-01", "checked: last week"),
     "01-basics/02-second-unit.md:4: 'checked' must be a date written YYYY-MM-DD without quotes"),
    (lambda r: edit_text(r / "01-basics/02-second-unit.md", "checked: 2026-12-01", 'checked: "2026-12-01"'),
     "01-basics/02-second-unit.md:4: 'checked' must be a date"),
    (lambda r: edit_text(r / "01-basics/02-second-unit.md", "checked: 2026-12-01", "checked: 2026-02-30"),
     "01-basics/02-second-unit.md:4: bad front matter: 2026-02-30 is not a date"),
    (lambda r: edit_text(r / "01-basics/02-second-unit.md", "checked: 2026-12-01", "checked: 2026-12-01\nminutes: 4"),
     "01-basics/02-second-unit.md:5: 'minutes' is no longer used: delete the line"),
    (lambda r: edit_text(r / "01-basics/02-second-unit.md", "checked: 2026-12-01", "checked: 2026-12-01\ncolour: red"),
     "01-basics/02-second-unit.md:5: unknown front matter key 'colour'"),
    (lambda r: edit_text(r / "01-basics/02-second-unit.md", "order: 2", "order: 1"),
     "duplicate unit order 1"),
    (lambda r: edit_text(r / "01-basics/02-second-unit.md", "[eu-policy]", "[astrology]"),
     "unknown topic 'astrology'"),
    (lambda r: edit_text(r / "02-practice/module.md", "order: 2", "order: 1"),
     "duplicate module order 1"),
    (lambda r: shutil.copy(r / "01-basics/02-second-unit.md", r / "01-basics/03-second-unit.md"),
     "duplicate unit slug"),
    (lambda r: edit_text(r / "01-basics/01-first-steps.md", "(02-second-unit.md#details)", "(03-missing.md)"),
     "01-basics/01-first-steps.md:11: broken link to '03-missing.md'"),
    (lambda r: (r / "01-basics/images/demand.svg").unlink(),
     "01-basics/01-first-steps.md:22: missing image 'images/demand.svg'"),
    (lambda r: edit_text(r / "01-basics/01-first-steps.md", "![A bar chart of charging demand by hour]", "![]"),
     "has no alt text"),
    (lambda r: (r / "01-basics/assignment.md").unlink(),
     "01-basics/assignment.md:1: missing: every module needs an assignment brief"),
    (lambda r: shutil.rmtree(r / "02-practice/prompts"),
     "02-practice/prompts/:1: missing: every module needs at least one discussion prompt"),
    (lambda r: edit_text(r / "01-basics/02-second-unit.md", "## Details", "# Details"),
     "start headings at '##'"),
    (lambda r: edit_text(r / "01-basics/02-second-unit.md", '!!! key-points "Key points"', "Key points:"),
     "no key-points box"),
    (lambda r: shutil.copy(r / "01-basics/02-second-unit.md", r / "01-basics/forum.md"),
     "the unit slug 'forum' is not allowed"),
    (lambda r: edit_text(r / "01-basics/assignment.md", "words: [50, 300]", "words: [300, 50]"),
     "'words' must be [minimum, maximum]"),
    (lambda r: edit_text(r / "01-basics/assignment.md", "    learner: Say which", "    learners: Say which"),
     "01-basics/assignment.md:5: criterion 1 must be a text, or a pair of texts 'tutor: ...' (what the tutor "
     "checks) and 'learner: ...' (what the learner is asked to do)"),
    (lambda r: edit_text(r / "01-basics/assignment.md", "  - Gives one example", "  - tutor: Gives one example"),
     "01-basics/assignment.md:7: criterion 2 must be a text, or a pair"),
    (lambda r: edit_text(r / "01-basics/assignment.md", "  - Gives one example", "  - [Gives, one, example]"),
     "01-basics/assignment.md:7: criterion 2 must be a text, or a pair"),
])
def test_broken_trees_are_reported_precisely(tree, breakage, expected):
    breakage(tree)
    problems = problems_of(tree)
    assert any(expected in p for p in problems), problems


def test_content_check_command_reports_and_fails(runner, tree):
    edit_text(tree / "01-basics/01-first-steps.md", "(02-second-unit.md#details)", "(03-missing.md)")
    result = runner.invoke(args=["content", "check", "--path", str(tree)])
    assert result.exit_code == 1
    assert "error: 01-basics/01-first-steps.md:11: broken link to '03-missing.md'" in result.output


def test_content_check_command_passes_on_the_real_course(runner):
    from tests.conftest import REAL_CONTENT
    result = runner.invoke(args=["content", "check", "--path", str(REAL_CONTENT)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok: 3 modules")


def test_app_refuses_to_start_on_broken_content(make_app, tree):
    (tree / "01-basics/assignment.md").unlink()
    with pytest.raises(ContentError) as info:
        make_app(CONTENT_DIR=str(tree))
    assert "01-basics/assignment.md:1: missing" in str(info.value)
