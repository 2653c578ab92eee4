"""Item analysis on known data: facility, discrimination, wrong options and flags, by hand; the page,
its CSV, and a query count that does not grow with the number of attempts."""
from __future__ import annotations

import csv
import io
import statistics

import pytest
from sqlalchemy import insert

from courseware.courses.content import get_course
from courseware.extensions import db
from courseware.selfchecks.models import SelfCheckAnswer, SelfCheckAttempt
from courseware.selfchecks.stats import item_analysis, point_biserial, rebuild
from tests.factories import make_user
from tests.selfchecks.helpers import CHECK, IDS, RIGHT, WRONG, form_token, text_of

# First attempts of six learners: 1 = right, per question q1..q5 of the fixture's self-check.
FIRST = ["11110", "11110", "11100", "11000", "10001", "10000"]
# What the wrong answers to q2 (multiple: a and b right) are, per learner: options ticked.
Q2_WRONG = {4: ["a", "c"], 5: ["c"]}


def _form(n: int, pattern: str) -> dict:
    data = {f"q{i}": (RIGHT if r == "1" else WRONG)[f"q{i}"] for i, r in enumerate(pattern, start=1)}
    if pattern[1] == "0":
        data["q2"] = Q2_WRONG[n]
    return data


@pytest.fixture
def answered(app, signed_in):
    """Six learners answer through the form; the last one then tries again and gets everything right
    (a later attempt, which item analysis leaves out)."""
    with app.app_context():
        learners = [make_user(role="learner", email=f"item{n}@city.example") for n in range(len(FIRST))]
    for n, (learner, pattern) in enumerate(zip(learners, FIRST)):
        client = signed_in(learner)
        assert client.post(CHECK, data={**_form(n, pattern), "attempt_token": form_token(client)}).status_code == 200
    assert "5 of 5 correct" in text_of(client.post(CHECK, data={**RIGHT, "attempt_token": form_token(client)}))
    return learners


def _items(app):
    with app.test_request_context():
        return {i.question.id: i for i in item_analysis(get_course()).items}


def test_facility_and_discrimination_by_hand(app, answered):
    items = _items(app)
    # q1: everyone right the first time: facility 1, flagged too easy; no spread, so no discrimination.
    assert items[IDS[0]].learners == 6 and items[IDS[0]].facility == 1.0
    assert items[IDS[0]].discrimination is None and items[IDS[0]].flags == ("too easy",)
    # q2: right for the first four. Rest scores (share right of the other four questions):
    # .75 .75 .5 .25 .5 .25; r = 0.25 / sqrt(1.3333 x 0.25) = 0.433.
    assert items[IDS[1]].facility == pytest.approx(4 / 6)
    assert items[IDS[1]].discrimination == pytest.approx(0.4330, abs=1e-4)
    assert items[IDS[1]].flags == ()
    # q5: only learner 5 right, whose rest score (.25) is among the lowest: 1 of 6, too hard, and
    # negative: r = -0.375 / sqrt(0.8333 x 0.59375) = -0.533.
    assert items[IDS[4]].facility == pytest.approx(1 / 6)
    assert items[IDS[4]].discrimination == pytest.approx(-0.5331, abs=1e-4)
    assert items[IDS[4]].flags == ("too hard", "negative discrimination")


def test_discrimination_is_pearsons_r_of_first_answers_and_rest_scores(app, answered):
    """The SQL sums give the same r as computing it directly from the matrix."""
    items = _items(app)
    for q in range(5):
        c = [int(p[q]) for p in FIRST]
        x = [sum(int(p[k]) for k in range(5) if k != q) / 4 for p in FIRST]
        expected = statistics.correlation(c, x) if len(set(c)) > 1 else None
        got = items[IDS[q]].discrimination
        assert (got is None and expected is None) or got == pytest.approx(expected), IDS[q]


def test_wrong_options_count_first_answers(app, answered):
    items = _items(app)
    # q2's wrong option is c, ticked by learners 5 and 6 (one with a, one alone).
    assert [(o.value, o.chosen) for o in items[IDS[1]].wrong_options] == [("c", 2)]
    # q1: nobody chose a wrong option; q3 (true-false): b (False) chosen by 3 learners.
    assert [(o.value, o.chosen) for o in items[IDS[0]].wrong_options] == [("b", 0), ("c", 0)]
    assert [(o.value, o.chosen) for o in items[IDS[2]].wrong_options] == [("b", 3)]
    assert items[IDS[3]].wrong_options == ()            # numeric: no options


def test_point_biserial_needs_enough_pairs_and_spread():
    assert point_biserial(4, 2, 2, 1.5, 1.5) is None                # fewer than 5 learners
    assert point_biserial(5, 5, 2.5, 1.25, 2.5) is None             # everyone right
    assert point_biserial(6, 3, 3, 3, 3) == pytest.approx(1.0)      # c == x


def test_the_page_and_the_csv(app, answered, tutor, signed_in):
    client = signed_in(tutor)
    response = client.get("/tutor/self-checks/")
    assert response.status_code == 200
    page = text_of(response)
    assert "5 questions. 2 are flagged." in page
    assert "Too easy: 1" in page and "Too hard: 1" in page and "Negative discrimination: 1" in page
    assert "point-biserial correlation" in page
    assert "First steps , question 5 q-name-it · objective 1 6 0.17 -0.53" in page
    export = client.get("/tutor/export/self-checks.csv")
    assert export.status_code == 200 and export.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff"))))
    assert [r["question_id"] for r in rows] == list(IDS)
    assert rows[1] == {"module": "basics", "unit": "first-steps", "question": "2", "question_id": "q-two-way",
                       "type": "multiple", "objective": "1", "learners": "6", "facility": "0.67",
                       "discrimination": "0.43", "flags": "", "wrong_options": "c: 2"}
    # A leading minus is written so that spreadsheets do not take it for a formula.
    assert rows[4]["discrimination"] == "'-0.53" and rows[4]["flags"] == "too hard; negative discrimination"


def test_an_empty_course_team_page(app, tutor, signed_in):
    page = text_of(signed_in(tutor).get("/tutor/self-checks/"))
    assert "5 questions. 0 are flagged." in page and "Too easy: 0" in page


def _bulk_attempts(app, learners: int, start: int) -> None:
    """`learners` more learners with two attempts each, inserted directly."""
    with app.app_context():
        users = [make_user(role="learner", email=f"bulk{start + n}@city.example") for n in range(learners)]
        attempts = [{"user_id": u.id, "module_slug": "basics", "unit_slug": "first-steps",
                     "token": f"bulk-token-{start + n}-{k}-padding", "correct": 3, "total": 5}
                    for n, u in enumerate(users) for k in range(2)]
        db.session.execute(insert(SelfCheckAttempt), attempts)
        db.session.flush()
        rows = db.session.query(SelfCheckAttempt.id, SelfCheckAttempt.user_id, SelfCheckAttempt.token).filter(
            SelfCheckAttempt.token.like(f"bulk-token-%")).all()
        answers = [{"attempt_id": a, "user_id": u, "module_slug": "basics", "question_id": q, "position": p + 1,
                    "response": "b" if p == 0 else "a", "correct": (a + p) % 3 != 0, "first": token.endswith("-0-padding")}
                   for a, u, token in rows if token.startswith(tuple(f"bulk-token-{start + n}-" for n in range(learners)))
                   for p, q in enumerate(IDS)]
        db.session.execute(insert(SelfCheckAnswer), answers)
        rebuild()               # as demo data does after its bulk load
        db.session.commit()


def test_the_page_makes_the_same_number_of_queries_whatever_the_attempts(app, tutor, signed_in, count_queries):
    client = signed_in(tutor)
    client.get("/tutor/self-checks/")
    _bulk_attempts(app, 3, 0)
    with count_queries() as few:
        assert client.get("/tutor/self-checks/").status_code == 200
    _bulk_attempts(app, 40, 100)
    with count_queries() as many:
        page = client.get("/tutor/self-checks/")
    assert page.status_code == 200 and "43" in text_of(page)
    assert many.count == few.count
    assert not [s for s in many.statements if "self_check_answer" in s]     # no scan of the answers
    assert sum("_stat" in s for s in many.statements) == 2                  # one row per question and option
    with count_queries() as csv_queries:
        client.get("/tutor/export/self-checks.csv")
    assert csv_queries.count == many.count


def _stored_sums(app):
    from sqlalchemy import select

    from courseware.selfchecks.models import SelfCheckItemStat, SelfCheckOptionStat

    with app.app_context():
        items = {(r.module_slug, r.question_id): (r.learners, r.right, r.pairs, round(r.sum_c, 6), round(r.sum_x, 6),
                                                  round(r.sum_xx, 6), round(r.sum_cx, 6))
                 for r in db.session.scalars(select(SelfCheckItemStat))}
        options = {(r.module_slug, r.question_id, r.option_value): r.chosen
                   for r in db.session.scalars(select(SelfCheckOptionStat))}
    # A question or an option nobody is counted for any more is the same as none.
    return ({k: v for k, v in items.items() if v[0]}, {k: v for k, v in options.items() if v})


def test_the_running_sums_agree_with_a_recount_from_the_answers(app, answered, signed_in):
    """Sums kept attempt by attempt (and after an account is erased) equal those rebuilt from the answers."""
    from tests.factories import DEFAULT_PASSWORD

    kept = _stored_sums(app)
    with app.app_context():
        rebuild()
        db.session.commit()
    assert _stored_sums(app) == kept and kept[0][("basics", IDS[1])][:3] == (6, 4, 6)
    # Learner 3 leaves; the others' rest scores are unchanged, their terms stay, learner 3's go.
    assert signed_in(answered[2]).post("/account/delete", data={"password": DEFAULT_PASSWORD}).status_code == 302
    kept = _stored_sums(app)
    assert kept[0][("basics", IDS[1])][:3] == (5, 3, 5)
    with app.app_context():
        rebuild()
        db.session.commit()
    assert _stored_sums(app) == kept
