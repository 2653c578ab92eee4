"""Links that differ only by one id, built with one url_for per page instead of one per row.

A page of 20 to 50 rows each linking to its own record spent a fifth of its time in url_for (Werkzeug
matches the rule and quotes every value each time). `IdLink` asks url_for once, with a marker in place of
the id, and then writes each row's link by putting the id where the marker was: exactly what url_for
gives for that id.
"""
from __future__ import annotations

from flask import url_for

MARK = 987654321


class IdLink:
    """`IdLink("assignments.grade", "submission_id")(42)` == `url_for("assignments.grade", submission_id=42)`."""

    __slots__ = ("before", "after")

    def __init__(self, endpoint: str, id_name: str, **values):
        url = url_for(endpoint, **values, **{id_name: MARK})
        before, mark, after = url.partition(str(MARK))
        if not mark or str(MARK) in after:
            raise ValueError(f"cannot make a link pattern of {url}")
        self.before, self.after = before, after

    def __call__(self, id_: int) -> str:
        return f"{self.before}{int(id_)}{self.after}"
