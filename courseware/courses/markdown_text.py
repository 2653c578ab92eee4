"""Reading Markdown source before it is rendered: which lines are prose and which are code examples.

Checks that look at the source text (footnote labels, `!download` lines, the sections of tutor notes)
must ignore code blocks and code spans, where authors show the syntax without using it.
"""
from __future__ import annotations

import re
from typing import Iterator

_FENCE = re.compile(r"^[ \t]*(```|~~~)")
_CODE_SPAN = re.compile(r"`[^`\n]*`")


def lines_outside_code(text: str) -> Iterator[tuple[int, str]]:
    """(0-based index, line) of every line outside fenced code blocks (the fence lines excluded)."""
    fenced = None
    for i, line in enumerate(text.split("\n")):
        fence = _FENCE.match(line)
        if fence and (fenced is None or fence.group(1) == fenced):
            fenced = fence.group(1) if fenced is None else None
        elif fenced is None:
            yield i, line


def without_code(text: str) -> str:
    """The text with code blocks and code spans blanked, line for line."""
    lines = text.split("\n")
    prose = dict(lines_outside_code(text))
    return "\n".join(_CODE_SPAN.sub(" ", prose[i]) if i in prose else "" for i in range(len(lines)))
