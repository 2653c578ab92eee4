"""SQL queries per page do not grow with the population (SPEC section 7): measured on the pages the
benchmark times, at a small demo population and again after ten times as many learners joined."""
from __future__ import annotations

import pytest
from courseware.courses.content import get_course
from courseware.core.site import current_site
from courseware.demo import generate
from courseware.demo.pages import count_page_queries, pick_sample

pytestmark = pytest.mark.scale

MAX_QUERIES = 6          # a page that only reads (issue 20)
MAX_WRITE_QUERIES = 8    # the self-check answer page: it also stores the attempt and its answers


def test_queries_per_page_stay_the_same_as_the_population_grows(app):
    """Do the unit page, module list, forum pages, tutor queue, certificate page and PDF, the self-check
    answer and analysis pages make the same number of queries with 40 and with 440 learners, and never more
    than 6 for a page that only reads (8 for the self-check answer, which stores an attempt)?"""
    with app.app_context():
        generate(current_site(), get_course(), 40, seed=3)
        sample = pick_sample()
    small = count_page_queries(app, sample)
    with app.app_context():
        generate(current_site(), get_course(), 400, seed=4)
    large = count_page_queries(app, sample)
    assert set(small) == {page.name for page in sample.pages}
    assert large == small
    writes = {page.name for page in sample.pages if page.form is not None}
    assert writes, "the sample holds the self-check answer page"
    assert max(n for name, n in small.items() if name not in writes) <= MAX_QUERIES, small
    assert max(small[name] for name in writes) <= MAX_WRITE_QUERIES, small
