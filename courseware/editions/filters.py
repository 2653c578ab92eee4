"""`?edition=<id>` on the tutor queue, the dashboards, the learner table, the forum and every CSV export.

One parser and one SQL condition, so every page filters the same way: the value is an edition's id,
or `none` for learners in no edition; empty means everyone. The condition is a subquery on the
memberships (`user_id IN (...)`), added to whatever the page already selects, so a filtered page
makes the same number of queries as an unfiltered one.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.sql import ColumnElement

from ..core.errors import DomainError
from ..core.params import db_int
from ..extensions import db
from .models import Edition, EditionMembership

NO_EDITION = "none"


class UnknownEdition(DomainError):
    def __init__(self):
        super().__init__("Choose an edition from the list.", field="edition")


@dataclass(frozen=True)
class EditionFilter:
    edition: Edition | None = None
    no_edition: bool = False

    @property
    def active(self) -> bool:
        return self.edition is not None or self.no_edition

    @property
    def value(self) -> str | None:
        """For links that keep the filter: None when it is off."""
        if self.edition is not None:
            return str(self.edition.id)
        return NO_EDITION if self.no_edition else None

    @property
    def label(self) -> str:
        if self.edition is not None:
            return self.edition.name
        return "No edition" if self.no_edition else "All editions"

    def member_ids(self):
        """A select of the user ids the filter keeps, or None when it keeps everyone."""
        if self.edition is not None:
            return select(EditionMembership.user_id).where(EditionMembership.edition_id == self.edition.id)
        if self.no_edition:
            return select(EditionMembership.user_id)
        return None

    def where(self, user_id_column) -> ColumnElement | None:
        """The condition on a column holding user ids, or None when the filter keeps everyone."""
        ids = self.member_ids()
        if ids is None:
            return None
        return user_id_column.not_in(ids) if self.no_edition else user_id_column.in_(ids)

    def apply(self, stmt, user_id_column):
        condition = self.where(user_id_column)
        return stmt if condition is None else stmt.where(condition)


EVERYONE = EditionFilter()


def parse_edition_filter(value: str | None) -> EditionFilter:
    """The filter a query-string value names. Raises UnknownEdition for anything else (one query at most)."""
    value = (value or "").strip()
    if not value:
        return EVERYONE
    if value == NO_EDITION:
        return EditionFilter(no_edition=True)
    try:
        edition_id = db_int(value)
    except ValueError:
        raise UnknownEdition() from None
    edition = db.session.get(Edition, edition_id)
    if edition is None:
        raise UnknownEdition()
    return EditionFilter(edition=edition)


def filter_choices(editions: list[Edition]) -> list[tuple[str, str]]:
    """Options of an edition filter select: everyone, each edition, then learners in no edition."""
    if not editions:
        return [("", "All editions")]
    return [("", "All editions")] + [(str(e.id), e.name) for e in editions] + [(NO_EDITION, "No edition")]
