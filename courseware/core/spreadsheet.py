"""CSV downloads that spreadsheet programs open safely: the one home of the formula-injection rule.

A cell starting with =, +, -, @ (or tab, CR) would run as a formula in Excel or LibreOffice; a leading
apostrophe keeps it text. Files start with a byte-order mark so accented names read as UTF-8.
"""
from __future__ import annotations

import csv
import io
from typing import Any, Iterable, Sequence

from flask import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """A cell a spreadsheet shows as text."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(rows: Iterable[Sequence[Any]]) -> str:
    """Rows (the header first) as CSV text, every cell neutralised."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue()


def csv_response(text: str, filename: str) -> Response:
    """A CSV download: UTF-8 with a byte-order mark, never cached."""
    return Response("\ufeff" + text, mimetype="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "private, no-store"})
