"""The real course text (modules/), not the fixture course: axe on every unit and module page, the glossary and
the reference list, and every unit fitting a 360 px screen (wide tables scroll in their own region)."""
from __future__ import annotations

import pytest

from courseware.courses.content import get_course
from tests.browser.conftest import SCREENSHOTS, describe, run_axe, serving, sign_in
from tests.conftest import REAL_CONTENT
from tests.factories import DEFAULT_PASSWORD, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def real_course_site(make_app):
    """The real course served on a free local port, with a learner to read it; yields (base URL, paths)."""
    app = make_app(SERVER_NAME=None, CONTENT_DIR=str(REAL_CONTENT))
    with app.app_context():
        learner = make_user(role="learner", email="reader@city.example")
        course = get_course()
        paths = ["/", "/modules/", "/glossary/", "/references/", "/further-reading/"]
        for module in course.modules:
            paths.append(f"/modules/{module.slug}/")
            paths += [f"/modules/{module.slug}/{unit.slug}/" for unit in module.units]
    with serving(app) as server:
        yield f"http://127.0.0.1:{server.server_port}", learner, paths


def test_every_page_of_the_real_course_passes_axe(browser, real_course_site):
    base_url, learner, paths = real_course_site
    assert sum("/modules/" in p and p.count("/") == 4 for p in paths) >= 17, paths   # every unit is visited
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, base_url, learner.email, DEFAULT_PASSWORD)
    failures = {}
    for path in paths:
        response = page.goto(base_url + path)
        assert response.status == 200, path
        violations = run_axe(page)
        if violations:
            failures[path] = describe(violations)
    context.close()
    assert not failures, "\n".join(f"{p}:\n{v}" for p, v in failures.items())


def test_every_unit_of_the_real_course_fits_360_px(browser, real_course_site):
    base_url, learner, paths = real_course_site
    context = browser.new_context(viewport={"width": 360, "height": 780})
    page = context.new_page()
    sign_in(page, base_url, learner.email, DEFAULT_PASSWORD)
    wide = {}
    for path in paths:
        page.goto(base_url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if overflow > 0:
            wide[path] = overflow
            SCREENSHOTS.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"wide{path.replace('/', '_')}.png"))
    context.close()
    assert not wide, f"pages that scroll sideways at 360 px (px): {wide}"
