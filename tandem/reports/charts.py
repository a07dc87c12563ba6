"""Bar charts as SVG strings, built by hand: a few milliseconds each (matplotlib takes about 70),
no script. The PDF draws the same bars (bars()) in HTML and CSS, which WeasyPrint lays out
faster.

Each chart has `role="img"`, a `<title>` and a `<desc>` naming it and pointing to the data table
printed beside it, which is the accessible form of the numbers. Colours are distinguishable by
people with the common colour-vision deficiencies and reach 3:1 against white (WCAG 1.4.11), and
every segment carries its number, so that nothing is said by colour alone. Coordinates are
written by Python, never through the template engine, so a French locale cannot put a decimal
comma in an attribute.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.translation import gettext as _

from tandem.reports.tables import Table

# Okabe-Ito hues darkened to at least 3:1 against white.
PALETTE = ["#0b5394", "#a85d00", "#1e6b32", "#8e3b7a", "#4a5260", "#a4161a"]
WIDTH = 640
FONT_SIZE = 14  # px at the chart's own width, the largest it is drawn (issue 16: 11 px was unread)
LABEL_HEIGHT = 20
BAR_HEIGHT = 22
ROW_GAP = 12
LEFT = 8
RIGHT = 56  # room for the total after the bar


def _fmt(value: float) -> str:
    """A coordinate: dot decimal, whatever the language."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


@dataclass
class Segment:
    colour: str
    value: float
    share: float  # of the largest bar's total, 0 to 1


@dataclass
class Bar:
    label: str
    segments: list[Segment]
    end: str  # the bar's total, with "+ x" when a part is suppressed


@dataclass
class Bars:
    legend: list[tuple[str, str]]  # (colour, column name); empty for a single series
    bars: list[Bar]


def bars(table: Table) -> Bars | None:
    """What a chart draws, whatever draws it: None when the table has no chart or no data."""
    if table.chart is None or table.is_empty:
        return None
    columns = table.chart.columns
    rows = [(row.label, [row.cells[c] for c in columns]) for row in table.body]
    largest = max(
        (sum(v.value or 0 for v in values if not v.hidden) for _label, values in rows), default=0
    )
    drawn = []
    for label, values in rows:
        segments, total, hidden = [], 0, False
        for index, cell in enumerate(values):
            if cell.hidden:
                hidden = True
                continue
            value = cell.value or 0
            total += value
            if value:
                colour = PALETTE[index % len(PALETTE)]
                segments.append(Segment(colour, value, value / largest))
        if hidden:
            end = "x" if not total else number_format(total, force_grouping=True) + " + x"
        else:
            end = number_format(total, force_grouping=True)
        drawn.append(Bar(label, segments, end))
    legend = [(PALETTE[index % len(PALETTE)], table.columns[c]) for index, c in enumerate(columns)]
    return Bars(legend if len(columns) > 1 else [], drawn)


def _short(label: str, room: int = 78) -> str:
    """A bar's label as it fits the chart's width at FONT_SIZE (the table has it in full)."""
    return label if len(label) <= room else label[: room - 1].rstrip() + "…"


def bar_chart(table: Table, *, chart_id: str | None = None) -> str:
    """Horizontal (stacked) bars, one per row of the table's body, with a legend, as SVG. Empty
    string when the table has no chart or no data."""
    chart = bars(table)
    if chart is None:
        return ""
    chart_id = chart_id or f"chart-{table.key}"
    scale = WIDTH - LEFT - RIGHT
    # The legend wraps onto as many lines as it needs (French names are long).
    legend, x, line = [], float(LEFT), 0
    for colour, name in chart.legend:
        width = 16 + 0.56 * FONT_SIZE * len(name) + 18
        if x > LEFT and x + width > WIDTH:
            x, line = float(LEFT), line + 1
        legend.append((x, 24 * line, colour, name))
        x += width
    legend_height = 24 * (line + 1) + 4 if chart.legend else 0
    height = legend_height + len(chart.bars) * (LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP) + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'viewBox="0 0 {WIDTH} {_fmt(height)}" width="{WIDTH}" height="{_fmt(height)}" '
        f'font-family="system-ui, sans-serif" font-size="{FONT_SIZE}">',
        f'<title id="{chart_id}-title">{escape(table.title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(describe(table))}</desc>',
    ]
    for x, top, colour, name in legend:
        parts.append(
            f'<rect x="{_fmt(x)}" y="{top + 6}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{_fmt(x + 16)}" y="{top + 17}" fill="#1b1f24">{escape(name)}</text>'
        )
    y = legend_height
    for bar in chart.bars:
        parts.append(
            f'<text x="{LEFT}" y="{_fmt(y + 15)}" fill="#1b1f24">{escape(_short(bar.label))}</text>'
        )
        y += LABEL_HEIGHT
        x = float(LEFT)
        for segment in bar.segments:
            width = segment.share * scale
            parts.append(
                f'<rect x="{_fmt(x)}" y="{_fmt(y)}" width="{_fmt(width)}" '
                f'height="{BAR_HEIGHT}" fill="{segment.colour}"/>'
            )
            if width > 26:
                parts.append(
                    f'<text x="{_fmt(x + width / 2)}" y="{_fmt(y + 16)}" fill="#ffffff" '
                    f'text-anchor="middle">{escape(number_format(segment.value))}</text>'
                )
            x += width
        parts.append(
            f'<text x="{_fmt(x + 4)}" y="{_fmt(y + 16)}" fill="#1b1f24">{escape(bar.end)}</text>'
        )
        y += BAR_HEIGHT + ROW_GAP
    parts.append("</svg>")
    return "".join(parts)


def bar_chart_html(table: Table) -> str:
    """The same chart in HTML and CSS, for the PDF: WeasyPrint lays out a line of HTML text
    about thirty times faster than an SVG <text> (a 20-page funder report spent 0.6 s on its
    charts' 500 labels). Each bar is one paragraph, its label and total, whose background paints
    the segments under the text (a gradient with hard stops); the numbers of the segments are in
    the table that follows the chart."""
    chart = bars(table)
    if chart is None:
        return ""
    parts = ['<div class="chart">']
    if chart.legend:
        keys = "".join(
            f'<span class="key" style="border-left-color:{colour}">{escape(name)}</span> '
            for colour, name in chart.legend
        )
        parts.append(f'<p class="legend">{keys}</p>')
    for bar in chart.bars:
        stops, start = [], 0.0
        for segment in bar.segments:
            end = start + segment.share * 100
            # Each stop written twice (WeasyPrint reads one position a stop): hard edges.
            stops += [f"{segment.colour} {_fmt(start)}%", f"{segment.colour} {_fmt(end)}%"]
            start = end
        stops.append(f"transparent {_fmt(start)}%")
        # One paragraph a bar: its label and total, and under them the bar, painted by the
        # paragraph's background in the room its bottom padding leaves.
        parts.append(
            f'<p class="bar" style="background-image:linear-gradient(to right, '
            f'{", ".join(stops)})">{escape(bar.label[:90])} · <b>{escape(bar.end)}</b></p>'
        )
    parts.append("</div>")
    return "".join(parts)


def largest(table: Table) -> str:
    """A sentence naming the largest bar drawn (rows with a suppressed part are left out), or
    nothing when no bar has a length."""
    found = None
    for row in table.body:
        cells = [row.cells[c] for c in (table.chart.columns if table.chart else [])]
        if any(c.hidden for c in cells):
            continue
        total = sum(c.value or 0 for c in cells)
        if found is None or total > found[1]:
            found = (row.label, total)
    if found is None or not found[1]:
        return ""
    return _("Largest: %(label)s (%(value)s).") % {
        "label": found[0],
        "value": number_format(found[1]),
    }


def describe(table: Table) -> str:
    """The chart's description: what it shows, its largest bar, and where the numbers are."""
    text = " ".join(filter(None, [table.description, largest(table)]))
    return text + " " + _("The table beside the chart gives every number.")
