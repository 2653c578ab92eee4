"""SQL queries per page do not grow with the population (SPEC section 7): measured on the pages the
benchmark times, at a small demo population and again after ten times as many learners joined."""
from __future__ import annotations

import pytest
from courseware.courses.content import get_course
from courseware.core.site import current_site
from courseware.demo import generate
from courseware.demo.pages import count_page_queries, pick_sample

pytestmark = pytest.mark.scale

MAX_QUERIES = 6          # every page (issue 20); savepoint bookkeeping is not a query


def test_queries_per_page_stay_the_same_as_the_population_grows(app):
    """Do the unit page, module list, forum pages, tutor queue, certificate page and PDF, the self-check
    answer and analysis pages make the same number of queries with 40 and with 440 learners, and never more
    than 6, the self-check answer too (it stores an attempt: the lock, two inserts and the answers' first
    answers read inside a savepoint)?"""
    with app.app_context():
        generate(current_site(), get_course(), 40, seed=3)
        sample = pick_sample()
    small = count_page_queries(app, sample)
    with app.app_context():
        generate(current_site(), get_course(), 400, seed=4)
    large = count_page_queries(app, sample)
    assert set(small) == {page.name for page in sample.pages}
    assert large == small
    assert any(page.form is not None for page in sample.pages), "the sample holds the self-check answer page"
    assert max(small.values()) <= MAX_QUERIES, small
