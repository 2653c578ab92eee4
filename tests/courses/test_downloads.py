"""Spreadsheets built from tables with a `!download` line, and every table's scrolling region."""
from __future__ import annotations

import io
import re
from datetime import datetime

import openpyxl
import pytest

from courseware.courses.content import load_course
from tests.conftest import FIXTURE_CONTENT
from tests.courses.conftest import edit_text, problems_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BUDGET = "02-practice/applying.md"


def workbook(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def test_budget_sheet_has_title_bold_frozen_header_numbers_and_sum_formulas(client):
    response = client.get("/downloads/fixture-budget.xlsx")
    assert response.status_code == 200
    assert response.mimetype == XLSX
    assert response.headers["Content-Disposition"] == 'attachment; filename="fixture-budget.xlsx"'
    assert response.headers["ETag"]
    book = workbook(response.data)
    sheet = book.active
    assert sheet.title == "Budget sheet up-front and"
    assert sheet["A1"].value == "Budget sheet: up-front and running costs" and sheet["A1"].font.bold
    header = [c.value for c in sheet[2]]
    assert header == ["Item", "Up-front cost (EUR)", "Running cost per year (EUR)", "Notes"]
    assert all(c.font.bold for c in sheet[2])
    assert sheet.freeze_panes == "A3"
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=3)] == [
        ["Charge points", 12000, 800, None],
        ["Grid connection", 5500.5, None, "Ask the grid operator (DSO) for a quote"],
        ["Back office", None, 1200, None],
        ["Total", "=SUM(B3:B5)", "=SUM(C3:C5)", None],
    ]
    assert sheet["A6"].font.bold and sheet["B6"].font.bold
    assert sheet["D4"].alignment.wrap_text
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCD"}
    assert widths["A"] == 17 and widths["B"] == 21 and widths["D"] == 41, widths
    assert book.properties.created == book.properties.modified == datetime(2026, 12, 1)


def test_a_table_without_totals_has_no_totals_row(client):
    sheet = workbook(client.get("/downloads/fixture-modes.xlsx").data).active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["Charging modes", None], ["Mode", "Direction"], ["V1G", "one way"], ["V2G", "both ways"]]


def test_the_same_content_gives_the_same_bytes(tree):
    first = load_course(FIXTURE_CONTENT).downloads["fixture-budget"]
    edit_text(tree / "01-basics/02-second-unit.md", "More details,", "Other details,")    # another file changes
    second = load_course(tree).downloads["fixture-budget"]
    assert first.data == second.data and first.etag == second.etag
    edit_text(tree / BUDGET, "| 12,000 |", "| 13,000 |")
    assert load_course(tree).downloads["fixture-budget"].etag != first.etag


def test_downloads_answer_conditional_requests_and_unknown_names_404(client):
    etag = client.get("/downloads/fixture-budget.xlsx").headers["ETag"]
    assert client.get("/downloads/fixture-budget.xlsx", headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/downloads/nope.xlsx").status_code == 404
    assert client.get("/downloads/fixture-budget.csv").status_code == 404
    assert client.get("/downloads/..%2Fmodule.xlsx").status_code == 404


def test_unit_links_the_spreadsheet_under_its_table(signed_in, learner):
    client = signed_in(learner)
    page = client.get("/modules/practice/applying/").get_data(as_text=True)
    size = round(len(client.get("/downloads/fixture-budget.xlsx").data) / 1024)
    assert re.search(r'</table>\s*</div>\s*<p class="table-download"><a href="/downloads/fixture-budget.xlsx">'
                     rf"Download this table as a spreadsheet \(XLSX, {size} KB\)</a></p>", page)


def test_every_table_scrolls_in_a_labelled_focusable_region(signed_in, learner):
    client = signed_in(learner)
    page = client.get("/modules/basics/first-steps/").get_data(as_text=True)
    assert '<div aria-label="Charging modes" class="table-scroll" role="region" tabindex="0">' in page
    html = load_course(FIXTURE_CONTENT).module("basics").unit("first-steps").html
    assert html.count('class="table-scroll"') == html.count("<table")


def test_a_table_without_download_is_labelled_by_its_number_and_headings(tree):
    edit_text(tree / "01-basics/01-first-steps.md", '!download fixture-modes "Charging modes"\n', "")
    html = load_course(tree).module("basics").unit("first-steps").html
    assert 'aria-label="Table 1: Mode, Direction"' in html


@pytest.mark.parametrize("old, new, expected", [
    ("| Back office | | 1,200 | |\n", "| Back office | | 1,200 | |\n\nSome text.\n",
     f"{BUDGET}:20: a !download line must come directly after a table"),
    ("| Back office | | 1,200 | |\n", "| Back office | | 1,200 | |\n\n\n",
     f"{BUDGET}:20: a !download line must come directly after a table (one blank line between them is allowed)"),
    ("totals=2,3", "totals=2,5", f"{BUDGET}:18: totals=5: the table has 4 columns"),
    ("totals=2,3", "totals=2,4", f"{BUDGET}:18: totals=4: column 4 ('Notes') holds text in row 2 "
                                 "('Ask the grid operator (DSO) for a quote'); a totals column holds numbers"),
    ("totals=2,3", "totals=two", f"{BUDGET}:18: totals=two must list column numbers"),
    ("| 800 |", "| about 800 |", f"{BUDGET}:18: totals=3: column 3 ('Running cost per year (EUR)') holds text in row 1"),
    ("!download fixture-budget", "!download Fixture_Budget", f"{BUDGET}:18: the download name 'Fixture_Budget' is not allowed"),
    ("!download fixture-budget", "!download fixture-modes",
     f"{BUDGET}:18: the download name 'fixture-modes' is already used in 01-basics/01-first-steps.md"),
    ('"Budget sheet: up-front and running costs"', "Budget", f"{BUDGET}:18: write the download line as !download"),
])
def test_broken_download_lines_are_reported(tree, old, new, expected):
    edit_text(tree / BUDGET, old, new)
    problems = problems_of(tree)
    assert any(p.startswith(expected) for p in problems), problems


def test_download_lines_work_only_in_units(tree):
    edit_text(tree / "further-reading.md", "- The fixture handbook.",
          "| a | b |\n| - | - |\n| 1 | 2 |\n\n!download page-table \"A table\"")
    assert "further-reading.md:10: a !download line works only in a unit" in problems_of(tree)


def test_a_download_line_in_a_code_example_is_left_alone(tree):
    edit_text(tree / BUDGET, "## Apply\n", "## Apply\n\n```\n| a |\n!download example \"Example\"\n```\n")
    assert "example" not in load_course(tree).downloads
