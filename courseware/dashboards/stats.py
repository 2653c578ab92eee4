"""The figures behind the tutor's dashboards, each in a constant number of queries.

Everything is aggregated in SQL (GROUP BY), so the number of statements never depends on the
number of learners, posts or submissions. Dates are bucketed with CASE expressions that compare
timestamps with bound values, which behaves the same on SQLite and PostgreSQL (no date functions).

A learner's *stage* is the furthest step of the course they have reached, each step including the
ones before it: registered, started (a unit completed), every unit completed, every assignment
passed as well, certified (a valid certificate, whatever else later changed in the course).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, literal, or_, select, union_all
from sqlalchemy.sql import Select

from ..accounts.models import Role, User
from ..assignments.models import Submission, SubmissionStatus
from ..assignments.versions import is_newest
from ..certificates.models import Certificate, CertificateState
from ..core.time import utcnow
from ..core.types import UTCDateTime
from ..courses.content import Course
from ..courses.models import UnitCompletion
from ..editions.filters import EVERYONE, EditionFilter
from ..editions.models import Edition, EditionMembership
from ..extensions import db
from ..forums.models import Post, Thread

REGISTERED, STARTED, UNITS_DONE, ASSIGNMENTS_PASSED, CERTIFIED = range(5)
STAGES = (REGISTERED, STARTED, UNITS_DONE, ASSIGNMENTS_PASSED, CERTIFIED)
# The funnel names what each bar counts ("reached at least this step")...
FUNNEL_LABELS = ("Registered", "Started", "Completed all units", "All assignments passed", "Certified")
# ...the organisation table names where each learner is now.
STAGE_LABELS = ("Not started", "Reading", "All units completed", "All assignments passed", "Certified")

NO_ORGANISATION = "(no organisation given)"

# Waiting submissions by age: (lower bound in days, label). The last bucket has no upper bound.
AGE_BUCKETS = ((0, "Under 1 day"), (1, "1 to 2 days"), (3, "3 to 6 days"), (7, "7 to 13 days"),
               (14, "14 days or more"))
FORUM_WEEKS = 8

VALID, REVOKED = CertificateState.VALID, CertificateState.REVOKED


# Building blocks: grouped subqueries keyed by user id ---------------------------------------

def _current_units(course: Course):
    """Completions of units that exist in the current content (as course_progress counts them)."""
    return or_(*(and_(UnitCompletion.module_slug == m.slug,
                      UnitCompletion.unit_slug.in_([u.slug for u in m.units])) for m in course.modules))


def _module_slugs(course: Course) -> list[str]:
    return [m.slug for m in course.modules]


def _units_per_user(course: Course):
    return (select(UnitCompletion.user_id, func.count(UnitCompletion.id).label("units"))
            .where(_current_units(course)).group_by(UnitCompletion.user_id).subquery())


def _posts_per_user(course: Course):
    return (select(Post.author_id.label("user_id"), func.count(Post.id).label("posts"))
            .join(Thread, Post.thread_id == Thread.id)
            .where(Post.is_visible, Post.author_id.is_not(None), Thread.module_slug.in_(_module_slugs(course)))
            .group_by(Post.author_id).subquery())


def _passed_per_user(course: Course):
    """Modules whose newest row (drafts included, as the certificate rule reads it) has passed."""
    return (select(Submission.user_id, func.count(Submission.id).label("passed"))
            .where(is_newest(), Submission.status == SubmissionStatus.PASSED,
                   Submission.module_slug.in_(_module_slugs(course)))
            .group_by(Submission.user_id).subquery())


def _certificate_per_user():
    """The state of each learner's newest certificate version: valid or revoked."""
    newest = (select(Certificate.user_id, func.max(Certificate.version).label("version"))
              .where(Certificate.user_id.is_not(None)).group_by(Certificate.user_id).subquery())
    return (select(Certificate.user_id,
                   case((Certificate.revoked_at.is_(None), literal(VALID.value)),
                        else_=literal(REVOKED.value)).label("state"))
            .join(newest, and_(newest.c.user_id == Certificate.user_id, newest.c.version == Certificate.version))
            .subquery())


def _last_activity_per_user():
    """The newest moment each learner did something in the course: completed a unit, wrote a post, saved or
    submitted work. One grouped subquery over the three tables."""
    activity = union_all(
        select(UnitCompletion.user_id.label("user_id"), UnitCompletion.completed_at.label("at")),
        select(Post.author_id, Post.created_at).where(Post.author_id.is_not(None)),
        select(Submission.user_id, Submission.updated_at)).subquery()
    return (select(activity.c.user_id, func.max(activity.c.at, type_=UTCDateTime()).label("at"))
            .group_by(activity.c.user_id).subquery())


def learner_facts(course: Course, edition: EditionFilter = EVERYONE) -> Select:
    """One row per learner: id, name, email, organisation, registered, active, edition (its name or None),
    units, posts, passed, certificate ('valid', 'revoked' or None), stage and last_active (the newest unit
    completion, post or saved work; the registration when there is none). The one definition behind every
    page and export; with `edition`, only the learners of that edition."""
    units, posts, passed, certs = (_units_per_user(course), _posts_per_user(course), _passed_per_user(course),
                                   _certificate_per_user())
    activity = _last_activity_per_user()
    # Registering counts as activity: a learner who never started has been inactive since then.
    last_active = func.coalesce(activity.c.at, User.created_at, type_=UTCDateTime())
    n_units = func.coalesce(units.c.units, 0)
    n_passed = func.coalesce(passed.c.passed, 0)
    total_units = sum(len(m.units) for m in course.modules)
    stage = case((certs.c.state == VALID.value, CERTIFIED),
                 (and_(n_units >= total_units, n_passed >= len(course.modules)), ASSIGNMENTS_PASSED),
                 (n_units >= total_units, UNITS_DONE),
                 (n_units > 0, STARTED),
                 else_=REGISTERED)
    return edition.apply(
        select(User.id, User.name, User.email, User.organisation, User.created_at, User.active,
               Edition.name.label("edition"),
               n_units.label("units"), func.coalesce(posts.c.posts, 0).label("posts"),
               n_passed.label("passed"), certs.c.state.label("certificate"), stage.label("stage"),
               last_active.label("last_active"))
        .outerjoin(units, units.c.user_id == User.id)
        .outerjoin(activity, activity.c.user_id == User.id)
        .outerjoin(posts, posts.c.user_id == User.id)
        .outerjoin(passed, passed.c.user_id == User.id)
        .outerjoin(certs, certs.c.user_id == User.id)
        .outerjoin(EditionMembership, EditionMembership.user_id == User.id)
        .outerjoin(Edition, Edition.id == EditionMembership.edition_id)
        .where(User.role == Role.LEARNER), User.id)


# The cohort overview -----------------------------------------------------------------------

@dataclass(frozen=True)
class OrganisationRow:
    name: str
    counts: tuple[int, ...]         # learners at each stage, indexed by STAGES

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class UnitRow:
    module_title: str
    unit_title: str
    completed: int


@dataclass(frozen=True)
class Overview:
    learners: int
    funnel: tuple[int, ...]                             # learners who reached each stage (or further)
    organisations: tuple[OrganisationRow, ...]          # most learners first
    units: tuple[UnitRow, ...]                          # in course order
    waiting: tuple[tuple[str, int], ...]                # (age bucket label, submissions)
    waiting_by_module: tuple[tuple[str, tuple[int, ...]], ...]   # (module title, count per bucket)
    weeks: tuple[datetime, ...]                         # start of each forum week, oldest first
    forum: tuple[tuple[str, tuple[int, ...]], ...]      # (module title, posts per week)

    @property
    def waiting_total(self) -> int:
        return sum(n for _, n in self.waiting)


def stage_counts(course: Course, edition: EditionFilter = EVERYONE) -> list[tuple[str, int, int]]:
    """(organisation, stage, learners), one grouped query."""
    facts = learner_facts(course, edition).subquery()
    return [tuple(r) for r in db.session.execute(
        select(facts.c.organisation, facts.c.stage, func.count(facts.c.id))
        .group_by(facts.c.organisation, facts.c.stage))]


def _organisations(rows) -> tuple[OrganisationRow, ...]:
    by_org: dict[str, list[int]] = {}
    for organisation, stage, n in rows:
        name = (organisation or "").strip() or NO_ORGANISATION
        by_org.setdefault(name, [0] * len(STAGES))[stage] += n
    orgs = [OrganisationRow(name, tuple(c)) for name, c in by_org.items()]
    return tuple(sorted(orgs, key=lambda o: (-o.total, o.name.casefold())))


def _unit_completions(course: Course, edition: EditionFilter = EVERYONE) -> tuple[UnitRow, ...]:
    rows = db.session.execute(edition.apply(
        select(UnitCompletion.module_slug, UnitCompletion.unit_slug, func.count(UnitCompletion.id))
        .join(User, User.id == UnitCompletion.user_id)
        .where(User.role == Role.LEARNER, _current_units(course)), UnitCompletion.user_id)
        .group_by(UnitCompletion.module_slug, UnitCompletion.unit_slug))
    counts = {(m, u): n for m, u, n in rows}
    return tuple(UnitRow(m.title, u.title, counts.get((m.slug, u.slug), 0)) for m in course.modules for u in m.units)


def _bucket(column, bounds: list[datetime]):
    """Index of the interval [bounds[i], bounds[i+1]) holding `column`; bounds ascend. A CASE on bound
    values, so the same SQL works on SQLite and PostgreSQL."""
    return case(*((column < b, i) for i, b in enumerate(bounds[1:])), else_=len(bounds) - 1)


def _waiting(course: Course, now: datetime, edition: EditionFilter = EVERYONE):
    """Waiting work (the latest version sent, still submitted: as the grading queue shows it) by age."""
    # From the oldest bound down: the first bound a submission is older than names its bucket.
    bucket = case(*((Submission.submitted_at <= now - timedelta(days=days), i)
                    for i, (days, _) in reversed(list(enumerate(AGE_BUCKETS))) if days > 0), else_=0)
    inner = edition.apply(select(Submission.module_slug, bucket.label("bucket"))
                          .where(is_newest(sent_only=True), Submission.status == SubmissionStatus.SUBMITTED,
                                 Submission.module_slug.in_(_module_slugs(course))), Submission.user_id).subquery()
    rows = db.session.execute(select(inner.c.module_slug, inner.c.bucket, func.count())
                              .group_by(inner.c.module_slug, inner.c.bucket))
    per_module = {m.slug: [0] * len(AGE_BUCKETS) for m in course.modules}
    for slug, b, n in rows:
        per_module[slug][b] += n
    totals = tuple((label, sum(per_module[m.slug][i] for m in course.modules))
                   for i, (_, label) in enumerate(AGE_BUCKETS))
    return totals, tuple((m.title, tuple(per_module[m.slug])) for m in course.modules)


def _forum_activity(course: Course, now: datetime, weeks: int = FORUM_WEEKS, edition: EditionFilter = EVERYONE):
    """Posts written per module in each of the last `weeks` seven-day periods (seeded prompts and
    deleted posts left out; hidden posts were written, so they count as activity)."""
    starts = [now - timedelta(weeks=weeks - i) for i in range(weeks)]
    week = _bucket(Post.created_at, starts + [now])
    inner = edition.apply(select(Thread.module_slug, week.label("week"))
                          .join(Thread, Post.thread_id == Thread.id)
                          .where(Post.created_at >= starts[0], Post.deleted_at.is_(None),
                                 Post.by_course_team.is_(False), Thread.module_slug.in_(_module_slugs(course))),
                          Post.author_id).subquery()
    rows = db.session.execute(select(inner.c.module_slug, inner.c.week, func.count())
                              .group_by(inner.c.module_slug, inner.c.week))
    per_module = {m.slug: [0] * weeks for m in course.modules}
    for slug, w, n in rows:
        if 0 <= w < weeks:
            per_module[slug][w] += n
    return tuple(starts), tuple((m.title, tuple(per_module[m.slug])) for m in course.modules)


def overview(course: Course, now: datetime | None = None, edition: EditionFilter = EVERYONE) -> Overview:
    """Every figure of the cohort dashboard (of one edition's learners, with `edition`): four queries."""
    now = now or utcnow()
    organisations = _organisations(stage_counts(course, edition))
    at_stage = [sum(o.counts[s] for o in organisations) for s in STAGES]
    funnel = tuple(sum(at_stage[s:]) for s in STAGES)
    waiting, waiting_by_module = _waiting(course, now, edition)
    weeks, forum = _forum_activity(course, now, edition=edition)
    return Overview(learners=funnel[0], funnel=funnel, organisations=organisations,
                    units=_unit_completions(course, edition), waiting=waiting, waiting_by_module=waiting_by_module,
                    weeks=weeks, forum=forum)
