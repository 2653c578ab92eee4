"""Figures: SVG files in `<module>/figures/`, read and checked once at load time (format: modules/README.md).

An SVG is parsed with the standard library's expat parser set up to refuse anything that could
reach outside the file or blow up in memory: a DOCTYPE (and with it every entity declaration),
external entities and processing instructions stop the parse with a message. Every element
and attribute is then checked for what a course figure may not contain (scripts, foreign
content, event handlers, links or styles that fetch something), and the accessible text the
platform shows with the figure is taken out: the <title> (its caption) and the <desc> (its
text description).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from xml.parsers import expat

SVG_NS = "http://www.w3.org/2000/svg"
FIGURES_FOLDER = "figures"
DESC_WORDS = (40, 200)
FORBIDDEN = {"script": "a <script> is not allowed in a figure",
             "foreignobject": "a <foreignObject> is not allowed in a figure: draw the content in SVG"}
_EXTERNAL_URL = re.compile(r"url\(\s*['\"]?\s*(?!#)", re.IGNORECASE)
_DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|gif|webp);base64,", re.IGNORECASE)
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


@dataclass(frozen=True)
class Figure:
    """What the page shows with a figure besides the image."""

    title: str                          # the caption
    description: tuple[str, ...]        # the text description, in paragraphs


def is_figure_path(rel: str) -> bool:
    """Whether a content-relative path names a figure: an .svg file in a module's figures/ folder."""
    path = PurePosixPath(rel)
    return path.suffix.lower() == ".svg" and path.parent.name == FIGURES_FOLDER


class _Refused(Exception):
    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.line = line


@dataclass
class _Element:
    name: str                           # local name
    namespace: str
    attributes: dict[str, str]          # local name (namespace dropped) -> value
    line: int
    children: list[_Element] = field(default_factory=list)
    text: list[str] = field(default_factory=list)

    def all_text(self) -> str:
        return "".join(self.text) + "".join(c.all_text() for c in self.children)


def _split(name: str) -> tuple[str, str]:
    namespace, _, local = name.rpartition(" ")
    return namespace, local


def _parse(data: bytes) -> _Element:
    """The element tree of `data`, or _Refused/expat.ExpatError; nothing outside the file is ever read."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    stack: list[_Element] = []
    root: list[_Element] = []

    def refuse(message):
        def handler(*args):
            raise _Refused(message, parser.CurrentLineNumber)
        return handler

    def start(name, attributes):
        namespace, local = _split(name)
        element = _Element(local, namespace, {_split(k)[1]: v for k, v in attributes.items()},
                           parser.CurrentLineNumber)
        (stack[-1].children if stack else root).append(element)
        stack.append(element)

    def end(name):
        stack.pop()

    def text(data):
        if stack:
            stack[-1].text.append(data)

    parser.StartDoctypeDeclHandler = refuse("a DOCTYPE is not allowed in a figure: delete the <!DOCTYPE ...> "
                                            "declaration (entities cannot be used)")
    parser.EntityDeclHandler = refuse("entity declarations are not allowed in a figure")
    parser.ExternalEntityRefHandler = refuse("external entities are not allowed in a figure")
    parser.ProcessingInstructionHandler = refuse("processing instructions (<?...?>, such as a style sheet link) "
                                                 "are not allowed in a figure")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.Parse(data, True)
    return root[0]


def read_figure(path: Path) -> tuple[Figure | None, list[tuple[int, str]]]:
    """The figure in the SVG at `path`, and its problems as (line, message); None when it has any."""
    problems: list[tuple[int, str]] = []
    try:
        root = _parse(path.read_bytes())
    except _Refused as e:
        return None, [(e.line, str(e))]
    except expat.ExpatError as e:
        return None, [(e.lineno, f"not well-formed XML: {expat.ErrorString(e.code)} (column {e.offset + 1})")]
    except OSError as e:
        return None, [(1, f"cannot be read: {e.strerror}")]
    if root.name != "svg" or root.namespace != SVG_NS:
        return None, [(root.line, f'the root element must be <svg xmlns="{SVG_NS}">')]
    _check_root(root, problems)
    title, description = _accessible_text(root, problems)
    for element in _walk(root):
        _check_element(element, problems)
    if problems:
        return None, problems
    return Figure(title=title, description=description), []


def _walk(element: _Element):
    yield element
    for child in element.children:
        yield from _walk(child)


def _check_root(root: _Element, problems: list[tuple[int, str]]) -> None:
    box = root.attributes.get("viewBox", "").replace(",", " ").split()
    if len(box) != 4 or not all(_NUMBER.match(v) for v in box) or float(box[2]) <= 0 or float(box[3]) <= 0:
        problems.append((root.line, 'the <svg> needs a viewBox of four numbers, e.g. viewBox="0 0 720 400", so '
                                    "the figure scales to the page"))
    for size in ("width", "height"):
        value = root.attributes.get(size, "").strip()
        if value and not value.endswith("%"):
            problems.append((root.line, f'remove {size}="{value}" from the <svg>: the figure takes the width of '
                                        "the column and its viewBox gives its proportions"))


def _accessible_text(root: _Element, problems: list[tuple[int, str]]) -> tuple[str, tuple[str, ...]]:
    first = [c for c in root.children if c.namespace == SVG_NS][:2]
    names = [c.name for c in first]
    title = desc = ""
    if names[:1] == ["title"]:
        title = " ".join(first[0].all_text().split())
        if not title:
            problems.append((first[0].line, "the <title> is empty: write the figure's caption, a short sentence"))
    else:
        problems.append((root.line, "the first element inside <svg> must be its <title>, the figure's caption "
                                    "(a short sentence)"))
    if names[1:2] == ["desc"]:
        desc_el = first[1]
        desc = desc_el.all_text()
        words = len(desc.split())
        if not DESC_WORDS[0] <= words <= DESC_WORDS[1]:
            problems.append((desc_el.line, f"the <desc> has {words} words: describe the figure in {DESC_WORDS[0]} "
                                           f"to {DESC_WORDS[1]} words (what it shows, all its labels and numbers, "
                                           "in plain sentences)"))
    else:
        problems.append((root.line, "the second element inside <svg> must be its <desc>, the text description "
                                    f"for people who cannot see it ({DESC_WORDS[0]} to {DESC_WORDS[1]} words)"))
    paragraphs = tuple(" ".join(p.split()) for p in re.split(r"\n\s*\n", desc) if p.strip())
    return title, paragraphs


def _check_element(element: _Element, problems: list[tuple[int, str]]) -> None:
    name = element.name.lower()
    if element.namespace != SVG_NS:
        problems.append((element.line, f"<{element.name}> is not an SVG element: a figure holds SVG only"))
    if name in FORBIDDEN:
        problems.append((element.line, FORBIDDEN[name]))
    if name == "style":
        css = element.all_text()
        if "@import" in css or _EXTERNAL_URL.search(css):
            problems.append((element.line, "the <style> loads something from outside the file (@import or url()): "
                                           "keep styles inside the figure"))
        if "@font-face" in css:
            problems.append((element.line, "web fonts are not allowed: use font-family=\"system-ui, -apple-system, "
                                           "'Segoe UI', Roboto, 'Noto Sans', sans-serif\""))
    for attribute, value in element.attributes.items():
        if attribute.lower().startswith("on"):
            problems.append((element.line, f"the event handler {attribute}=\"...\" is not allowed in a figure"))
        elif attribute == "href":
            data_image = name == "image" and _DATA_IMAGE.match(value)
            if not (value.startswith("#") or data_image):
                problems.append((element.line, f"<{element.name}> refers to {value[:60]!r} outside the file: a figure "
                                               "may not link to or load anything (only #id inside it)"))
        elif _EXTERNAL_URL.search(value) or "javascript:" in value.lower():
            problems.append((element.line, f"{attribute}=\"{value[:60]}\" refers to something outside the file: "
                                           "only url(#id) inside the figure is allowed"))
