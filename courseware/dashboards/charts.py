"""Charts as data for server-rendered SVG (templates/dashboards/_charts.html draws them).

Python does the arithmetic (positions and sizes in a 640-unit-wide viewBox); the template only
places the shapes, so every text is escaped by Jinja. Every chart carries its title, a
description and its figures as a table, and every bar carries its number as text: nothing is
said by colour alone. The colours are dark enough for 3:1 against the white page and for white
text (4.5:1) on top of them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from ..certificates.rules import FORUM, UNITS, Eligibility
from .stats import FUNNEL_LABELS, STAGE_LABELS, Overview

WIDTH = 640
FONT = 14
ROW = 46             # a horizontal bar: its label above it, then the bar
BAR = 18
VALUE_ROOM = 150     # room right of the longest bar for its value text
MAX_LABEL = 80
TOP_ORGANISATIONS = 8

INK = "#1b1f23"
BAR_FILL = "#0b5a3c"
# One colour per stage (stats.STAGES), distinguishable and each 7:1 or more against white.
SERIES_FILLS = ("#4a5560", "#0a4f8f", "#5b2a86", "#7a4b00", "#0b5a3c")


def _short(text: str, limit: int = MAX_LABEL) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class Table:
    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple, ...]          # the first cell of each row is its header (th scope="row")


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    anchor: str = "start"
    fill: str = INK
    css: str = "chart-text"


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    fill: str = BAR_FILL
    css: str = "chart-bar"
    href: str | None = None          # the bar links to the learners it counts
    link_label: str = ""             # the link's accessible name


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    height: float
    table: Table
    rects: tuple[Rect, ...] = ()
    texts: tuple[Text, ...] = ()
    lines: tuple[tuple[float, float, float, float], ...] = ()    # axis lines: x1, y1, x2, y2
    legend: tuple[tuple[str, str], ...] = ()                      # (fill, label), shown beside the chart
    width: int = WIDTH
    links: tuple[tuple[str, str], ...] = ()                       # (label, url): the bars' links as a list

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height:g}"


def bar_chart(id: str, title: str, description: str, items: Sequence[tuple[str, float, str]],
              maximum: float | None = None, table: Table | None = None,
              hrefs: Sequence[str] | None = None) -> Chart:
    """Horizontal bars, one per (label, value, value text), the label above each bar; with `hrefs`, each bar
    links to what it counts (and the links are listed under the chart for keyboards and screen readers)."""
    top = max([maximum or 0] + [v for _, v, _ in items]) or 1
    span = WIDTH - VALUE_ROOM
    rects, texts = [], []
    for i, (label, value, value_text) in enumerate(items):
        y = i * ROW + 4
        length = span * value / top
        texts.append(Text(0, y + FONT, _short(label)))
        rects.append(Rect(0, y + 22, round(length, 1), BAR, href=hrefs[i] if hrefs else None,
                          link_label=f"{label}: {value_text}" if hrefs else ""))
        texts.append(Text(round(length, 1) + 6, y + 22 + FONT - 1, value_text, css="chart-value"))
    table = table or Table(title, ("Item", "Value"), tuple((label, text) for label, _, text in items))
    # The axis: where bars start, so a zero is visible as "no bar".
    lines = ((0.5, 0, 0.5, len(items) * ROW + 4),)
    links = tuple((label, href) for (label, _, _), href in zip(items, hrefs)) if hrefs else ()
    return Chart(id, title, description, len(items) * ROW + 8, table, tuple(rects), tuple(texts), lines,
                 links=links)


def stacked_chart(id: str, title: str, description: str, series: Sequence[str],
                  items: Sequence[tuple[str, Sequence[int]]], table: Table) -> Chart:
    """One horizontal bar per item, split into its series, each part numbered when there is room."""
    top = max([sum(counts) for _, counts in items] + [1])
    span = WIDTH - 70
    rects, texts = [], []
    for i, (label, counts) in enumerate(items):
        y = i * ROW + 4
        texts.append(Text(0, y + FONT, _short(label)))
        x = 0.0
        for s, n in enumerate(counts):
            if not n:
                continue
            length = span * n / top
            # A white gap between parts keeps neighbours apart without relying on their colours.
            rects.append(Rect(round(x, 1), y + 22, round(max(length - 2, 1), 1), BAR + 4, SERIES_FILLS[s],
                              f"chart-bar chart-series-{s}"))
            if length >= 24:
                texts.append(Text(round(x + length / 2 - 1, 1), y + 22 + FONT + 1, str(n), "middle", "#ffffff",
                                  "chart-value chart-value-inside"))
            x += length
        texts.append(Text(round(x, 1) + 6, y + 22 + FONT + 1, f"{sum(counts)} in all", css="chart-value"))
    legend = tuple((SERIES_FILLS[s], name) for s, name in enumerate(series))
    lines = ((0.5, 0, 0.5, len(items) * ROW + 4),)
    return Chart(id, title, description, len(items) * ROW + 12, table, tuple(rects), tuple(texts), lines, legend)


def small_multiples(id: str, title: str, description: str, columns: Sequence[str],
                    panels: Sequence[tuple[str, Sequence[int]]], table: Table) -> Chart:
    """One small column chart per panel (e.g. per module), all on the same scale, each column numbered."""
    top = max([max(values, default=0) for _, values in panels] + [1])
    plot, head, foot = 70, 26, 22
    panel_height = head + plot + foot + 14
    slot = WIDTH / max(len(columns), 1)
    rects, texts, lines = [], [], []
    for p, (label, values) in enumerate(panels):
        y0 = p * panel_height
        base = y0 + head + plot
        texts.append(Text(0, y0 + FONT + 2, _short(label), css="chart-text chart-panel-title"))
        lines.append((0, base + 0.5, WIDTH, base + 0.5))
        for c, value in enumerate(values):
            height = (plot - 18) * value / top
            x = c * slot + slot * 0.2
            rects.append(Rect(round(x, 1), round(base - height, 1), round(slot * 0.6, 1), round(height, 1)))
            texts.append(Text(round(x + slot * 0.3, 1), round(base - height - 4, 1), str(value), "middle",
                              css="chart-value"))
            texts.append(Text(round(x + slot * 0.3, 1), base + 17, columns[c], "middle", css="chart-text chart-small"))
    return Chart(id, title, description, len(panels) * panel_height, table, tuple(rects), tuple(texts),
                 tuple(lines))


# The charts of each page ---------------------------------------------------------------------

def _share(n: int, of: int) -> str:
    return f"{n} of {of} ({round(100 * n / of) if of else 0}%)"


def unit_labels(units) -> list[str]:
    """Short labels for units: "Module 2 · <unit title>", so truncation never eats the part that differs
    (the module titles are long and the same for every unit of a module)."""
    numbers: dict[str, int] = {}
    labels = []
    for u in units:
        number = numbers.setdefault(u.module_title, len(numbers) + 1)
        labels.append(f"Module {number} · {u.unit_title}")
    return labels


def cohort_charts(ov: Overview, learners_reached: Callable[[int], str] | None = None) -> dict[str, Chart]:
    """The tutor's overview: completion per unit, the funnel, waiting work, forum activity, organisations.
    `learners_reached(step)` is the address of the learners who reached a step: the funnel's bars link there."""
    n = ov.learners
    charts = {}
    charts["units"] = bar_chart(
        "units", "Completion per unit",
        f"For each unit, how many of the {n} registered learners have completed it.",
        [(label, u.completed, _share(u.completed, n)) for label, u in zip(unit_labels(ov.units), ov.units)],
        maximum=n,
        table=Table("Learners who completed each unit", ("Unit", "Module", "Learners", "Share of learners"),
                    tuple((u.unit_title, u.module_title, u.completed, f"{round(100 * u.completed / n) if n else 0}%")
                          for u in ov.units)))
    charts["funnel"] = bar_chart(
        "funnel", "From registration to certificate",
        "How many learners reached each step of the course, every step including the ones before it.",
        [(label, count, _share(count, n)) for label, count in zip(FUNNEL_LABELS, ov.funnel)], maximum=n,
        hrefs=[learners_reached(step) for step in range(len(FUNNEL_LABELS))] if learners_reached else None,
        table=Table("Learners who reached each step", ("Step", "Learners", "Share of learners"),
                    tuple((label, count, f"{round(100 * count / n) if n else 0}%")
                          for label, count in zip(FUNNEL_LABELS, ov.funnel))))
    charts["waiting"] = bar_chart(
        "waiting", "Submissions waiting for a grade, by age",
        f"{ov.waiting_total} submissions wait for a grade, grouped by how long they have waited.",
        [(label, count, str(count)) for label, count in ov.waiting],
        table=Table("Waiting submissions by age and module",
                    ("Waiting for",) + tuple(t for t, _ in ov.waiting_by_module) + ("All modules",),
                    tuple((label,) + tuple(counts[i] for _, counts in ov.waiting_by_module) + (total,)
                          for i, (label, total) in enumerate(ov.waiting))))
    weeks = [w.strftime("%-d %b") for w in ov.weeks]
    charts["forum"] = small_multiples(
        "forum", "Forum activity per module",
        f"Posts written in each module's forum in each of the last {len(weeks)} weeks, "
        "labelled by the day each week began.", weeks, ov.forum,
        table=Table("Forum posts per week and module", ("Week beginning",) + tuple(t for t, _ in ov.forum),
                    tuple((week,) + tuple(values[i] for _, values in ov.forum) for i, week in enumerate(weeks))))
    top = ov.organisations[:TOP_ORGANISATIONS]
    charts["organisations"] = stacked_chart(
        "organisations", "Where learners are, per organisation",
        f"For the {len(top)} organisations with most learners, how many of their learners are at each stage.",
        STAGE_LABELS, [(o.name, o.counts) for o in top],
        table=Table("Learners at each stage, per organisation", ("Organisation",) + STAGE_LABELS + ("All",),
                    tuple((o.name,) + o.counts + (o.total,) for o in ov.organisations)))
    return charts


def learner_charts(eligibility: Eligibility) -> dict[str, Chart]:
    """The learner's own view, in the same style: units and forum posts per module."""
    units = [(r.module.title, r.done, r.needed) for m in eligibility.modules for r in m.requirements
             if r.kind == UNITS]
    posts = [(r.module.title, min(r.done, r.needed), r.needed) for m in eligibility.modules for r in m.requirements
             if r.kind == FORUM]
    return {
        "my-units": bar_chart(
            "my-units", "Units completed per module", "How many units of each module you have completed.",
            [(title, done / needed if needed else 1, f"{done} of {needed} unit{'s' if needed != 1 else ''}")
             for title, done, needed in units],
            maximum=1,
            table=Table("Units completed per module", ("Module", "Completed", "Units"), tuple(units))),
        "my-posts": bar_chart(
            "my-posts", "Forum posts per module", "Your posts in each module's forum, against the number required.",
            [(title, done / needed if needed else 1, f"{done} of {needed} post{'s' if needed != 1 else ''}")
             for title, done, needed in posts],
            maximum=1,
            table=Table("Forum posts per module", ("Module", "Posts counted", "Posts required"), tuple(posts))),
    }
