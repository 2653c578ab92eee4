"""The course's reference list, `modules/references.yml`: reading and checking it (format: modules/README.md).

Units cite a reference by its id as a footnote label (`[^afir]`); rendering.py writes the footnote
from the entry. Every value is read as the text written (YAML's guesses at dates and numbers are
not used), so `date: 2023` and `date: 2023-09-22` are checked by the same rule.
"""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

import yaml

from .structure import SLUG_RE as ID_RE, Reference

REFERENCES_FILE = "references.yml"
REQUIRED = ("id", "title", "publisher")
OPTIONAL = ("date", "url", "accessed")      # date: left out when the source gives none (never guessed)
# Ids the /references/ page uses for itself: a reference cannot take them as its anchor.
RESERVED_IDS = {"main"}
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")

Problem = Callable[[int, str], None]     # (line, message) in references.yml


def parse_partial_date(text: str) -> str | None:
    """'2023-09-22' -> '22 September 2023', '2023-09' -> 'September 2023', '2023' -> '2023'; None if invalid."""
    m = _DATE.match(text)
    if not m:
        return None
    year, month, day = m.groups()
    if month is None:
        return year
    if not 1 <= int(month) <= 12:
        return None
    if day is None:
        return f"{MONTHS[int(month) - 1]} {year}"
    try:
        d = date(int(year), int(month), int(day))
    except ValueError:
        return None
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def load_references(path: Path, problem: Problem) -> list[tuple[Reference, int]]:
    """Read and check references.yml; report each problem with its line; return the good entries, each
    with the line its id is on."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        problem(1, f"not valid UTF-8 ({e.reason})")
        return []
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        problem(mark.line + 1 if mark is not None else 1, f"not valid YAML: {getattr(e, 'problem', None) or e}")
        return []
    if root is None or not isinstance(root, yaml.SequenceNode) or not root.value:
        problem(1, "the file must be a list of references, each starting with a line '- id: ...'")
        return []
    references: list[tuple[Reference, int]] = []
    first_line: dict[str, int] = {}
    for item in root.value:
        line = item.start_mark.line + 1
        if not isinstance(item, yaml.MappingNode):
            problem(line, "each reference must be a set of 'key: value' lines (id, title, publisher, date, url, "
                          "accessed)")
            continue
        entry = _entry(item, problem)
        if entry is None:
            continue
        fields, lines = entry
        ref_id = fields.get("id", "")
        if ref_id in first_line:
            problem(lines["id"], f"duplicate reference id {ref_id!r} (also on line {first_line[ref_id]}); "
                                 "give each source its own id")
            continue
        reference = _check(fields, lines, line, problem)
        if reference is not None:   # even one with problems: footnotes citing it are not wrong as well
            first_line[ref_id] = lines["id"]
            references.append((reference, lines["id"]))
    return references


def _entry(item: yaml.MappingNode, problem: Problem) -> tuple[dict[str, str], dict[str, int]] | None:
    fields: dict[str, str] = {}
    lines: dict[str, int] = {}
    ok = True
    for key_node, value_node in item.value:
        key, line = str(key_node.value), key_node.start_mark.line + 1
        if key not in REQUIRED + OPTIONAL:
            problem(line, f"unknown key {key!r} (expected: {', '.join(REQUIRED + OPTIONAL)})")
            ok = False
            continue
        if key in fields:
            problem(line, f"{key!r} is given twice in this reference")
            ok = False
            continue
        if not isinstance(value_node, yaml.ScalarNode) or not str(value_node.value).strip():
            problem(line, f"{key!r} must be a text on the same line, e.g. '{key}: ...'")
            ok = False
            continue
        fields[key], lines[key] = str(value_node.value).strip(), line
    return (fields, lines) if ok else None


def _check(fields: dict[str, str], lines: dict[str, int], line: int, problem: Problem) -> Reference | None:
    """The reference, reporting what is wrong with it; None only when it has no usable id."""
    for key in REQUIRED:
        if key not in fields:
            problem(line, f"the reference {fields.get('id', '(without id)')!r} is missing {key!r}")
    ref_id = fields.get("id")
    if ref_id is not None and (not ID_RE.match(ref_id) or ref_id in RESERVED_IDS):
        problem(lines["id"], f"the id {ref_id!r} is not allowed: use lower-case letters, digits and hyphens, "
                             "e.g. 'afir' or 'scale-utrecht-2024'"
                             + (" (not 'main')" if ref_id in RESERVED_IDS else ""))
        return None
    date_text = ""
    if "date" in fields:
        date_text = parse_partial_date(fields["date"]) or ""
        if not date_text:
            problem(lines["date"], f"'date' must be the document's date as YYYY-MM-DD, YYYY-MM or YYYY, "
                                   f"not {fields['date']!r}")
    url = fields.get("url", "")
    if url:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in url):
            problem(lines["url"], f"'url' must be a web address starting with https:// (or http://), not {url!r}")
        if "accessed" not in fields:
            problem(lines["url"], "a reference with a 'url' needs 'accessed: YYYY-MM-DD', the day you last "
                                  "opened it and checked the facts drawn from it")
    elif "date" not in fields and ref_id is not None:
        problem(line, f"the reference {ref_id!r} has neither a 'url' nor a 'date': a source without a web "
                      "address is cited by title, publisher and date")
    accessed = None
    if "accessed" in fields:
        try:
            accessed = date.fromisoformat(fields["accessed"]) if len(fields["accessed"]) == 10 else None
        except ValueError:
            accessed = None
        if accessed is None:
            problem(lines["accessed"], f"'accessed' must be a full date YYYY-MM-DD, not {fields['accessed']!r}")
    if ref_id is None:
        return None
    return Reference(id=ref_id, title=fields.get("title", ""), publisher=fields.get("publisher", ""),
                     date=fields.get("date", ""), date_text=date_text, url=url, accessed=accessed)
