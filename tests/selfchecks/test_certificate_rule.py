"""The optional course rule `self_check_pass` (SPEC 8.1): unset, self-checks never block a certificate;
set, the checklist shows each unit's self-check as met or missing and the certificate needs them."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from courseware.certificates.rules import SELF_CHECK, module_requirements
from courseware.courses.content import ContentError, load_course
from tests.certificates.helpers import earn_everything
from tests.conftest import FIXTURE_CONTENT
from tests.selfchecks.helpers import CHECK, RIGHT, answers, form_token, text_of

MODULE_MD = "01-basics/module.md"


def _tree(tmp_path: Path, line: str) -> Path:
    root = tmp_path / "modules"
    shutil.copytree(FIXTURE_CONTENT, root)
    module = root / MODULE_MD
    module.write_text(module.read_text().replace("forum_posts_required: 2\n", f"forum_posts_required: 2\n{line}\n"))
    return root


@pytest.fixture
def ruled_app(make_app, tmp_path):
    """The fixture course with `self_check_pass: 80` in its first module."""
    return make_app(CONTENT_DIR=str(_tree(tmp_path, "self_check_pass: 80")))


def test_unset_self_checks_never_block_the_certificate(app, learner, tutor, signed_in):
    client = signed_in(learner)
    earn_everything(app, client, learner, signed_in(tutor))
    page = text_of(client.get("/certificate/"))
    assert "You have met every requirement" in page and "Self-check" not in page
    assert client.post("/certificate/").status_code == 302


def test_set_the_checklist_shows_the_self_check_and_the_certificate_needs_it(ruled_app, signed_in):
    from tests.factories import make_user

    with ruled_app.app_context():
        learner = make_user(role="learner", email="rule@city.example")
        tutor = make_user(role="tutor", email="rule-tutor@course.example")
    client = signed_in(learner, app=ruled_app)
    earn_everything(ruled_app, client, learner, signed_in(tutor, app=ruled_app))

    response = client.get("/certificate/")
    page, html = text_of(response), response.get_data(as_text=True)
    assert "Self-check: First steps not tried yet; 80% needed Not started" in page
    assert "pass mark" in page
    assert 'href="/modules/basics/first-steps/#self-check">Answer the self-check' in html
    assert "Not earned yet: 6 of 7 requirements met" in page
    assert client.post("/certificate/").status_code == 422
    # The progress page names the same next step.
    assert "Answer the self-check of “First steps” with at least 80% right." in text_of(client.get("/progress/"))
    # The unit says what the certificate needs.
    assert "For the certificate, get at least 80% of them right in one attempt." in text_of(
        client.get("/modules/basics/first-steps/"))

    # 60% is not enough; the answer page says so.
    page = text_of(client.post(CHECK, data={**answers("11100"), "attempt_token": form_token(client)}))
    assert "The certificate needs 80% on this self-check" in page
    assert "Self-check: First steps best 60%; 80% needed In progress" in text_of(client.get("/certificate/"))
    assert client.post("/certificate/").status_code == 422

    # 80% in one attempt is: a later, worse attempt does not take it away.
    page = text_of(client.post(CHECK, data={**answers("11110"), "attempt_token": form_token(client)}))
    assert "That meets the certificate's mark of 80% for this self-check." in page
    client.post(CHECK, data={**answers("00000"), "attempt_token": form_token(client)})
    page = text_of(client.get("/certificate/"))
    assert "Self-check: First steps best 80%; 80% needed Completed" in page and "You have met every requirement" in page
    assert client.post("/certificate/").status_code == 302


def test_the_rule_from_plain_numbers():
    course = load_course(FIXTURE_CONTENT)
    basics = course.module("basics")
    assert basics.self_check_pass is None
    reqs = module_requirements(basics, 2, None, 2, "passed", {("basics", "first-steps"): 0})
    assert [r.kind for r in reqs.requirements if r.kind is SELF_CHECK] == [] and reqs.met


@pytest.mark.parametrize("best, met", [(None, False), (79, False), (80, True), (100, True)])
def test_the_rule_with_a_pass_mark(tmp_path, best, met):
    basics = load_course(_tree(tmp_path, "self_check_pass: 80")).module("basics")
    assert basics.self_check_pass == 80
    scores = {} if best is None else {("basics", "first-steps"): best}
    reqs = module_requirements(basics, 2, None, 2, "passed", scores)
    checks = [r for r in reqs.requirements if r.is_self_check]
    assert len(checks) == 1                          # second-unit has no self-check: nothing to require
    assert checks[0].next_unit.slug == "first-steps" and checks[0].met is met and reqs.met is met


@pytest.mark.parametrize("line, message", [
    ("self_check_pass: 0", "'self_check_pass' is the share of a unit's self-check questions"),
    ("self_check_pass: 101", "a whole percentage from 1 to 100"),
    ("self_check_pass: 80.5", "'self_check_pass' must be"),
    ("self_check_pass: high", "'self_check_pass' must be"),
    ("self_check_pass: true", "'self_check_pass' must be"),
])
def test_content_check_validates_the_pass_mark(tmp_path, line, message):
    with pytest.raises(ContentError) as info:
        load_course(_tree(tmp_path, line))
    problems = [p for p in info.value.problems if "self_check_pass" in p]
    assert len(problems) == 1 and problems[0].startswith(f"{MODULE_MD}:") and message in problems[0]


def test_the_real_course_keeps_self_checks_out_of_the_certificate():
    """The SCALE course's certification is forums and assignments (issue 16)."""
    from tests.conftest import REAL_CONTENT

    assert all(m.self_check_pass is None for m in load_course(REAL_CONTENT).modules)
