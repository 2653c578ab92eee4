"""Tables in course text: each scrolls inside a labelled region, and a `!download` line after one turns
it into a spreadsheet (format: modules/README.md; the spreadsheet itself: spreadsheets.py).

`mark_downloads` runs on the Markdown before it is parsed: it checks each `!download` line and puts
a marker paragraph in its place. `finish_tables` runs on the parsed tree: it finds the table before
each marker, hands its cells to the loader (RenderContext.download), puts the link in place of the
marker, and wraps every table in its scrolling region.
"""
from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass

from markdown.extensions.toc import remove_fnrefs, render_inner_html, strip_tags
from markdown.util import AtomicString

from .markdown_text import lines_outside_code
from .structure import SLUG_RE

_DIRECTIVE = re.compile(r"^(?P<indent>[ \t]*)!download\b(?P<rest>.*)$")
_ARGUMENTS = re.compile(r'^\s+(?P<slug>\S+)\s+"(?P<title>[^"]*)"(?:\s+totals=(?P<totals>\S*))?\s*$')
_MARKER = "cwdownload{}x"        # letters and digits only: Markdown and smarty leave it alone
USAGE = '!download <slug> "<title>" [totals=<column>,<column>]'


@dataclass(frozen=True)
class DownloadSpec:
    slug: str
    title: str
    totals: tuple[int, ...]     # 1-based columns that get a SUM in a totals row
    line: str                   # the directive as written, to find its line for messages


def mark_downloads(text: str, ctx) -> str:
    """Check each `!download` line and replace it by a marker paragraph right after its table."""
    lines = text.split("\n")
    prose = {i for i, _ in lines_outside_code(text)}
    out: list[str] = []
    for i, line in enumerate(lines):
        found = _DIRECTIVE.match(line) if i in prose else None
        if found is None:
            out.append(line)
            continue
        spec = _parse(found.group("rest"), line.strip(), ctx)
        before = [j for j in range(i - 1, -1, -1) if lines[j].strip()][:1]
        if not before or i - before[0] > 2 or "|" not in lines[before[0]]:
            ctx.problems.append((line.strip(), "a !download line must come directly after a table (one blank "
                                               "line between them is allowed)"))
            spec = None
        out.append("")
        if spec is not None:
            marker = _MARKER.format(len(ctx.downloads))
            ctx.downloads[marker] = spec
            out.extend([found.group("indent") + marker, ""])
    return "\n".join(out)


def _parse(rest: str, line: str, ctx) -> DownloadSpec | None:
    args = _ARGUMENTS.match(rest)
    if args is None:
        ctx.problems.append((line, f"write the download line as {USAGE}, e.g. "
                                   '!download tender-requirements "V2G-ready tender requirements"'))
        return None
    slug, title, totals = args.group("slug"), args.group("title").strip(), args.group("totals")
    ok = True
    if not SLUG_RE.match(slug):
        ctx.problems.append((line, f"the download name {slug!r} is not allowed: use lower-case letters, digits and "
                                   "hyphens (it becomes the file name, e.g. tender-requirements.xlsx)"))
        ok = False
    if not title:
        ctx.problems.append((line, "the download needs a title in double quotes (the spreadsheet's title)"))
        ok = False
    columns: tuple[int, ...] = ()
    if totals is not None:
        parts = totals.split(",")
        if not all(p.isdigit() and int(p) > 0 for p in parts):
            ctx.problems.append((line, f"totals={totals} must list column numbers, counted from 1, separated by "
                                       "commas, e.g. totals=3,4"))
            ok = False
        else:
            columns = tuple(sorted({int(p) for p in parts}))
    return DownloadSpec(slug, title, columns, line) if ok else None


def cell_text(cell: etree.Element, md) -> str:
    """What a table cell says, as plain text: no markup, no footnote numbers, entities resolved."""
    return html.unescape(strip_tags(render_inner_html(remove_fnrefs(cell), md))).strip()


def finish_tables(root: etree.Element, ctx, md) -> None:
    parents = {child: parent for parent in root.iter() for child in parent}
    tables = [el for el in root.iter("table")]
    for number, table in enumerate(tables, start=1):
        parent = parents[table]
        header = [cell_text(c, md) for c in table.iter("th")]
        label = f"Table {number}: " + ", ".join(h for h in header if h)
        following = _next_sibling(parent, table)
        spec = ctx.downloads.get((following.text or "").strip()) if following is not None and following.tag == "p" \
            else None
        if spec is not None:
            label = spec.title
            _download(table, following, spec, header, ctx, md)
        region = etree.Element("div", {"class": "table-scroll", "role": "region", "aria-label": label[:120],
                                       "tabindex": "0"})
        parent.insert(list(parent).index(table), region)
        parent.remove(table)
        region.append(table)
    for marker, spec in ctx.downloads.items():
        for el in root.iter("p"):
            if (el.text or "").strip() == marker:     # not after a table after all (e.g. after a list with a |)
                ctx.problems.append((spec.line, "a !download line must come directly after a table (one blank "
                                                "line between them is allowed)"))
                parents[el].remove(el)
                break


def _next_sibling(parent: etree.Element, el: etree.Element) -> etree.Element | None:
    children = list(parent)
    i = children.index(el)
    return children[i + 1] if i + 1 < len(children) else None


def _download(table: etree.Element, marker: etree.Element, spec: DownloadSpec, header: list[str], ctx, md) -> None:
    """Hand the table to the loader; put the link to the spreadsheet where the marker was."""
    rows = [[cell_text(c, md) for c in tr if c.tag == "td"] for tr in table.iter("tr")]
    rows = [r for r in rows if r]
    marker.text = None
    marker.set("class", "table-download")
    if ctx.download is None:
        ctx.problems.append((spec.line, "a !download line works only in a unit"))
        return
    try:
        made = ctx.download(spec, header, rows)
    except ValueError as e:
        ctx.problems.append((spec.line, str(e)))
        return
    ctx.made.append((spec, made))
    link = etree.SubElement(marker, "a", {"href": made.url})
    kb = max(1, round(made.size / 1024))
    link.text = AtomicString(f"Download this table as a spreadsheet (XLSX, {kb} KB)")
