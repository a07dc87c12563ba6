"""Bar charts as SVG strings, built by hand: a few milliseconds each (matplotlib takes about 70),
the same file on the page and in the PDF, no script.

Each chart has `role="img"`, a `<title>` and a `<desc>` naming it and pointing to the data table
printed beside it, which is the accessible form of the numbers. Colours are distinguishable by
people with the common colour-vision deficiencies and reach 3:1 against white (WCAG 1.4.11), and
every segment carries its number, so that nothing is said by colour alone. Coordinates are
written by Python, never through the template engine, so a French locale cannot put a decimal
comma in an attribute.
"""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.translation import gettext as _

from tandem.reports.tables import Table

# Okabe-Ito hues darkened to at least 3:1 against white.
PALETTE = ["#0b5394", "#a85d00", "#1e6b32", "#8e3b7a", "#4a5260", "#a4161a"]
WIDTH = 640
LABEL_HEIGHT = 18
BAR_HEIGHT = 20
ROW_GAP = 12
LEFT = 8
RIGHT = 56  # room for the total after the bar


def _fmt(value: float) -> str:
    """A coordinate: dot decimal, whatever the language."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def bar_chart(table: Table, *, chart_id: str | None = None) -> str:
    """Horizontal (stacked) bars, one per row of the table's body, with a legend. Empty string
    when the table has no chart or no data."""
    if table.chart is None or table.is_empty:
        return ""
    chart_id = chart_id or f"chart-{table.key}"
    columns = table.chart.columns
    names = [table.columns[c] for c in columns]
    rows = []
    for row in table.body:
        values = [row.cells[c] for c in columns]
        rows.append((row.label, values))
    largest = max(
        (sum(v.value or 0 for v in values if not v.hidden) for _label, values in rows), default=0
    )
    scale = (WIDTH - LEFT - RIGHT) / largest if largest else 0
    legend_height = 28 if len(columns) > 1 else 0
    height = legend_height + len(rows) * (LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP) + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'viewBox="0 0 {WIDTH} {_fmt(height)}" width="{WIDTH}" height="{_fmt(height)}" '
        f'font-family="system-ui, sans-serif" font-size="13">',
        f'<title id="{chart_id}-title">{escape(table.title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(describe(table))}</desc>',
    ]
    if legend_height:
        x = LEFT
        for index, name in enumerate(names):
            colour = PALETTE[index % len(PALETTE)]
            parts.append(
                f'<rect x="{_fmt(x)}" y="6" width="12" height="12" fill="{colour}"/>'
                f'<text x="{_fmt(x + 16)}" y="17" fill="#1b1f24">{escape(name)}</text>'
            )
            x += 16 + 7.2 * len(name) + 18
    y = legend_height
    for label, values in rows:
        parts.append(
            f'<text x="{LEFT}" y="{_fmt(y + 13)}" fill="#1b1f24">{escape(label[:90])}</text>'
        )
        y += LABEL_HEIGHT
        x = float(LEFT)
        total = 0
        hidden = False
        for index, cell in enumerate(values):
            if cell.hidden:
                hidden = True
                continue
            value = cell.value or 0
            total += value
            if not value:
                continue
            width = value * scale
            colour = PALETTE[index % len(PALETTE)]
            parts.append(
                f'<rect x="{_fmt(x)}" y="{_fmt(y)}" width="{_fmt(width)}" '
                f'height="{BAR_HEIGHT}" fill="{colour}"/>'
            )
            if width > 26:
                parts.append(
                    f'<text x="{_fmt(x + width / 2)}" y="{_fmt(y + 14.5)}" fill="#ffffff" '
                    f'text-anchor="middle">{escape(number_format(value))}</text>'
                )
            x += width
        if hidden:
            end = "x" if not total else number_format(total) + " + x"
        else:
            end = number_format(total)
        parts.append(
            f'<text x="{_fmt(x + 4)}" y="{_fmt(y + 14.5)}" fill="#1b1f24">{escape(end)}</text>'
        )
        y += BAR_HEIGHT + ROW_GAP
    parts.append("</svg>")
    return "".join(parts)


def describe(table: Table) -> str:
    """The chart's description: what it shows, its largest bar, and where the numbers are."""
    largest = None
    for row in table.body:
        cells = [row.cells[c] for c in (table.chart.columns if table.chart else [])]
        if any(c.hidden for c in cells):
            continue
        total = sum(c.value or 0 for c in cells)
        if largest is None or total > largest[1]:
            largest = (row.label, total)
    text = table.description
    if largest is not None and largest[1]:
        text += " " + _("Largest: %(label)s (%(value)s).") % {
            "label": largest[0],
            "value": number_format(largest[1]),
        }
    return text + " " + _("The table beside the chart gives every number.")
