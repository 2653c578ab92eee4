"""The course structure: frozen dataclasses built once from modules/ and shared by every request."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

from .questions import Question

TOPICS: dict[str, str] = {
    "smart-charging-basics": "Basics of smart charging (V1G), V2G and V2X, and their benefits for cities",
    "ev-users": "The role of EV users",
    "eu-policy": "The EU policy landscape",
    "value-chain": "The value chain and the services between its actors",
    "new-services": "New energy and mobility services for each stakeholder",
    "infrastructure-types": "Types of smart-charging and V2G infrastructure",
    "shared-mobility": "Shared mobility and V2G",
    "planning": "Planning charging infrastructure and assessing needs",
    "procurement": "Procurement models, future-proofing and joint procurement",
    "funding": "Funding: ownership models, budgets and funding channels",
}
ASSET_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".pdf"}
# Slugs and ids (modules, units, references, downloads): lower-case letters and digits, single hyphens between.
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
WORDS_PER_MINUTE = 150      # reading speed of readers of English as a second language


class ContentError(Exception):
    """The content tree has problems; `problems` lists them as 'file:line: message'."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("the course content has problems:\n" + "\n".join(f"  {p}" for p in problems))


@dataclass(frozen=True)
class Heading:
    """An entry of a page's table of contents."""

    level: int
    id: str
    title: str      # plain text with the real characters (“ ” – …), not HTML


@dataclass(frozen=True)
class Unit:
    slug: str
    module_slug: str
    title: str
    order: int
    checked: date               # when the unit was last reread against its references
    objectives: tuple[str, ...]
    topics: tuple[str, ...]
    references: tuple[str, ...]     # ids of the references it cites, in the order first cited
    html: str
    toc: tuple[Heading, ...]
    words: int
    questions: tuple[Question, ...] = ()    # its self-check (questions.py); empty when it has none
    questions_title: str = ""               # the self-check's own heading, if it sets one
    language: str = "en"                 # the language of the file it was read from (translations.py)

    @property
    def key(self) -> tuple[str, str]:
        return (self.module_slug, self.slug)

    @property
    def reading_minutes(self) -> int:
        return max(1, math.ceil(self.words / WORDS_PER_MINUTE))


@dataclass(frozen=True)
class Assignment:
    title: str
    words: tuple[int, int]
    criteria: tuple[str, ...]           # the tutors' wording: the grading page, and what criteria_met stores
    learner_criteria: tuple[str, ...]   # the same criteria worded for learners, in the same order
    html: str
    language: str = "en"                 # the language of the file it was read from (translations.py)


    def learner_wording(self, criterion: str) -> str:
        """The learners' wording of a criterion stored in the tutors' wording (by its position); a text that is
        no longer a criterion (the brief changed since the grade) is shown as it was stored."""
        try:
            return self.learner_criteria[self.criteria.index(criterion)]
        except ValueError:
            return criterion


@dataclass(frozen=True)
class CriterionNotes:
    heading: str            # the '###' heading, which names the criterion
    html: str


@dataclass(frozen=True)
class TutorNotes:
    """A module's tutor pack (tutor-notes.md): shown to tutors beside the work, never to learners."""

    title: str
    model_answer_html: str
    marking_intro_html: str                 # text under '## Marking notes' before the first criterion, if any
    marking: tuple[CriterionNotes, ...]     # one per criterion of the assignment, in the same order


@dataclass(frozen=True)
class Prompt:
    slug: str
    title: str
    order: int
    body: str       # Markdown, for seeding the forum
    html: str
    language: str = "en"                 # the language of the file it was read from (translations.py)


@dataclass(frozen=True)
class GlossaryTerm:
    term: str
    anchor: str
    definition_html: str
    module_slug: str
    language: str = "en"                 # the language of the file it was read from (translations.py)


@dataclass(frozen=True)
class Module:
    slug: str
    title: str
    order: int
    summary: str
    objectives: tuple[str, ...]
    forum_posts_required: int
    anonymous_marking: bool
    intro_html: str
    units: tuple[Unit, ...]
    assignment: Assignment
    prompts: tuple[Prompt, ...]
    glossary: tuple[GlossaryTerm, ...]
    language: str = "en"                 # the language of the file it was read from (translations.py)
    tutor_notes: TutorNotes | None = None   # tutor-notes.md: for the grading page only, never for learners
    # `self_check_pass` (front matter): the percentage of every self-check of the module a learner must reach
    # for the certificate; None (the default) means self-checks never count for the certificate.
    self_check_pass: int | None = None

    @property
    def checked_units(self) -> tuple[Unit, ...]:
        """The units that end with a self-check."""
        return tuple(u for u in self.units if u.questions)

    def unit(self, slug: str) -> Unit | None:
        return next((u for u in self.units if u.slug == slug), None)

    def neighbours(self, unit: Unit) -> tuple[Unit | None, Unit | None]:
        i = self.units.index(unit)
        return (self.units[i - 1] if i > 0 else None, self.units[i + 1] if i + 1 < len(self.units) else None)

    @property
    def reading_minutes(self) -> int:
        return sum(u.reading_minutes for u in self.units)


@dataclass(frozen=True)
class Page:
    slug: str
    title: str
    html: str
    toc: tuple[Heading, ...]
    language: str = "en"                 # the language of the file it was read from (translations.py)


@dataclass(frozen=True)
class Download:
    """A spreadsheet built from a table in a unit (the `!download` line), served at `url`."""

    slug: str
    title: str
    module_slug: str
    unit_slug: str
    url: str
    data: bytes             # the .xlsx file, built once at load time
    etag: str

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(frozen=True)
class Reference:
    """One source in modules/references.yml; units cite it as the footnote [^id]."""

    id: str
    title: str
    publisher: str
    date: str                   # the document's date as written (YYYY-MM-DD, YYYY-MM or YYYY); "" if none
    date_text: str              # the same for people: "22 September 2023", "September 2023", "2023"; or ""
    url: str                    # "" when the source has no web address
    accessed: date | None       # when someone last opened it and checked the facts drawn from it


@dataclass(frozen=True)
class Course:
    title: str
    version: str
    tutor_organisation: str
    summary: str
    intro_html: str
    modules: tuple[Module, ...]
    pages: MappingProxyType  # slug -> Page
    glossary: tuple[GlossaryTerm, ...]
    references: tuple[Reference, ...] = ()          # sorted by title
    citations: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))  # ref id -> citing units
    notices: tuple[str, ...] = ()                   # 'file:line: ...' worth a look, never an error
    downloads: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))  # slug -> Download
    # Translations (translations.py): this course is read in `language`; each text object says by its own
    # `language` whether it is translated or shown in English. `translations` (language -> Course, English
    # included) is shared by all of them; `untranslated` lists the files shown in English.
    language: str = "en"
    translated: tuple[str, ...] = ()                # English paths of the files read in their translation
    untranslated: tuple[str, ...] = ()
    translations: MappingProxyType = field(default_factory=lambda: MappingProxyType({}), compare=False, repr=False)

    def module(self, slug: str) -> Module | None:
        return next((m for m in self.modules if m.slug == slug), None)

    def localized(self, language: str | None) -> Course:
        """The course in `language` ('de', 'fr', 'nl'): translated texts where they exist, English elsewhere.
        Slugs, orders, progress keys and question ids are the same in every language. Unknown or no language
        gives the English course."""
        return self.translations.get(language) or self.translations.get("en") or self

    @property
    def units(self) -> tuple[Unit, ...]:
        return tuple(u for m in self.modules for u in m.units)

    @property
    def unit_keys(self) -> frozenset[tuple[str, str]]:
        return frozenset(u.key for u in self.units)

