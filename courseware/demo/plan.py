"""The demo population as plain data: who the learners are and what each has done, in time order.

Nothing here touches the database, so the plan is cheap, deterministic for a seed, and testable.
Learners are referred to by their index in `Plan.learners`; the writer maps indices to ids.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ..courses.content import Course
from . import people

# Share of learners at each point of the course (the rest are spread over the modules in progress).
NOT_STARTED = 0.12
FINISHED = 0.10
CLAIMED = 0.80            # of those who finished: they asked for their certificate
REVISED_FIRST = 0.30      # a passed assignment needed one revision first
# What the assignment of the module a learner is working on looks like.
CURRENT_ASSIGNMENT = (("none", 35), ("draft", 15), ("submitted", 25), ("revise", 15), ("revise+draft", 10))
NEW_THREAD = 0.12         # a forum post starts a thread rather than replying
HIDDEN, DELETED = 0.006, 0.006   # of posts beyond the required ones


@dataclass
class Learner:
    name: str
    organisation: str
    registered_at: datetime
    stage: int = 0                       # modules finished (len(course.modules) + 1: certificate claimed)
    claims_certificate: bool = False
    last_active_at: datetime | None = None


@dataclass
class PlannedPost:
    at: datetime
    module_slug: str
    author: int | None                   # learner index; None for a tutor (see `tutor`)
    tutor: int | None = None             # tutor index
    hidden: bool = False
    deleted: bool = False


@dataclass
class PlannedVersion:
    learner: int
    module_slug: str
    version: int
    status: str                          # draft, submitted, needs revision, passed
    created_at: datetime
    submitted_at: datetime | None = None
    graded_at: datetime | None = None
    decision: str | None = None          # pass / revise, for graded versions
    tutor: int | None = None


@dataclass
class Plan:
    learners: list[Learner] = field(default_factory=list)
    tutors: list[str] = field(default_factory=list)
    completions: list[tuple[int, str, str, datetime]] = field(default_factory=list)
    posts: list[PlannedPost] = field(default_factory=list)
    versions: list[PlannedVersion] = field(default_factory=list)
    organisations: int = 0

    @property
    def certified(self) -> list[int]:
        return [i for i, learner in enumerate(self.learners) if learner.claims_certificate]


class _Clock:
    """A learner's own time line: every step happens a little after the previous one, never after `now`."""

    def __init__(self, rng: random.Random, start: datetime, now: datetime):
        self.rng, self.at, self.now = rng, start, now

    def step(self, low_hours: float = 0.2, high_hours: float = 72) -> datetime:
        self.at = min(self.at + timedelta(hours=self.rng.uniform(low_hours, high_hours)),
                      self.now - timedelta(minutes=5))
        return self.at


def organisation_count(learners: int) -> int:
    return max(40, min(200, round(learners / 50)))


def make_plan(course: Course, learners: int, seed: int, now: datetime, days: int = 180) -> Plan:
    rng = random.Random(seed)
    start = now - timedelta(days=days)
    orgs = people.organisations(rng, organisation_count(learners))
    # A few large organisations send many people, most send a handful.
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(orgs))]
    plan = Plan(organisations=len(orgs))
    plan.tutors = [people.person(rng, rng.choice(list(people.NAMES))) for _ in range(max(2, min(12, learners // 1000 + 2)))]
    modules = course.modules
    in_progress = 1 - NOT_STARTED - FINISHED
    # Stages 0..n: not started, then working on module k (k modules done); n+1: finished everything.
    stage_weights = [NOT_STARTED] + [in_progress * (len(modules) - k + 1) for k in range(len(modules))]
    stage_weights[1:] = [w / sum(stage_weights[1:]) * in_progress for w in stage_weights[1:]]
    stage_weights.append(FINISHED)

    for index in range(learners):
        org, area = rng.choices(orgs, weights=weights)[0]
        registered = start + timedelta(seconds=rng.uniform(0, days * 0.85 * 86400))
        learner = Learner(people.person(rng, area), org, registered)
        plan.learners.append(learner)
        stage = rng.choices(range(len(stage_weights)), weights=stage_weights)[0]
        learner.stage = stage
        clock = _Clock(rng, registered, now)
        if stage == 0:
            continue
        for k, module in enumerate(modules):
            if k >= stage:
                break
            finished = k < stage - 1 or stage == len(modules) + 1
            _plan_module(plan, rng, clock, index, module, finished, len(plan.tutors))
        learner.last_active_at = clock.at
        learner.claims_certificate = stage == len(modules) + 1 and rng.random() < CLAIMED
    _plan_tutor_posts(plan, rng, course, start, now)
    plan.posts.sort(key=lambda p: p.at)
    return plan


def _plan_module(plan: Plan, rng: random.Random, clock: _Clock, index: int, module, finished: bool,
                 tutors: int) -> None:
    units = module.units if finished else module.units[:rng.randint(0, len(module.units))]
    for unit in units:
        plan.completions.append((index, module.slug, unit.slug, clock.step(0.1, 48)))
    required = module.forum_posts_required
    posts = required + rng.choice((0, 0, 1, 2, 4)) if finished else rng.choice(range(0, required + 2))
    for n in range(posts):
        extra = n >= required
        plan.posts.append(PlannedPost(clock.step(0.1, 24), module.slug, index,
                                      hidden=extra and rng.random() < HIDDEN,
                                      deleted=extra and rng.random() < DELETED))
    if finished:
        kind = "revise+pass" if rng.random() < REVISED_FIRST else "pass"
    else:
        kind = rng.choices([k for k, _ in CURRENT_ASSIGNMENT], weights=[w for _, w in CURRENT_ASSIGNMENT])[0]
    if kind == "none":
        return
    version = 1
    if kind == "draft":
        plan.versions.append(PlannedVersion(index, module.slug, 1, "draft", clock.step()))
        return
    if kind.startswith("revise"):
        created = clock.step()
        plan.versions.append(PlannedVersion(index, module.slug, 1, "needs revision", created, clock.step(0.5, 48),
                                            clock.step(2, 120), "revise", rng.randrange(tutors)))
        version = 2
        if kind == "revise":
            return
        if kind == "revise+draft":
            plan.versions.append(PlannedVersion(index, module.slug, 2, "draft", clock.step()))
            return
    created = clock.step()
    submitted = clock.step(0.5, 48)
    if kind == "submitted":
        plan.versions.append(PlannedVersion(index, module.slug, version, "submitted", created, submitted))
        return
    plan.versions.append(PlannedVersion(index, module.slug, version, "passed", created, submitted,
                                        clock.step(2, 120), "pass", rng.randrange(tutors)))


def _plan_tutor_posts(plan: Plan, rng: random.Random, course: Course, start: datetime, now: datetime) -> None:
    """Tutors answer now and then: about one post in thirty."""
    span = (now - start).total_seconds()
    for _ in range(len(plan.posts) // 30):
        at = start + timedelta(seconds=rng.uniform(span * 0.05, span * 0.999))
        plan.posts.append(PlannedPost(at, rng.choice(course.modules).slug, None, tutor=rng.randrange(len(plan.tutors))))
