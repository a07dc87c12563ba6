"""The per-criterion breakdown of a pair's score as geometry for an inline SVG.

Drawn on the server so that the page needs no script and the chart carries the same numbers as
the table beside it. Each row is one criterion: a light bar for its weight (the most it can
give) and a dark bar for what it gave this pair (weight x value).
"""

from dataclasses import dataclass

from tandem.matching.forms import CRITERION_LABELS

WIDTH = 420
LABEL = 200
BAR = 230
ROW = 26


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    weight: float
    contribution: float
    y: int
    text_y: int
    weight_width: float
    width: float
    percent: int


def breakdown(contributions: list[dict]) -> dict:
    rows = []
    largest = max([c["weight"] for c in contributions] + [0.0001])
    for index, c in enumerate(contributions):
        rows.append(
            Bar(
                label=str(CRITERION_LABELS.get(c["criterion"], c["criterion"])),
                value=c["value"],
                weight=c["weight"],
                contribution=c["contribution"],
                y=index * ROW + 4,
                text_y=index * ROW + 18,
                weight_width=round(BAR * c["weight"] / largest, 1),
                width=round(BAR * c["contribution"] / largest, 1),
                percent=round(100 * c["contribution"]),
            )
        )
    return {
        "rows": rows,
        "width": WIDTH,
        "height": len(rows) * ROW + 8,
        "bar_x": LABEL,
        "total": sum(c["contribution"] for c in contributions),
    }
