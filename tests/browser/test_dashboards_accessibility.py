"""The dashboards and admin pages in a real browser (tests/dashboards has the rest): axe-core (WCAG 2.x
A and AA) with every chart's table opened, and no sideways scrolling on a phone."""
from __future__ import annotations

import pytest
from courseware.extensions import db
from tests.browser.conftest import describe, run_axe, sign_in
from tests.dashboards import helpers as h
from tests.factories import DEFAULT_PASSWORD, make_user

pytestmark = pytest.mark.browser

OPEN_DETAILS = "document.querySelectorAll('details').forEach(d => { d.open = true; })"


def _check(page, base_url, paths):
    failures = {}
    for path in paths:
        page.goto(base_url + path)
        page.evaluate(OPEN_DETAILS)
        violations = run_axe(page)
        if violations:
            failures[path] = describe(violations)
    assert not failures, "\n".join(f"{p}:\n{v}" for p, v in failures.items())


def test_staff_pages_have_no_violations(page, base_url, live_server):
    with live_server.app.app_context():
        ids = h.cohort(6)
        admin = make_user(role="admin", email="axe-admin@course.example", name="Ada Admin")
    sign_in(page, base_url, admin.email, DEFAULT_PASSWORD)
    _check(page, base_url, ["/tutor/overview/", "/tutor/learners/", f"/tutor/learners/{ids[0]}/", "/admin/",
                            "/admin/users/", "/admin/moderation/", "/admin/outbox/"])


def test_learner_progress_has_no_violations_and_fits_a_phone(browser, base_url, live_server):
    with live_server.app.app_context():
        learner = make_user(role="learner", email="axe-progress@city.example", name="Ágnes Győri")
        h.complete(learner.id, "basics", "first-steps")
        db.session.commit()
        staff = make_user(role="tutor", email="axe-staff@course.example")
        h.cohort(4)
    context = browser.new_context(viewport={"width": 360, "height": 780})
    phone = context.new_page()
    try:
        sign_in(phone, base_url, learner.email, DEFAULT_PASSWORD)
        _check(phone, base_url, ["/progress/"])
        overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"/progress/ scrolls sideways by {overflow}px"
        phone.context.clear_cookies()
        sign_in(phone, base_url, staff.email, DEFAULT_PASSWORD)
        phone.goto(base_url + "/tutor/overview/")
        overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"/tutor/overview/ scrolls sideways by {overflow}px"
    finally:
        context.close()
