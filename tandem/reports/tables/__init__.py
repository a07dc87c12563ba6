"""Report tables, one module per section (issue 13): each module of this package counts its
section through the selectors, labels it in the reader's language and, for funders, suppresses
its small cells (suppression.py); then it registers itself (`base.register`).

A `Table` is the one shape that the page, the chart, the CSV and XLSX files and the PDF read, so
that a funder's file can never hold a number their page does not show. A program format that
brings its own figures (group and peer mentoring, connectors) registers a `Section` from its
app's `AppConfig.ready()`; docs/reports.md ("Adding a section") says how.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from tandem.reports.selectors import Scope
from tandem.reports.tables.base import (
    HIDDEN,
    Cell,
    Chart,
    Headline,
    Reading,
    Row,
    Section,
    Table,
    cross_table,
    headlines,
    percent,
    protected_count,
    protected_mean,
    rate,
    register,
    registered,
)

# The core sections register themselves on import, in this order of reading.
from tandem.reports.tables import (  # noqa: E402, F401  isort: skip
    programs,
    referrals,
    returns,
    matches,
    completion,
    outcomes,
    events,
    connectors,
    recruitment,
    waiting,
    suitability,
    opportunities,
)

__all__ = [
    "HIDDEN",
    "Cell",
    "Chart",
    "Headline",
    "Reading",
    "Row",
    "Section",
    "Table",
    "build_tables",
    "cross_table",
    "headlines",
    "percent",
    "protected_count",
    "protected_mean",
    "rate",
    "register",
    "registered",
    "table_steps",
]


def build_tables(
    scope: Scope, *, threshold: int | None, staff: bool, network: bool = False
) -> list[Table]:
    """Every table of a report, in reading order. `threshold` None means unsuppressed (staff).
    The sections are read side by side where the database allows it (sections.py)."""
    from tandem.reports.sections import read_sections

    _ = scope.program_ids  # read once, before the readers share the scope
    steps = table_steps(scope, threshold=threshold, staff=staff, network=network)
    return [table for tables in read_sections(steps) for table in tables]


def table_steps(
    scope: Scope, *, threshold: int | None, staff: bool, network: bool = False
) -> list[Callable[[], list[Table]]]:
    """The registered sections that apply to this report, one step each (a background run
    reports its progress between them)."""
    reading = Reading(scope, threshold, staff, network)
    return [
        functools.partial(section.build, reading)
        for section in registered()
        if section.applies(reading)
    ]
