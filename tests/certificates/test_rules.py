"""THE rule, from plain numbers: what counts as met."""
from __future__ import annotations

import pytest

from courseware.certificates.rules import ASSIGNMENT, FORUM, UNITS, module_requirements
from courseware.courses.content import get_course


@pytest.fixture
def basics(app):
    with app.app_context():
        return get_course().module("basics")


def _by_kind(requirements):
    return {r.kind: r for r in requirements.requirements}


@pytest.mark.parametrize("status,met", [(None, False), ("draft", False), ("submitted", False),
                                        ("needs revision", False), ("passed", True)])
def test_only_a_pass_meets_the_assignment_requirement(basics, status, met):
    r = _by_kind(module_requirements(basics, 2, None, 2, status))[ASSIGNMENT]
    assert r.met is met


def test_posts_count_up_to_the_requirement(basics):
    reqs = _by_kind(module_requirements(basics, 2, None, 1, "passed"))
    assert not reqs[FORUM].met and reqs[FORUM].progress == "1 of 2 posts"
    reqs = _by_kind(module_requirements(basics, 2, None, 7, "passed"))
    assert reqs[FORUM].met and reqs[FORUM].progress == "2 of 2 posts"


def test_every_unit_must_be_completed(basics):
    reqs = module_requirements(basics, 1, basics.units[1], 2, "passed")
    assert not reqs.met
    assert _by_kind(reqs)[UNITS].progress == "1 of 2 units completed"
    assert module_requirements(basics, 2, None, 2, "passed").met
