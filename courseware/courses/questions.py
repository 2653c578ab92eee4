"""Self-check questions: the `<unit>.questions.md` files, their checks, and scoring an answer.

The format is documented in modules/README.md ("Self-check questions"). The loader calls
`load_unit_questions` for each unit and `check_question_ids` for each module; everything is parsed,
checked and rendered once at load time. `score` is a pure function used by the pages.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable

import yaml

SINGLE, MULTIPLE, TRUE_FALSE, NUMERIC, SHORT = "single", "multiple", "true-false", "numeric", "short"
TYPES = (SINGLE, MULTIPLE, TRUE_FALSE, NUMERIC, SHORT)
CHOICE_TYPES = (SINGLE, MULTIPLE, TRUE_FALSE)
TYPE_NAMES = {SINGLE: "a single-choice", MULTIPLE: "a multiple-response", TRUE_FALSE: "a true-false",
              NUMERIC: "a numeric", SHORT: "a short-answer"}
# Keys of the `key: value` lines under `## <id>`, and the types each one belongs to.
KEYS: dict[str, tuple[str, ...]] = {"type": TYPES, "objective": TYPES, "answer": (NUMERIC,),
                                    "tolerance": (NUMERIC,), "unit": (NUMERIC,), "answers": (SHORT,)}
QUESTIONS_SUFFIX = ".questions.md"
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TRUE_FALSE_OPTIONS = ("True", "False")
OPTION_VALUES = "abcdefghijklmnopqrstuvwxyz"
MAX_ID_CHARS = 80               # the stored length of a question id (selfchecks/models.py)
MAX_ANSWER_CHARS = 200           # a learner's typed answer; longer input is refused, not marked

_KEY_LINE = re.compile(r"^([A-Za-z][\w-]*)\s*:\s*(.*)$")
_OPTION_LINE = re.compile(r"^- \[([ xX])\](?:\s+(.*))?$")
_FEEDBACK_LINE = re.compile(r"^(correct|incorrect):(?:\s+(.*))?$")
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")


@dataclass(frozen=True)
class Option:
    value: str                  # 'a', 'b', ... in the order shown: the form's input value
    text: str                   # Markdown, as written (GIFT export writes it back)
    html: str
    correct: bool
    feedback: str               # Markdown
    feedback_html: str


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    objective: int              # 1-based number of the unit objective it checks
    stem: str                   # Markdown, as written
    stem_html: str
    options: tuple[Option, ...] = ()                # single, multiple, true-false
    answer: Decimal | None = None                   # numeric
    tolerance: Decimal = Decimal(0)                 # numeric
    unit: str = ""                                  # numeric, e.g. "kW"
    answers: tuple[str, ...] = ()                   # short: accepted answers
    correct_feedback: str = ""                      # numeric and short (Markdown)
    correct_feedback_html: str = ""
    incorrect_feedback: str = ""
    incorrect_feedback_html: str = ""
    language: str = "en"                            # the language of the file it came from
    source: str = field(default="", compare=False)  # 'folder/file.questions.md', for messages
    line: int = field(default=0, compare=False)     # line of its '## <id>' heading

    @property
    def is_choice(self) -> bool:
        return self.type in CHOICE_TYPES

    @property
    def right_values(self) -> frozenset[str]:
        return frozenset(o.value for o in self.options if o.correct)

    def option(self, value: str) -> Option | None:
        return next((o for o in self.options if o.value == value), None)


# --- numbers and answers, one rule each --------------------------------------------------------------

def parse_number(text: str, *, decimal_comma: bool = False) -> Decimal | None:
    """A number written as 22, 22.5, -3 or 1e3 (and, for learners, 22,5), or None."""
    text = text.strip().replace("\u2212", "-")
    if decimal_comma and text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    return Decimal(text) if _NUMBER.match(text) else None


def format_number(number: Decimal) -> str:
    """22.5 -> '22.5', 1E+3 -> '1000': how numbers are written back into files."""
    text = format(number, "f")
    return text if len(text) <= 30 else str(number)


def normalise_answer(text: str) -> str:
    """Short answers compare without case, surrounding spaces or repeated inner spaces."""
    return " ".join(text.split()).casefold()


# --- scoring -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Score:
    correct: bool
    chosen: tuple[str, ...] = ()          # option values ticked, in the order shown
    missed: tuple[str, ...] = ()          # right options left unticked
    feedback_html: tuple[str, ...] = ()   # what to show under the question: the ticked options' feedback,
                                          # or the correct/incorrect feedback of a numeric or short answer
    problem: str = ""                     # why the answer could not be marked; nothing is correct then


def score(question: Question, submitted: Iterable[str] | str | None) -> Score:
    """Mark one answer. `submitted` is the list of values of a choice question's inputs, or the text
    typed for a numeric or short-answer question. Invalid input gives a Score with `problem` set."""
    if question.is_choice:
        values = [submitted] if isinstance(submitted, str) else list(submitted or [])
        return _score_choice(question, values)
    if not isinstance(submitted, str):
        values = list(submitted or [])
        submitted = values[0] if len(values) == 1 else ("" if not values else None)
        if submitted is None:
            return Score(False, problem="Give one answer.")
    if not submitted.strip():
        return Score(False, problem="Type an answer.")
    if len(submitted) > MAX_ANSWER_CHARS:
        return Score(False, problem=f"The answer is too long: use at most {MAX_ANSWER_CHARS} characters.")
    if question.type == NUMERIC:
        return _score_numeric(question, submitted)
    right = normalise_answer(submitted) in {normalise_answer(a) for a in question.answers}
    return Score(right, feedback_html=(question.correct_feedback_html if right else question.incorrect_feedback_html,))


def _score_choice(question: Question, values: list[str]) -> Score:
    known = {o.value for o in question.options}
    if not values or not any(v.strip() for v in values):
        return Score(False, problem="Choose an answer." if question.type != MULTIPLE else "Tick at least one answer.")
    if any(v not in known for v in values):
        return Score(False, problem="That answer is not one of the options; choose from the list.")
    if question.type != MULTIPLE and len(set(values)) > 1:
        return Score(False, problem="Choose only one answer.")
    chosen = tuple(o.value for o in question.options if o.value in set(values))
    missed = tuple(sorted(question.right_values - set(chosen)))
    right = frozenset(chosen) == question.right_values
    # Feedback of the ticked options only: the learner may try again, so the page does not give away the
    # right set; `missed` lets it say that a right option was left out.
    shown = tuple(o.feedback_html for o in question.options if o.value in chosen)
    return Score(right, chosen=chosen, missed=missed, feedback_html=shown)


def _score_numeric(question: Question, submitted: str) -> Score:
    text = submitted.strip()
    if question.unit and text.casefold().endswith(question.unit.casefold()):
        text = text[:len(text) - len(question.unit)]
    number = parse_number(text, decimal_comma=True)
    if number is None:
        return Score(False, problem="Enter a number, such as 22 or 22.5"
                                    + (f" (the unit, {question.unit}, is optional)." if question.unit else "."))
    right = abs(number - question.answer) <= question.tolerance
    return Score(right, feedback_html=(question.correct_feedback_html if right else question.incorrect_feedback_html,))


# --- reading a questions file ------------------------------------------------------------------------

def questions_file_of(unit_path: Path) -> Path:
    """`what-is-smart-charging.md` (or its translation `what-is-smart-charging.de.md`) ->
    `what-is-smart-charging.questions.md`: the English questions file (the loader finds its translation)."""
    from .translations import split_translation

    name, _ = split_translation(unit_path.name)
    return unit_path.with_name(name.removesuffix(".md") + QUESTIONS_SUFFIX)


def is_questions_file(name: str) -> bool:
    return name.endswith(QUESTIONS_SUFFIX)


@dataclass
class _Block:
    """An option (`- [x] ...` with its `  > ` feedback) or a `correct:`/`incorrect:` line, while parsing."""
    kind: str                   # 'option', 'correct' or 'incorrect'
    line: int
    correct: bool = False
    text: list[str] = field(default_factory=list)
    feedback: list[str] = field(default_factory=list)


def load_unit_questions(loader, unit_path: Path, objectives: int, folder: str, link_map,
                        asset_url) -> tuple[str, tuple[Question, ...]]:
    """The self-check beside the unit at `unit_path` (its English file): (title, questions).
    No file gives ('', ()). Problems go to `loader` as 'file:line: message'."""
    path = questions_file_of(unit_path)
    if not path.is_file():
        return "", ()
    src = loader.read(path)
    if src is None:
        return "", ()
    meta = loader.fields(src, {"title": (str, False)}) or {}
    parser = _Parser(loader, src, objectives, folder, link_map, asset_url, unit_path.name)
    questions = parser.parse()
    if not questions and not parser.failed:
        loader.problem(src.rel, src.body_line, "the file has no questions: start each question with a line "
                                               "'## <id>', e.g. '## q-v1g-vs-v2g'")
    return meta.get("title", ""), questions


def check_questions_files(loader, folder: Path, not_units: Iterable[str]) -> None:
    """Every questions file in `folder` sits beside a unit of the same name (`not_units`: module.md, ...)."""
    not_units = set(not_units)
    for path in sorted(folder.glob(f"*{QUESTIONS_SUFFIX}")):
        unit = path.name.removesuffix(QUESTIONS_SUFFIX) + ".md"
        if unit in not_units or not (folder / unit).is_file():
            loader.problem(loader.rel(path), 1, f"no unit beside this questions file: it belongs to the unit {unit}, "
                                                "which does not exist; rename it after its unit's file")


def check_question_ids(loader, questions: Iterable[Question]) -> None:
    """Question ids are unique in a module: attempts are stored by module and id."""
    seen: dict[str, Question] = {}
    for q in questions:
        if q.id in seen:
            first = seen[q.id]
            loader.problem(q.source, q.line, f"duplicate question id {q.id!r} (also {first.source}:{first.line}); "
                                             "question ids must be unique in the module: rename one")
        else:
            seen[q.id] = q


class _Parser:
    def __init__(self, loader, src, objectives: int, folder: str, link_map, asset_url, unit_name: str):
        self.loader, self.src, self.objectives = loader, src, objectives
        self.folder, self.link_map, self.asset_url, self.unit_name = folder, link_map, asset_url, unit_name
        self.failed = False

    def problem(self, line: int, message: str) -> None:
        self.failed = True
        self.loader.problem(self.src.rel, line, message)

    def parse(self) -> tuple[Question, ...]:
        lines = self.src.body.split("\n")
        first = self.src.body_line
        sections: list[tuple[int, str, list[tuple[int, str]]]] = []
        for i, text in enumerate(lines):
            number = first + i
            if text.startswith("## "):
                sections.append((number, text[3:].strip(), []))
            elif sections:
                sections[-1][2].append((number, text.rstrip()))
            elif text.strip():
                self.problem(number, "text before the first question: start each question with a line '## <id>'")
                return ()
        questions = []
        for line, qid, body in sections:
            question = self.question(line, qid, body)
            if question is not None:
                questions.append(question)
        return tuple(questions)

    def question(self, line: int, qid: str, body: list[tuple[int, str]]) -> Question | None:
        ok = True
        if not ID_RE.match(qid):
            self.problem(line, f"the question id {qid!r} is not allowed: use lower-case letters, digits and "
                               "hyphens, e.g. '## q-v1g-vs-v2g' (ids must stay stable: attempts are stored by id)")
            ok = False
        elif len(qid) > MAX_ID_CHARS:
            self.problem(line, f"the question id is {len(qid)} characters long; use at most {MAX_ID_CHARS} "
                               "(attempts are stored by id)")
            ok = False
        keys, rest = self.keys(line, body)
        if keys is None:
            return None
        qtype = keys.get("type", (line, None))[1]
        if qtype is None:
            self.problem(line, f"the question has no 'type:' line; add one of: {', '.join(TYPES)}")
            return None
        if qtype not in TYPES:
            self.problem(keys["type"][0], f"unknown question type {qtype!r}; use one of: {', '.join(TYPES)}")
            return None
        for key, (kline, _) in keys.items():
            if qtype not in KEYS[key]:
                owners = " and ".join(f"{TYPE_NAMES[t].split(' ', 1)[1]}" for t in KEYS[key])
                self.problem(kline, f"{key!r} is only for {owners} questions; remove it from this {qtype} question")
                ok = False
        objective = self.objective(line, keys)
        stem_lines, blocks = self.answers(rest)
        if blocks is None:
            return None
        while stem_lines and not stem_lines[-1][1].strip():
            stem_lines.pop()
        while stem_lines and not stem_lines[0][1].strip():
            stem_lines.pop(0)
        if not stem_lines:
            self.problem(line, "the question has no text: write it after the blank line that follows the "
                               "'key: value' lines")
            return None
        stem = "\n".join(text for _, text in stem_lines)
        stem_html = self.render(stem, stem_lines[0][0])
        common = dict(id=qid, type=qtype, objective=objective or 0, stem=stem, stem_html=stem_html,
                      language=self.src.language, source=self.src.rel, line=line)
        if qtype in CHOICE_TYPES:
            question = self.choice(line, qtype, blocks, common)
        else:
            question = self.typed(line, qtype, keys, blocks, common)
        return question if ok and objective and question is not None else None

    def keys(self, line: int, body: list[tuple[int, str]]):
        """The `key: value` lines under the heading, up to the first blank line."""
        keys: dict[str, tuple[int, str]] = {}
        i = 0
        while i < len(body) and body[i][1].strip():
            number, text = body[i]
            match = _KEY_LINE.match(text)
            if not match or _OPTION_LINE.match(text):
                self.problem(number, "expected 'key: value' lines (type, objective, ...) under the question id, "
                                     "then a blank line, then the question text")
                return None, []
            key, value = match.group(1), match.group(2).strip()
            if key not in KEYS:
                self.problem(number, f"unknown key {key!r}; the keys are: {', '.join(KEYS)}")
                return None, []
            if key in keys:
                self.problem(number, f"{key!r} is given twice (also line {keys[key][0]})")
                return None, []
            keys[key] = (number, value)
            i += 1
        if not keys:
            self.problem(line, f"the question has no 'type:' line; add one of: {', '.join(TYPES)}, "
                               "then an 'objective:' line")
            return None, []
        return keys, body[i:]

    def objective(self, line: int, keys) -> int | None:
        span = f"a number from 1 to {self.objectives}" if self.objectives > 1 else "1"
        if "objective" not in keys:
            self.problem(line, f"the question has no 'objective:' line; add the number of the objective of "
                               f"{self.unit_name} it checks ({span})")
            return None
        number, value = keys["objective"]
        if not re.fullmatch(r"\d+", value):
            self.problem(number, f"'objective' must be {span} (the objective of {self.unit_name} it checks), "
                                 f"not {value!r}")
            return None
        if not 1 <= int(value) <= self.objectives:
            self.problem(number, f"objective {value} does not exist: {self.unit_name} has {self.objectives} "
                                 f"objective{'s' if self.objectives != 1 else ''}; use {span}")
            return None
        return int(value)

    def answers(self, rest: list[tuple[int, str]]):
        """Split the lines after the keys into the stem and the option or feedback blocks."""
        stem: list[tuple[int, str]] = []
        blocks: list[_Block] = []
        for number, text in rest:
            option, feedback = _OPTION_LINE.match(text), _FEEDBACK_LINE.match(text)
            if option:
                blocks.append(_Block("option", number, correct=option.group(1) != " ",
                                     text=[(option.group(2) or "").strip()]))
            elif feedback:
                blocks.append(_Block(feedback.group(1), number, feedback=[(feedback.group(2) or "").strip()]))
            elif not blocks:
                stem.append((number, text))
            elif not text.strip():
                continue
            elif text.startswith("  "):
                block = blocks[-1]
                inner = text.lstrip()
                if block.kind == "option" and inner.startswith(">"):
                    block.feedback.append(inner[2:] if inner.startswith("> ") else inner[1:])
                elif block.kind == "option" and not block.feedback:
                    block.text.append(inner)
                else:
                    block.feedback.append(inner)
            else:
                self.problem(number, "unexpected text after the answers: indent an option's feedback two spaces "
                                     "and start it with '> ', or start a new question with '## <id>'")
                return stem, None
        return stem, blocks

    def render(self, text: str, line: int, inline: bool = False) -> str:
        piece = replace(self.src, body=text, body_line=line)
        html, _, _ = self.loader.render(piece, self.folder, self.link_map, self.asset_url)
        if inline and html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
            html = html[3:-4]
        return html

    def choice(self, line: int, qtype: str, blocks: list[_Block], common: dict[str, Any]) -> Question | None:
        if any(b.kind != "option" for b in blocks):
            wrong = next(b for b in blocks if b.kind != "option")
            self.problem(wrong.line, f"'{wrong.kind}:' lines are for numeric and short-answer questions; in "
                                     f"{TYPE_NAMES[qtype]} question give each option its feedback on the line "
                                     "below it, indented two spaces and starting with '> '")
            return None
        name = TYPE_NAMES[qtype]
        if len(blocks) < 2:
            self.problem(line, f"{name} question needs at least two options, each on a line '- [ ] ...' "
                               "('- [x] ...' for a right one)")
            return None
        ok = True
        if len(blocks) > len(OPTION_VALUES):
            self.problem(blocks[len(OPTION_VALUES)].line, f"too many options: at most {len(OPTION_VALUES)}")
            return None
        options = []
        for value, block in zip(OPTION_VALUES, blocks):
            text = "\n".join(block.text).strip()
            feedback = "\n".join(block.feedback).strip()
            if not text:
                self.problem(block.line, "the option has no text: write it after '- [ ] '")
                ok = False
            if not feedback:
                label = text.split("\n")[0][:40]
                self.problem(block.line, f"option {value} ({label!r}) has no feedback: on the next line, indented "
                                         "two spaces, write '> ' and why it is right or why it is tempting and "
                                         "what the unit says instead")
                ok = False
            options.append(Option(value=value, text=text, html=self.render(text, block.line, inline=True) if text
                                  else "", correct=block.correct, feedback=feedback,
                                  feedback_html=self.render(feedback, block.line + 1, inline=True) if feedback
                                  else ""))
        right = sum(o.correct for o in options)
        if qtype == TRUE_FALSE and tuple(o.text for o in options) != TRUE_FALSE_OPTIONS:
            self.problem(line, "a true-false question has exactly two options, '- [ ] True' then '- [ ] False', "
                               "with the right one marked [x]")
            ok = False
        elif qtype in (SINGLE, TRUE_FALSE) and right != 1:
            self.problem(line, f"{name} question needs exactly one right option marked '- [x]'; "
                               f"{'none is' if right == 0 else f'{right} are'} marked"
                               + ("" if right == 0 else " (use type: multiple for several right options)"))
            ok = False
        elif qtype == MULTIPLE and right == 0:
            self.problem(line, "a multiple-response question needs at least one right option marked '- [x]'")
            ok = False
        return Question(options=tuple(options), **common) if ok else None

    def typed(self, line: int, qtype: str, keys, blocks: list[_Block], common: dict[str, Any]) -> Question | None:
        ok = True
        if any(b.kind == "option" for b in blocks):
            wrong = next(b for b in blocks if b.kind == "option")
            self.problem(wrong.line, f"{TYPE_NAMES[qtype]} question has no options: give its answer in "
                                     f"'{'answer' if qtype == NUMERIC else 'answers'}:' and its feedback in "
                                     "'correct:' and 'incorrect:' lines")
            return None
        feedback: dict[str, _Block] = {}
        for block in blocks:
            if block.kind in feedback:
                self.problem(block.line, f"'{block.kind}:' is given twice (also line {feedback[block.kind].line})")
                ok = False
            feedback[block.kind] = block
        texts = {}
        for kind, meaning in (("correct", "a right answer"), ("incorrect", "a wrong answer")):
            text = "\n".join(feedback[kind].feedback).strip() if kind in feedback else ""
            if not text:
                self.problem(feedback[kind].line if kind in feedback else line,
                             f"{TYPE_NAMES[qtype]} question needs a line '{kind}: ...' after the question text, "
                             f"with the feedback for {meaning}")
                ok = False
            texts[kind] = text
        fields: dict[str, Any] = {}
        if qtype == NUMERIC:
            if "answer" not in keys:
                self.problem(line, "a numeric question needs an 'answer:' line, e.g. 'answer: 22'")
                ok = False
            else:
                number, value = keys["answer"]
                fields["answer"] = parse_number(value)
                if fields["answer"] is None:
                    self.problem(number, f"'answer' must be a number such as 22, 22.5, -3 or 1e3, not {value!r}"
                                         " (put a unit in 'unit:')")
                    ok = False
            if "tolerance" in keys:
                number, value = keys["tolerance"]
                fields["tolerance"] = parse_number(value)
                if fields["tolerance"] is None or fields["tolerance"] < 0:
                    self.problem(number, f"'tolerance' must be a number of 0 or more, such as 0.5, not {value!r}")
                    ok = False
            if "unit" in keys:
                fields["unit"] = keys["unit"][1]
        else:
            fields["answers"] = self.short_answers(line, keys)
            ok = ok and bool(fields["answers"])
        if not ok:
            return None
        html = {kind: self.render(texts[kind], feedback[kind].line, inline=True) for kind in texts}
        return Question(correct_feedback=texts["correct"], correct_feedback_html=html["correct"],
                        incorrect_feedback=texts["incorrect"], incorrect_feedback_html=html["incorrect"],
                        **fields, **common)

    def short_answers(self, line: int, keys) -> tuple[str, ...]:
        howto = "a short-answer question needs 'answers: [first, second]' with at least one accepted answer"
        if "answers" not in keys:
            self.problem(line, howto)
            return ()
        number, value = keys["answers"]
        try:
            # BaseLoader keeps every item a text: '15118' stays '15118', 'no' stays 'no'.
            items = yaml.load(value, Loader=yaml.BaseLoader) if value else None
        except yaml.YAMLError:
            items = None
        if isinstance(items, str):
            items = [items]
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            self.problem(number, f"{howto}; write the list in square brackets, quoting an answer that contains "
                                 "a comma")
            return ()
        answers = tuple(" ".join(i.split()) for i in items if i.strip())
        if not answers:
            self.problem(number, howto)
        return answers


# --- writing questions back in the file format (GIFT import) -----------------------------------------

QUESTIONS_FILE_HEADER = "---\ntitle: Check your understanding\n---\n"
_PLAIN_ANSWER = re.compile(r"^[\w][\w .()/+-]*$")


def format_question(question: Question) -> str:
    """One question in the `.questions.md` format; loading it gives back the same Markdown fields."""
    lines = [f"## {question.id}", f"type: {question.type}", f"objective: {question.objective}"]
    if question.type == NUMERIC:
        lines.append(f"answer: {format_number(question.answer)}")
        if question.tolerance:
            lines.append(f"tolerance: {format_number(question.tolerance)}")
        if question.unit:
            lines.append(f"unit: {question.unit}")
    if question.type == SHORT:
        items = (a if _PLAIN_ANSWER.match(a) else '"' + a.replace("\\", "\\\\").replace('"', '\\"') + '"'
                 for a in question.answers)
        lines.append(f"answers: [{', '.join(items)}]")
    lines += ["", question.stem, ""]
    for option in question.options:
        first, *rest = option.text.split("\n")
        lines.append(f"- [{'x' if option.correct else ' '}] {first}")
        lines += [f"  {text}" for text in rest]
        lines += [f"  > {text}" if text else "  >" for text in option.feedback.split("\n")]
    if question.type in (NUMERIC, SHORT):
        for key, text in (("correct", question.correct_feedback), ("incorrect", question.incorrect_feedback)):
            first, *rest = text.split("\n")
            lines.append(f"{key}: {first}")
            lines += [f"  {line}" for line in rest]
    return "\n".join(lines) + "\n"


def unwritable(question: Question) -> str:
    """Why `question` cannot be written in the file format without changing it ('' when it can)."""
    for line in question.stem.split("\n"):
        if line.startswith("## ") or _OPTION_LINE.match(line) or _FEEDBACK_LINE.match(line):
            return (f"a line of the question text starts with {line.split(' ')[0]!r}, which the questions file "
                    "reads as the start of a question or an answer; reword that line")
    for text in [o.text for o in question.options] + [question.correct_feedback, question.incorrect_feedback]:
        rest = text.split("\n")[1:]
        if any(not line.strip() or line != line.strip() or line.startswith(">") for line in rest):
            return ("an answer or its feedback has blank lines or indented lines, which the questions file cannot "
                    "hold; keep it to one paragraph")
    for text in [question.stem] + [o.text for o in question.options] + [o.feedback for o in question.options]:
        if any(line != line.rstrip() for line in text.split("\n")):
            return "a line ends with spaces; remove them"
    return ""
