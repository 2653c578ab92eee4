"""The registry of personal data: each feature declares what it keeps about a person.

A feature that stores data about a person registers one `PersonalData` part when the app is built
(in its package's `init_app`): how to export it, and what erasing an account does to it. The
`privacy` package drives export and erasure over every registered part, so it knows no feature,
and a new feature cannot forget the privacy rights without leaving its own registration out.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Iterable

from flask import Flask

from .site import Site

EXTENSION = "courseware.personal_data"


@dataclass
class Erasure:
    """One account being erased: who, when, and the work to do once the transaction is committed
    (files on disk can only go once the rows that name them are gone for good)."""

    user: Any                     # the accounts.models.User being erased
    site: Site
    now: datetime
    after_commit: list[Callable[[], None]] = field(default_factory=list)


@dataclass(frozen=True)
class PersonalData:
    name: str                                                       # its section in the export
    export: Callable[[Any], Any]                                    # user -> JSON-ready data
    erase: Callable[[Erasure], None] | None = None                  # before the account row is deleted
    files: Callable[[Site, Any], Iterable[tuple[str, bytes]]] | None = None   # (name, bytes) for the ZIP


def register(app: Flask, part: PersonalData) -> None:
    parts = app.extensions.setdefault(EXTENSION, [])
    if any(p.name == part.name for p in parts):
        raise ValueError(f"personal data {part.name!r} is registered twice")
    parts.append(part)


def registered(app: Flask) -> tuple[PersonalData, ...]:
    return tuple(app.extensions.get(EXTENSION, ()))
