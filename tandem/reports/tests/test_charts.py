"""Charts: what they draw (bars), the SVG of the pages and the HTML bars of the PDF."""

import re

import pytest
from django.utils import translation

from tandem.reports.charts import PALETTE, bar_chart, bar_chart_html, bars
from tandem.reports.tables import Cell, Chart, Row, Table


def _table(rows, *, columns=("Accepted", "Returned"), chart=(0, 1)) -> Table:
    return Table(
        key="referrals",
        title="Referrals <by agency>",
        description="Referrals by agency.",
        row_header="Agency",
        columns=list(columns),
        rows=[Row(label, [Cell(v, hidden=v == "x") for v in values]) for label, values in rows]
        + [Row("Total", [Cell(None)] * len(columns), is_total=True)],
        chart=Chart(list(chart)) if chart is not None else None,
    )


def test_bars_are_shares_of_the_largest_total_and_say_what_is_hidden():
    chart = bars(_table([("A & B", [300, 100]), ("C", [100, "x"]), ("D", ["x", "x"])]))
    assert [b.label for b in chart.bars] == ["A & B", "C", "D"]  # the total row is not drawn
    assert [(s.colour, s.share) for s in chart.bars[0].segments] == [
        (PALETTE[0], 0.75),
        (PALETTE[1], 0.25),
    ]
    assert [s.share for s in chart.bars[1].segments] == [0.25]
    assert [b.end for b in chart.bars] == ["400", "100 + x", "x"]
    assert chart.legend == [(PALETTE[0], "Accepted"), (PALETTE[1], "Returned")]


def test_no_chart_without_data_or_without_a_chart():
    assert bars(_table([])) is None
    assert bars(_table([("A", [1, 2])], chart=None)) is None
    assert bar_chart(_table([])) == "" and bar_chart_html(_table([])) == ""
    assert bars(_table([("A", [3])], columns=("Mentors",), chart=(0,))).legend == []


def test_the_svg_is_named_described_and_its_coordinates_use_a_dot_in_french():
    with translation.override("fr"):
        svg = bar_chart(_table([("A", [1234, 1]), ("B", [2, 1])]))
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert "Referrals &lt;by agency&gt;" in svg  # escaped
    assert re.search(r">1\D?234</text>", svg) and re.search(r">1\D?235</text>", svg)  # numbers
    coordinates = re.findall(r' (?:x|y|width|height)="([^"]+)"', svg)
    assert coordinates and all("," not in c for c in coordinates)
    assert svg.count('<rect x="8" y="') >= 2  # one bar a row, from the left edge


def test_the_pdf_bars_paint_each_segment_under_the_label_and_total():
    html = bar_chart_html(_table([("A & B", [300, 100]), ("C", [100, "x"])]))
    painted = re.findall(
        r'<p class="bar" style="background-image:linear-gradient\(to right, ([^)]*)\)">'
        r"([^<]*) · <b>([^<]*)</b></p>",
        html,
    )
    assert painted == [
        (
            f"{PALETTE[0]} 0%, {PALETTE[0]} 75%, {PALETTE[1]} 75%, {PALETTE[1]} 100%, "
            "transparent 100%",
            "A &amp; B",
            "400",
        ),
        (f"{PALETTE[0]} 0%, {PALETTE[0]} 25%, transparent 25%", "C", "100 + x"),
    ]
    assert html.count('class="key"') == 2


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_pdf_bars_carry_no_decimal_comma_in_their_style(language):
    with translation.override(language):
        html = bar_chart_html(_table([("A", [1, 2]), ("B", [3, 1])]))
    styles = re.findall(r'style="([^"]+)"', html)
    assert styles and not any(re.search(r"\d,\d", s) for s in styles)
