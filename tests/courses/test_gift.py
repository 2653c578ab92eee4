"""GIFT (Moodle's question format) both ways: the parser on tricky input, refusals, and a round trip."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from courseware.courses.content import load_course
from courseware.courses.gift import GiftError, export_gift, import_gift, parse_gift
from tests.conftest import FIXTURE_CONTENT

QFILE = "01-basics/01-first-steps.questions.md"


def parse(text: str, objectives: int = 3):
    found, problems = parse_gift(text, "bank.gift", objectives, "01-first-steps.md")
    return [i.question for i in found], problems


def parse_one(text: str, objectives: int = 3):
    questions, problems = parse(text, objectives)
    assert problems == [] and len(questions) == 1, problems
    return questions[0]


def refusal(text: str, objectives: int = 3) -> list[str]:
    questions, problems = parse(text, objectives)
    assert problems, questions
    return problems


def import_text(root: Path, text: str, module: str = "practice", unit: str = "applying"):
    gift = root.parent / "bank.gift"
    gift.write_bytes(text.encode("utf-8"))
    return import_gift(root, load_course(root), module, unit, gift, "bank.gift", load=load_course)


# --- the parser --------------------------------------------------------------------------------------

def test_a_single_choice_question_with_title_feedback_and_comments():
    q = parse_one("""// A comment before the question
// objective: 2
::q-grant:: Who is buried in Grant's tomb? {
    // a comment among the answers
    ~Grant #He is not.
    =No one #Right: he is entombed, not buried.
    ~Jefferson #Wrong tomb.
}
""")
    assert (q.id, q.type, q.objective) == ("q-grant", "single", 2)
    assert q.stem == "Who is buried in Grant's tomb?"
    assert [(o.value, o.text, o.correct, o.feedback) for o in q.options] == [
        ("a", "Grant", False, "He is not."), ("b", "No one", True, "Right: he is entombed, not buried."),
        ("c", "Jefferson", False, "Wrong tomb.")]


def test_escaped_characters_are_literal():
    q = parse_one(r"""::q-escapes::[markdown]Is 1 \= 1 \{really\} \~ and \# and a\: b and a \\ backslash?{
=Yes\: 1 \= 1#Right\: equal \#1.
~No \~ never#It is \{equal\}.
}""")
    assert q.stem == r"Is 1 = 1 {really} ~ and # and a: b and a \ backslash?"
    assert q.options[0].text == "Yes: 1 = 1" and q.options[0].feedback == "Right: equal #1."
    assert q.options[1].text == "No ~ never" and q.options[1].feedback == "It is {equal}."


def test_escaped_line_breaks_and_multi_line_questions():
    q = parse_one("::q-lines::[markdown]First paragraph\\n\nsecond paragraph\nstill the second.{\n"
                  "=Right\\nacross lines#Yes.\n~Wrong#No.}")
    assert q.stem == "First paragraph\n\nsecond paragraph\nstill the second."
    assert q.options[0].text == "Right\nacross lines"


def test_windows_line_endings_and_a_byte_order_mark():
    text = "\ufeff// objective: 1\r\n::q-crlf::[markdown]Question\r\nacross lines?{\r\n=Yes#Right.\r\n~No#Wrong.\r\n}\r\n\r\n"
    q = parse_one(text)
    assert q.stem == "Question\nacross lines?" and [o.text for o in q.options] == ["Yes", "No"]


def test_blank_lines_separate_questions_and_categories_are_skipped():
    questions, problems = parse("""$CATEGORY: $course$/top/basics/first-steps

::q-one::One?{=A#a ~B#b}


::q-two::Two?{TRUE#Wrong.#Right.}
""")
    assert problems == [] and [q.id for q in questions] == ["q-one", "q-two"]


def test_plain_text_becomes_markdown_that_shows_the_same_characters():
    q = parse_one("::q-plain::[plain]Is 2*3 the [answer] for a_b?{=Yes#*Right*. ~No#Wrong.}")
    assert q.stem == r"Is 2\*3 the \[answer\] for a\_b?"
    assert q.options[0].feedback == r"\*Right\*."
    assert parse_one("::q-md::[markdown]Is **this** bold?{=Yes#*Right*. ~No#Wrong.}").options[0].feedback == "*Right*."


def test_titles_that_are_not_ids_become_ids():
    assert parse_one("::Question 1 (V2G)::Which?{=A#a ~B#b}").id == "question-1-v2g"


def test_multiple_response_with_weights():
    q = parse_one("::q-multi::Which send power back?{~%50%V2G#Yes. ~%50%V2H#Yes. ~%-100%V1G#No.}")
    assert q.type == "multiple" and [o.correct for o in q.options] == [True, True, False]
    q = parse_one("::q-thirds::Pick three{~%33.33333%A#a ~%33.33333%B#b ~%33.33333%C#c ~%-100%D#d}")
    assert [o.correct for o in q.options] == [True, True, True, False]


def test_true_false_feedback_goes_to_the_right_options():
    q = parse_one("::q-tf::V1G is one-way.{TRUE#No, it is one-way.#Right, into the car only.}")
    assert [(o.text, o.correct, o.feedback) for o in q.options] == [
        ("True", True, "Right, into the car only."), ("False", False, "No, it is one-way.")]
    q = parse_one("::q-tf::V2G is one-way.{F#It is two-way.#Right: V2G is two-way.}")
    assert [(o.text, o.correct, o.feedback) for o in q.options] == [
        ("True", False, "It is two-way."), ("False", True, "Right: V2G is two-way.")]


@pytest.mark.parametrize("answers, answer, tolerance", [
    ("#22", Decimal("22"), Decimal("0")),
    ("#22:0.5", Decimal("22"), Decimal("0.5")),
    ("#21.5..22.5", Decimal("22"), Decimal("0.5")),
    ("#-3:1", Decimal("-3"), Decimal("1")),
    ("#1e3:10", Decimal("1000"), Decimal("10")),
    ("#=22:1 =%100%23:1", Decimal("22.5"), Decimal("1.5")),     # overlapping right answers: one range
    ("#=20..22 =22..25", Decimal("22.5"), Decimal("2.5")),
])
def test_numeric_answers_tolerances_and_ranges(answers, answer, tolerance):
    fb = "#Right." if "=" not in answers else ""
    text = answers.replace(" =", "#Right. =") + ("#Right." if "=" in answers else fb)
    q = parse_one(f"// unit: kW\n::q-num::How much?{{{text} ~#Wrong.}}")
    assert (q.type, q.answer, q.tolerance, q.unit) == ("numeric", answer, tolerance, "kW")
    assert (q.correct_feedback, q.incorrect_feedback) == ("Right.", "Wrong.")


def test_short_answers_with_feedback_for_other_answers():
    q = parse_one("::q-short::Name it.{=V2G#Right. =vehicle  to grid#Right. =%0%*#It is V2G.}")
    assert (q.type, q.answers) == ("short", ("V2G", "vehicle to grid"))
    assert (q.correct_feedback, q.incorrect_feedback) == ("Right.", "It is V2G.")


def test_objective_comments_are_read_and_checked():
    found, _ = parse_gift("::q-a::A?{=A#a ~B#b}\n\n// objective: 3\n::q-b::B?{=A#a ~B#b}", "bank.gift", 3, "u.md")
    assert [(i.question.objective, i.objective_given) for i in found] == [(1, False), (3, True)]
    assert refusal("// objective: 4\n::q-a::A?{=A#a ~B#b}") == [
        "bank.gift:2: '// objective: 4' names no objective of 01-first-steps.md, which has 3; use a number from 1 to 3"]


@pytest.mark.parametrize("text, expected", [
    ("::q-essay::Write about V2G.{}", "bank.gift:1: an essay question ({}) cannot be imported"),
    ("::q-match::Match.{=a -> 1 =b -> 2}", "bank.gift:1: a matching question (=a -> b) cannot be imported"),
    ("::q-gap::V2G {=sends ~takes} power back.", "bank.gift:1: text after the answers (a missing-word question)"),
    ("::q-desc::Just a description.", "bank.gift:1: no answers in { }"),
    ("::q-open::Which?{=A#a\n~B#b", "bank.gift:1: the answers opened with { are not closed with }"),
    ("::q-nested::Which?{=A{#a ~B#b}", "bank.gift:1: a second { inside the answers"),
    ("Which?{=A#a ~B#b}", "bank.gift:1: the question has no title: start it with ::<id>::"),
    ("::q-open-title Which?{=A#a ~B#b}", "bank.gift:1: the title opened with '::' is not closed with '::'"),
    ("::q-html::[html]<p>Which?</p>{=A#a ~B#b}", "bank.gift:1: HTML text ([html]) is not imported"),
    ("::q-tags::<b>Which?</b>{=A#a ~B#b}", "bank.gift:1: the text contains HTML tags"),
    ("::q-partial::Which?{=A#a ~%50%B#b}", "bank.gift:1: partial credit (~%50%) cannot be imported"),
    ("::q-two-right::Which?{=A#a =B#b ~C#c}", "bank.gift:1: several right answers (=) in one question"),
    ("::q-nofb::Which?{=A#a\n~B}", "bank.gift:2: the answer 'B' has no feedback"),
    ("::q-sum::Which?{~%50%A#a ~%40%B#b ~%-100%C#c}", "the right answers' weights add up to 90%, not 100%"),
    ("::q-zero::Which?{~%50%A#a ~%50%B#b ~C#c}", "bank.gift:1: the wrong answer 'C' needs a negative weight"),
    ("::q-none::Which?{~A#a ~B#b}", "bank.gift:1: no right answer"),
    ("::q-tf::True?{TRUE#Only one.}", "bank.gift:1: a true/false question needs both feedbacks"),
    ("::q-num::How much?{#22#Right.}", "the numeric question has no feedback for a wrong answer"),
    ("::q-num::How much?{#=22#Right. =%50%23#Close. ~#No.}", "partial credit (=50%) cannot be imported"),
    ("::q-num::How much?{#=22#Right. =30#Right. ~#No.}", "the right answers are separate ranges"),
    ("::q-num::How much?{#twenty#Right. ~#No.}", "the numeric answer 'twenty' must be a number"),
    ("::q-num::How much?{#25..20#Right. ~#No.}", "the numeric range '25..20' must be {#minimum..maximum}"),
    ("::q-short::Name it.{=V2G#Right.}", "the short-answer question has no feedback for other answers"),
    ("::q-short::Name it.{=V2G#Right. =%50%V2X#Half. =%0%*#No.}", "partial credit (=50%) cannot be imported"),
    ("::q-short::Name it.{=V2G#Right. =vehicle-to-grid#Yes! =%0%*#No.}",
     "every accepted short answer needs the same feedback"),
    ("::q-general::Which?{=A#a ~B#b ####General feedback.}", "general feedback (####) cannot be imported"),
    ("$CATEGORY: top/x\n::q-a::A?{=A#a ~B#b}", "bank.gift:1: put a blank line after the $CATEGORY line"),
])
def test_what_the_platform_cannot_represent_is_refused_with_file_and_line(text, expected):
    problems = refusal(text)
    assert any(expected in p for p in problems), problems


def test_line_numbers_point_into_multi_line_questions():
    problems = refusal("// objective: 1\n::q-a::First?{=A#a ~B#b}\n\n::q-b::Second\nquestion?{\n=A#a\n~B\n~C#c\n}")
    assert problems == ["bank.gift:7: the answer 'B' has no feedback: add '#' and why it is right, or why it is "
                        "tempting and what the unit says instead"]


# --- export, import and the round trip ---------------------------------------------------------------

def test_export_writes_categories_titles_objectives_and_weights():
    gift = export_gift(load_course(FIXTURE_CONTENT))
    assert "$CATEGORY: $course$/top/basics/first-steps\n" in gift
    assert "// objective: 1\n::q-which-service::[markdown]A city wants" in gift
    assert "\t=Smart charging (V1G)#Right. Smart charging changes *when*" in gift
    assert "\t~%50%V2G#Right\\: vehicle-to-grid.\n\t~%50%V2H#Right\\: vehicle-to-home.\n\t~%-100%V1G#" in gift
    assert "{TRUE\n\t#It is V2G that sends energy back.\n\t#Right\\: into the car.\n}" in gift
    assert "// unit: kW\n::q-power::[markdown]What is the highest power" in gift
    assert "{#\n\t=22:0.5#Right\\: about 22 kW.\n\t~#Not quite." in gift
    assert "\t=V2G#Right.\n\t=vehicle-to-grid#Right.\n\t=%0%*#It is vehicle-to-grid (V2G).\n}" in gift
    assert export_gift(load_course(FIXTURE_CONTENT), "practice").count("::") == 0


def test_round_trip_export_import_gives_identical_questions(tree):
    original = load_course(tree).module("basics").unit("first-steps").questions
    gift = export_gift(load_course(tree), "basics")
    (tree / QFILE).unlink()
    result = import_text(tree, gift, module="basics", unit="first-steps")
    assert len(result.questions) == 5 and all(i.objective_given for i in result.questions)
    assert load_course(tree).module("basics").unit("first-steps").questions == original


TRICKY = r"""---
title: Tricky
---

## q-tricky-single
type: single
objective: 1

A stem with *Markdown*, special characters ~ = # { } : \ and a [link](../01-basics/02-second-unit.md).

// This line starts like a GIFT comment.

- A list item
- Another item

- [ ] An option
  that goes on
  > Feedback with a second paragraph:
  >
  >   indented text.
- [x] The right option: {yes} = #1 ~ ok
  > Right.

## q-tricky-multiple
type: multiple
objective: 1

Tick three.

- [x] A
  > a
- [x] B
  > b
- [x] C
  > c
- [ ] D
  > d

## q-all-right
type: multiple
objective: 1

Tick all.

- [x] A
  > a
- [x] B
  > b

## q-tricky-false
type: true-false
objective: 1

It is false.

- [ ] True
  > No.
- [x] False
  > Right.

## q-tricky-numeric
type: numeric
objective: 1
answer: -1e3
tolerance: 2.5

How much?

correct: Yes: -1000 give or take 2.5.
incorrect: No
  across lines.

## q-tricky-short
type: short
objective: 1
answers: [ISO 15118-20, "Yes, always", 'single ''quote''', "a: b"]

Name it.

correct: Right.
incorrect: No.
"""


def test_round_trip_of_tricky_questions(tree):
    (tree / "02-practice/applying.questions.md").write_text(TRICKY)
    original = load_course(tree).module("practice").unit("applying").questions
    assert original[-1].answers == ("ISO 15118-20", "Yes, always", "single 'quote'", "a: b")
    gift = export_gift(load_course(tree), "practice")
    (tree / "02-practice/applying.questions.md").unlink()
    import_text(tree, gift)
    assert load_course(tree).module("practice").unit("applying").questions == original


def test_import_appends_to_an_existing_file(tree):
    result = import_text(tree, "// objective: 1\n::q-new::New?{=Yes#Right. ~No#Wrong.}")
    assert result.path == tree / "02-practice/applying.questions.md"
    import_text(tree, "::q-newer::Newer?{=Yes#Right. ~No#Wrong.}")
    questions = load_course(tree).module("practice").unit("applying").questions
    assert [q.id for q in questions] == ["q-new", "q-newer"]
    text = (tree / "02-practice/applying.questions.md").read_text()
    assert text.startswith("---\ntitle: Check your understanding\n---\n\n## q-new\ntype: single\nobjective: 1\n")


def test_a_refused_question_means_nothing_is_written(tree):
    before = (tree / QFILE).read_text()
    with pytest.raises(GiftError) as info:
        import_text(tree, "::q-fine::Fine?{=Yes#Right. ~No#Wrong.}\n\n::q-essay::Essay?{}", "basics", "first-steps")
    assert info.value.problems == ["bank.gift:3: an essay question ({}) cannot be imported: the platform marks every "
                                   "answer itself"]
    assert (tree / QFILE).read_text() == before
    assert not (tree / "02-practice/applying.questions.md").exists()


def test_ids_already_used_in_the_module_are_refused(tree):
    with pytest.raises(GiftError) as info:
        import_text(tree, "::q-power::Again?{=Yes#Right. ~No#Wrong.}", "basics", "second-unit")
    assert info.value.problems == [f"bank.gift:1: the question id 'q-power' is already used in module 'basics' "
                                   f"({QFILE}:43): give the question another title"]
    with pytest.raises(GiftError) as info:
        import_text(tree, "::q-a::A?{=Yes#Right. ~No#Wrong.}\n\n::q-a::A again?{=Yes#Right. ~No#Wrong.}")
    assert "bank.gift:3: the question id 'q-a' is already used" in info.value.problems[0]
    assert not (tree / "01-basics/02-second-unit.questions.md").exists()


def test_a_question_the_loader_would_reject_is_not_written(tree):
    with pytest.raises(GiftError) as info:
        import_text(tree, "::q-link::[markdown]See [this](missing.md).{=Yes#Right. ~No#Wrong.}")
    assert any("broken link to 'missing.md'" in p for p in info.value.problems), info.value.problems
    assert not (tree / "02-practice/applying.questions.md").exists()


def test_a_stem_line_that_would_start_a_question_is_refused(tree):
    with pytest.raises(GiftError) as info:
        import_text(tree, "::q-head::[markdown]Intro\n## Heading\nWhich?{=Yes#Right. ~No#Wrong.}")
    assert "bank.gift:1: a line of the question text starts with '##'" in info.value.problems[0]


def test_unknown_module_or_unit(tree):
    with pytest.raises(GiftError, match="no module 'nope'; the modules are: basics, practice"):
        import_text(tree, "", module="nope")
    with pytest.raises(GiftError, match="no unit 'nope' in module 'practice'; its units are: applying"):
        import_text(tree, "", unit="nope")


# --- the commands ------------------------------------------------------------------------------------

def test_export_gift_command(runner):
    result = runner.invoke(args=["content", "export-gift", "--module", "basics", "--path", str(FIXTURE_CONTENT)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("// Self-check questions of \"Fixture course\"")
    assert "::q-name-it::" in result.output
    result = runner.invoke(args=["content", "export-gift", "--module", "nope", "--path", str(FIXTURE_CONTENT)])
    assert result.exit_code == 1 and "no module 'nope'; the modules are: basics, practice" in result.output


def test_import_gift_command(runner, tree):
    gift = tree.parent / "bank.gift"
    gift.write_text("::q-cli::From the command line?{=Yes#Right. ~No#Wrong.}\n")
    result = runner.invoke(args=["content", "import-gift", str(gift), "--module", "practice", "--unit", "applying",
                                 "--path", str(tree)])
    assert result.exit_code == 0, result.output
    assert "Added 1 question(s) to 02-practice/applying.questions.md." in result.output
    assert "These have objective 1 because the GIFT file did not say" in result.output and "q-cli" in result.output
    gift.write_text("::q-bad::Essay?{}\n")
    result = runner.invoke(args=["content", "import-gift", str(gift), "--module", "practice", "--unit", "applying",
                                 "--path", str(tree)])
    assert result.exit_code == 1
    assert f"error: {gift}:1: an essay question" in result.output
    assert f"nothing was imported from {gift}" in result.output


def test_every_question_of_the_real_course_survives_gift():
    from courseware.courses.gift import _markdown_fields, export_question
    from tests.conftest import REAL_CONTENT

    course = load_course(REAL_CONTENT)
    for unit in course.units:
        for q in unit.questions:
            found, problems = parse_gift(export_question(q), "real.gift", len(unit.objectives))
            assert problems == [] and [i.question for i in found] == [_markdown_fields(q)], (q.source, q.id)
