"""references.yml, footnotes written from it, and the public /references/ page."""
from __future__ import annotations

import re

import pytest

from courseware.courses.content import load_course
from tests.conftest import FIXTURE_CONTENT
from tests.courses.conftest import edit_text, problems_of


REFS = "references.yml"
UNIT = "01-basics/01-first-steps.md"


@pytest.mark.parametrize("old, new, expected", [
    ("- id: fixture-handbook", "- id: Fixture_Handbook",
     "references.yml:2: the id 'Fixture_Handbook' is not allowed: use lower-case letters, digits and hyphens"),
    ("- id: fixture-uncited", "- id: fixture-handbook",
     "references.yml:16: duplicate reference id 'fixture-handbook' (also on line 2)"),
    ("  date: 2024-03-15", "  date: 15/03/2024",
     "references.yml:5: 'date' must be the document's date as YYYY-MM-DD, YYYY-MM or YYYY, not '15/03/2024'"),
    ("  date: 2024-03-15", "  date: 2024-02-30", "references.yml:5: 'date' must be the document's date"),
    ("  date: 2023-09", "  date: 2023-13", "references.yml:12: 'date' must be the document's date"),
    ("  url: https://example.org/handbook", "  url: example.org/handbook",
     "references.yml:6: 'url' must be a web address starting with https://"),
    ("  url: https://example.org/handbook", "  url: javascript:alert(1)", "references.yml:6: 'url' must be a web address"),
    ("  accessed: 2026-12-01\n", "",
     "references.yml:6: a reference with a 'url' needs 'accessed: YYYY-MM-DD'"),
    ("  accessed: 2026-12-01", "  accessed: 2026-12", "references.yml:7: 'accessed' must be a full date YYYY-MM-DD"),
    ("  publisher: Fixture Publications\n", "", "references.yml:2: the reference 'fixture-handbook' is missing 'publisher'"),
    ("  title: \"The fixture handbook of smart charging\"\n", "",
     "references.yml:2: the reference 'fixture-handbook' is missing 'title'"),
    ("  publisher: SCALE project\n  date: 2022", "  publisher: SCALE project",
     "references.yml:16: the reference 'fixture-uncited' has neither a 'url' nor a 'date'"),
    ("  publisher: Fixture Publications", "  publisher: Fixture Publications\n  author: Someone",
     "references.yml:5: unknown key 'author' (expected: id, title, publisher, date, url, accessed)"),
    ("  publisher: Fixture Publications", "  publisher: [Fixture, Publications]",
     "references.yml:4: 'publisher' must be a text on the same line"),
    ('- id: fixture-uncited\n  title: "A report nothing cites"\n  publisher: SCALE project\n  date: 2022\n',
     "- just a line\n", "references.yml:16: each reference must be a set of 'key: value' lines"),
])
def test_broken_reference_lists_are_reported_with_their_line(tree, old, new, expected):
    edit_text(tree / REFS, old, new)
    problems = problems_of(tree)
    assert any(p.startswith(expected) for p in problems), problems


def test_a_reference_list_that_is_not_yaml_is_reported_alone(tree):
    """Footnotes are not also reported when the whole list cannot be read."""
    edit_text(tree / REFS, "  publisher: Fixture Publications\n", "  publisher: Fixture: Publications: x\n")
    assert problems_of(tree) == ["references.yml:4: not valid YAML: mapping values are not allowed here"]


def test_a_missing_or_empty_reference_list_is_an_error(tree):
    (tree / REFS).write_text("# nothing yet\n")
    assert "references.yml:1: the file must be a list of references" in problems_of(tree)[0]
    (tree / REFS).unlink()
    assert problems_of(tree)[0].startswith("references.yml:1: missing: the course needs a references.yml")


def test_footnote_labels_must_be_reference_ids(tree):
    edit_text(tree / UNIT, "both ways[^fixture-handbook]", "both ways[^handbook]")
    assert ("01-basics/01-first-steps.md:16: footnote [^handbook] does not name a reference: use the id of an entry "
            "in references.yml (add the source there first)") in problems_of(tree)


def test_local_footnote_definitions_are_an_error(tree):
    edit_text(tree / UNIT, "### A smaller heading", "[^fixture-handbook]: My own note.\n\n### A smaller heading")
    problems = problems_of(tree)
    assert any(p.startswith("01-basics/01-first-steps.md:26: local footnote definition [^fixture-handbook]: "
                            "is not allowed") and "!!! note box" in p for p in problems), problems


def test_footnote_syntax_inside_code_is_left_alone(tree):
    edit_text(tree / UNIT, "Some text.", "Cite a source as `[^its-id]`:\n\n```\n[^afir]: not a definition\n```")
    load_course(tree)


def test_the_platform_writes_each_footnote_from_the_reference():
    course = load_course(FIXTURE_CONTENT)
    unit = course.module("basics").unit("first-steps")
    assert unit.references == ("fixture-handbook", "fixture-regulation")
    html = unit.html
    assert '<h2 id="sources">Sources</h2>' in html
    handbook = re.search(r'<li id="fn:fixture-handbook">(.*?)</li>', html, re.S).group(1)
    assert ('<a href="https://example.org/handbook" rel="noopener"><cite>The fixture handbook of smart charging</cite>'
            '</a>. Fixture Publications, 15 March 2024.') in handbook
    assert '<a href="/references/#fixture-handbook">About this source</a>' in handbook
    regulation = re.search(r'<li id="fn:fixture-regulation">(.*?)</li>', html, re.S).group(1)
    assert "Official Journal of Fixtures, September 2023." in regulation
    assert 'aria-label="Source 1" class="footnote-ref" href="#fn:fixture-handbook"' in html
    assert dict(course.citations)["fixture-handbook"] == (unit, course.module("basics").unit("second-unit"))
    assert dict(course.citations)["fixture-uncited"] == ()


def test_content_check_lists_uncited_references_as_notices_after_ok(runner):
    result = runner.invoke(args=["content", "check", "--path", str(FIXTURE_CONTENT)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("ok: 2 modules")
    notices = [line for line in lines[1:] if not line.startswith("info: ")]   # info: translations missing
    assert notices == ["notice: references.yml:16: the reference 'fixture-uncited' is not cited anywhere in the "
                         "course; cite it as [^fixture-uncited] where its facts are used, or remove it"]


def test_references_page_lists_every_source_with_its_anchor_and_citing_units(client):
    response = client.get("/references/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<h1>References</h1>" in page
    handbook = re.search(r'<li id="fixture-handbook"[^>]*>(.*?)</dl>', page, re.S).group(1)
    assert '<a href="https://example.org/handbook" rel="noopener"><cite>The fixture handbook of smart charging</cite>' \
        in handbook
    assert "Fixture Publications" in handbook and "15 March 2024" in handbook
    assert "<dt>Checked on</dt><dd>1 December 2026</dd>" in handbook
    assert 'href="/modules/basics/first-steps/">First steps</a>' in handbook
    assert 'href="/modules/basics/second-unit/">Second unit</a>' in handbook
    uncited = re.search(r'<li id="fixture-uncited"[^>]*>(.*?)</dl>', page, re.S).group(1)
    assert "<cite>A report nothing cites</cite>" in uncited and "2022" in uncited and "Cited in" not in uncited
    assert page.index("A report nothing cites") < page.index("Regulation (XX)") < page.index("The fixture handbook")


def test_unit_footnotes_link_to_the_references_page(signed_in, learner):
    client = signed_in(learner)
    page = client.get("/modules/basics/first-steps/").get_data(as_text=True)
    assert 'href="/references/#fixture-handbook"' in page
    assert 'href="#fn:fixture-regulation"' in page
