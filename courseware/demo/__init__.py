"""Synthetic course population for demonstrations and benchmarks: `flask --app app demo-data`.

Every demo account has an address @demo.invalid and the password `demo-password` (one Argon2 hash,
computed once and shared, so creating ten thousand accounts takes no time). The generator refuses a
database that holds other accounts unless forced, so it is never mixed into real data by accident.
"""
from __future__ import annotations

from ..core.site import Site
from ..core.time import utcnow
from ..courses.content import Course
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


def generate(site: Site, course: Course, learners: int, seed: int = 1, *, force: bool = False,
             progress: Progress | None = None, on_plan=None) -> Summary:
    """Create `learners` demo learners with their progress, posts, submissions and certificates.

    Commits as it goes. Raises RealUsersPresent when other accounts exist and `force` is false.
    Certificates carry the site's BASE_URL in their verification links, as real ones do.
    """
    if not force:
        count = real_user_count()
        if count:
            raise RealUsersPresent(count)
    now = utcnow()
    plan = make_plan(course, learners, seed, now)
    if on_plan is not None:
        on_plan(plan)
    return write_plan(site, course, plan, seed, now, progress or (lambda label, n: None))
