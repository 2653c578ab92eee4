from __future__ import annotations

from datetime import datetime, timezone


def utcnow() -> datetime:
    """Now, in UTC, as an aware datetime. Every `*_at` column stores UTC."""
    return datetime.now(timezone.utc)


def iso(value: datetime | None) -> str | None:
    """A datetime as ISO 8601 text for exports, or None."""
    return value.isoformat() if value else None
