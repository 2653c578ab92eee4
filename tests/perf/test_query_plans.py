"""The busy pages' queries read an index in the page's order and stop after one page, instead of
sorting or grouping every row: checked with the database's own plan (EXPLAIN QUERY PLAN on SQLite;
EXPLAIN on PostgreSQL, with sequential scans and sorts discouraged, since a test database is too
small for the planner to prefer an index by itself: what is checked is that a usable index exists)."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from courseware.core.time import utcnow
from courseware.core.site import current_site
from courseware.accounts.models import User
from courseware.assignments.models import Submission
from courseware.assignments.queue import ALL, QueueFilters, grading_queue, learner_organisations
from courseware.courses.content import get_course
from courseware.extensions import db
from courseware.forums import queries
from courseware.forums import service as forum_service
from courseware.forums.models import Thread


@pytest.fixture
def plans(app, count_queries):
    """`plans(call)`: the plan of every SELECT that `call()` sends, one text per statement."""
    def explain(call) -> list[str]:
        with app.app_context():
            with count_queries() as sent:
                call()
            raw = db.session.connection().connection.dbapi_connection
            cursor = raw.cursor()
            texts = []
            for statement, parameters in zip(sent.statements, sent.parameters):
                if not statement.lstrip().upper().startswith(("SELECT", "WITH")):
                    continue
                if db.engine.dialect.name == "postgresql":
                    cursor.execute("SET LOCAL enable_seqscan = off")
                    cursor.execute("SET LOCAL enable_sort = off")
                    cursor.execute("EXPLAIN " + statement, parameters)
                else:
                    cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)
                texts.append("\n".join(str(row[-1]) for row in cursor.fetchall()))
            db.session.rollback()
            return texts
    return explain


def sorts(plan: str) -> bool:
    """Whether the plan sorts rows itself (SQLite's temporary B-tree, PostgreSQL's Sort node)."""
    return "TEMP B-TREE FOR ORDER BY" in plan or re.search(r"^\s*(->\s*)?Sort\b", plan, re.M) is not None


def test_grading_queue_reads_the_queue_index_in_order(plans):
    """Do the default queue, the "any status" queue and the module filter walk an index in queue
    order (so a page stops after 51 rows) and probe newer versions by index?"""
    for filters in (QueueFilters(), QueueFilters(status=ALL), QueueFilters(module="basics")):
        [plan] = plans(lambda: grading_queue(current_site(), get_course(), filters, utcnow()))
        assert "ix_submission_status_submitted_id" in plan or "ix_submission_submitted_id" in plan, plan
        # The probe for a newer version: by the learner's rows (unique (user, module, version), or user_id).
        assert re.search(r"uq_submission_user_module_version|sqlite_autoindex_submission|ix_submission_user_id",
                         plan), plan
        assert not sorts(plan), plan


def test_organisation_list_and_filter_use_the_organisation_index(plans):
    """Is the list of organisations read in order from an index, and does the organisation filter
    find its learners through it?"""
    [plan] = plans(learner_organisations)
    # A skip scan: every step seeks the next organisation in the index; only the few names found are
    # sorted, never the learners' rows (no full scan of the accounts).
    assert "ix_user_organisation_role" in plan, plan
    assert re.search(r"SEARCH user USING COVERING INDEX ix_user_organisation_role \(organisation>\?\)|"
                     r"Index Only Scan using ix_user_organisation_role", plan), plan
    assert not re.search(r"SCAN user\b|Seq Scan on \"?user\"?", plan), plan
    [plan] = plans(lambda: grading_queue(current_site(), get_course(), QueueFilters(organisation="City of Utrecht"), utcnow()))
    assert "ix_user_organisation_role" in plan or "ix_submission_status_submitted_id" in plan, plan


def test_thread_list_and_thread_page_read_their_indexes(app, learner, plans):
    """Does the thread list read (module, pinned, last activity) in order, without counting posts,
    and the thread page the posts of one thread by (thread_id, id)?"""
    with app.app_context():
        viewer = db.session.get(User, learner.id)
        post = forum_service.start_thread(current_site(), viewer, get_course().module("basics"), "A question", "Why?")
        db.session.commit()
        thread = db.session.get(Thread, post.thread_id)

    def thread_list():
        queries.thread_page("basics", db.session.merge(viewer), 1)

    count, page = plans(thread_list)[-2:]     # after loading the viewer
    assert "ix_forum_thread_module_activity" in count + page
    assert "ix_forum_thread_module_activity" in page and "forum_post" not in page, page
    count, posts = plans(lambda: queries.post_page(db.session.merge(thread), 1, None))[-2:]
    assert "ix_forum_post_thread_created" in count, count
    assert "ix_forum_post_thread_created" in posts and not sorts(posts), posts


def test_queue_shows_only_the_latest_sent_version(app, learner, tutor, signed_in):
    """After v1 and v2 were both sent back for revision and v3 is a draft, does the queue list v2
    alone, under every filter that matches it, and nothing as waiting?"""
    learner_client, tutor_client = signed_in(learner), signed_in(tutor)
    for body in ("First version", "Second version"):
        assert learner_client.post("/modules/basics/assignment/", data={"body": body}).status_code == 302
        with app.app_context():
            latest = db.session.scalar(select(Submission.id).where(Submission.user_id == learner.id)
                                       .order_by(Submission.version.desc()).limit(1))
        assert tutor_client.post(f"/tutor/submissions/{latest}/", data={"decision": "revise",
                                                                         "feedback": "Say more."}).status_code == 302
    assert learner_client.post("/modules/basics/assignment/", data={"body": "Third, unfinished",
                                                             "save_draft": "1"}).status_code == 302
    with app.app_context():
        versions = {row.version: row.status for row in db.session.scalars(
            select(Submission).where(Submission.user_id == learner.id))}
        assert versions == {1: "needs revision", 2: "needs revision", 3: "draft"}
        for filters in (QueueFilters(status=ALL), QueueFilters(status="needs revision"),
                        QueueFilters(status=ALL, module="basics")):
            rows, more = grading_queue(current_site(), get_course(), filters, utcnow())
            assert [(r.submission.version, r.submission.status) for r in rows] == [(2, "needs revision")]
            assert not more
        assert grading_queue(current_site(), get_course(), QueueFilters(), utcnow())[0] == []


def test_the_organisation_list_names_each_learners_organisation_once_in_order(app):
    """Does the skip scan find exactly the organisations of learners (not of tutors, not empty), each once,
    in order?"""
    from tests.factories import make_user

    with app.app_context():
        for organisation in ("Zwolle", "Aachen", "Zwolle", "", "Lyon", "Aachen"):
            make_user(organisation=organisation)
        make_user(role="tutor", organisation="Only Tutors Here")
        assert learner_organisations() == ["Aachen", "Lyon", "Zwolle"]
