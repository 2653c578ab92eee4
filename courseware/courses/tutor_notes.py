"""Tutor notes: `<module>/tutor-notes.md`, the model answer and marking notes tutors see on the grading page.

Learners never see them: only the tutors' grading page shows them. The format (modules/README.md):
two sections, `## Model answer` and `## Marking notes`; under the second, one `### ...` section per
grading criterion of assignment.md, in the same order. Everything is rendered once at load time.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from .markdown_text import lines_outside_code
from .structure import CriterionNotes, TutorNotes

TUTOR_NOTES_FILE = "tutor-notes.md"
MODEL_ANSWER, MARKING_NOTES = "Model answer", "Marking notes"


def _headings(body: str, level: int) -> list[tuple[int, str]]:
    """(index of the line, heading text) of each heading of exactly `level`, outside code blocks."""
    prefix = "#" * level + " "
    return [(i, line[len(prefix):].strip().rstrip("#").strip())
            for i, line in lines_outside_code(body) if line.startswith(prefix)]


def load_tutor_notes(loader, folder: Path, criteria: tuple[str, ...] | None, link_map, asset_url) -> TutorNotes | None:
    """Read, check and render a module's tutor notes; `criteria` are assignment.md's (None if it is broken)."""
    path = folder / TUTOR_NOTES_FILE
    rel = f"{folder.name}/{TUTOR_NOTES_FILE}"
    if not path.is_file():
        loader.problem(rel, 1, "missing: every module needs tutor notes (a model answer and marking notes for each "
                               "criterion of assignment.md; see modules/README.md)")
        return None
    src = loader.read(path)
    if src is None:
        return None
    meta = loader.fields(src, {"title": (str, False)})
    lines = src.body.split("\n")
    sections = _headings(src.body, 2)
    names = [name.casefold() for _, name in sections]
    ok = meta is not None
    for wanted in (MODEL_ANSWER, MARKING_NOTES):
        if wanted.casefold() not in names:
            loader.problem(src.rel, src.body_line, f"no '## {wanted}' section: tutor notes have two sections, "
                                                   f"'## {MODEL_ANSWER}' and '## {MARKING_NOTES}'")
            ok = False
    for index, name in sections:
        if name.casefold() not in (MODEL_ANSWER.casefold(), MARKING_NOTES.casefold()):
            loader.problem(src.rel, src.body_line + index, f"unknown section '## {name}': tutor notes have two "
                           f"sections, '## {MODEL_ANSWER}' and '## {MARKING_NOTES}'; move its text into one of them")
            ok = False
    if not ok:
        return None

    def section(name: str) -> tuple[int, int]:
        """First and end line index of a section's text."""
        position = names.index(name.casefold())
        start = sections[position][0] + 1
        end = sections[position + 1][0] if position + 1 < len(sections) else len(lines)
        return start, end

    def render(start: int, end: int) -> str:
        piece = replace(src, body="\n".join(lines[start:end]), body_line=src.body_line + start)
        html, _, _ = loader.render(piece, folder.name, link_map, asset_url)
        return html

    start, end = section(MODEL_ANSWER)
    if not "\n".join(lines[start:end]).strip():
        loader.problem(src.rel, src.body_line + start - 1, f"the '## {MODEL_ANSWER}' section is empty: write a "
                                                           "complete answer of the suggested length")
        ok = False
    model_answer = render(start, end)

    start, end = section(MARKING_NOTES)
    per_criterion = [(i, name) for i, name in _headings("\n".join(lines[start:end]), 3)]
    if criteria is not None and len(per_criterion) != len(criteria):
        loader.problem(src.rel, src.body_line + start - 1,
                       f"'## {MARKING_NOTES}' has {len(per_criterion)} '###' section(s) but assignment.md has "
                       f"{len(criteria)} criteria: write one '### <criterion>' section per criterion, in the same "
                       "order")
        ok = False
    intro_end = start + per_criterion[0][0] if per_criterion else end
    marking_intro = render(start, intro_end) if "\n".join(lines[start:intro_end]).strip() else ""
    marking: list[CriterionNotes] = []
    for n, (offset, heading) in enumerate(per_criterion):
        first = start + offset + 1
        last = start + per_criterion[n + 1][0] if n + 1 < len(per_criterion) else end
        if not "\n".join(lines[first:last]).strip():
            loader.problem(src.rel, src.body_line + first - 1, f"the marking notes for '{heading}' are empty: say "
                                                               "what counts as meeting the criterion")
            ok = False
        marking.append(CriterionNotes(heading=heading, html=render(first, last)))
    if not ok:
        return None
    return TutorNotes(title=(meta or {}).get("title", "Tutor notes"), model_answer_html=model_answer,
                      marking_intro_html=marking_intro, marking=tuple(marking))
