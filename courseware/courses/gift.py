"""GIFT, Moodle's text format for question banks, both ways (SPEC §8.1: content export-gift / import-gift).

Export writes the self-check questions so that Moodle's GIFT import takes them as they are: one $CATEGORY
per unit, the question id as the title, Markdown text, feedback on every answer, and the objective as a
`// objective: N` comment above the question. Import parses GIFT (comments, escapes, titles, format markers,
feedback, weights, numeric ranges) into Question dataclasses, refuses with 'FILE:line: reason' whatever the
platform cannot show as it is, and appends the questions to a unit's questions file only when none is refused.
"""
from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Callable

from .questions import (ID_RE, MULTIPLE, NUMERIC, QUESTIONS_FILE_HEADER, SHORT, SINGLE, TRUE_FALSE, Option,
                        Question, format_number, format_question, parse_number, questions_file_of, unwritable)
from .translations import unit_file

FORMATS = ("moodle", "markdown", "plain", "html")
_SPECIAL = "\\~=#{}:"
# While parsing, an escaped character stands in for itself as a private-use character, so that the
# structure (~ = # { } :) can be found with plain string operations; `_literal` turns them back.
_PLACEHOLDER = {"\\": "\ue000", "~": "\ue001", "=": "\ue002", "#": "\ue003", "{": "\ue004", "}": "\ue005",
                ":": "\ue006", "n": "\ue007"}
_LITERAL = {v: ("\n" if k == "n" else k) for k, v in _PLACEHOLDER.items()}
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
_HTML_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_PERCENT = Decimal("0.00001")


class GiftError(Exception):
    """The GIFT file cannot be imported; `problems` lists 'FILE:line: reason'. Nothing was written."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


# --- export ------------------------------------------------------------------------------------------

def _escape(text: str) -> str:
    """Escape GIFT's special characters; a line break becomes \\n."""
    return "".join("\\" + ch if ch in _SPECIAL else "\\n" if ch == "\n" else ch for ch in text)


def _escape_text(text: str) -> str:
    """Escape multi-line Markdown, keeping its lines where GIFT allows. A line that GIFT would read as a
    blank line (ending the question) or as a comment is joined to the line before with \\n."""
    out: list[str] = []
    for line in text.split("\n"):
        if out and (not line.strip() or line.lstrip().startswith("//")):
            out[-1] += "\\n" + _escape(line)
        else:
            out.append(_escape(line))
    return "\n".join(out)


def _weight(share: Decimal) -> str:
    return format(share.quantize(_PERCENT).normalize(), "f")


def export_question(q: Question) -> str:
    lines = [f"// objective: {q.objective}"]
    if q.unit:
        lines.append(f"// unit: {q.unit}")
    head = f"::{_escape(q.id)}::[markdown]{_escape_text(q.stem)}"
    if q.type in (SINGLE, MULTIPLE):
        right = sum(o.correct for o in q.options)
        wrong = len(q.options) - right
        body = []
        for o in q.options:
            if q.type == SINGLE:
                mark = "=" if o.correct else "~"
            else:
                mark = f"~%{_weight(Decimal(100) / right)}%" if o.correct else f"~%-{_weight(Decimal(100) / wrong)}%"
            body.append(f"\t{mark}{_escape(o.text)}#{_escape(o.feedback)}")
        lines += [head + "{", *body, "}"]
    elif q.type == TRUE_FALSE:
        true, false = q.options
        right, wrong = (true, false) if true.correct else (false, true)
        lines += [head + "{" + ("TRUE" if true.correct else "FALSE"), f"\t#{_escape(wrong.feedback)}",
                  f"\t#{_escape(right.feedback)}", "}"]
    elif q.type == NUMERIC:
        lines += [head + "{#", f"\t={format_number(q.answer)}:{format_number(q.tolerance)}#"
                  f"{_escape(q.correct_feedback)}", f"\t~#{_escape(q.incorrect_feedback)}", "}"]
    else:
        lines += [head + "{", *(f"\t={_escape(a)}#{_escape(q.correct_feedback)}" for a in q.answers),
                  f"\t=%0%*#{_escape(q.incorrect_feedback)}", "}"]
    return "\n".join(lines) + "\n"


def export_gift(course, module_slug: str | None = None) -> str:
    """The self-check questions of the course (or of one module) as a GIFT file."""
    parts = [f"// Self-check questions of \"{course.title}\" (version {course.version}), in Moodle's GIFT format.\n"
             "// Each question's title is its id on the platform; the objective comment above it gives the number\n"
             "// of the unit objective it checks (flask content import-gift reads both back).\n"]
    for module in course.modules:
        if module_slug is not None and module.slug != module_slug:
            continue
        for unit in module.units:
            if not unit.questions:
                continue
            parts.append(f"// Module {module.order}: {module.title} / unit {unit.order}: {unit.title}\n"
                         f"$CATEGORY: $course$/top/{module.slug}/{unit.slug}\n")
            parts += [export_question(q) for q in unit.questions]
    return "\n".join(parts)


# --- import: parsing ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Imported:
    question: Question          # Markdown fields only; the loader renders it when the file is read
    line: int                   # where it starts in the GIFT file
    objective_given: bool       # False when no '// objective: N' comment said which objective it checks


def _protect(text: str) -> str:
    """Replace each escape (\\~ \\= \\# \\{ \\} \\: \\\\ \\n) with its placeholder; other backslashes stay."""
    out, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text) and text[i + 1] in _PLACEHOLDER:
            out.append(_PLACEHOLDER[text[i + 1]])
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _literal(text: str) -> str:
    return "".join(_LITERAL.get(ch, ch) for ch in text)


def _escape_markdown(text: str) -> str:
    """Plain text as Markdown that shows the same characters."""
    text = re.sub(r"([\\`*_\[\]<>|])", r"\\\1", text)
    return "\n".join(re.sub(r"^(\s*)([#>+-]|\d+\.)", r"\1\\\2", line) for line in text.split("\n"))


class _Parser:
    def __init__(self, name: str, objectives: int, unit_name: str):
        self.name, self.objectives, self.unit_name = name, objectives, unit_name
        self.problems: list[str] = []

    def problem(self, line: int, message: str) -> None:
        self.problems.append(f"{self.name}:{line}: {message}")

    def parse(self, text: str) -> list[Imported]:
        if any(ch in text for ch in _LITERAL):
            self.problem(1, "the file contains private-use characters (U+E000 to U+E007); remove them")
            return []
        blocks: list[list[tuple[int, str]]] = []
        current: list[tuple[int, str]] | None = None
        for number, line in enumerate(text.split("\n"), start=1):
            if not line.strip():
                current = None      # a blank line ends a question
                continue
            if current is None:
                current = []
                blocks.append(current)
            current.append((number, line))
        found = []
        for block in blocks:
            imported = self.block(block)
            if imported is not None:
                found.append(imported)
        return found

    def block(self, block: list[tuple[int, str]]) -> Imported | None:
        comments = []
        while block and block[0][1].strip().startswith("//"):
            comments.append(block.pop(0)[1].strip()[2:].strip())
        if not block:
            return None             # only comments
        start = block[0][0]
        # Comments inside a question are dropped; keep their lines so that positions give line numbers.
        text = _protect("\n".join("" if line.strip().startswith("//") else line for _, line in block))
        if text.lstrip().startswith("$CATEGORY:"):
            if "\n" in text.strip():
                self.problem(start, "put a blank line after the $CATEGORY line, before the next question")
            return None             # categories are Moodle's; the unit is given on the command line
        return self.question(text, start, comments)

    def at(self, start: int, text: str, pos: int) -> int:
        return start + text.count("\n", 0, max(pos, 0))

    def question(self, text: str, start: int, comments: list[str]) -> Imported | None:
        problems_before = len(self.problems)
        body = text.lstrip()
        offset = len(text) - len(body)
        qid = ""
        if body.startswith("::"):
            end = body.find("::", 2)
            if end == -1:
                self.problem(start, "the title opened with '::' is not closed with '::'")
                return None
            qid = self.question_id(start, _literal(body[2:end]).strip())
            offset += end + 2
            body = body[end + 2:]
        else:
            self.problem(start, "the question has no title: start it with ::<id>:: (the title becomes the "
                                "question's id on the platform, e.g. ::q-v1g-vs-v2g::)")
        opening = body.find("{")
        if opening == -1:
            where = self.at(start, text, offset + body.find("}")) if "}" in body else start
            self.problem(where, "a closing } without an opening {" if "}" in body else
                         "no answers in { }: a description without a question cannot be imported")
            return None
        closing = body.find("}", opening)
        if closing == -1:
            self.problem(self.at(start, text, offset + opening), "the answers opened with { are not closed with } "
                                                                 "(in GIFT a blank line ends a question)")
            return None
        if "{" in body[opening + 1:closing]:
            self.problem(self.at(start, text, offset + body.find("{", opening + 1)),
                         "a second { inside the answers: write \\{ for a literal brace")
            return None
        if body[closing + 1:].strip():
            self.problem(self.at(start, text, offset + opening),
                         "text after the answers (a missing-word question): the platform shows the answers after "
                         "the question text; move the { } to the end or rewrite the question")
            return None
        stem, fmt = self.text(body[:opening], "moodle", start)
        answers = body[opening + 1:closing]
        first = self.at(start, text, offset + opening + 1 + len(answers) - len(answers.lstrip()))
        objective, given = self.objective(start, comments)
        unit = next((c.split(":", 1)[1].strip() for c in comments if re.match(r"unit\s*:", c)), "")
        question = self.answers(answers.strip(), first, fmt, dict(id=qid, stem=stem, objective=objective))
        if question is not None and question.type == NUMERIC and unit:
            question = replace(question, unit=unit)
        if question is None or len(self.problems) > problems_before:
            return None
        if not stem:
            self.problem(start, "the question has no text before its answers")
            return None
        return Imported(question, start, given)

    def question_id(self, line: int, title: str) -> str:
        if ID_RE.match(title):
            return title
        slug = re.sub(r"[^a-z0-9]+", "-", title.casefold()).strip("-")
        if not slug:
            self.problem(line, f"the title {title!r} gives no usable question id: use lower-case letters, digits "
                               "and hyphens, e.g. ::q-v1g-vs-v2g::")
        return slug

    def objective(self, line: int, comments: list[str]) -> tuple[int, bool]:
        for comment in comments:
            match = re.fullmatch(r"objective\s*:\s*(\S*)", comment)
            if match:
                value = match.group(1)
                if value.isdigit() and 1 <= int(value) <= self.objectives:
                    return int(value), True
                self.problem(line, f"'// objective: {value}' names no objective of {self.unit_name}, which has "
                                   f"{self.objectives}; use a number from 1 to {self.objectives}")
                return 1, True
        return 1, False

    def text(self, raw: str, default: str, line: int) -> tuple[str, str]:
        """GIFT text (with placeholders) as Markdown, and its format."""
        raw = raw.strip()
        fmt = default
        match = re.match(r"^\[(\w+)\]", raw)
        if match and match.group(1) in FORMATS:
            fmt, raw = match.group(1), raw[match.end():]
        text = "\n".join(part.rstrip() for part in _literal(raw).strip().split("\n"))
        if fmt == "html":
            self.problem(line, "HTML text ([html]) is not imported: the platform's questions are Markdown; "
                               "export it from Moodle as [markdown] or rewrite it")
        elif fmt == "moodle" and _HTML_TAG.search(text):
            self.problem(line, "the text contains HTML tags: the platform's questions are Markdown; rewrite it "
                               "in Markdown and mark it [markdown]")
        elif fmt in ("moodle", "plain"):
            text = _escape_markdown(text)
        return text, fmt

    def parts(self, answers: str, first: int) -> list[tuple[str, str, int]]:
        """(marker, body, line) for each ~ or = answer."""
        marks = [m.start() for m in re.finditer(r"[~=]", answers)]
        if not marks or answers[:marks[0]].strip():
            self.problem(first, "text before the first ~ or = in the answers")
            return []
        bounds = marks + [len(answers)]
        return [(answers[p], answers[p + 1:bounds[i + 1]], self.at(first, answers, p)) for i, p in enumerate(marks)]

    def weight(self, body: str) -> tuple[Decimal | None, str]:
        body = body.strip()
        match = _WEIGHT.match(body)
        if not match:
            return None, body
        return Decimal(match.group(1)), body[match.end():]

    def feedback(self, body: str, fmt: str, line: int) -> tuple[str, str]:
        text, _, feedback = body.partition("#")
        return self.text(text, fmt, line)[0], self.text(feedback, fmt, line)[0]

    def answers(self, answers: str, first: int, fmt: str, common: dict) -> Question | None:
        if not answers:
            self.problem(first, "an essay question ({}) cannot be imported: the platform marks every answer itself")
            return None
        if "####" in answers:
            self.problem(first, "general feedback (####) cannot be imported: the platform shows feedback per "
                                "answer; move it into the answers' feedback")
            return None
        if answers.startswith("#"):
            return self.numeric(answers[1:], first, fmt, common)
        if "~" in answers:
            return self.choice(answers, first, fmt, common)
        if "=" in answers and "->" in answers:
            self.problem(first, "a matching question (=a -> b) cannot be imported: the platform has no matching type")
            return None
        head = answers.split("#", 1)[0].strip()
        if head in ("T", "TRUE", "F", "FALSE"):
            return self.true_false(answers, first, fmt, common)
        return self.short(answers, first, fmt, common)

    def choice(self, answers: str, first: int, fmt: str, common: dict) -> Question | None:
        parts = self.parts(answers, first)
        if not parts:
            return None
        single = any(mark == "=" for mark, _, _ in parts)
        options, weights = [], []
        for (mark, body, line), value in zip(parts, "abcdefghijklmnopqrstuvwxyz"):
            weight, body = (None, body.strip()) if mark == "=" else self.weight(body)
            text, feedback = self.feedback(body, fmt, line)
            if not text:
                self.problem(line, "an answer has no text")
            if not feedback:
                self.problem(line, f"the answer {text[:40]!r} has no feedback: add '#' and why it is right, or why it "
                                   "is tempting and what the unit says instead")
            options.append(Option(value=value, text=text, html="", correct=mark == "=" if single else
                                  (weight or 0) > 0, feedback=feedback, feedback_html=""))
            weights.append((weight, line))
        if len(options) > 26:
            self.problem(first, "more than 26 answers")
        if len(options) < 2:
            self.problem(first, "a multiple-choice question needs at least two answers")
            return None
        if single:
            if sum(o.correct for o in options) > 1:
                self.problem(first, "several right answers (=) in one question: a single-choice question has exactly "
                                    "one; for multiple response give the right answers weights that add up to 100% "
                                    "(~%50%) and the wrong ones negative weights (~%-50%)")
            for weight, line in weights:
                if weight:
                    self.problem(line, f"partial credit (~%{weight}%) cannot be imported: a single-choice answer is "
                                       "right (=) or wrong (~)")
            return Question(type=SINGLE, stem_html="", options=tuple(options), **common)
        positive = sum((w for w, _ in weights if w and w > 0), Decimal(0))
        if not any(o.correct for o in options):
            self.problem(first, "no right answer: mark it with = (single choice), or give the right answers "
                                "positive weights (multiple response)")
            return None
        if abs(positive - 100) > Decimal("0.01"):
            self.problem(first, f"the right answers' weights add up to {format_number(positive)}%, not 100%: the "
                                "platform marks a multiple-response question right only when all right answers and "
                                "no wrong one are ticked, which is Moodle's full mark only when they add up to 100%")
        for (weight, line), option in zip(weights, options):
            if not option.correct and not weight:
                self.problem(line, f"the wrong answer {option.text[:40]!r} needs a negative weight (e.g. ~%-50%): "
                                   "without one, Moodle gives full marks to a learner who also ticks it, while the "
                                   "platform counts that as wrong")
        return Question(type=MULTIPLE, stem_html="", options=tuple(options), **common)

    def true_false(self, answers: str, first: int, fmt: str, common: dict) -> Question | None:
        head, *feedbacks = answers.split("#", 2)
        feedbacks = [self.text(f, fmt, first)[0] for f in feedbacks] + ["", ""]
        wrong, right = feedbacks[0], feedbacks[1]
        if not wrong or not right:
            self.problem(first, "a true/false question needs both feedbacks: {TRUE#feedback for a wrong answer"
                                "#feedback for a right answer}")
            return None
        true = head.strip() in ("T", "TRUE")
        return Question(type=TRUE_FALSE, stem_html="", options=(
            Option("a", "True", "", true, right if true else wrong, ""),
            Option("b", "False", "", not true, wrong if true else right, "")), **common)

    def numeric(self, answers: str, first: int, fmt: str, common: dict) -> Question | None:
        right_part, tilde, wrong_part = answers.partition("~")
        incorrect = ""
        if tilde:
            wrong_part = wrong_part.strip()
            if not wrong_part.startswith("#"):
                self.problem(first, "after the numeric answers only '~#feedback for any wrong answer' is imported")
                return None
            incorrect = self.text(wrong_part[1:], fmt, first)[0]
        if not incorrect:
            self.problem(first, "the numeric question has no feedback for a wrong answer: add ~#feedback before }")
        pieces = right_part.split("=")
        if pieces[0].strip() and len(pieces) > 1:
            self.problem(first, "text before the first = in the numeric answers")
            return None
        pieces = [p for p in pieces if p.strip()] if len(pieces) > 1 else pieces
        ranges, feedbacks = [], set()
        for piece in pieces:
            weight, piece = self.weight(piece)
            if weight is not None and weight != 100:
                self.problem(first, f"partial credit (={weight}%) cannot be imported: a numeric answer is right or "
                                    "wrong")
                return None
            value, _, feedback = piece.partition("#")
            feedbacks.add(self.text(feedback, fmt, first)[0])
            bounds = self.range(_literal(value).strip(), first)
            if bounds is None:
                return None
            ranges.append(bounds)
        if not ranges:
            self.problem(first, "the numeric question has no answer: write it as {#22}, {#22:0.5} or {#21.5..22.5}")
            return None
        if "" in feedbacks or len(feedbacks) != 1:
            self.problem(first, "every right numeric answer needs the same feedback after '#': the platform shows "
                                "one feedback for a right answer")
            return None
        ranges.sort()
        low, high = ranges[0]
        for lo, hi in ranges[1:]:
            if lo > high:
                self.problem(first, "the right answers are separate ranges: the platform accepts one answer with a "
                                    "tolerance, so they must overlap")
                return None
            high = max(high, hi)
        return Question(type=NUMERIC, stem_html="", answer=(low + high) / 2, tolerance=(high - low) / 2,
                        correct_feedback=feedbacks.pop(), incorrect_feedback=incorrect, **common)

    def range(self, value: str, line: int) -> tuple[Decimal, Decimal] | None:
        if ".." in value:
            low, high = (parse_number(v) for v in value.split("..", 1))
            if low is None or high is None or low > high:
                self.problem(line, f"the numeric range {value!r} must be {{#minimum..maximum}}, e.g. {{#21.5..22.5}}")
                return None
            return low, high
        answer, colon, tolerance = value.partition(":")
        number = parse_number(answer)
        margin = parse_number(tolerance) if colon else Decimal(0)
        if number is None or margin is None or margin < 0:
            self.problem(line, f"the numeric answer {value!r} must be a number with an optional margin, e.g. "
                               "{#22} or {#22:0.5}")
            return None
        return number - margin, number + margin

    def short(self, answers: str, first: int, fmt: str, common: dict) -> Question | None:
        pieces = answers.split("=")
        if not pieces[0].strip():
            pieces = pieces[1:]
        accepted, feedbacks, incorrect = [], [], ""
        for piece in pieces:
            weight, piece = self.weight(piece)
            text, _, feedback = piece.partition("#")
            text = " ".join(_literal(text).split())
            feedback = self.text(feedback, fmt, first)[0]
            if weight == 0 and text == "*":
                incorrect = feedback
            elif weight not in (None, 100) or text == "*":
                self.problem(first, f"partial credit (={weight}%) cannot be imported: a short answer is right or "
                                    "wrong; give any other answer's feedback as =%0%*#feedback")
                return None
            elif text:
                accepted.append(text)
                feedbacks.append(feedback)
        if not accepted:
            self.problem(first, "the short-answer question has no accepted answer (=answer#feedback)")
            return None
        if "" in feedbacks or len(set(feedbacks)) != 1:
            self.problem(first, "every accepted short answer needs the same feedback after '#': the platform shows one "
                                "feedback for a right answer")
            return None
        if not incorrect:
            self.problem(first, "the short-answer question has no feedback for other answers: add =%0%*#feedback")
            return None
        return Question(type=SHORT, stem_html="", answers=tuple(accepted), correct_feedback=feedbacks[0],
                        incorrect_feedback=incorrect, **common)


def parse_gift(text: str, name: str, objectives: int = 1, unit_name: str = "the unit") -> tuple[list[Imported],
                                                                                                 list[str]]:
    """The questions of a GIFT file, and its problems as 'name:line: reason'. `objectives` is the number of
    objectives of the unit the questions go to."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    parser = _Parser(name, objectives, unit_name)
    return parser.parse(text), parser.problems


# --- import: writing ---------------------------------------------------------------------------------

def _markdown_fields(q: Question) -> Question:
    """The question without its rendered HTML: what a file holds."""
    return replace(q, stem_html="", correct_feedback_html="", incorrect_feedback_html="",
                   options=tuple(replace(o, html="", feedback_html="") for o in q.options))


def _write_atomically(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".import-", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


@dataclass(frozen=True)
class ImportResult:
    path: Path                          # the questions file written
    questions: tuple[Imported, ...]


def import_gift(root: Path, course, module_slug: str, unit_slug: str, gift_path: Path, name: str,
                load: Callable[[Path], object]) -> ImportResult:
    """Append the questions of the GIFT file at `gift_path` (called `name` in messages) to the unit's questions
    file under `root`. `course` is the loaded course; `load` reloads it to check the written file. Raises
    GiftError, having written nothing, when any question is refused."""
    module = course.module(module_slug)
    if module is None:
        raise GiftError([f"no module {module_slug!r}; the modules are: {', '.join(m.slug for m in course.modules)}"])
    unit = module.unit(unit_slug)
    unit_path = unit_file(root, module_slug, unit_slug)
    if unit is None or unit_path is None:
        raise GiftError([f"no unit {unit_slug!r} in module {module_slug!r}; its units are: "
                         f"{', '.join(u.slug for u in module.units)}"])
    try:
        text = gift_path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as e:
        raise GiftError([f"{name}:1: not UTF-8 text ({e.reason}); save the file as UTF-8"]) from None
    found, problems = parse_gift(text, name, len(unit.objectives), unit_path.name)
    taken = {q.id: f"{q.source}:{q.line}" for u in module.units for q in u.questions}
    for imported in found:
        q = imported.question
        if q.id in taken:
            problems.append(f"{name}:{imported.line}: the question id {q.id!r} is already used in module "
                            f"{module_slug!r} ({taken[q.id]}): give the question another title")
        taken.setdefault(q.id, f"{name}:{imported.line}")
        reason = unwritable(q)
        if reason:
            problems.append(f"{name}:{imported.line}: {reason}")
    if not found and not problems:
        problems.append(f"{name}:1: no questions found")
    if problems:
        raise GiftError(sorted(problems, key=_line_order))

    path = questions_file_of(unit_path)
    before = path.read_text(encoding="utf-8") if path.is_file() else None
    start = (before.rstrip("\n") + "\n\n") if before is not None else QUESTIONS_FILE_HEADER + "\n"
    _write_atomically(path, start + "\n".join(format_question(i.question) for i in found))
    try:
        reloaded = load(root)
        loaded = reloaded.module(module_slug).unit(unit_slug).questions[-len(found):]
        if [_markdown_fields(q) for q in loaded] != [i.question for i in found]:
            raise GiftError([f"{name}:1: the questions would not read back unchanged from "
                             f"{path.relative_to(root).as_posix()}; nothing was written"])
    except Exception as e:
        if before is None:
            path.unlink()
        else:
            _write_atomically(path, before)
        if isinstance(e, GiftError):
            raise
        problems = getattr(e, "problems", [str(e)])
        raise GiftError([f"after the import, content check would fail: {p}" for p in problems]
                        + ["nothing was written"]) from None
    return ImportResult(path, tuple(found))


def _line_order(problem: str) -> tuple[int, str]:
    match = re.match(r"^.*?:(\d+): ", problem)
    return (int(match.group(1)) if match else 0, problem)
