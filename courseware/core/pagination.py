"""One page of a longer list, for every paginated table and thread on the site.

Flask-SQLAlchemy's pagination does the work (limit, offset, the count, the page arithmetic the templates
use: `page.page`, `page.pages`, `page.has_prev`, `page.has_next`, `page.items`); this module adds what our
pages need on top: selects of several columns (an item with its author), an optional cheaper count, and
None for a page number past the end, which the views answer with 404.
"""
from __future__ import annotations

from typing import Any

from flask_sqlalchemy.pagination import Pagination, SelectPagination
from sqlalchemy import Select

from ..extensions import db


class _Paged(SelectPagination):
    def _query_items(self) -> list[Any]:
        select = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        result = self._query_args["session"].execute(select).unique()
        return list(result.all() if self._query_args["rows"] else result.scalars())

    def _query_count(self) -> int:
        if self._query_args["count_select"] is not None:
            return self._query_args["session"].scalar(self._query_args["count_select"])
        return super()._query_count()


def paginate(select: Select, number: int, per_page: int, *, rows: bool = False,
             count: Select | None = None) -> Pagination | None:
    """Page `number` (from 1) of `select`; None when there is no such page (an empty list has one page).

    `rows`: the select names several columns and each item is a row (`thread, author, ...`); else each item
    is the first column's object. `count`: a select of the total, when a cheaper one than counting the
    whole select exists."""
    if number < 1:
        return None
    page = _Paged(select=select, session=db.session(), rows=rows, count_select=count, page=number, per_page=per_page,
                  max_per_page=None, error_out=False)
    if number > max(page.pages, 1):
        return None
    return page
