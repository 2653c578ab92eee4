"""Figures: SVGs in a module's figures/ folder, checked at load time and shown as numbered <figure>s."""
from __future__ import annotations

import re

import pytest

from courseware.courses.content import load_course
from tests.conftest import FIXTURE_CONTENT
from tests.courses.conftest import edit_text, problems_of

LADDER = "01-basics/figures/charging-ladder.svg"


def test_a_figure_becomes_a_numbered_figure_with_caption_alt_and_text_description():
    unit = load_course(FIXTURE_CONTENT).module("basics").unit("second-unit")
    figures = re.findall(r'<figure class="figure" id="figure-(\d)">(.*?)</figure>', unit.html, re.S)
    assert [n for n, _ in figures] == ["1", "2"]
    first, second = figures[0][1], figures[1][1]
    assert ('<figcaption><span class="figure-number">Figure 1:</span> A street\'s load over a day, with and without '
            'smart charging</figcaption>') in first
    assert ('<img alt="A line chart: the evening peak goes over the cable\'s limit without smart charging" '
            'loading="lazy" src="/course-assets/01-basics/figures/grid-load.svg">') in first
    assert '<summary>Text description<span class="visually-hidden"> of figure 1</span></summary>' in first
    # The description keeps its paragraphs, and its text is escaped, not interpreted.
    paragraphs = re.findall(r"<p>(.*?)</p>", second, re.S)
    assert len(paragraphs) == 2
    assert 'labelled "V1G &amp; smart charging", shifts' in paragraphs[0]
    assert "when power is &lt;scarce&gt;. Arrows between" in paragraphs[1]


def test_figures_are_numbered_per_unit():
    basics = load_course(FIXTURE_CONTENT).module("basics")
    assert '<span class="figure-number">Figure 1:</span> The charging ladder' in basics.unit("first-steps").html
    assert '<span class="figure-number">Figure 2:</span> The charging ladder' in basics.unit("second-unit").html


def test_unit_page_shows_the_figure(signed_in, learner):
    client = signed_in(learner)
    page = client.get("/modules/basics/first-steps/").get_data(as_text=True)
    assert '<figure class="figure" id="figure-1">' in page and "<details class=\"figure-description\">" in page


def test_svg_is_served_as_an_image_that_can_do_nothing(client):
    response = client.get(f"/course-assets/{LADDER}")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "sandbox" in csp and "script-src" not in csp


DESC_40 = " ".join(["word"] * 40)


@pytest.mark.parametrize("old, new, expected", [
    ("  <title>The charging ladder: each step adds control</title>\n", "",
     f"{LADDER}:1: the first element inside <svg> must be its <title>"),
    ("<title>The charging ladder: each step adds control</title>", "<title>  </title>",
     f"{LADDER}:2: the <title> is empty"),
    ("<desc>Three steps", "<description>Three steps", f"{LADDER}:"),
    ("discharging\".</desc>", "discharging\".</desc><desc>x</desc>", None),     # a second desc: allowed
    (' viewBox="0 0 720 240"', "", f"{LADDER}:1: the <svg> needs a viewBox of four numbers"),
    (' viewBox="0 0 720 240"', ' viewBox="0 0 720"', f"{LADDER}:1: the <svg> needs a viewBox"),
    (' viewBox="0 0 720 240"', ' viewBox="0 0 720 240" width="720px"', f'{LADDER}:1: remove width="720px"'),
    ('  <rect x="20"', '  <script>alert(1)</script>\n  <rect x="20"', f"{LADDER}:9: a <script> is not allowed"),
    ('  <rect x="20"', '  <foreignObject><p xmlns="http://www.w3.org/1999/xhtml">Hi</p></foreignObject>\n  <rect x="20"',
     f"{LADDER}:9: a <foreignObject> is not allowed"),
    ('<rect x="20"', '<rect onload="alert(1)" x="20"', f'{LADDER}:9: the event handler onload="..." is not allowed'),
    ('<rect x="20"', '<image href="https://example.org/x.png"/><rect x="20"',
     f"{LADDER}:9: <image> refers to 'https://example.org/x.png' outside the file"),
    ('<rect x="20"', '<a href="https://example.org/"><text>x</text></a><rect x="20"',
     f"{LADDER}:9: <a> refers to 'https://example.org/' outside the file"),
    ('<rect x="20"', '<rect style="fill: url(https://example.org/p.svg#x)" x="20"',
     f'{LADDER}:9: style="fill: url(https://example.org/p.svg#x)" refers to something outside the file'),
    ('<rect x="20"', '<style>@import url(https://example.org/a.css);</style><rect x="20"',
     f"{LADDER}:9: the <style> loads something from outside the file"),
    ('<rect x="20"', "<style>@font-face { font-family: X; src: local(X); }</style><rect x=\"20\"",
     f"{LADDER}:9: web fonts are not allowed"),
    ("<svg ", '<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY lol "lol">]>\n<svg ',
     f"{LADDER}:2: a DOCTYPE is not allowed in a figure"),
    ("<svg ", '<?xml-stylesheet href="https://example.org/a.css"?>\n<svg ',
     f"{LADDER}:1: processing instructions (<?...?>, such as a style sheet link) are not allowed"),
    ("</svg>", "", f"{LADDER}:16: not well-formed XML"),
    ('<svg xmlns="http://www.w3.org/2000/svg"', "<svg", f'{LADDER}:1: the root element must be <svg xmlns='),
])
def test_broken_figures_fail_the_content_check(tree, old, new, expected):
    edit_text(tree / LADDER, old, new)
    if expected is None:
        load_course(tree)
        return
    problems = problems_of(tree)
    assert any(p.startswith(expected) for p in problems), problems


def test_a_short_or_missing_description_fails(tree):
    svg = tree / LADDER
    text = svg.read_text()
    svg.write_text(re.sub(r"<desc>.*?</desc>", "<desc>Three steps.</desc>", text, flags=re.S))
    assert (f"{LADDER}:3: the <desc> has 2 words: describe the figure in 40 to 200 words (what it shows, all its "
            "labels and numbers, in plain sentences)") in problems_of(tree)
    svg.write_text(re.sub(r"<desc>.*?</desc>", "<desc>" + " ".join([DESC_40] * 6) + "</desc>", text, flags=re.S))
    assert any("the <desc> has 240 words" in p for p in problems_of(tree))
    svg.write_text(re.sub(r"\s*<desc>.*?</desc>", "", text, flags=re.S))
    assert any(p.startswith(f"{LADDER}:1: the second element inside <svg> must be its <desc>")
               for p in problems_of(tree))


def test_a_figure_needs_alt_text_and_its_own_paragraph(tree):
    unit = tree / "01-basics/01-first-steps.md"
    edit_text(unit, "![Three steps from unmanaged charging to V1G to V2G]", "![]")
    assert any(p.startswith("01-basics/01-first-steps.md:24: image 'figures/charging-ladder.svg' has no alt text")
               for p in problems_of(tree))
    edit_text(unit, "![](figures/charging-ladder.svg)", "See this: ![The ladder](figures/charging-ladder.svg)")
    assert any(p.startswith("01-basics/01-first-steps.md:24: the figure 'figures/charging-ladder.svg' must stand "
                            "alone in its own paragraph") for p in problems_of(tree))


def test_an_unused_broken_figure_still_fails(tree):
    (tree / "02-practice/figures").mkdir()
    (tree / "02-practice/figures/draft.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    problems = problems_of(tree)
    assert any(p.startswith("02-practice/figures/draft.svg:1: the <svg> needs a viewBox") for p in problems)


def test_entity_expansion_is_refused_before_it_starts(tree):
    """A 'billion laughs' document is refused at its DOCTYPE; nothing is expanded."""
    bomb = ('<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
            + "".join(f' <!ENTITY lol{i} "{"&lol{};".format(i - 1 if i > 1 else "") * 10}">\n' for i in range(1, 10))
            + ']>\n<svg xmlns="http://www.w3.org/2000/svg">&lol9;</svg>\n')
    (tree / LADDER).write_text(bomb)
    assert [p for p in problems_of(tree) if p.startswith(LADDER)] == [
        f"{LADDER}:2: a DOCTYPE is not allowed in a figure: delete the <!DOCTYPE ...> declaration "
        "(entities cannot be used)"]
