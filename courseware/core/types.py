"""Column types shared by the models."""
from __future__ import annotations

from datetime import datetime, timezone
from enum import StrEnum

from sqlalchemy import DateTime, Enum
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every backend.

    SQLite has no time zones and hands back naive values; this type stores UTC and always
    returns aware datetimes, so comparisons behave the same on SQLite and PostgreSQL.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use courseware.core.time.utcnow()")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def StrEnumType(enum_class: type[StrEnum], length: int) -> Enum:
    """A column holding one of `enum_class`'s values as plain text (a non-native enum).

    The database stores the value ("needs revision"), not the member name, so rows stay readable
    and old rows written as plain strings keep working; Python always gets the enum member back.
    """
    return Enum(enum_class, native_enum=False, length=length, create_constraint=False, validate_strings=True,
                values_callable=lambda members: [m.value for m in members])
