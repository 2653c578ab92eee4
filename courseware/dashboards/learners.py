"""The learner table, one learner's history and the progress export.

The table and the export share `stats.learner_facts`, so their figures always agree. A page of
the table costs three queries (count, rows, assignment states of the rows shown); the export five;
a learner's history nine: none of them grows with the number of learners, posts or submissions.
Each can be narrowed to one edition's learners (`?edition=<id>`, editions.filters).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from ..accounts.models import Role, User
from ..assignments.models import GradeEvent, Submission, SubmissionStatus
from ..assignments.versions import is_newest
from ..assignments.permissions import identity_hidden
from ..certificates.models import Certificate
from flask_sqlalchemy.pagination import Pagination

from ..core.pagination import paginate
from ..core.search import clean_search, escape_like
from ..core.spreadsheet import csv_text
from ..courses.content import Course
from ..courses.models import UnitCompletion
from ..courses.service import CourseProgress, course_progress
from ..editions.filters import EVERYONE, EditionFilter
from ..editions.live_sessions import attendance_of, attendance_counts
from ..editions.models import Attendance, Edition, EditionMove, LiveSession
from ..editions.service import edition_of, moves_of
from ..extensions import db
from ..forums.models import Post, Thread
from .stats import REVOKED, STAGE_LABELS, _current_units, _module_slugs, learner_facts

PAGE_SIZE = 25
# Columns a visitor may sort by: the URL value -> the column of learner_facts. Nothing else reaches SQL.
SORTS = {"name": "name", "organisation": "organisation", "progress": "units", "posts": "posts",
         "passed": "passed", "stage": "stage", "registered": "created_at", "active": "last_active"}
MAX_INACTIVE_DAYS = 3650
NOT_STARTED = "not started"


@dataclass(frozen=True)
class LearnerRow:
    id: int
    name: str
    email: str
    organisation: str
    registered_at: datetime
    active: bool
    edition: str | None
    units: int
    posts: int
    passed: int
    certificate: str | None
    stage: int
    statuses: dict[str, SubmissionStatus]    # module slug -> status of the newest version
    last_active: datetime | None = None

    @property
    def stage_label(self) -> str:
        return STAGE_LABELS[self.stage]

    @property
    def certificate_revoked(self) -> bool:
        return self.certificate == REVOKED


@dataclass(frozen=True)
class LearnerFilters:
    """Narrowing the table: who has been inactive for `inactive_days` or more, who is at step `stage` now
    (stuck there), who has reached step `reached` or further (what a bar of the cohort funnel counts)."""
    inactive_days: int | None = None
    stage: int | None = None
    reached: int | None = None
    now: datetime | None = None

    @property
    def active(self) -> bool:
        return self.inactive_days is not None or self.stage is not None or self.reached is not None


def _filtered(course: Course, search: str, edition: EditionFilter = EVERYONE,
              filters: LearnerFilters = LearnerFilters()):
    facts = learner_facts(course, edition).subquery()
    stmt = select(facts)
    if filters.inactive_days is not None and filters.now is not None:
        stmt = stmt.where(facts.c.last_active <= filters.now - timedelta(days=filters.inactive_days))
    if filters.stage is not None:
        stmt = stmt.where(facts.c.stage == filters.stage)
    if filters.reached is not None:
        stmt = stmt.where(facts.c.stage >= filters.reached)
    search = clean_search(search)
    if search:
        pattern = f"%{escape_like(search)}%"
        stmt = stmt.where(or_(*(col.ilike(pattern, escape="\\")
                                for col in (facts.c.name, facts.c.email, facts.c.organisation))))
    return facts, stmt


def _statuses(course: Course, user_ids: list[int] | None = None, member_ids=None,
              no_edition: bool = False) -> dict[int, dict[str, SubmissionStatus]]:
    """user id -> module slug -> status of the newest version (versions.latest_statuses, for many learners
    at once); for the learners `user_ids`, or those of an edition filter (`member_ids`, `no_edition`),
    or for everyone."""
    if user_ids == []:
        return {}
    stmt = (select(Submission.user_id, Submission.module_slug, Submission.status)
            .where(is_newest(), Submission.module_slug.in_(_module_slugs(course))))
    if user_ids is not None:
        stmt = stmt.where(Submission.user_id.in_(user_ids))
    if member_ids is not None:
        stmt = stmt.where(Submission.user_id.not_in(member_ids) if no_edition else Submission.user_id.in_(member_ids))
    out: dict[int, dict[str, SubmissionStatus]] = {}
    for user_id, slug, status in db.session.execute(stmt):
        out.setdefault(user_id, {})[slug] = status
    return out


def _rows(result, statuses) -> list[LearnerRow]:
    return [LearnerRow(id=r.id, name=r.name, email=r.email, organisation=r.organisation, registered_at=r.created_at,
                       active=r.active, edition=r.edition, units=r.units, posts=r.posts, passed=r.passed, certificate=r.certificate,
                       stage=r.stage, statuses=statuses.get(r.id, {}), last_active=r.last_active) for r in result]


def learner_page(course: Course, search: str = "", sort: str = "name", descending: bool = False,
                 number: int = 1, edition: EditionFilter = EVERYONE,
                 filters: LearnerFilters = LearnerFilters()) -> Pagination | None:
    """LearnerRows of one page of the table; None when `number` is past the last page."""
    facts, stmt = _filtered(course, search, edition, filters)
    column = facts.c[SORTS.get(sort, "name")]
    order = column.desc() if descending else column.asc()
    page = paginate(stmt.order_by(order, facts.c.name, facts.c.id), number, PAGE_SIZE, rows=True)
    if page is not None:
        page.items = _rows(page.items, _statuses(course, [r.id for r in page.items]))
    return page


# The export ---------------------------------------------------------------------------------

def progress_csv(course: Course, edition: EditionFilter = EVERYONE) -> str:
    """Every learner (of one edition, with `edition`) with the figures of the learner table and the live
    sessions attended, then each module's units, posts and assignment status. Cells are neutralised
    against formula injection. Five queries."""
    facts, stmt = _filtered(course, "", edition)
    result = db.session.execute(stmt.order_by(facts.c.name, facts.c.id)).all()
    units = db.session.execute(edition.apply(
        select(UnitCompletion.user_id, UnitCompletion.module_slug, func.count(UnitCompletion.id))
        .join(User, User.id == UnitCompletion.user_id)
        .where(User.role == Role.LEARNER, _current_units(course)), UnitCompletion.user_id)
        .group_by(UnitCompletion.user_id, UnitCompletion.module_slug))
    units_by = {(u, m): n for u, m, n in units}
    posts = db.session.execute(edition.apply(
        select(Post.author_id, Thread.module_slug, func.count(Post.id))
        .join(Thread, Post.thread_id == Thread.id)
        .join(User, User.id == Post.author_id)
        .where(User.role == Role.LEARNER, Post.is_visible), Post.author_id)
        .group_by(Post.author_id, Thread.module_slug))
    posts_by = {(u, m): n for u, m, n in posts}
    statuses = _statuses(course, member_ids=edition.member_ids(), no_edition=edition.no_edition)
    attended = attendance_counts(edition.member_ids() if not edition.no_edition else None)
    total_units = sum(len(m.units) for m in course.modules)

    header = ["Name", "Email", "Organisation", "Edition", "Registered (UTC)", "Account active", "Stage",
              "Units completed", "Units in the course", "Progress (%)", "Forum posts", "Assignments passed",
              "Certificate", "Live sessions attended"]
    for m in course.modules:
        header += [f"{m.title}: units completed", f"{m.title}: forum posts", f"{m.title}: assignment"]
    rows = [header]
    for r in _rows(result, statuses):
        row = [r.name, r.email, r.organisation, r.edition or "", r.registered_at.strftime("%Y-%m-%d %H:%M"),
               "yes" if r.active else "no", r.stage_label, r.units, total_units, percent(r.units, total_units),
               r.posts, r.passed, r.certificate or "none", attended.get(r.id, 0)]
        for m in course.modules:
            row += [units_by.get((r.id, m.slug), 0), posts_by.get((r.id, m.slug), 0),
                    r.statuses.get(m.slug, NOT_STARTED)]
        rows.append(row)
    return csv_text(rows)


def percent(done: int, total: int) -> int:
    """Rounded as course_progress rounds, so the page, the chart and the export agree."""
    return round(100 * done / total) if total else 100


# One learner's history ------------------------------------------------------------------------

@dataclass(frozen=True)
class PostEntry:
    post: Post
    thread: Thread


@dataclass(frozen=True)
class SubmissionEntry:
    submission: Submission
    hidden: bool        # anonymous marking, not graded yet: no dates and no link, as in the queue


@dataclass(frozen=True)
class History:
    learner: User
    progress: CourseProgress
    posts: list[PostEntry]
    submissions: dict[str, list[SubmissionEntry]]     # module slug -> versions sent, oldest first
    drafts: set[str]                                  # modules with a draft being written
    certificates: list[Certificate]                   # newest version first
    edition: Edition | None = None
    moves: list[EditionMove] = field(default_factory=list)
    sessions: list[tuple[LiveSession, Attendance]] = field(default_factory=list)   # attended, oldest first


def get_learner(user_id: int) -> User | None:
    user = db.session.get(User, user_id)
    return user if user is not None and user.is_learner else None


def learner_history(course: Course, user: User) -> History:
    progress = course_progress(course, user)
    posts = [PostEntry(p, t) for p, t in db.session.execute(
        select(Post, Thread).join(Thread, Post.thread_id == Thread.id)
        .where(Post.author_id == user.id).order_by(Post.created_at.desc(), Post.id.desc()))]
    versions = db.session.scalars(
        select(Submission).where(Submission.user_id == user.id)
        .order_by(Submission.module_slug, Submission.version)
        .options(selectinload(Submission.grades).joinedload(GradeEvent.tutor))).all()
    submissions: dict[str, list[SubmissionEntry]] = {}
    drafts = set()
    for s in versions:
        if s.is_draft:   # drafts stay private to their author
            drafts.add(s.module_slug)
            continue
        submissions.setdefault(s.module_slug, []).append(
            SubmissionEntry(s, identity_hidden(s, course.module(s.module_slug))))
    certificates = list(db.session.scalars(select(Certificate).where(Certificate.user_id == user.id)
                                           .order_by(Certificate.version.desc())))
    return History(user, progress, posts, submissions, drafts, certificates, edition=edition_of(user.id),
                   moves=moves_of(user.id), sessions=attendance_of(user.id))
