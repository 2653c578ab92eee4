"""axe-core (WCAG 2.0, 2.1 and 2.2, levels A and AA) on every page type, in a real browser."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from courseware.assignments.models import Submission
from courseware.core.time import utcnow
from courseware.editions.models import Edition, EditionMembership
from courseware.extensions import db
from tests.browser.conftest import SCREENSHOTS, describe, run_axe, sign_in
from tests.certificates.helpers import earn_everything
from tests.factories import DEFAULT_PASSWORD, make_user

pytestmark = pytest.mark.browser

ANONYMOUS_PAGES = ["/", "/modules/", "/modules/basics/", "/glossary/", "/further-reading/", "/login", "/register",
                   "/privacy/", "/accessibility/",
                   "/reset-password", "/no/such/page"]
LEARNER_PAGES = ["/", "/modules/", "/modules/basics/", "/modules/basics/first-steps/", "/account/",
                 "/account/delete", "/modules/basics/forum/", "/modules/basics/assignment/", "/certificate/",
                 "/forum/notifications/", "/progress/", "/announcements/", "/sessions/"]
TUTOR_PAGES = ["/", "/modules/basics/first-steps/", "/account/", "/modules/basics/forum/", "/tutor/",
               "/forum/moderation/", "/tutor/overview/", "/tutor/learners/", "/announcements/", "/sessions/",
               "/tutor/self-checks/"]
ADMIN_PAGES = ["/admin/", "/admin/users/", "/admin/certificates/", "/admin/moderation/", "/admin/outbox/",
               "/admin/editions/", "/admin/sso/"]


def _users(app):
    with app.app_context():
        return (make_user(role="learner", email="axe-learner@city.example", name="Ágnes Győri"),
                make_user(role="tutor", email="axe-tutor@course.example", name="Tara Tutor"))


def _with_content(app, signed_in, learner, tutor) -> int:
    """Give the learner a thread, a graded submission and a certificate, so pages show real content; an
    edition with an announcement and live sessions (one past, one to come). Returns the id of the learner's
    first submission."""
    client = signed_in(learner, app=app)
    earn_everything(app, client, learner, signed_in(tutor, app=app))
    assert client.post("/certificate/").status_code == 302
    assert client.post("/modules/basics/forum/", data={"title": "A question",
                                                       "body": "What about **V2G**?"}).status_code == 303
    with app.app_context():
        edition = Edition(name="Spring 2027", certification_deadline_at=utcnow() + timedelta(days=30))
        db.session.add(edition)
        db.session.flush()
        db.session.add(EditionMembership(user_id=learner.id, edition_id=edition.id))
        db.session.commit()
    staff = signed_in(tutor, app=app)
    staff.post("/announcements/", data={"title": "Kick-off on Monday", "body": "Join the **webinar**.", "edition": "all"})
    for title, start in (("Kick-off webinar", utcnow() - timedelta(days=1)), ("Question hour", utcnow() + timedelta(days=2))):
        staff.post("/sessions/", data={"title": title, "starts_at": start.isoformat(timespec="minutes"),
                                       "ends_at": (start + timedelta(hours=1)).isoformat(timespec="minutes"),
                                       "join_url": "https://meet.example.org/room", "edition": "all"})
    with app.app_context():
        return db.session.scalar(select(Submission.id).order_by(Submission.id))


def check_pages(page, base_url, paths):
    """axe on every page, and no request to any other host (no CDN, fonts or analytics)."""
    failures = {}
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    for path in paths:
        page.goto(base_url + path)
        page.wait_for_load_state("networkidle")
        violations = run_axe(page)
        if violations:
            failures[path] = describe(violations)
    assert not failures, "\n".join(f"{p}:\n{v}" for p, v in failures.items())
    assert any(url.endswith("/static/site.css") for url in requests)  # the listener saw the page load
    elsewhere = [url for url in requests if not url.startswith((base_url, "data:"))]
    assert not elsewhere, f"requests to other hosts: {elsewhere}"


def test_anonymous_pages_have_no_violations(browser, page, base_url):
    check_pages(page, base_url, ANONYMOUS_PAGES)


def test_learner_pages_have_no_violations(page, base_url, live_server, signed_in):
    learner, tutor = _users(live_server.app)
    _with_content(live_server.app, signed_in, learner, tutor)
    sign_in(page, base_url, learner.email, DEFAULT_PASSWORD)
    check_pages(page, base_url, LEARNER_PAGES + ["/modules/basics/forum/1/"])
    page.goto(base_url + "/certificate/")
    verify = page.locator("a[href^='/verify/']").first.get_attribute("href")
    check_pages(page, base_url, [verify])


def test_tutor_pages_have_no_violations(page, base_url, live_server, signed_in):
    learner, tutor = _users(live_server.app)
    submission_id = _with_content(live_server.app, signed_in, learner, tutor)
    sign_in(page, base_url, tutor.email, DEFAULT_PASSWORD)
    check_pages(page, base_url, TUTOR_PAGES + [f"/tutor/submissions/{submission_id}/", f"/tutor/learners/{learner.id}/",
                                               "/sessions/1/edit", "/sessions/1/attendance"])


def test_admin_pages_have_no_violations(page, base_url, live_server, signed_in):
    learner, tutor = _users(live_server.app)
    _with_content(live_server.app, signed_in, learner, tutor)
    with live_server.app.app_context():
        admin = make_user(role="admin", email="axe-admin@course.example", name="Adam Admin")
    sign_in(page, base_url, admin.email, DEFAULT_PASSWORD)
    check_pages(page, base_url, ADMIN_PAGES + ["/admin/editions/1/", f"/admin/learners/{learner.id}/edition"])


def test_edition_pages_with_errors_have_no_violations(page, base_url, live_server):
    """The editions form and the sessions form with their messages beside the fields."""
    learner, tutor = _users(live_server.app)
    with live_server.app.app_context():
        admin = make_user(role="admin", email="axe-admin@course.example", name="Adam Admin")
    sign_in(page, base_url, admin.email, DEFAULT_PASSWORD)
    page.goto(base_url + "/admin/editions/")
    page.fill("#name", "Spring 2027")
    page.fill("#starts_on", "2027-03-01")
    page.fill("#certification_deadline", "2027-02-01")
    page.click("main form.stack-form button[type=submit]")
    assert page.locator("#certification_deadline-error").is_visible()
    violations = run_axe(page)
    assert not violations, describe(violations)
    page.goto(base_url + "/sessions/")
    page.fill("#title", "Kick-off")
    page.fill("#starts_at", "2027-03-04 14:00")
    page.fill("#ends_at", "2027-03-04 13:00")
    page.fill("#join_url", "https://meet.example.org/room")
    page.click("main form.stack-form button[type=submit]")
    assert page.locator("#ends_at-error").is_visible()
    violations = run_axe(page)
    assert not violations, describe(violations)
    page.goto(base_url + "/account/")
    page.click("form[action='/account/calendar'] button")
    assert page.locator("#calendar-url").is_visible()
    violations = run_axe(page)
    assert not violations, describe(violations)


def test_form_errors_have_no_violations(page, base_url):
    """Are the error summary and the messages beside the fields accessible too?"""
    page.goto(base_url + "/register")
    page.fill("#email", "not an email")
    page.click("main button[type=submit]")
    assert page.locator("#email-error").is_visible()
    assert page.get_attribute("#email", "aria-invalid") == "true"
    assert "email-error" in page.get_attribute("#email", "aria-describedby")
    violations = run_axe(page)
    assert not violations, describe(violations)


@pytest.mark.parametrize("name, viewport, zoom", [("phone-360", {"width": 360, "height": 780}, 1),
                                                  ("zoom-200", {"width": 1280, "height": 900}, 2)])
def test_pages_fit_small_screens_and_zoom(browser, base_url, live_server, name, viewport, zoom):
    """At 360 px wide and at 200% zoom, does every page fit without horizontal scrolling?"""
    learner, _ = _users(live_server.app)
    context = browser.new_context(viewport=viewport, device_scale_factor=zoom)
    page = context.new_page()
    if zoom != 1:  # 200% zoom: the CSS viewport halves, as in a desktop browser
        context.close()
        context = browser.new_context(viewport={"width": viewport["width"] // zoom,
                                                "height": viewport["height"] // zoom}, device_scale_factor=zoom)
        page = context.new_page()
    sign_in(page, base_url, learner.email, DEFAULT_PASSWORD)
    SCREENSHOTS.mkdir(exist_ok=True)
    for path in ["/", "/modules/basics/", "/modules/basics/first-steps/"]:
        page.goto(base_url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {name}"
        page.screenshot(path=str(SCREENSHOTS / f"{name}{path.replace('/', '_')}.png"), full_page=False)
    context.close()


def test_self_check_pages_have_no_violations(page, base_url, live_server):
    """The self-check answered with the keyboard, its answer page, and the form shown again with errors."""
    learner, _ = _users(live_server.app)
    sign_in(page, base_url, learner.email, DEFAULT_PASSWORD)
    page.goto(base_url + "/modules/basics/first-steps/")
    page.focus("#sc-q1-a")
    page.keyboard.press("Space")                  # a radio button is chosen with the keyboard
    assert page.is_checked("#sc-q1-a")
    page.check("#sc-q2-a")
    page.check("#sc-q2-c")
    page.check("#sc-q3-b")
    page.fill("#sc-q4", "22,0")
    page.fill("#sc-q5", "vehicle-to-grid")
    page.focus("#sc-q5")
    page.keyboard.press("Enter")                  # the form is sent from the keyboard
    page.wait_for_load_state("networkidle")
    assert "3 of 5 correct" in page.inner_text("main")
    violations = run_axe(page)
    assert not violations, describe(violations)
    # With no answers: the form again, each message tied to its question.
    page.goto(base_url + "/modules/basics/first-steps/")
    page.click("form.self-check-form button[type=submit]")
    assert page.locator("#sc-q1-error").is_visible() and page.locator(".error-summary").is_visible()
    assert "sc-q1-error" in page.get_attribute("fieldset:has(#sc-q1-a)", "aria-describedby")
    violations = run_axe(page)
    assert not violations, describe(violations)
    page.goto(base_url + "/modules/basics/")
    assert "self-check: best 60%" in page.inner_text("main")
    violations = run_axe(page)
    assert not violations, describe(violations)
