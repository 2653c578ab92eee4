"""The two journeys of issue 15 in a real browser: the error summary gets the focus after a refused POST, and
no page of either journey scrolls sideways at 360 px; the header leaves room for the heading on a phone."""
from __future__ import annotations

import pytest

from tests.assignments.conftest import make_submission
from tests.browser.conftest import describe, run_axe, sign_in
from tests.certificates.helpers import complete_units, submit_assignment, write_posts
from tests.factories import DEFAULT_PASSWORD, make_user

pytestmark = pytest.mark.browser


def _people(app):
    with app.app_context():
        return (make_user(role="learner", email="journey-learner@city.example", name="Ágnes Győri",
                          organisation="Budapest Főváros"),
                make_user(role="tutor", email="journey-tutor@course.example", name="Tara Tutor"))


def _revision_waiting(app, signed_in, learner, tutor) -> int:
    """The learner's basics work came back "needs revision"; the practice work waits for a tutor."""
    client = signed_in(learner, app=app)
    complete_units(client, "basics")
    write_posts(client, "basics", 1)
    submit_assignment(client, "basics")
    submit_assignment(client, "practice")
    from tests.certificates.helpers import latest_submission_id
    basics = latest_submission_id(app, learner.id, "basics")
    staff = signed_in(tutor, app=app)
    assert staff.post(f"/tutor/submissions/{basics}/", data={
        "decision": "revise", "feedback": "Name *one* concrete example.", "criteria": ["0"]}).status_code == 302
    return latest_submission_id(app, learner.id, "practice")


def _focused_id(page) -> str:
    return page.evaluate("() => document.activeElement && document.activeElement.id")


def test_error_summary_receives_the_focus_after_a_refused_grade(page, base_url, live_server):
    learner, tutor = _people(live_server.app)
    submission_id = make_submission(live_server.app, learner.id)
    sign_in(page, base_url, tutor.email, DEFAULT_PASSWORD)
    page.goto(f"{base_url}/tutor/submissions/{submission_id}/")
    page.fill("#feedback", "Looks fine.")
    with page.expect_navigation():
        page.click("button[name=save], input[name=save]")
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'error-summary'")
    assert _focused_id(page) == "error-summary"
    assert page.title().startswith("Error:")
    # The summary's link takes the keyboard to the field.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.getAttribute('href')") == "#decision"
    violations = run_axe(page)
    assert not violations, describe(violations)


def test_error_summary_receives_the_focus_on_any_form(page, base_url):
    page.goto(base_url + "/login")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'error-summary'")
    assert page.title().startswith("Error:")


JOURNEY_PAGES = {
    "learner": ["/", "/modules/basics/", "/modules/basics/assignment/", "/modules/practice/assignment/",
                "/certificate/", "/progress/", "/modules/basics/forum/", "/modules/basics/forum/1/"],
    "tutor": ["/tutor/", "/tutor/submissions/{id}/", "/tutor/learners/", "/tutor/learners/?inactive=1&stage=1",
              "/tutor/overview/"],
}


@pytest.mark.parametrize("who", ["learner", "tutor"])
def test_journey_pages_fit_360_px_and_pass_axe(browser, base_url, live_server, signed_in, who):
    learner, tutor = _people(live_server.app)
    waiting = _revision_waiting(live_server.app, signed_in, learner, tutor)
    context = browser.new_context(viewport={"width": 360, "height": 780})
    page = context.new_page()
    sign_in(page, base_url, (learner if who == "learner" else tutor).email, DEFAULT_PASSWORD)
    for path in JOURNEY_PAGES[who]:
        page.goto(base_url + path.format(id=waiting))
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 360 px"
        violations = run_axe(page)
        assert not violations, f"{path}: " + describe(violations)
    context.close()


def test_heading_is_near_the_top_on_a_phone(browser, base_url, live_server, signed_in):
    """At 390 x 844 the header, menu and breadcrumb took 310 px before the heading; now much less."""
    learner, tutor = _people(live_server.app)
    _revision_waiting(live_server.app, signed_in, learner, tutor)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    sign_in(page, base_url, learner.email, DEFAULT_PASSWORD)
    page.goto(base_url + "/modules/basics/assignment/")
    top = page.evaluate("() => document.querySelector('main h1').getBoundingClientRect().top")
    assert top < 200, f"the heading starts {top}px down"
    # Feedback first: the tutor's feedback starts on the first screen.
    feedback = page.evaluate("() => document.getElementById('latest-feedback').getBoundingClientRect().top")
    assert feedback < 844
    context.close()
