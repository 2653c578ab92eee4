"""Parsing numbers from URLs and query strings into values the database can hold."""
from __future__ import annotations

from werkzeug.routing import IntegerConverter

# Ids and page numbers must fit a 32-bit INTEGER column (PostgreSQL `integer`); a larger
# number is treated as not found instead of overflowing in the database driver.
MAX_DB_INT = 2**31 - 1


def db_int(value: str) -> int:
    """`type=` for request.args.get: a non-negative number that fits the database, else ValueError."""
    number = int(value)
    if not 0 <= number <= MAX_DB_INT:
        raise ValueError(f"{value!r} is out of range")
    return number


class BoundedIntConverter(IntegerConverter):
    """The `int` URL converter, bounded so `/.../99999999999999999999/` is a 404."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_DB_INT)
        super().__init__(map, *args, **kwargs)
