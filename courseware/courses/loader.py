"""Reading and checking the content tree under modules/ (format: modules/README.md).

`load_course` parses every file, renders the Markdown, checks links, images, slugs and orders,
and raises one ContentError listing every problem as 'file:line: message'.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable

import yaml

from .structure import (ASSET_SUFFIXES, SLUG_RE, TOPICS, Assignment, ContentError, Course, Download, GlossaryTerm,
                        Module, Page, Prompt, Reference, Unit)
from .questions import check_question_ids, check_questions_files, is_questions_file, load_unit_questions
from .figures import FIGURES_FOLDER, Figure, read_figure
from .references import REFERENCES_FILE, load_references
from .spreadsheets import build_xlsx, check_totals
from .tutor_notes import TUTOR_NOTES_FILE, load_tutor_notes
from .rendering import Heading, RenderContext, render, render_inline, word_count
from .translations import is_translation, load_with_translations, read_translation

RESERVED_SLUGS = {"forum", "assignment", "images", "prompts"}
SPECIAL_FILES = {"module.md", "assignment.md", "glossary.md", TUTOR_NOTES_FILE}
PREFIX_RE = re.compile(r"^\d+-")
# Front-matter lists whose items are not plain texts; their loaders check them.
STRUCTURED_LISTS = {"terms", "words", "criteria"}
# Front-matter keys of the first edition that are gone, with what to do instead.
REMOVED_KEYS = {"minutes": "'minutes' is no longer used: delete the line (the platform computes reading time "
                           "from the word count)"}

def slug_of(name: str) -> str:
    return PREFIX_RE.sub("", name.removesuffix(".md"))


@dataclass
class _Source:
    path: Path
    rel: str
    meta: dict[str, Any]
    body: str
    body_line: int          # line number of the first body line
    language: str = "en"    # or the language of the translation it was read from (translations.py)


class _Loader:
    def __init__(self, root: Path, language: str | None = None, memo: dict | None = None):
        self.root = root
        self.problems: list[str] = []
        self.language = language            # None: English; else read <name>.<language>.md where it exists
        self.translated: list[str] = []     # English paths of the files read in their translation
        self.untranslated: list[str] = []   # English paths of the files read in English for want of one
        self.memo = {} if memo is None else memo    # what was rendered, shared by the loads of every language
        self.references: dict[str, Reference] | None = {}   # id -> reference; None if references.yml is unreadable
        self.reference_lines: dict[str, int] = {}       # id -> its line in references.yml
        self.cited: dict[str, list[str]] = {}           # file -> reference ids it cites, in order
        self.figures: dict[str, Figure | None] = {}     # content-relative .svg path -> figure (None: unusable)
        self.downloads: dict[str, tuple[Download, str]] = {}   # slug -> (spreadsheet, the file whose table it is)
        self.url_for_download: Callable[[str], str] = lambda slug: f"/downloads/{slug}.xlsx"

    # reporting
    def problem(self, rel: str, line: int, message: str) -> None:
        self.problems.append(f"{rel}:{line}: {message}")

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    # files
    def read(self, path: Path, original: bool = False) -> _Source | None:
        """The file's front matter and body, read once for the loads of every language; in a language's load,
        its translation where there is one, checked against it (translations.py)."""
        if self.language and not original:
            return read_translation(self, path)
        read = self.memo.setdefault("read", {})
        if path not in read:
            read[path] = self._read(path)
        return read[path]

    def _read(self, path: Path) -> _Source | None:
        rel = self.rel(path)
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as e:
            self.problem(rel, 1, f"not valid UTF-8 ({e.reason})")
            return None
        text = text.replace("\r\n", "\n")
        if not text.startswith("---\n"):
            self.problem(rel, 1, "missing front matter: the file must start with a line '---'")
            return None
        end = text.find("\n---\n", 3)
        if end == -1 and text.endswith("\n---"):
            end = len(text) - 4
        if end == -1:
            self.problem(rel, 1, "front matter is not closed by a line '---'")
            return None
        raw = text[4:end + 1]
        try:
            meta = yaml.safe_load(raw) or {}
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            line = mark.line + 2 if mark is not None else 1
            self.problem(rel, line, f"bad front matter: {getattr(e, 'problem', None) or e}")
            return None
        except ValueError:      # YAML reads 2026-02-30 as a date, and no such day exists
            line, bad = _bad_date(raw)
            self.problem(rel, line + 1, f"bad front matter: {bad} is not a date (write dates as YYYY-MM-DD)")
            return None
        if not isinstance(meta, dict):
            self.problem(rel, 2, "front matter must be a set of 'key: value' lines")
            return None
        body_line = raw.count("\n") + 3
        return _Source(path, rel, meta, text[end + 5:], body_line)

    def line_of(self, src: _Source, needle: str) -> int:
        for i, line in enumerate(src.body.split("\n")):
            if needle in line:
                return src.body_line + i
        return src.body_line

    def file_line(self, src: _Source, needle: str, start: bool = False) -> int:
        """Line number of the first line of the file containing (or, with start, starting with) needle."""
        text = src.path.read_text(encoding="utf-8").replace("\r\n", "\n")
        for i, line in enumerate(text.split("\n")):
            if (line.startswith(needle) if start else needle in line):
                return i + 1
        return 2

    def key_line(self, src: _Source, key: str) -> int:
        return self.file_line(src, f"{key}:", start=True)

    def fields(self, src: _Source, spec: dict[str, tuple[type | tuple, bool]]) -> dict[str, Any] | None:
        """Check front matter against `spec` (key -> (type, required)); report unknown keys."""
        ok = True
        for key in src.meta:
            if key in REMOVED_KEYS and key not in spec:
                self.problem(src.rel, self.key_line(src, key), REMOVED_KEYS[key])
                ok = False
            elif key not in spec:
                self.problem(src.rel, self.key_line(src, key), f"unknown front matter key {key!r} "
                             f"(expected one of: {', '.join(spec)})")
                ok = False
        for key, (typ, required) in spec.items():
            if key not in src.meta:
                if required:
                    self.problem(src.rel, 2, f"front matter is missing {key!r}")
                    ok = False
                continue
            value = src.meta[key]
            if typ is date and (isinstance(value, datetime) or not isinstance(value, date)):
                self.problem(src.rel, self.key_line(src, key),
                             f"{key!r} must be a date written YYYY-MM-DD without quotes, e.g. 2026-12-01, "
                             f"not {value!r}")
                ok = False
            elif typ is int and isinstance(value, bool) or not isinstance(value, typ):
                self.problem(src.rel, self.key_line(src, key),
                             f"{key!r} must be {_type_name(typ)}, not {value!r}")
                ok = False
            elif typ is str and not value.strip():
                self.problem(src.rel, self.key_line(src, key), f"{key!r} must not be empty")
                ok = False
            elif typ is list and key not in STRUCTURED_LISTS and not all(isinstance(v, str) and v.strip() for v in value):
                self.problem(src.rel, self.key_line(src, key), f"{key!r} must be a list of texts")
                ok = False
        return src.meta if ok else None

    def figure(self, rel: str) -> Figure | None:
        """The figure in a content-relative .svg file, read and checked once; its problems reported once."""
        if rel not in self.figures:
            path = self.root / rel
            self.figures[rel] = None
            if not rel.startswith("..") and path.is_file():
                self.figures[rel], problems = read_figure(path)
                for line, message in problems:
                    self.problem(rel, line, message)
        return self.figures[rel]

    def render(self, src: _Source, folder: str, link_map, asset_url,
               download: Callable | None = None) -> tuple[str, tuple[Heading, ...], bool]:
        """`download` builds the spreadsheet of a table with a !download line (units only)."""
        rendered = self.memo.setdefault("render", {})
        key = (src.rel, src.body_line, folder, src.body)
        if key not in rendered:     # else the same text was rendered in another language's load: reuse it
            ctx = RenderContext(source=src.rel, folder=folder, link_map=link_map, asset_url=asset_url,
                                references=self.references, figure=self.figure, download=download,
                                language=getattr(src, "language", "en") or "en")
            rendered[key] = (render(src.body, ctx), ctx)
        out, ctx = rendered[key]
        for needle, message in ctx.problems:
            self.problem(src.rel, self.line_of(src, needle), message)
        for spec, made in ctx.made:
            if spec.slug in self.downloads:
                self.problem(src.rel, self.line_of(src, spec.line), f"the download name {spec.slug!r} is already "
                             f"used in {self.downloads[spec.slug][1]}: give each spreadsheet its own name")
            else:
                self.downloads[spec.slug] = (made, src.rel)
        cited = self.cited.setdefault(src.rel, [])
        cited.extend(ref_id for ref_id in ctx.cited if ref_id not in cited)
        return out.html, out.toc, out.has_h1


def _bad_date(text: str) -> tuple[int, str]:
    """The 1-based line and text of the first YYYY-MM-DD in `text` that names no real day."""
    for i, line in enumerate(text.split("\n")):
        for found in re.findall(r"\b\d{4}-\d\d-\d\d\b", line):
            try:
                date.fromisoformat(found)
            except ValueError:
                return i + 1, found
    return 1, "a value"


def _type_name(typ) -> str:
    return {str: "a text", int: "a whole number", list: "a list", bool: "true or false",
            date: "a date (YYYY-MM-DD)"}.get(typ, str(typ))


def load_course(root: Path | str, url_for_unit: Callable[[str, str], str] | None = None,
                url_for_asset: Callable[[str], str] | None = None) -> Course:
    """Read and check the whole tree under `root`, in English and in every translation (translations.py).
    Raises ContentError listing every problem."""
    return load_with_translations(lambda language, memo: _load_language(root, url_for_unit, url_for_asset,
                                                                         language, memo), Path(root))


def _load_language(root: Path | str, url_for_unit: Callable[[str, str], str] | None,
                   url_for_asset: Callable[[str], str] | None, language: str | None, memo: dict) -> Course:
    """The course read in `language` (None: English), its translated files where they exist."""
    root = Path(root)
    url_for_unit = url_for_unit or (lambda m, u: f"/modules/{m}/{u}/")
    url_for_asset = url_for_asset or (lambda p: f"/course-assets/{p}")
    loader = _Loader(root, language, memo)
    if not root.is_dir():
        raise ContentError([f"{root}: the content folder does not exist"])

    def asset_url(rel: str) -> str | None:
        if rel.startswith("..") or Path(rel).suffix.lower() not in ASSET_SUFFIXES:
            return None
        return url_for_asset(rel) if (root / rel).is_file() else None

    # The reference list first: every file may cite it.
    if (root / REFERENCES_FILE).is_file():
        if "references" not in memo:    # read once for the loads of every language
            found: list[tuple[int, str]] = []
            memo["references"] = (load_references(root / REFERENCES_FILE, lambda *problem: found.append(problem)),
                                  found)
        entries, found = memo["references"]
        for line, msg in found:
            loader.problem(REFERENCES_FILE, line, msg)
        for ref, line in entries:
            loader.references[ref.id], loader.reference_lines[ref.id] = ref, line
        if not entries and loader.problems:
            loader.references = None    # unreadable as a whole: footnotes cannot be checked against it
    else:
        loader.problem(REFERENCES_FILE, 1, "missing: the course needs a references.yml listing its sources "
                                           "(see modules/README.md)")

    # Pass 1: every module's metadata and unit front matter, to know all link targets.
    module_dirs = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
    if not module_dirs:
        raise ContentError([f"{root.name}/: no module folders found"])
    plan = []
    link_map: dict[str, str] = {}
    for folder in module_dirs:
        mslug = slug_of(folder.name)
        if not SLUG_RE.match(mslug):
            loader.problem(folder.name, 1, f"module folder name gives the slug {mslug!r}; "
                                           "use lower-case letters, digits and hyphens")
            continue
        unit_srcs = []
        unit_files: dict[str, str] = {}
        for path in sorted(folder.glob("*.md")):
            if path.name in SPECIAL_FILES or is_questions_file(path.name) or is_translation(path.name):
                continue    # not units: self-checks and translations belong to the file they sit beside
            uslug = slug_of(path.name)
            if not SLUG_RE.match(uslug) or uslug in RESERVED_SLUGS:
                loader.problem(loader.rel(path), 1, f"the unit slug {uslug!r} is not allowed "
                               f"(lower-case letters, digits and hyphens; not {', '.join(sorted(RESERVED_SLUGS))})")
                continue
            if uslug in unit_files:
                loader.problem(loader.rel(path), 1, f"duplicate unit slug {uslug!r} (also {unit_files[uslug]})")
                continue
            unit_files[uslug] = path.name
            src = loader.read(path)
            if src is not None:
                unit_srcs.append((uslug, src))
                link_map[loader.rel(path)] = url_for_unit(mslug, uslug)    # links name English files
        plan.append((folder, mslug, unit_srcs))

    # Pass 2: build each module.
    modules: list[Module] = []
    seen_module_slugs: dict[str, str] = {}
    seen_module_orders: dict[int, str] = {}
    for folder, mslug, unit_srcs in plan:
        module = _load_module(loader, folder, mslug, unit_srcs, link_map, asset_url)
        if module is None:
            continue
        if mslug in seen_module_slugs:
            loader.problem(folder.name, 1, f"duplicate module slug {mslug!r} (also {seen_module_slugs[mslug]})")
        if module.order in seen_module_orders:
            loader.problem(f"{folder.name}/module.md", loader.key_line(loader.read(folder / 'module.md'), "order"),
                           f"duplicate module order {module.order} (also {seen_module_orders[module.order]})")
        seen_module_slugs[mslug] = folder.name
        seen_module_orders[module.order] = folder.name
        modules.append(module)
    modules.sort(key=lambda m: m.order)

    # Course-wide files.
    course_meta = {}
    intro_html = ""
    course_src = loader.read(root / "course.md") if (root / "course.md").is_file() else None
    if course_src is None and not (root / "course.md").is_file():
        loader.problem("course.md", 1, "missing: the course needs a course.md with its title")
    if course_src is not None:
        course_meta = loader.fields(course_src, {"title": (str, True), "version": (str, True),
                                                 "tutor_organisation": (str, True), "summary": (str, True)}) or {}
        intro_html, _, _ = loader.render(course_src, "", link_map, asset_url)
    pages = {}
    for name in ("further-reading.md",):
        path = root / name
        if not path.is_file():
            continue
        src = loader.read(path)
        if src is None:
            continue
        meta = loader.fields(src, {"title": (str, True)})
        html, toc, _ = loader.render(src, "", link_map, asset_url)
        if meta:
            pages[slug_of(name)] = Page(slug_of(name), meta["title"], html, toc, language=src.language)

    glossary: dict[str, GlossaryTerm] = {}
    for m in modules:
        for t in m.glossary:
            key = t.term.casefold()
            if key in glossary:
                path = root / _folder_of(plan, m.slug) / "glossary.md"
                line = next((i + 1 for i, text in enumerate(path.read_text(encoding="utf-8").split("\n"))
                             if t.term in text), 2)
                loader.problem(loader.rel(path), line,
                               f"glossary term {t.term!r} is also defined by module {glossary[key].module_slug!r}; "
                               "define each term once")
            else:
                glossary[key] = t

    if loader.problems:
        raise ContentError(loader.problems)
    citations = {ref_id: tuple(u for m in modules for u in m.units if ref_id in u.references)
                 for ref_id in loader.references}
    return Course(title=course_meta["title"], version=str(course_meta["version"]),
                  tutor_organisation=course_meta["tutor_organisation"], summary=course_meta["summary"],
                  intro_html=intro_html, modules=tuple(modules), pages=MappingProxyType(pages),
                  glossary=tuple(sorted(glossary.values(), key=glossary_order)),
                  references=tuple(sorted(loader.references.values(), key=lambda r: r.title.casefold())),
                  citations=MappingProxyType(citations), notices=tuple(_uncited(loader)),
                  downloads=MappingProxyType({slug: made for slug, (made, _) in loader.downloads.items()}),
                  language=language or "en", translated=tuple(loader.translated),
                  untranslated=tuple(loader.untranslated))


def _uncited(loader: _Loader):
    """A notice for each reference nothing cites: worth a look, never an error."""
    cited = {ref_id for ids in loader.cited.values() for ref_id in ids}
    for ref_id in loader.references:
        if ref_id not in cited:
            yield (f"{REFERENCES_FILE}:{loader.reference_lines[ref_id]}: the reference {ref_id!r} is not cited "
                   "anywhere in the course; "
                   f"cite it as [^{ref_id}] where its facts are used, or remove it")


def _folder_of(plan, mslug: str) -> str:
    return next(folder.name for folder, slug, _ in plan if slug == mslug)


def _load_module(loader: _Loader, folder: Path, mslug: str, unit_srcs, link_map, asset_url) -> Module | None:
    fname = folder.name
    module_src = loader.read(folder / "module.md") if (folder / "module.md").is_file() else None
    if module_src is None:
        if not (folder / "module.md").is_file():
            loader.problem(f"{fname}/module.md", 1, "missing: every module folder needs a module.md")
        return None
    meta = loader.fields(module_src, {
        "title": (str, True), "order": (int, True), "summary": (str, True), "objectives": (list, True),
        "forum_posts_required": (int, False), "anonymous_marking": (bool, False), "self_check_pass": (int, False)})
    intro_html, _, _ = loader.render(module_src, fname, link_map, asset_url)
    if meta and meta.get("forum_posts_required", 2) < 0:
        loader.problem(module_src.rel, loader.key_line(module_src, "forum_posts_required"),
                       "'forum_posts_required' must be 0 or more")
    if meta and not 1 <= meta.get("self_check_pass", 100) <= 100:
        loader.problem(module_src.rel, loader.key_line(module_src, "self_check_pass"),
                       "'self_check_pass' is the share of a unit's self-check questions a learner must answer "
                       "correctly for the certificate: a whole percentage from 1 to 100, e.g. 80 (leave it out "
                       "when self-checks should not count for the certificate)")

    for svg in sorted((folder / FIGURES_FOLDER).glob("*.svg")):
        loader.figure(loader.rel(svg))      # every figure is checked, even one no unit shows yet

    units: list[Unit] = []
    orders: dict[int, str] = {}
    for uslug, src in unit_srcs:
        umeta = loader.fields(src, {"title": (str, True), "order": (int, True), "checked": (date, True),
                                    "objectives": (list, True), "topics": (list, True)})
        html, toc, has_h1 = loader.render(src, fname, link_map, asset_url,
                                          download=_spreadsheet_builder(loader, mslug, uslug, umeta))
        if umeta is None:
            continue
        if has_h1:
            loader.problem(src.rel, loader.line_of(src, "# "), "start headings at '##': the page prints the "
                                                               "unit title as the only top-level heading")
        unknown = [t for t in umeta["topics"] if t not in TOPICS]
        if unknown:
            loader.problem(src.rel, loader.key_line(src, "topics"),
                           f"unknown topic {unknown[0]!r}; known topics: {', '.join(TOPICS)}")
        if not umeta["topics"]:
            loader.problem(src.rel, loader.key_line(src, "topics"), "list at least one topic")
        if 'class="admonition key-points"' not in html:
            loader.problem(src.rel, src.body_line, 'no key-points box: end the unit with !!! key-points "Key points"')
        if umeta["order"] in orders:
            loader.problem(src.rel, loader.key_line(src, "order"),
                           f"duplicate unit order {umeta['order']} (also {orders[umeta['order']]})")
        orders[umeta["order"]] = src.path.name
        questions_title, questions = load_unit_questions(loader, src.path, len(umeta["objectives"]), fname,
                                                         link_map, asset_url)
        units.append(Unit(slug=uslug, module_slug=mslug, title=umeta["title"], order=umeta["order"],
                          checked=umeta["checked"], objectives=tuple(umeta["objectives"]),
                          references=tuple(loader.cited.get(src.rel, ())),
                          topics=tuple(umeta["topics"]), html=html, toc=toc, words=word_count(src.body),
                          questions=questions, questions_title=questions_title, language=src.language))
    if not unit_srcs:
        loader.problem(f"{fname}/", 1, "the module has no units")
    check_question_ids(loader, (q for u in units for q in u.questions))
    check_questions_files(loader, folder, SPECIAL_FILES)

    assignment = _load_assignment(loader, folder, link_map, asset_url)
    prompts = _load_prompts(loader, folder, link_map, asset_url)
    glossary = _load_glossary(loader, folder, mslug, link_map, asset_url)
    tutor_notes = load_tutor_notes(loader, folder, assignment.criteria if assignment else None, link_map, asset_url)
    if meta is None or assignment is None or prompts is None or tutor_notes is None:
        return None
    return Module(slug=mslug, title=meta["title"], order=meta["order"], summary=meta["summary"],
                  objectives=tuple(meta["objectives"]),
                  forum_posts_required=meta.get("forum_posts_required", 2),
                  anonymous_marking=meta.get("anonymous_marking", False),
                  self_check_pass=meta.get("self_check_pass"), intro_html=intro_html,
                  units=tuple(sorted(units, key=lambda u: u.order)), assignment=assignment,
                  prompts=prompts, glossary=glossary, language=module_src.language, tutor_notes=tutor_notes)


def _spreadsheet_builder(loader: _Loader, mslug: str, uslug: str, umeta: dict | None) -> Callable:
    """What a unit's renderer calls to turn a table with a !download line into a spreadsheet."""
    checked = umeta["checked"] if umeta else date(2000, 1, 1)   # without front matter the load fails anyway
    source = f"From the unit “{umeta['title']}”." if umeta else ""

    def build(spec, header: list[str], rows: list[list[str]]) -> Download:
        problem = check_totals(header, rows, spec.totals)
        if problem:
            raise ValueError(problem)
        data = build_xlsx(spec.title, header, rows, spec.totals, checked, source=source)
        return Download(slug=spec.slug, title=spec.title, module_slug=mslug, unit_slug=uslug,
                        url=loader.url_for_download(spec.slug), data=data,
                        etag=hashlib.sha256(data).hexdigest()[:32])
    return build


def _load_assignment(loader: _Loader, folder: Path, link_map, asset_url) -> Assignment | None:
    path = folder / "assignment.md"
    if not path.is_file():
        loader.problem(f"{folder.name}/assignment.md", 1, "missing: every module needs an assignment brief")
        return None
    src = loader.read(path)
    if src is None:
        return None
    meta = loader.fields(src, {"title": (str, True), "words": (list, True), "criteria": (list, True)})
    html, _, _ = loader.render(src, folder.name, link_map, asset_url)
    if meta is None:
        return None
    words = meta["words"]
    if not (len(words) == 2 and all(isinstance(w, int) and not isinstance(w, bool) for w in words)
            and 0 < words[0] <= words[1]):
        loader.problem(src.rel, loader.key_line(src, "words"), "'words' must be [minimum, maximum], e.g. [400, 800]")
        return None
    if not meta["criteria"]:
        loader.problem(src.rel, loader.key_line(src, "criteria"), "list at least one grading criterion")
        return None
    wordings = _criteria(loader, src, meta["criteria"])
    if wordings is None:
        return None
    return Assignment(title=meta["title"], words=(words[0], words[1]), criteria=tuple(t for t, _ in wordings),
                      learner_criteria=tuple(w for _, w in wordings), html=html, language=src.language)


def _criteria(loader: _Loader, src: _Source, items: list) -> list[tuple[str, str]] | None:
    """(tutor wording, learner wording) of each criterion: a plain text is both; a pair names each."""
    lines = _item_lines(src, "criteria")
    wordings = []
    for i, item in enumerate(items):
        line = lines[i] if i < len(lines) else loader.key_line(src, "criteria")
        if isinstance(item, str) and item.strip():
            wordings.append((item.strip(), item.strip()))
        elif (isinstance(item, dict) and set(item) == {"tutor", "learner"}
              and all(isinstance(v, str) and v.strip() for v in item.values())):
            wordings.append((item["tutor"].strip(), item["learner"].strip()))
        else:
            loader.problem(src.rel, line, f"criterion {i + 1} must be a text, or a pair of texts 'tutor: ...' "
                                          "(what the tutor checks) and 'learner: ...' (what the learner is asked to do)")
    return wordings if len(wordings) == len(items) else None


def _item_lines(src: _Source, key: str) -> list[int]:
    """Line numbers of the '- ' items of a front-matter list."""
    text = src.path.read_text(encoding="utf-8").replace("\r\n", "\n").split("\n")
    lines, inside = [], False
    for number, line in enumerate(text[1:src.body_line - 2], start=2):
        if line.startswith(f"{key}:"):
            inside = True
        elif inside and line.strip() and not line[0].isspace() and not line.startswith("-"):
            break
        elif inside and line.lstrip().startswith("- ") and (line.startswith("-") or line.startswith("  -")):
            lines.append(number)
    return lines


def _load_prompts(loader: _Loader, folder: Path, link_map, asset_url) -> tuple[Prompt, ...] | None:
    files = sorted(p for p in (folder / "prompts").glob("*.md") if not is_translation(p.name)) \
        if (folder / "prompts").is_dir() else []
    if not files:
        loader.problem(f"{folder.name}/prompts/", 1, "missing: every module needs at least one discussion prompt")
        return None
    prompts = []
    for path in files:
        src = loader.read(path)
        if src is None:
            continue
        meta = loader.fields(src, {"title": (str, True), "order": (int, True)})
        html, _, _ = loader.render(src, f"{folder.name}/prompts", link_map, asset_url)
        if meta is None:
            continue
        if not src.body.strip():
            loader.problem(src.rel, src.body_line, "the prompt has no text")
            continue
        prompts.append(Prompt(slug=slug_of(path.name), title=meta["title"], order=meta["order"],
                              body=src.body.strip(), html=html, language=src.language))
    return tuple(sorted(prompts, key=lambda p: p.order))


def _load_glossary(loader: _Loader, folder: Path, mslug: str, link_map, asset_url) -> tuple[GlossaryTerm, ...]:
    path = folder / "glossary.md"
    if not path.is_file():
        return ()
    src = loader.read(path)
    if src is None:
        return ()
    meta = loader.fields(src, {"terms": (list, True)})
    if meta is None:
        return ()
    terms = []
    for i, item in enumerate(meta["terms"]):
        if not (isinstance(item, dict) and set(item) == {"term", "definition"}
                and all(isinstance(v, str) and v.strip() for v in item.values())):
            loader.problem(src.rel, loader.key_line(src, "terms"),
                           f"glossary entry {i + 1} must have exactly a 'term' and a 'definition', both texts")
            continue
        rendered, key = loader.memo.setdefault("render", {}), ("glossary", src.rel, folder.name, item["definition"])
        if key not in rendered:     # else rendered in another language's load: reuse it
            ctx = RenderContext(source=src.rel, folder=folder.name, link_map=link_map, asset_url=asset_url,
                                references=loader.references, language=getattr(src, "language", "en") or "en")
            rendered[key] = (render_inline(item["definition"], ctx), ctx)
        definition, ctx = rendered[key]
        loader.cited.setdefault(src.rel, []).extend(ctx.cited)
        for _, message in ctx.problems:
            loader.problem(src.rel, loader.file_line(src, item["term"]), message)
        anchor = re.sub(r"[^a-z0-9]+", "-", folded(item["term"])).strip("-")
        terms.append(GlossaryTerm(term=item["term"].strip(), anchor=anchor, definition_html=definition,
                                  module_slug=mslug, language=src.language))
    return tuple(sorted(terms, key=glossary_order))



def folded(text: str) -> str:
    """Lower case without accents, for sorting and ids: 'Énergie' -> 'energie', 'Übertragungsnetz' ->
    'ubertragungsnetz', 'Straße' -> 'strasse' (é sorts with e, German umlauts with their base letter)."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def glossary_order(term: GlossaryTerm) -> tuple[str, str]:
    """Alphabetical in any of the course's languages: accents folded, then the exact spelling to break ties."""
    return folded(term.term), term.term
