"""Synthetic course population for demonstrations and benchmarks: `flask --app app demo-data`.

Every demo account has an address @demo.invalid and the password `demo-password` (one Argon2 hash,
computed once and shared, so creating ten thousand accounts takes no time). The generator refuses a
database that holds other accounts unless forced, so it is never mixed into real data by accident.
"""
from __future__ import annotations

from flask import current_app

from ..core.time import utcnow
from ..courses.content import get_course
from .plan import make_plan
from .writer import DEMO_DOMAIN, DEMO_PASSWORD, Progress, Summary, real_user_count, write_plan

__all__ = ["DEMO_DOMAIN", "DEMO_PASSWORD", "RealUsersPresent", "Summary", "generate", "planned_rows"]


class RealUsersPresent(Exception):
    def __init__(self, count: int):
        super().__init__(f"The database holds {count} account(s) that are not demo accounts "
                         f"(@{DEMO_DOMAIN}). Use a fresh database, or --force to add demo data anyway.")
        self.count = count


def planned_rows(plan) -> int:
    """The length of the progress bar: accounts, completions, posts, submissions, grades and
    certificates (new threads are decided while writing, so they advance the label, not the bar)."""
    return (len(plan.learners) + len(plan.tutors) + 1 + len(plan.completions) + len(plan.posts)
            + len(plan.versions) + sum(1 for v in plan.versions if v.decision) + len(plan.certified))


def generate(learners: int, seed: int = 1, *, force: bool = False, base_url: str = "http://127.0.0.1:5000",
             progress: Progress | None = None, on_plan=None) -> Summary:
    """Create `learners` demo learners with their progress, posts, submissions and certificates.

    Commits as it goes. Raises RealUsersPresent when other accounts exist and `force` is false.
    `base_url` is the site's public address, printed on the certificates' verification links.
    """
    if not force:
        count = real_user_count()
        if count:
            raise RealUsersPresent(count)
    course = get_course()
    now = utcnow()
    plan = make_plan(course, learners, seed, now)
    if on_plan is not None:
        on_plan(plan)
    # Certificates carry absolute verification URLs: build them as a request to the public site would.
    with current_app.test_request_context(base_url=base_url):
        return write_plan(course, plan, seed, now, progress or (lambda label, n: None))
