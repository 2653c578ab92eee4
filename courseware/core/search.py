"""Search text typed into a list's search box: cleaned once, and taken literally by SQL LIKE."""
from __future__ import annotations

MAX_SEARCH = 100


def clean_search(text: str) -> str:
    """Search text as typed, without control characters (PostgreSQL refuses NUL), trimmed and capped."""
    return "".join(c for c in text if ord(c) >= 32).strip()[:MAX_SEARCH]


def escape_like(text: str) -> str:
    """Search text taken literally: LIKE's wildcards and the escape character itself are escaped."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
