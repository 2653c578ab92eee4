"""Translations of the course text: `<name>.<lang>.md` beside each English file (modules/README.md).

English is the original. `load_with_translations` loads the course once in English and once per language; in
a language's load the loader reads `<name>.<lang>.md` instead of `<name>.md` where it exists
(`read_translation`), so a translation goes through exactly the same parsing, rendering and checks as an
original, and English files are not rendered again (the loaders share what they rendered). A translation must
also agree with its original: the same front matter keys; whatever is not a text (orders, topics, dates,
numbers, the version) identical; lists (objectives, criteria, glossary terms) of the same length; the same
questions, options and right answers; the same footnotes. A missing translation is information, never an error.
Everything happens once at load time; pages ask `course.localized(language)`.
"""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable

LANGUAGES = ("de", "fr", "nl")
LANGUAGE_NAMES = {"en": "English", "de": "German", "fr": "French", "nl": "Dutch"}
# Front matter texts that are ids or numbers rather than words: the same in every language.
NOT_TEXT_KEYS = {"topics", "version"}
# Files that exist in English only (tutors' material, this guide): never looked for in another language.
ENGLISH_ONLY = {"tutor-notes.md", "README.md"}
_TRANSLATION_NAME = re.compile(r"^(?P<base>.+)\.(?P<lang>[a-z]{2})\.md$")


# --- file names --------------------------------------------------------------------------------------

def split_translation(name: str) -> tuple[str, str | None]:
    """'module.de.md' -> ('module.md', 'de'); 'module.md' -> ('module.md', None).
    Any two-letter code counts, so that a misspelt language is reported rather than taken for a unit."""
    match = _TRANSLATION_NAME.match(name)
    if match is None:
        return name, None
    return f"{match['base']}.md", match["lang"]


def is_translation(name: str) -> bool:
    return split_translation(name)[1] is not None


def translation_of(path: Path, language: str) -> Path:
    """'units/what-is-smart-charging.md' -> 'units/what-is-smart-charging.de.md'."""
    return path.with_name(f"{path.name.removesuffix('.md')}.{language}.md")


def check_file_names(root: Path) -> list[str]:
    """Every translation has a known language and an original beside it."""
    problems = []
    for path in sorted(root.rglob("*.md")):
        rel = path.relative_to(root)
        if any(part.startswith((".", "_")) for part in rel.parts):
            continue
        base, language = split_translation(path.name)
        if language is None:
            continue
        if language not in LANGUAGES:
            problems.append(f"{rel.as_posix()}:1: unknown language {language!r} in the file name: translations end "
                            f"in {', '.join(f'.{lang}.md' for lang in LANGUAGES)}")
        elif base in ENGLISH_ONLY:
            problems.append(f"{rel.as_posix()}:1: {base} is not translated: it is read in English only")
        elif not (path.parent / base).is_file():
            problems.append(f"{rel.as_posix()}:1: no original {base} beside this translation: a translation is "
                            f"named after its original ({base.removesuffix('.md')}.{language}.md)")
    return problems


# --- reading a translation in a language's load ------------------------------------------------------

def read_translation(loader, path: Path):
    """What the loader reads for `path` in `loader.language`: the translation where it exists (checked against
    the original's front matter), the original otherwise."""
    original = loader.read(path, original=True)
    if path.name in ENGLISH_ONLY:
        return original
    rel = loader.rel(path)
    translated_path = translation_of(path, loader.language)
    if not translated_path.is_file():
        if rel not in loader.untranslated:
            loader.untranslated.append(rel)
        return original
    if rel not in loader.translated:
        loader.translated.append(rel)
    translated = loader.read(translated_path, original=True)
    if translated is None:
        return None
    translated.language = loader.language
    if original is not None:
        _check_front_matter(loader, original, translated)
    return translated


def _check_front_matter(loader, original, translated) -> None:
    why = f"a translation has the same front matter keys as its original, {original.rel}"
    for key in original.meta:
        if key not in translated.meta:
            loader.problem(translated.rel, 2, f"{key!r} is missing: {why}")
    for key, value in translated.meta.items():
        line = loader.key_line(translated, key)
        if key not in original.meta:
            loader.problem(translated.rel, line, f"{key!r} is not in the original: {why}")
            continue
        message = _disagreement(key, original.meta[key], value, repr(key))
        if message:
            loader.problem(translated.rel, line, f"{message} (the original is {original.rel})")


def _disagreement(key: str, original: Any, translated: Any, label: str) -> str:
    """Why `translated` does not agree with `original` ('' when it does): texts are translated, lists keep
    their length and order, everything else stays the same."""
    if isinstance(original, str) and key not in NOT_TEXT_KEYS:
        return "" if isinstance(translated, str) and translated.strip() else f"{label} must be a translated text"
    if isinstance(original, list):
        if not isinstance(translated, list):
            return f"{label} must be a list, as in the original"
        if len(translated) != len(original):
            return (f"{label} has {len(translated)} item{'s' if len(translated) != 1 else ''} here and "
                    f"{len(original)} in the original: translate each item, in the same order")
        for i, (o, t) in enumerate(zip(original, translated), start=1):
            message = _disagreement(key, o, t, f"item {i} of {label}")
            if message:
                return message
        return ""
    if isinstance(original, dict):
        if not isinstance(translated, dict) or set(translated) != set(original):
            return f"{label} must have the keys {', '.join(map(repr, original))}, as in the original"
        for k in original:
            message = _disagreement(key, original[k], translated[k], f"{k!r} in {label}")
            if message:
                return message
        return ""
    if type(translated) is not type(original) or translated != original:
        return f"{label} is {translated!r} here but {original!r} in the original: it is the same in every language"
    return ""


# --- the course in every language --------------------------------------------------------------------

def load_with_translations(load_one: Callable[[str | None, dict], Any], root: Path):
    """Load the course in English and in each language (`load_one(language, memo)`, `memo` shared between the
    loads), check the translations against the originals, and return the English course, whose
    `localized(language)` gives the others. Raises ContentError listing every problem of every language."""
    from .structure import ContentError

    memo: dict = {}
    problems: list[str] = []

    def attempt(language: str | None):
        try:
            return load_one(language, memo)
        except ContentError as e:
            problems.extend(p for p in e.problems if p not in problems)
            return None

    english = attempt(None)
    present = {split_translation(path.name)[1] for path in root.rglob("*.md")} if root.is_dir() else set()
    localized = {}
    for language in LANGUAGES:
        if language in present:
            localized[language] = attempt(language)
        elif english is not None:
            # Nothing is translated into it: the English course, every file of it shown in English.
            localized[language] = replace(english, language=language, untranslated=_read_in_english(root, memo))
    problems.extend(p for p in check_file_names(root) if p not in problems)
    if english is not None:
        for language, course in localized.items():
            if course is not None and course.translated:
                problems.extend(p for p in compare_courses(root, english, course) if p not in problems)
    if problems:
        raise ContentError(problems)
    courses: dict[str, Any] = {}
    shared = MappingProxyType(courses)      # filled below: every course can reach every other
    courses["en"] = replace(english, translations=shared)
    for language, course in localized.items():
        courses[language] = replace(course, translations=shared)
    return courses["en"]


def _read_in_english(root: Path, memo: dict) -> tuple[str, ...]:
    """The files the English load read (the loader's memo["read"], in reading order) that a translation could
    replace."""
    return tuple(path.relative_to(root).as_posix() for path, src in memo.get("read", {}).items()
                 if src is not None and path.name not in ENGLISH_ONLY and not is_translation(path.name))


def compare_courses(root: Path, english, localized) -> list[str]:
    """What the front matter checks cannot see: the questions and the footnotes of translated files."""
    problems: list[str] = []
    for module in english.modules:
        other = localized.module(module.slug)
        for unit in module.units:
            translated = other.unit(unit.slug) if other else None
            if translated is None:
                continue
            if translated.questions and translated.questions[0].language == localized.language:
                problems += _compare_questions(unit.questions, translated.questions)
            if translated.language == localized.language and set(translated.references) != set(unit.references):
                problems += _compare_references(root, module.slug, unit, translated, localized.language)
    return problems


def _compare_questions(originals, translations) -> list[str]:
    source, original_source = translations[0].source, originals[0].source if originals else "the original"
    ids, original_ids = [q.id for q in translations], [q.id for q in originals]
    if ids != original_ids:
        return [f"{source}:{translations[0].line}: the questions are {', '.join(ids)} here but "
                f"{', '.join(original_ids)} in {original_source}: translate every question, keeping its id and place"]
    problems = []
    for o, t in zip(originals, translations):
        same = [("type", o.type, t.type), ("objective", o.objective, t.objective),
                ("number of options", len(o.options), len(t.options)),
                ("right options ([x])", ", ".join(x.value for x in o.options if x.correct) or "none",
                 ", ".join(x.value for x in t.options if x.correct) or "none"),
                ("answer", o.answer, t.answer), ("tolerance", o.tolerance, t.tolerance)]
        for what, mine, theirs in same:
            if mine != theirs:
                problems.append(f"{t.source}:{t.line}: {t.id!r} differs from {o.source}:{o.line} in its {what}: "
                                f"{theirs} here, {mine} there; keep it the same in every language")
                break
    return problems


def _compare_references(root: Path, module_slug: str, unit, translated, language: str) -> list[str]:
    original_path = unit_file(root, module_slug, unit.slug)
    if original_path is None:
        return []
    path = translation_of(original_path, language)
    rel, original_rel = path.relative_to(root).as_posix(), original_path.relative_to(root).as_posix()
    lines = path.read_text(encoding="utf-8").split("\n")
    problems = []
    for ref_id in translated.references:
        if ref_id not in unit.references:
            line = next((i for i, text in enumerate(lines, start=1) if f"[^{ref_id}]" in text), 1)
            problems.append(f"{rel}:{line}: cites [^{ref_id}], which {original_rel} does not: a translation keeps "
                            "the footnotes of its original")
    for ref_id in unit.references:
        if ref_id not in translated.references:
            problems.append(f"{rel}:1: does not cite [^{ref_id}], which {original_rel} cites: a translation keeps "
                            "the footnotes of its original")
    return problems


def unit_file(root: Path, module_slug: str, unit_slug: str) -> Path | None:
    """The English file of a unit, found by its slugs."""
    from .loader import SPECIAL_FILES, slug_of
    from .questions import is_questions_file

    for folder in sorted(p for p in root.iterdir() if p.is_dir() and slug_of(p.name) == module_slug):
        for path in sorted(folder.glob("*.md")):
            if (slug_of(path.name) == unit_slug and path.name not in SPECIAL_FILES
                    and not is_questions_file(path.name) and not is_translation(path.name)):
                return path
    return None


# --- what content check tells about translations -----------------------------------------------------

def translation_report(course) -> list[str]:
    """Per language, how much is translated and which files are not yet: information, never an error."""
    lines = []
    for language in LANGUAGES:
        localized = course.localized(language)
        if localized.language != language:
            continue
        name = f"{LANGUAGE_NAMES[language]} ({language})"
        done, missing = len(localized.translated), localized.untranslated
        if not done:
            lines.append(f"{name}: nothing translated yet ({len(missing)} files)")
            continue
        lines.append(f"{name}: {done} of {done + len(missing)} files translated")
        folders: dict[str, list[str]] = {}
        for rel in sorted(missing, key=lambda r: (r.count("/"), r)):
            folder, _, name_ = rel.rpartition("/")
            folders.setdefault(folder, []).append(name_)
        for folder, names in folders.items():
            lines.append(f"{language}: not yet translated in {folder + '/' if folder else 'the top folder'}: "
                         f"{', '.join(names)}")
    return lines
