"""core/links.py: a link written from a pattern is exactly the one url_for gives for that id."""
from __future__ import annotations

import pytest
from flask import url_for

from courseware.core.links import IdLink


@pytest.mark.parametrize("id_", [1, 42, 987654320, 2**31 - 1])
def test_a_pattern_link_is_what_url_for_gives(app, id_):
    with app.test_request_context("/"):
        assert IdLink("assignments.grade", "submission_id")(id_) == url_for("assignments.grade", submission_id=id_)
        here = {"module_slug": "m", "thread_id": 7}
        assert (IdLink("forums.thread", "quote", **here, page=3, _anchor="reply")(id_)
                == url_for("forums.thread", **here, page=3, quote=id_, _anchor="reply"))


def test_a_link_without_the_id_in_it_is_refused(app):
    with app.test_request_context("/"), pytest.raises(ValueError):
        IdLink("forums.thread", "quote", module_slug="m987654321", thread_id=987654321)
