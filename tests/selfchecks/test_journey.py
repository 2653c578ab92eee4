"""The learner's side of self-checks, through HTTP: the form, the answer page, trying again, scores."""
from __future__ import annotations

import re

from sqlalchemy import select

from courseware.extensions import db
from courseware.selfchecks.models import SelfCheckAnswer, SelfCheckAttempt
from tests.selfchecks.helpers import CHECK, IDS, RIGHT, UNIT, answers, attempt_count, form_token, text_of


def test_the_unit_page_ends_with_the_self_check_form(app, learner, signed_in):
    """Is the form what SPEC 8.1 fixes: one POST to .../check, inputs q1..qN, options a, b, c in order?"""
    html = signed_in(learner).get(UNIT).get_data(as_text=True)
    assert 'id="self-check"' in html and "Check your first steps" in html
    forms = re.findall(r'<form method="post" action="([^"]+)" class="self-check-form"', html)
    assert forms == [CHECK]
    assert re.findall(r'name="(q\d+)"', html) == ["q1"] * 3 + ["q2"] * 3 + ["q3"] * 2 + ["q4", "q5"]
    assert re.findall(r'name="q1" value="(\w)"', html) == ["a", "b", "c"]
    assert html.count('type="checkbox" id="sc-q2-') == 3 and html.count('type="radio" id="sc-q1-') == 3
    assert '<input type="text" class="short-input" id="sc-q4" name="q4"' in html
    # Fieldsets with legends, every input labelled.
    assert html.count("<fieldset class=\"question\"") == 5 and "<legend>Question 1 of 5</legend>" in html
    assert html.count('<label for="sc-q') == 10
    # The questions come after the unit text and before "Finished reading?".
    assert html.index("self-check-form") < html.index("complete-title")


def test_a_unit_without_questions_has_no_self_check(app, learner, signed_in):
    client = signed_in(learner)
    assert "self-check-form" not in client.get("/modules/basics/second-unit/").get_data(as_text=True)
    assert client.post("/modules/basics/second-unit/check", data=RIGHT).status_code == 404


def test_staff_see_a_link_to_item_analysis_instead_of_the_form(app, tutor, signed_in):
    html = signed_in(tutor).get(UNIT).get_data(as_text=True)
    assert "self-check-form" not in html
    assert 'href="/tutor/self-checks/#basics"' in html


def test_answer_see_feedback_try_again_and_see_best_and_latest(app, learner, signed_in):
    """Can a learner answer, read why each answer is right or wrong, try again and see best and latest?"""
    client = signed_in(learner)
    response = client.post(CHECK, data={**answers("10110"), "attempt_token": form_token(client)})
    assert response.status_code == 200
    page = text_of(response)
    assert "3 of 5 correct (60%)" in page
    # Each answer is marked, and the feedback of what was chosen is under every question.
    assert page.count("not right") == 2 and page.count("Question ") >= 5
    assert "Right. Smart charging changes when and how fast a car charges" in page       # q1, option a
    assert "It is V2G that sends energy back." not in page                               # q3 was right
    assert "No: V1G only changes when the car charges." in page                          # q2, ticked c
    assert "You left out at least one right answer." in page                             # q2 missed a, b
    assert "Right: about 22 kW." in page                                                 # q4
    assert "It is vehicle-to-grid (V2G)." in page                                        # q5 wrong
    assert 'href="/modules/basics/first-steps/#self-check"' in response.get_data(as_text=True)

    # Try again: better, then worse. Best is the best attempt, latest the last one.
    assert "5 of 5 correct" in text_of(client.post(CHECK, data={**RIGHT, "attempt_token": form_token(client)}))
    page = text_of(client.post(CHECK, data={**answers("00001"), "attempt_token": form_token(client)}))
    assert "1 of 5 correct (20%)" in page
    assert "Your best score: 5 of 5 correct (100%). Latest: 1 of 5 correct (20%)" in page
    assert "3 attempts in all." in page
    assert attempt_count(app, learner.id) == 3

    # The same on the unit, the module outline and /progress/.
    assert "Your best score: 5 of 5 correct (100%). Latest: 1 of 5 correct (20%)" in text_of(client.get(UNIT))
    assert "self-check: best 100%, latest 20%" in text_of(client.get("/modules/basics/"))
    progress = text_of(client.get("/progress/"))
    assert "Self-checks" in progress and "First steps (Basics) 5 of 5 (100%) 1 of 5 (20%) 3" in progress


def test_every_attempt_is_kept_with_its_answers_and_first_answers_marked(app, learner, signed_in):
    client = signed_in(learner)
    client.post(CHECK, data={**answers("10110"), "attempt_token": form_token(client)})
    client.post(CHECK, data={**RIGHT, "attempt_token": form_token(client)})
    with app.app_context():
        attempts = db.session.scalars(select(SelfCheckAttempt).order_by(SelfCheckAttempt.id)).all()
        assert [(a.correct, a.total, a.unit_slug) for a in attempts] == [(3, 5, "first-steps"), (5, 5, "first-steps")]
        rows = db.session.execute(select(SelfCheckAnswer.attempt_id, SelfCheckAnswer.question_id,
                                         SelfCheckAnswer.response, SelfCheckAnswer.correct, SelfCheckAnswer.first)
                                  .order_by(SelfCheckAnswer.attempt_id, SelfCheckAnswer.position)).all()
    first, second = attempts[0].id, attempts[1].id
    assert rows == [(first, IDS[0], "a", True, True), (first, IDS[1], "c", False, True),
                    (first, IDS[2], "a", True, True), (first, IDS[3], "22", True, True),
                    (first, IDS[4], "V1G", False, True),
                    (second, IDS[0], "a", True, False), (second, IDS[1], "a,b", True, False),
                    (second, IDS[2], "a", True, False), (second, IDS[3], "22", True, False),
                    (second, IDS[4], "V2G", True, False)]


def test_a_double_submit_stores_one_attempt(app, learner, signed_in):
    """Sending the same form twice (a double click, a reload of the answer page) stores it once."""
    client = signed_in(learner)
    data = {**answers("11100"), "attempt_token": form_token(client)}
    first, again = client.post(CHECK, data=data), client.post(CHECK, data=data)
    assert first.status_code == again.status_code == 200
    assert "3 of 5 correct" in text_of(again) and "This form was already sent" in text_of(again)
    assert "This form was already sent" not in text_of(first)
    assert attempt_count(app, learner.id) == 1
    # A new form is a new attempt.
    client.post(CHECK, data={**RIGHT, "attempt_token": form_token(client)})
    assert attempt_count(app, learner.id) == 2


def test_another_persons_form_token_stores_nothing(app, learner, other_learner, signed_in):
    client, other = signed_in(learner), signed_in(other_learner)
    token = form_token(client)
    assert client.post(CHECK, data={**RIGHT, "attempt_token": token}).status_code == 200
    response = other.post(CHECK, data={**RIGHT, "attempt_token": token})
    assert response.status_code == 422 and "The form could not be read" in text_of(response)
    assert attempt_count(app, other_learner.id) == 0 and attempt_count(app) == 1


def test_the_answer_page_needs_no_token(app, learner, signed_in):
    """A form without the one-time token (another client) is marked and stored; only a repeat is not
    recognised as one."""
    client = signed_in(learner)
    assert "5 of 5 correct" in text_of(client.post(CHECK, data=RIGHT))
    client.post(CHECK, data=RIGHT)
    assert attempt_count(app, learner.id) == 2


def test_the_form_and_the_answer_page_make_a_fixed_number_of_queries(app, learner, signed_in, count_queries):
    """Whatever the number of earlier attempts: one for scores, one to store the attempt, one for its answers."""
    client = signed_in(learner)
    counts = []
    for n in range(6):
        if n == 5:
            for _ in range(20):
                client.post(CHECK, data=RIGHT)
        with count_queries() as unit_page:
            client.get(UNIT)
        with count_queries() as answer_page:
            assert client.post(CHECK, data=RIGHT).status_code == 200
        counts.append((unit_page.count, answer_page.count))
    assert len(set(counts[1:])) == 1, counts
    assert counts[-1][1] <= 8
    assert sum("INSERT INTO self_check_answer" in s for s in answer_page.statements) == 1
