"""The main journey with the keyboard alone: register, read a unit, mark it complete, post, submit."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from courseware.assignments.models import Submission
from courseware.courses.models import UnitCompletion
from courseware.extensions import db
from courseware.forums.models import Post

pytestmark = pytest.mark.browser

MAX_TABS = 80


def tab_to(page, selector: str) -> None:
    """Press Tab until the element matching `selector` has the focus (as a keyboard user would)."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
            assert outline != "none", f"{selector} has no visible focus"
            return
    raise AssertionError(f"could not reach {selector} with the Tab key")


def activate(page, selector: str) -> None:
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def type_into(page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def test_keyboard_only_journey(page, base_url, live_server):
    app = live_server.app
    page.goto(base_url + "/")
    # The skip link is the first stop and moves the focus to the main content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"

    activate(page, 'a[href="/register"]')
    type_into(page, "#name", "Kai Keyboard")
    type_into(page, "#email", "kai@city.example")
    type_into(page, "#organisation", "City of Ghent")
    type_into(page, "#password", "only the keyboard")
    type_into(page, "#confirm", "only the keyboard")
    tab_to(page, "main button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Signed in as" in page.content()

    # Read the first unit and mark it complete.
    activate(page, 'main a[href="/modules/basics/first-steps/"]')
    assert page.locator("h1").inner_text() == "First steps"
    activate(page, ".complete-panel button[type=submit]")
    assert "marked as complete" in page.content()

    # Post in the module forum.
    page.goto(base_url + "/modules/basics/forum/")
    type_into(page, "input[name=title]", "Hello from Ghent")
    type_into(page, "textarea[name=body]", "We are planning our first smart-charging tender.")
    tab_to(page, "main form button[type=submit]:not([name])")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Hello from Ghent" in page.content()

    # Submit the assignment.
    page.goto(base_url + "/modules/basics/assignment/")
    type_into(page, "textarea[name=body]", "Ghent has about two hundred public charge points; " * 3)
    activate(page, "button[name=submit_work], input[name=submit_work]")
    assert "submitted" in page.content()

    with app.app_context():
        assert db.session.scalar(select(UnitCompletion.unit_slug)) == "first-steps"
        assert db.session.scalar(select(Post.body).where(Post.author_id.is_not(None))).startswith("We are planning")
        assert db.session.scalar(select(Submission.status)) == "submitted"
