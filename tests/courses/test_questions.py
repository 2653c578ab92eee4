"""Self-check questions: the file format, its checks in `content check`, and scoring answers."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from courseware.courses.content import load_course
from courseware.courses.questions import parse_number, score
from tests.conftest import FIXTURE_CONTENT
from tests.courses.conftest import problems_of

QFILE = "01-basics/01-first-steps.questions.md"


@pytest.fixture(scope="module")
def questions():
    unit = load_course(FIXTURE_CONTENT).module("basics").unit("first-steps")
    return {q.id: q for q in unit.questions}


def write_questions(root: Path, body: str, name: str = QFILE) -> None:
    (root / name).write_text("---\ntitle: Check\n---\n" + body)


def test_questions_are_attached_to_their_unit_in_order():
    course = load_course(FIXTURE_CONTENT)
    unit = course.module("basics").unit("first-steps")
    assert unit.questions_title == "Check your first steps"
    assert [(q.id, q.type) for q in unit.questions] == [
        ("q-which-service", "single"), ("q-two-way", "multiple"), ("q-v1g-one-way", "true-false"),
        ("q-power", "numeric"), ("q-name-it", "short")]
    assert course.module("basics").unit("second-unit").questions == ()


def test_a_single_choice_question_is_parsed_and_rendered(questions):
    q = questions["q-which-service"]
    assert q.objective == 1 and q.line == 5
    assert q.stem.startswith("A city wants parked cars") and q.stem.endswith("Which service does it need?")
    assert q.stem_html.startswith("<p>A city wants parked cars")
    assert [(o.value, o.text, o.correct) for o in q.options] == [
        ("a", "Smart charging (V1G)", True), ("b", "Vehicle-to-grid (V2G)", False),
        ("c", "Vehicle-to-home (V2H)", False)]
    assert q.options[0].feedback_html == ("Right. Smart charging changes <em>when</em> and how fast a car charges; "
                                          "energy only flows into the car.")
    # Links in feedback go through the course renderer like links in units.
    assert 'href="/modules/practice/applying/"' in q.options[2].feedback_html


def test_numeric_and_short_questions_keep_their_answers(questions):
    power = questions["q-power"]
    assert (power.answer, power.tolerance, power.unit) == (Decimal("22"), Decimal("0.5"), "kW")
    assert power.correct_feedback == "Right: about 22 kW."
    assert questions["q-name-it"].answers == ("V2G", "vehicle-to-grid")


def test_the_loader_does_not_take_questions_or_translations_for_units(tree):
    (tree / "01-basics/02-second-unit.de.md").write_text((tree / "01-basics/02-second-unit.md").read_text())
    units = load_course(tree).module("basics").units
    assert [u.slug for u in units] == ["first-steps", "second-unit"]


GOOD = """
## q-one
type: single
objective: 1

Which one?

- [x] This
  > Right.
- [ ] That
  > No.
"""


@pytest.mark.parametrize("body, expected", [
    (GOOD.replace("type: single", "type: essay"),
     f"{QFILE}:6: unknown question type 'essay'; use one of: single, multiple, true-false, numeric, short"),
    (GOOD.replace("type: single\n", ""),
     f"{QFILE}:5: the question has no 'type:' line"),
    (GOOD.replace("objective: 1\n", ""),
     f"{QFILE}:5: the question has no 'objective:' line; add the number of the objective of 01-first-steps.md "
     "it checks (1)"),
    (GOOD.replace("objective: 1", "objective: 2"),
     f"{QFILE}:7: objective 2 does not exist: 01-first-steps.md has 1 objective; use 1"),
    (GOOD.replace("objective: 1", "objective: first"),
     f"{QFILE}:7: 'objective' must be 1"),
    (GOOD.replace("- [x] This", "- [ ] This"),
     f"{QFILE}:5: a single-choice question needs exactly one right option marked '- [x]'; none is marked"),
    (GOOD.replace("- [ ] That", "- [x] That"),
     f"{QFILE}:5: a single-choice question needs exactly one right option marked '- [x]'; 2 are marked "
     "(use type: multiple for several right options)"),
    (GOOD.replace("type: single", "type: multiple").replace("- [x] This", "- [ ] This"),
     f"{QFILE}:5: a multiple-response question needs at least one right option"),
    (GOOD.replace("type: single", "type: true-false"),
     f"{QFILE}:5: a true-false question has exactly two options, '- [ ] True' then '- [ ] False'"),
    (GOOD.replace("  > No.\n", ""),
     f"{QFILE}:13: option b ('That') has no feedback: on the next line, indented two spaces, write '> '"),
    (GOOD.replace("- [ ] That\n  > No.\n", ""),
     f"{QFILE}:5: a single-choice question needs at least two options"),
    (GOOD + GOOD,
     f"{QFILE}:16: duplicate question id 'q-one' (also {QFILE}:5); question ids must be unique in the module"),
    (GOOD.replace("## q-one", "## Q One"),
     f"{QFILE}:5: the question id 'Q One' is not allowed: use lower-case letters, digits and hyphens"),
    (GOOD.replace("objective: 1", "objective: 1\nweight: 2"),
     f"{QFILE}:8: unknown key 'weight'; the keys are: type, objective, answer, tolerance, unit, answers"),
    (GOOD.replace("objective: 1", "objective: 1\nanswer: 3"),
     f"{QFILE}:8: 'answer' is only for numeric questions; remove it from this single question"),
    (GOOD.replace("type: single", "type: numeric\nanswer: 22 kW").replace(
        "- [x] This\n  > Right.\n- [ ] That\n  > No.\n", "correct: Yes.\nincorrect: No.\n"),
     f"{QFILE}:7: 'answer' must be a number such as 22, 22.5, -3 or 1e3, not '22 kW' (put a unit in 'unit:')"),
    (GOOD.replace("type: single", "type: numeric\nanswer: 22\ntolerance: -1").replace(
        "- [x] This\n  > Right.\n- [ ] That\n  > No.\n", "correct: Yes.\nincorrect: No.\n"),
     f"{QFILE}:8: 'tolerance' must be a number of 0 or more, such as 0.5, not '-1'"),
    (GOOD.replace("type: single", "type: numeric\nanswer: 22").replace(
        "- [x] This\n  > Right.\n- [ ] That\n  > No.\n", "correct: Yes.\n"),
     f"{QFILE}:5: a numeric question needs a line 'incorrect: ...' after the question text, with the feedback "
     "for a wrong answer"),
    (GOOD.replace("type: single", "type: short\nanswers: []").replace(
        "- [x] This\n  > Right.\n- [ ] That\n  > No.\n", "correct: Yes.\nincorrect: No.\n"),
     f"{QFILE}:7: a short-answer question needs 'answers: [first, second]' with at least one accepted answer"),
    (GOOD.replace("type: single", "type: short").replace(
        "- [x] This\n  > Right.\n- [ ] That\n  > No.\n", "correct: Yes.\nincorrect: No.\n"),
     f"{QFILE}:5: a short-answer question needs 'answers: [first, second]'"),
    (GOOD.replace("type: single", "type: numeric\nanswer: 1"),
     f"{QFILE}:12: a numeric question has no options"),
    ("Some words first.\n" + GOOD,
     f"{QFILE}:4: text before the first question: start each question with a line '## <id>'"),
    (GOOD + "Stray text.\n",
     f"{QFILE}:15: unexpected text after the answers"),
    (GOOD.replace("\nWhich one?\n", ""),
     f"{QFILE}:5: the question has no text"),
    ("\n", f"{QFILE}:4: the file has no questions"),
])
def test_broken_questions_are_reported_precisely(tree, body, expected):
    write_questions(tree, body)
    problems = problems_of(tree)
    assert any(p.startswith(expected) for p in problems), problems


def test_a_questions_file_without_its_unit_is_reported(tree):
    write_questions(tree, GOOD, name="01-basics/03-missing.questions.md")
    assert problems_of(tree) == ["01-basics/03-missing.questions.md:1: no unit beside this questions file: it "
                                 "belongs to the unit 03-missing.md, which does not exist; rename it after its "
                                 "unit's file"]


def test_ids_may_repeat_across_modules(tree):
    write_questions(tree, GOOD)
    write_questions(tree, GOOD, name="02-practice/applying.questions.md")
    assert load_course(tree).module("practice").unit("applying").questions[0].id == "q-one"


def test_content_check_reports_question_problems(runner, tree):
    write_questions(tree, GOOD.replace("objective: 1", "objective: 4"))
    result = runner.invoke(args=["content", "check", "--path", str(tree)])
    assert result.exit_code == 1
    assert f"error: {QFILE}:7: objective 4 does not exist" in result.output


# --- scoring ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("22", Decimal("22")), ("22.5", Decimal("22.5")), ("-3", Decimal("-3")), ("1e3", Decimal("1000")),
    (" 7 ", Decimal("7")), ("22,5", None), ("22 kW", None), ("", None), ("1.2.3", None), ("nan", None),
    ("inf", None), ("0x10", None),
])
def test_numbers_in_question_files(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize("value, correct, chosen, missed", [
    (["a"], True, ("a",), ()),
    (["b"], False, ("b",), ("a",)),
    ("a", True, ("a",), ()),
])
def test_scoring_a_single_choice(questions, value, correct, chosen, missed):
    result = score(questions["q-which-service"], value)
    assert (result.correct, result.chosen, result.problem) == (correct, chosen, "")
    options = {o.value: o for o in questions["q-which-service"].options}
    assert result.feedback_html[0] == options[chosen[0]].feedback_html


@pytest.mark.parametrize("value, correct", [
    (["a", "b"], True), (["b", "a"], True), (["a"], False), (["a", "b", "c"], False), (["c"], False),
    (["a", "a", "b"], True),
])
def test_multiple_response_is_right_only_for_exactly_the_right_set(questions, value, correct):
    assert score(questions["q-two-way"], value).correct is correct


def test_choice_feedback_is_that_of_the_ticked_options(questions):
    result = score(questions["q-two-way"], ["a", "c"])
    assert result.chosen == ("a", "c") and result.missed == ("b",) and not result.correct
    # The learner may try again: the feedback of the right option they missed is not given away.
    assert result.feedback_html == ("Right: vehicle-to-grid.", "No: V1G only changes when the car charges.")


@pytest.mark.parametrize("value, problem", [
    ([], "Choose an answer."), ([""], "Choose an answer."), (None, "Choose an answer."),
    (["z"], "That answer is not one of the options; choose from the list."),
    (["a", "b"], "Choose only one answer."),
])
def test_bad_choices_are_refused_with_a_message(questions, value, problem):
    result = score(questions["q-which-service"], value)
    assert (result.correct, result.problem, result.feedback_html) == (False, problem, ())


def test_true_false(questions):
    assert score(questions["q-v1g-one-way"], ["a"]).correct
    result = score(questions["q-v1g-one-way"], ["b"])
    assert not result.correct and result.feedback_html == ("It is V2G that sends energy back.",)


@pytest.mark.parametrize("text, correct", [
    ("22", True), ("22,5", True), (" 22.5 ", True), ("21.5", True), ("22.51", False), ("21", False),
    ("2.2e1", True), ("22 kW", True), ("22kw", True), ("-22", False),
])
def test_numeric_answers(questions, text, correct):
    result = score(questions["q-power"], text)
    assert (result.correct, result.problem) == (correct, "")
    q = questions["q-power"]
    assert result.feedback_html == ((q.correct_feedback_html if correct else q.incorrect_feedback_html),)


@pytest.mark.parametrize("text, problem", [
    ("twenty-two", "Enter a number, such as 22 or 22.5 (the unit, kW, is optional)."),
    ("22.5,1", "Enter a number, such as 22 or 22.5 (the unit, kW, is optional)."),
    ("   ", "Type an answer."),
    ("2" * 10_000, "The answer is too long: use at most 200 characters."),
    (["1", "2"], "Give one answer."),
])
def test_numeric_answers_that_are_not_numbers_are_refused(questions, text, problem):
    result = score(questions["q-power"], text)
    assert (result.correct, result.problem) == (False, problem)


@pytest.mark.parametrize("text, correct", [
    ("V2G", True), ("  v2g ", True), ("Vehicle-to-grid", True), ("vehicle-to-GRID", True), ("V1G", False),
    ("vehicle to grid", False),
])
def test_short_answers_ignore_case_and_spaces(questions, text, correct):
    assert score(questions["q-name-it"], text).correct is correct


def test_short_answers_ignore_repeated_inner_spaces(tree):
    write_questions(tree, GOOD.replace("type: single", "type: short\nanswers: [vehicle to grid]").replace(
        "- [x] This\n  > Right.\n- [ ] That\n  > No.\n", "correct: Yes.\nincorrect: No.\n"))
    q = load_course(tree).module("basics").unit("first-steps").questions[0]
    assert score(q, "  Vehicle   to\tgrid ").correct
    assert score(q, ["vehicle to grid"]).correct
