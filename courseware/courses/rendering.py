"""Markdown to HTML for course authors' text (trusted), with link and image checking.

Learner-written Markdown does NOT come through here: see courseware/core/safe_markdown.py.
"""
from __future__ import annotations

import html as htmllib
import posixpath
import re
import threading
from functools import lru_cache
from pathlib import Path
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping
from urllib.parse import urlsplit

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from .figures import is_figure_path
from .markdown_text import without_code
from .structure import Heading
from .tables import finish_tables, mark_downloads

EXTENSIONS = ["tables", "footnotes", "admonition", "attr_list", "def_list", "fenced_code", "sane_lists", "smarty"]


TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"


def N_(text: str) -> str:
    """Marks a fixed text for extraction (pybabel); it is translated when rendered, by `fixed_text`."""
    return text


@lru_cache(maxsize=8)
def _catalogue(language: str):
    from babel.support import Translations
    return Translations.load(str(TRANSLATIONS), [language])


def fixed_text(ctx: "RenderContext", text: str, **values) -> str:
    """A word the rendering adds to the author's text (a footnote's label, the "Sources" heading), in the
    language of that text (the catalogues of the interface; English when there is none)."""
    translated = _catalogue(ctx.language).gettext(text) if ctx.language != "en" else text
    return translated % values if values else translated


@dataclass
class RenderContext:
    """What the renderer needs to resolve links, and where it reports problems."""

    source: str                       # path of the file, relative to the content root (for messages)
    folder: str                       # its folder, relative to the content root ("" for the root)
    link_map: dict[str, str]          # content-relative .md path -> page URL
    asset_url: callable               # content-relative asset path -> URL, or None if the file is missing
    problems: list[tuple[str, str]] = field(default_factory=list)  # (needle to locate the line, message)
    references: Mapping[str, Any] | None = field(default_factory=dict)  # id -> Reference; None: list unreadable
    reference_url: Callable[[str], str] = lambda ref_id: f"/references/#{ref_id}"
    cited: list[str] = field(default_factory=list)                 # reference ids cited, in order (output)
    figure: Callable[[str], Any] | None = None    # content-relative .svg path -> figures.Figure, None if unusable
    # (tables.DownloadSpec, header, rows) -> an object with .url and .size, or ValueError; None: no downloads here
    download: Callable[..., Any] | None = None
    downloads: dict[str, Any] = field(default_factory=dict)        # marker -> tables.DownloadSpec (internal)
    made: list[tuple[Any, Any]] = field(default_factory=list)      # (DownloadSpec, what `download` made) (output)
    language: str = "en"              # the language of the text: fixed words the rendering adds are in it too


@dataclass(frozen=True)
class Rendered:
    html: str
    toc: tuple[Heading, ...]
    has_h1: bool


class _LinkRewriter(Treeprocessor):
    """Resolves and checks links and images, and turns the course's own constructs into HTML: figures,
    footnotes written from references, tables."""

    def __init__(self, md, ctx: RenderContext):
        super().__init__(md)
        self.ctx = ctx
        self.figure_images: set[int] = set()     # id() of the <img> elements that became figures

    def run(self, root: etree.Element) -> None:
        for el in list(root.iter()):     # a list: some steps below change the tree
            if el.tag == "p" and _lone_image(el) is not None:
                self._figure(el)
            elif el.tag == "a" and el.get("class") == "footnote-ref":
                el.set("aria-label", fixed_text(self.ctx, N_("Source %(n)s"), n=el.text))
            elif el.tag == "a" and el.get("href"):
                self._link(el)
            elif el.tag == "img":
                self._image(el)
            elif el.tag == "div" and "admonition" in (el.get("class") or "").split():
                el.set("role", "note")
            elif el.tag == "table":
                el.set("class", (el.get("class", "") + " content-table").strip())
            elif el.tag == "div" and el.get("class") == "footnote":
                _write_sources(el, self.ctx)
        finish_tables(root, self.ctx, self.md)

    def _resolve(self, target: str) -> str:
        return posixpath.normpath(posixpath.join(self.ctx.folder, target))

    def _link(self, el: etree.Element) -> None:
        href = el.get("href")
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or href.startswith("#") or href.startswith("/"):
            if parts.scheme in ("http", "https"):
                el.set("rel", "noopener")
            return
        if parts.path.endswith(".md"):
            path = self._resolve(parts.path)
            url = self.ctx.link_map.get(path)
            if url is None:
                self.ctx.problems.append((parts.path, f"broken link to {href!r}: no unit at {path}"))
                return
            el.set("href", url + (f"#{parts.fragment}" if parts.fragment else ""))
        else:
            url = self.ctx.asset_url(self._resolve(parts.path))
            if url is None:
                self.ctx.problems.append((parts.path, f"broken link to {href!r}: file not found"))
                return
            el.set("href", url)

    def _figure(self, para: etree.Element) -> None:
        """A figure's image alone in its paragraph becomes a numbered <figure> with its caption and, under a
        disclosure, its text description (both from the SVG)."""
        img = para[0]
        rel = self._resolve(img.get("src", ""))
        if self.ctx.figure is None or not is_figure_path(rel):
            return
        figure = self.ctx.figure(rel)
        if figure is None:
            return      # missing or broken: reported against the image or the SVG
        self.figure_images.add(id(img))
        number = len(self.figure_images)
        para.tag, para.text = "figure", None
        para.attrib.clear()
        para.set("class", "figure")
        para.set("id", f"figure-{number}")
        caption = etree.Element("figcaption")
        label = etree.SubElement(caption, "span", {"class": "figure-number"})
        label.text = AtomicString(f"Figure {number}:")
        label.tail = AtomicString(f" {figure.title}")
        para.insert(0, caption)
        details = etree.SubElement(para, "details", {"class": "figure-description"})
        summary = etree.SubElement(details, "summary")
        summary.text = AtomicString("Text description")
        hidden = etree.SubElement(summary, "span", {"class": "visually-hidden"})
        hidden.text = AtomicString(f" of figure {number}")
        for paragraph in figure.description:
            etree.SubElement(details, "p").text = AtomicString(paragraph)

    def _image(self, el: etree.Element) -> None:
        src = el.get("src", "")
        if not el.get("alt", "").strip():
            self.ctx.problems.append((src, f"image {src!r} has no alt text"))
        if is_figure_path(self._resolve(src)) and id(el) not in self.figure_images and self.ctx.figure is not None:
            if self.ctx.figure(self._resolve(src)) is not None:
                self.ctx.problems.append((src, f"the figure {src!r} must stand alone in its own paragraph: put a "
                                               "blank line before and after it"))
        if urlsplit(src).scheme or src.startswith("//"):
            self.ctx.problems.append((src, f"image {src!r} is not in the module folder; keep images local"))
            return
        url = self.ctx.asset_url(self._resolve(src))
        if url is None:
            self.ctx.problems.append((src, f"missing image {src!r}"))
            return
        el.set("src", url)
        el.set("loading", "lazy")


def _lone_image(para: etree.Element) -> etree.Element | None:
    """The <img> that is all a paragraph holds, or None."""
    if len(para) == 1 and para[0].tag == "img" and not (para.text or "").strip() and not (para[0].tail or "").strip():
        return para[0]
    return None


# A footnote label, and a footnote definition at the start of a line (as the footnotes extension reads them).
_FOOTNOTE_LABEL = re.compile(r"\[\^([^\]\s]+)\]")
_FOOTNOTE_DEFINITION = re.compile(r"^ {0,3}\[\^([^\]]*)\]:", re.MULTILINE)
_SOURCE_PLACEHOLDER = "cwsource"     # the body the platform gives each footnote, replaced by _write_sources


def _cite(text: str, ctx: RenderContext) -> str:
    """Check every footnote against the reference list; append a definition for each reference cited."""
    prose = without_code(text)
    for m in _FOOTNOTE_DEFINITION.finditer(prose):
        ctx.problems.append((m.group(0).strip(), f"local footnote definition [^{m.group(1)}]: is not allowed: "
                             "cite a source from references.yml as [^its-id] (the platform writes the footnote), "
                             "and put an explanation in a !!! note box; delete this line"))
    for m in _FOOTNOTE_LABEL.finditer(prose):
        label = m.group(1)
        if prose.startswith(":", m.end()) and _FOOTNOTE_DEFINITION.match(prose, prose.rfind("\n", 0, m.start()) + 1):
            continue
        if ctx.references is None:
            continue        # the reference list itself is broken, and reported: do not blame every footnote
        if label not in ctx.references:
            ctx.problems.append((m.group(0), f"footnote [^{label}] does not name a reference: use the id of an entry "
                                             "in references.yml (add the source there first)"))
        elif label not in ctx.cited:
            ctx.cited.append(label)
    return text + "".join(f"\n\n[^{ref_id}]: {_SOURCE_PLACEHOLDER}\n" for ref_id in ctx.cited)


def _write_sources(div: etree.Element, ctx: RenderContext) -> None:
    """Give the footnotes a heading and write each one from its reference: title (linked to the source),
    publisher, date, and a link to its entry on the reference list."""
    for i, child in enumerate(div):
        if child.tag == "hr":
            div.remove(child)
            heading = etree.Element("h2")
            heading.text = fixed_text(ctx, N_("Sources"))
            div.insert(i, heading)
            break
    for li in div.iter("li"):
        ref = (ctx.references or {}).get(li.get("id", "").removeprefix("fn:"))
        para = li.find("p")
        if ref is None or para is None:
            continue
        backlinks = [a for a in para if a.get("class") == "footnote-backref"]
        para.clear()
        if ref.url:
            link = etree.SubElement(para, "a", {"href": ref.url, "rel": "noopener"})
            title = etree.SubElement(link, "cite")
        else:
            link = title = etree.SubElement(para, "cite")
        title.text = AtomicString(ref.title)
        link.tail = AtomicString(f". {ref.publisher}" + (f", {ref.date_text}. " if ref.date_text else ". "))
        entry = etree.SubElement(para, "a", {"href": ctx.reference_url(ref.id)})
        entry.text = AtomicString(fixed_text(ctx, N_("About this source")))
        entry.tail = AtomicString(" ")
        for backlink in backlinks:
            backlink.set("aria-label", fixed_text(ctx, N_("Back to the text")))
            backlink.set("title", fixed_text(ctx, N_("Back to the text")))
        para.extend(backlinks)


class _CourseExtension(Extension):
    def extendMarkdown(self, md):
        # After inline processing (priority 20) so links exist; before the pretty printer.
        self.treeprocessor = _LinkRewriter(md, None)
        md.treeprocessors.register(self.treeprocessor, "course_links", 15)


_TAG = re.compile(r"<[^>]+>")
_local = threading.local()


def _markdown(ctx: RenderContext) -> markdown.Markdown:
    """A Markdown converter, reset, whose course extension works for `ctx`. Building one costs about half of a
    short render, and the loader renders a thousand snippets (questions, options, feedback), so each thread
    keeps one and resets it."""
    if getattr(_local, "md", None) is None:
        from markdown.extensions.toc import TocExtension

        _local.extension = _CourseExtension()
        _local.md = markdown.Markdown(extensions=[*EXTENSIONS, TocExtension(toc_depth="1-3"), _local.extension],
                                      output_format="html")
    _local.md.reset()
    _local.extension.treeprocessor.ctx = ctx
    _local.extension.treeprocessor.figure_images = set()
    return _local.md


def render(text: str, ctx: RenderContext) -> Rendered:
    md = _markdown(ctx)
    html = md.convert(_cite(mark_downloads(text, ctx), ctx))
    flat: list[Heading] = []

    def walk(tokens):
        for t in tokens:
            # The toc extension gives each name as HTML (smarty's quotes and dashes as entities, & as &amp;);
            # a Heading holds plain text, which templates escape once.
            flat.append(Heading(t["level"], t["id"], htmllib.unescape(_TAG.sub("", t["name"]))))
            walk(t["children"])

    walk(md.toc_tokens)
    return Rendered(html=html, toc=tuple(h for h in flat if h.level >= 2), has_h1=any(h.level == 1 for h in flat))


def render_inline(text: str, ctx: RenderContext) -> str:
    """Render a short Markdown snippet (a glossary definition) without the wrapping paragraph."""
    html = render(text, ctx).html
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return html


_NOT_PROSE = re.compile(r"\[\^[^\]\s]*\]|^[ \t]*!download\b.*$", re.MULTILINE)   # footnote labels, directives


def word_count(text: str) -> int:
    """Words of Markdown prose, ignoring markup characters, footnote labels and directive lines."""
    return len(re.findall(r"[A-Za-zÀ-ÿ0-9][\w'’\-]*", _NOT_PROSE.sub(" ", text)))
