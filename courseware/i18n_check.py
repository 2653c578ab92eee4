"""The translation check that `make test` runs (`make i18n-check`): python -m courseware.i18n_check.

It fails (exit status 1, one line per problem) when
- a catalogue of a language the site offers (courseware/translations/<lang>/LC_MESSAGES/messages.po) misses a
  message of the template extracted from the code (run `make i18n` first: it extracts and updates), has an
  empty or fuzzy translation, or one whose %(placeholders)s differ from the English;
- a template shows text outside the translation functions: text between tags, or a visible attribute
  (aria-label, title, alt, placeholder, a button's value) with letters that do not come from `{{ ... }}`
  or `{% trans %}`.

The few texts that are the same in every language are listed in ALLOWED_TEXT, each with its reason.
"""
from __future__ import annotations

import re
import sys
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.pofile import read_po
from jinja2 import Environment

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
CATALOGUES = ROOT / "courseware" / "translations"
LANGUAGES = ("de", "fr", "nl")

# Visible texts that stay as they are in every language.
ALLOWED_TEXT = {
    "·": "a separator",
    "→": "an arrow",
    "×": "a multiplication sign",
    "CSV": "a file format's name",
    "XLSX": "a file format's name",
    "PDF": "a file format's name",
    "ICS": "a file format's name",
    "iCalendar": "a file format's name",
    "URL": "an address, as people call it in every language",
    "OK": "understood in every language",
    "V2G": "the course's own term (kept in every language, see the glossaries)",
    "Smart-charging e-course": "the brand name",
}
VISIBLE_ATTRIBUTES = {"aria-label", "title", "alt", "placeholder", "aria-description", "aria-roledescription"}
PLACEHOLDER = "\x00"
LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)
# An attribute written by a macro outside any tag (` aria-sort="{{ ... }}"`): markup, not text.
ATTRIBUTE_FRAGMENT = re.compile(r'^[\w:-]+="\s*"$')
PYTHON_FORMAT = re.compile(r"%\((\w+)\)[sdif]")


class _TextFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        attrs = dict(attrs)
        for name, value in attrs.items():
            if name in VISIBLE_ATTRIBUTES and value:
                self.texts.append(value)
        if tag == "input" and attrs.get("type") in ("submit", "button", "reset") and attrs.get("value"):
            self.texts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.texts.append(data)


def _template_without_translations(source: str) -> str:
    """The template's text with every `{{ }}`, `{% %}` and `{% trans %}...{% endtrans %}` replaced by a
    placeholder: what is left is written in the template itself."""
    env = Environment(extensions=["jinja2.ext.i18n"])
    out: list[str] = []
    in_trans = 0
    block: list[str] = []
    for _, kind, value in env.lex(source):
        if kind == "block_begin":
            block = []
        elif kind == "name" and not block:
            block.append(value)
            if value == "trans":
                in_trans += 1
            elif value == "endtrans" and in_trans:
                in_trans -= 1
        if kind == "data" and not in_trans:
            out.append(value)
        elif kind in ("variable_end", "block_end"):
            out.append(f" {PLACEHOLDER} ")
    return "".join(out)


def untranslated_texts(path: Path) -> list[tuple[int, str]]:
    source = path.read_text(encoding="utf-8")
    finder = _TextFinder()
    text = _template_without_translations(source)
    finder.feed(text)
    finder.close()
    problems = []
    for raw in finder.texts:
        cleaned = " ".join(raw.replace(PLACEHOLDER, " ").split())
        if not cleaned or not LETTERS.search(cleaned) or ATTRIBUTE_FRAGMENT.match(cleaned):
            continue
        words = [w for w in re.split(r"[\s()\[\]:,;.!?/|–—-]+", cleaned) if LETTERS.search(w)]
        if all(w in ALLOWED_TEXT for w in words) or cleaned in ALLOWED_TEXT:
            continue
        needle = raw.strip().split(PLACEHOLDER)[0].strip() or cleaned
        line = next((i for i, ln in enumerate(source.split("\n"), start=1) if needle[:40] in ln), 1)
        problems.append((line, cleaned))
    return problems


def template_problems() -> list[str]:
    problems = []
    for path in sorted(TEMPLATES.rglob("*")):
        if path.suffix not in (".html", ".txt"):
            continue
        for line, text in untranslated_texts(path):
            problems.append(f"{path.relative_to(ROOT).as_posix()}:{line}: text outside the translation functions: "
                            f"{text[:80]!r} (wrap it in {{{{ _(\"...\") }}}})")
    return problems


def catalogue_problems(template: Path = CATALOGUES / "messages.pot") -> list[str]:
    if not template.is_file():
        return [f"{template.relative_to(ROOT).as_posix()}: missing: run `make i18n` (pybabel extract) first"]
    with template.open("rb") as f:
        wanted = {m.id for m in read_po(f) if m.id}
    problems = []
    for language in LANGUAGES:
        path = CATALOGUES / language / "LC_MESSAGES" / "messages.po"
        rel = path.relative_to(ROOT).as_posix()
        if not path.is_file():
            problems.append(f"{rel}: missing: pybabel init -i {template.relative_to(ROOT).as_posix()} "
                            f"-d courseware/translations -l {language}")
            continue
        with path.open("rb") as f:
            catalogue = read_po(f)
        have = {}
        for message in catalogue:
            if message.id:
                have[message.id] = message
        for msgid in sorted(wanted, key=str):
            message = have.get(msgid)
            first = msgid[0] if isinstance(msgid, tuple) else msgid
            where = f"{rel}:{message.lineno if message else 1}"
            if message is None:
                problems.append(f"{where}: missing {first[:70]!r}")
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if message.fuzzy:
                problems.append(f"{where}: fuzzy {first[:70]!r}: check the translation and remove the fuzzy flag")
            elif not all(strings):
                problems.append(f"{where}: not translated {first[:70]!r}")
            else:
                names = set(PYTHON_FORMAT.findall(" ".join(msgid if isinstance(msgid, tuple) else (msgid,))))
                for string in strings:
                    if set(PYTHON_FORMAT.findall(string)) - names:
                        problems.append(f"{where}: {first[:50]!r}: the translation uses a placeholder the "
                                        "English does not have")
                        break
    return problems


def main() -> int:
    problems = template_problems() + catalogue_problems()
    for problem in problems:
        print(problem)
    if problems:
        print(f"== i18n check: {len(problems)} problem(s)")
        return 1
    print("== i18n check: every template text is translatable and the de, fr and nl catalogues are complete")
    return 0


if __name__ == "__main__":
    sys.exit(main())
