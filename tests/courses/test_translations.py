"""Translations of the course text: loading, falling back to English, and checking against the original."""
from __future__ import annotations

from pathlib import Path

import pytest

from courseware.courses.content import get_course, load_course
from courseware.courses.translations import translation_of
from tests.conftest import FIXTURE_CONTENT
from tests.courses.conftest import problems_of

UNIT = "01-basics/01-first-steps.md"
QUESTIONS = "01-basics/01-first-steps.questions.md"


def translate(root: Path, rel: str, language: str, *replacements: tuple[str, str]) -> Path:
    """Write the translation of `rel` into `language`: the English file with `replacements` made."""
    text = (root / rel).read_text()
    for old, new in replacements:
        assert old in text, f"{old!r} not in {rel}"
        text = text.replace(old, new)
    path = translation_of(root / rel, language)
    path.write_text(text)
    return path


def german_unit(root: Path, *more: tuple[str, str]) -> Path:
    return translate(root, UNIT, "de", ("title: First steps", "title: Erste Schritte"),
                     ("## Getting started", "## Der Anfang"), ("Some text.", "Etwas Text."), *more)


def test_the_fixture_course_has_a_german_home_page():
    course = load_course(FIXTURE_CONTENT)
    german, french = course.localized("de"), course.localized("fr")
    assert (course.language, course.title) == ("en", "Fixture course")
    assert (german.language, german.title, german.summary) == ("de", "Testkurs", "Ein kleiner Kurs für die Testsuite.")
    assert "Der Testkurs hat zwei kleine Module." in german.intro_html
    assert german.version == course.version
    # Nothing else is translated: every other text is the English one, marked as such.
    assert (french.language, french.title) == ("fr", "Fixture course")
    assert german.modules == course.modules and all(m.language == "en" for m in german.modules)
    assert german.translated == ("course.md",) and "further-reading.md" in german.untranslated


def test_unknown_or_no_language_gives_the_english_course():
    course = load_course(FIXTURE_CONTENT)
    assert course.localized(None) is course
    assert course.localized("en") is course
    assert course.localized("es") is course
    assert course.localized("de").localized("fr") is course.localized("fr")
    assert course.localized("de").localized("en") is course


def test_a_translated_unit_keeps_its_identity_and_the_rest_falls_back(tree):
    german_unit(tree)
    course = load_course(tree)
    english, german = course, course.localized("de")
    unit = german.module("basics").unit("first-steps")
    assert (unit.title, unit.language) == ("Erste Schritte", "de")
    assert '<h2 id="der-anfang">Der Anfang</h2>' in unit.html and "Etwas Text." in unit.html
    # Links name English files and lead to the same pages in every language.
    assert 'href="/modules/basics/second-unit/#details"' in unit.html
    assert german.unit_keys == english.unit_keys
    assert [(u.slug, u.order, u.key) for u in german.units] == [(u.slug, u.order, u.key) for u in english.units]
    assert unit.objectives == english.module("basics").unit("first-steps").objectives
    # Untranslated objects are the English ones, marked 'en'.
    assert german.module("basics").unit("second-unit") == english.module("basics").unit("second-unit")
    assert german.module("basics").unit("second-unit").language == "en"
    assert german.module("basics").language == "en"
    # The English course and the other languages are untouched.
    assert english.module("basics").unit("first-steps").title == "First steps"
    assert course.localized("fr").module("basics").unit("first-steps").language == "en"
    assert "01-basics/01-first-steps.md" in german.translated
    assert "01-basics/01-first-steps.md" in course.localized("nl").untranslated


def test_translated_questions_keep_ids_and_answers(tree):
    translate(tree, QUESTIONS, "de", ("Which of these send power back out of the car?",
                                      "Welche davon speisen Strom aus dem Auto zurück?"),
              ("  > Right: vehicle-to-grid.", "  > Richtig: Vehicle-to-Grid."),
              ("answers: [V2G, vehicle-to-grid]", "answers: [V2G, Vehicle-to-Grid, Rückspeisung]"))
    course = load_course(tree)
    english = course.module("basics").unit("first-steps").questions
    german = course.localized("de").module("basics").unit("first-steps").questions
    assert [q.id for q in german] == [q.id for q in english]
    assert all(q.language == "de" for q in german) and all(q.language == "en" for q in english)
    assert german[1].stem == "Welche davon speisen Strom aus dem Auto zurück?"
    assert german[1].options[0].feedback_html == "Richtig: Vehicle-to-Grid."
    assert german[4].answers == ("V2G", "Vehicle-to-Grid", "Rückspeisung")
    # The unit itself is not translated: its text stays English, its self-check is German.
    assert course.localized("de").module("basics").unit("first-steps").language == "en"


def test_module_assignment_prompt_glossary_and_page_translations(tree):
    translate(tree, "01-basics/module.md", "de", ("title: Basics", "title: Grundlagen"))
    translate(tree, "01-basics/assignment.md", "de", ("Names the city", "Nennt die Stadt"))
    translate(tree, "01-basics/prompts/01-introduce-yourself.md", "de",
              ("Tell the group about your organisation.", "Stellen Sie Ihre Organisation vor."))
    translate(tree, "01-basics/glossary.md", "de", ("One-way smart charging.", "Intelligentes Laden in eine Richtung."))
    translate(tree, "further-reading.md", "nl", ("title: Further reading", "title: Verder lezen"))
    course = load_course(tree)
    basics = course.localized("de").module("basics")
    assert (basics.title, basics.language, basics.slug) == ("Grundlagen", "de", "basics")
    assert basics.assignment.criteria[0] == "Nennt die Stadt" and basics.assignment.language == "de"
    assert basics.prompts[0].body == "Stellen Sie Ihre Organisation vor." and basics.prompts[0].slug == "introduce-yourself"
    assert course.localized("de").glossary[0].definition_html == "Intelligentes Laden in eine Richtung."
    assert course.localized("nl").pages["further-reading"].title == "Verder lezen"
    assert course.localized("nl").pages["further-reading"].language == "nl"
    assert course.pages["further-reading"].title == "Further reading"


@pytest.mark.parametrize("replacements, expected", [
    ((("order: 1", "order: 2"),),
     "01-basics/01-first-steps.de.md:3: 'order' is 2 here but 1 in the original: it is the same in every language "
     "(the original is 01-basics/01-first-steps.md)"),
    ((("  - Take the first step", "  - Den ersten Schritt tun\n  - Noch ein Ziel"),),
     "01-basics/01-first-steps.de.md:5: 'objectives' has 2 items here and 1 in the original: translate each item, "
     "in the same order"),
    ((("topics: [smart-charging-basics, ev-users]", "topics: [smart-charging-basics, eu-policy]"),),
     "01-basics/01-first-steps.de.md:7: item 2 of 'topics' is 'eu-policy' here but 'ev-users' in the original"),
    ((("checked: 2026-12-01\n", ""),),
     "01-basics/01-first-steps.de.md:2: 'checked' is missing: a translation has the same front matter keys as its "
     "original, 01-basics/01-first-steps.md"),
    ((("order: 1", "order: 1\nfarbe: rot"),),
     "01-basics/01-first-steps.de.md:4: 'farbe' is not in the original"),
    ((("title: Erste Schritte", "title: ''"),), "01-basics/01-first-steps.de.md:2: 'title' must be a translated text"),
    ((("(02-second-unit.md#details)", "(02-second-unit.de.md)"),),
     "01-basics/01-first-steps.de.md:11: broken link to '02-second-unit.de.md'"),
    ((("[^fixture-regulation]", ""),),
     "01-basics/01-first-steps.de.md:1: does not cite [^fixture-regulation], which 01-basics/01-first-steps.md "
     "cites: a translation keeps the footnotes of its original"),
])
def test_a_unit_translation_that_disagrees_is_an_error(tree, replacements, expected):
    german_unit(tree, *replacements)
    problems = problems_of(tree)
    assert any(p.startswith(expected) for p in problems), problems


@pytest.mark.parametrize("rel, replacements, expected", [
    ("01-basics/assignment.md", (("  - Gives one example\n", ""),),
     "01-basics/assignment.de.md:4: 'criteria' has 1 item here and 2 in the original"),
    ("01-basics/glossary.md", (("  - term: V1G", "  - term: V1G\n    definition: x\n  - term: V2G"),),
     "01-basics/glossary.de.md:2: 'terms' has 2 items here and 1 in the original"),
    ("01-basics/prompts/01-introduce-yourself.md", (("order: 1", "order: 3"),),
     "01-basics/prompts/01-introduce-yourself.de.md:3: 'order' is 3 here but 1 in the original"),
    ("course.md", (('version: "test-1"', 'version: "test-2"'),),
     "course.de.md:3: 'version' is 'test-2' here but 'test-1' in the original"),
    (QUESTIONS, (("## q-power", "## q-leistung"),),
     "01-basics/01-first-steps.questions.de.md:5: the questions are q-which-service, q-two-way, q-v1g-one-way, "
     "q-leistung, q-name-it here but q-which-service, q-two-way, q-v1g-one-way, q-power, q-name-it in "
     "01-basics/01-first-steps.questions.md: translate every question, keeping its id and place"),
    (QUESTIONS, (("- [x] V2H", "- [ ] V2H"),),
     "01-basics/01-first-steps.questions.de.md:19: 'q-two-way' differs from 01-basics/01-first-steps.questions.md:19 "
     "in its right options ([x]): a here, a, b there; keep it the same in every language"),
    (QUESTIONS, (("- [ ] V1G\n  > No: V1G only changes when the car charges.\n", ""),),
     "01-basics/01-first-steps.questions.de.md:19: 'q-two-way' differs from 01-basics/01-first-steps.questions.md:19 "
     "in its number of options: 2 here, 3 there"),
    (QUESTIONS, (("answer: 22", "answer: 23"),),
     "01-basics/01-first-steps.questions.de.md:43: 'q-power' differs from 01-basics/01-first-steps.questions.md:43 "
     "in its answer: 23 here, 22 there"),
    (QUESTIONS, (("- [x] True", "- [x] Wahr"),),
     "01-basics/01-first-steps.questions.de.md:32: a true-false question has exactly two options, '- [ ] True' then "
     "'- [ ] False'"),
])
def test_other_translations_that_disagree_are_errors(tree, rel, replacements, expected):
    if rel == "course.md":
        (tree / "course.de.md").unlink()
    translate(tree, rel, "de", *replacements)
    problems = problems_of(tree)
    assert any(p.startswith(expected) for p in problems), problems


@pytest.mark.parametrize("name, expected", [
    ("01-basics/03-new.de.md", "01-basics/03-new.de.md:1: no original 03-new.md beside this translation"),
    ("01-basics/02-second-unit.questions.fr.md",
     "01-basics/02-second-unit.questions.fr.md:1: no original 02-second-unit.questions.md beside this translation"),
    ("01-basics/module.es.md", "01-basics/module.es.md:1: unknown language 'es' in the file name: translations end "
                               "in .de.md, .fr.md, .nl.md"),
    ("01-basics/tutor-notes.de.md", "01-basics/tutor-notes.de.md:1: tutor-notes.md is not translated"),
])
def test_translation_file_names_are_checked(tree, name, expected):
    (tree / name).write_text((tree / "01-basics/module.md").read_text())
    assert expected in "\n".join(problems_of(tree))


def test_a_translation_is_not_taken_for_a_unit_or_a_prompt(tree):
    german_unit(tree)
    translate(tree, "01-basics/prompts/01-introduce-yourself.md", "fr")
    course = load_course(tree)
    assert [u.slug for u in course.module("basics").units] == ["first-steps", "second-unit"]
    assert [p.slug for p in course.module("basics").prompts] == ["introduce-yourself"]


def test_content_check_reports_missing_translations_as_information(runner, tree):
    german_unit(tree)
    result = runner.invoke(args=["content", "check", "--path", str(tree)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "info: German (de): 2 of 13 files translated" in lines
    assert ("info: de: not yet translated in 01-basics/: 01-first-steps.questions.md, 02-second-unit.md, "
            "assignment.md, glossary.md, module.md") in lines
    assert "info: French (fr): nothing translated yet (13 files)" in lines
    assert not any(line.startswith("error") for line in lines)


def test_content_check_fails_on_a_disagreeing_translation(runner, tree):
    german_unit(tree, ("order: 1", "order: 2"))
    result = runner.invoke(args=["content", "check", "--path", str(tree)])
    assert result.exit_code == 1
    assert "error: 01-basics/01-first-steps.de.md:3: 'order' is 2 here but 1 in the original" in result.output


def test_problems_of_an_english_file_are_reported_once(tree):
    (tree / "01-basics/02-second-unit.md").write_text("no front matter here\n")
    assert problems_of(tree).count("01-basics/02-second-unit.md:1: missing front matter: the file must start with a "
                                   "line '---'") == 1


def test_pages_get_the_localized_course_built_once(app):
    with app.app_context():
        german = get_course("de")
        assert german.title == "Testkurs" and german.language == "de"
        assert get_course("de") is german
        assert get_course() is get_course("en") is get_course("xx")
        assert get_course().title == "Fixture course"
