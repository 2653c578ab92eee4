"""Spreadsheets built from the course's own tables (the `!download` line; format: modules/README.md).

openpyxl writes the OOXML (.xlsx) format: writing that format by hand would be more code and worse.
Each file is built once at load time. The same table gives the same bytes: the document dates are
fixed (the unit's `checked` date) and the zip entries carry that date too, instead of "now".
"""
from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# 1200, 1,200, 1200.50, 1,200.50, -3 (a minus or the typographic minus sign)
_NUMBER = re.compile(r"^[-\u2212]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
MIN_WIDTH, MAX_WIDTH = 10, 50            # column widths, in characters
TITLE_ROW, HEADER_ROW, FIRST_DATA_ROW = 1, 2, 3


def parse_number(text: str) -> int | float | None:
    """The number a table cell holds, or None when it holds text."""
    text = text.strip()
    if not _NUMBER.match(text):
        return None
    value = text.replace(",", "").replace("\u2212", "-")
    return float(value) if "." in value else int(value)


def check_totals(header: list[str], rows: list[list[str]], totals: tuple[int, ...]) -> str | None:
    """What is wrong with the `totals=` columns of a table, or None."""
    for column in totals:
        if not 1 <= column <= len(header):
            return (f"totals={column}: the table has {len(header)} columns; name columns by their number, "
                    f"1 to {len(header)}")
        for number, row in enumerate(rows, start=1):
            cell = row[column - 1] if column - 1 < len(row) else ""
            if cell.strip() and parse_number(cell) is None:
                return (f"totals={column}: column {column} ({header[column - 1]!r}) holds text in row {number} "
                        f"({cell!r}); a totals column holds numbers (like 1200 or 1,200.50) or nothing")
    return None


def sheet_name(title: str) -> str:
    """A worksheet name from the title: at most 31 characters, none of []:*?/\\."""
    name = " ".join(_SHEET_NAME_FORBIDDEN.sub(" ", title).split())
    if len(name) > 31:
        name = name[:31].rsplit(" ", 1)[0] if " " in name[:31] else name[:31]
    return name or "Table"


def build_xlsx(title: str, header: list[str], rows: list[list[str]], totals: tuple[int, ...], dated: date,
               source: str = "") -> bytes:
    """An .xlsx of one table: title row, bold frozen header, wrapped text, widths that fit, and a totals
    row with SUM formulas for the `totals` columns (1-based). `source` says where the table comes from."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_name(title)
    width = len(header)
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")

    sheet.cell(TITLE_ROW, 1, title).font = Font(bold=True, size=14)
    for column, text in enumerate(header, start=1):
        cell = sheet.cell(HEADER_ROW, column, text)
        cell.font, cell.alignment = bold, wrap
        cell.fill = PatternFill("solid", fgColor="E8F0F8")
        cell.border = Border(bottom=Side(style="medium"))
    for offset, row in enumerate(rows):
        for column in range(1, width + 1):
            text = row[column - 1].strip() if column - 1 < len(row) else ""
            if not text:
                continue        # empty cells stay empty, for the learner to fill in
            number = parse_number(text)
            cell = sheet.cell(FIRST_DATA_ROW + offset, column, number if number is not None else text)
            cell.alignment = wrap
    last = FIRST_DATA_ROW + len(rows) - 1
    if totals:
        total_row = last + 1
        if 1 not in totals:
            sheet.cell(total_row, 1, "Total").font = bold
        for column in totals:
            letter = get_column_letter(column)
            cell = sheet.cell(total_row, column, f"=SUM({letter}{FIRST_DATA_ROW}:{letter}{max(last, FIRST_DATA_ROW)})")
            cell.font = bold
            cell.border = Border(top=Side(style="thin"))
    for column in range(1, width + 1):
        texts = [header[column - 1]] + [row[column - 1] if column - 1 < len(row) else "" for row in rows]
        longest = max(len(t.strip()) for t in texts)
        sheet.column_dimensions[get_column_letter(column)].width = min(MAX_WIDTH, max(MIN_WIDTH, longest + 2))
    sheet.freeze_panes = sheet.cell(FIRST_DATA_ROW, 1).coordinate     # title and header stay in view
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape" if width > 3 else "portrait"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True

    stamp = datetime(dated.year, dated.month, dated.day)
    workbook.properties.title = title
    workbook.properties.description = source or None
    workbook.properties.creator = None
    workbook.properties.created = workbook.properties.modified = stamp
    return _stable_zip(_write(workbook), stamp)


def _write(workbook: Workbook) -> bytes:
    # ExcelWriter directly: openpyxl's save_workbook would stamp the modification date with "now".
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).save()
    return buffer.getvalue()


def _stable_zip(data: bytes, stamp: datetime) -> bytes:
    """The same archive with every entry dated `stamp`, so equal content gives equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()
