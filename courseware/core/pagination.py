"""One page of a longer list, for every paginated table and thread on the site."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


def page_count(total: int, per_page: int) -> int:
    """Pages needed for `total` items; an empty list still has one (empty) page."""
    return max(1, math.ceil(total / per_page))


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return page_count(self.total, self.per_page)

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages
