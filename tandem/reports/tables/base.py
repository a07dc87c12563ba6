"""The shape every report section writes: a `Table` of `Row`s of `Cell`s, and how a section
declares itself (`Section`, `register`). What the selectors counted, with labels in the reader's language, rates and
means, with labels in the reader's language, rates and
means, and — for funders — small cells suppressed (suppression.py).

A `Table` is the one shape that the page, the chart, the CSV and XLSX files and the PDF read, so
that a funder's file can never hold a number their page does not show. Funder tables are built
with a threshold and carry no cell below it, nor any hidden cell that totals would give back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from tandem.core.i18n import current_language
from tandem.reports import suppression
from tandem.reports.selectors import Scope

HIDDEN = "x"  # Statistics Canada's mark for a suppressed cell


@dataclass
class Cell:
    value: Any
    kind: str = "count"  # count, percent, days, number, text
    hidden: bool = False

    @property
    def is_empty(self) -> bool:
        return self.value is None and not self.hidden


@dataclass
class Row:
    label: str
    cells: list[Cell]
    is_total: bool = False


@dataclass
class Chart:
    """Which columns to draw, as bars (one series) or stacked bars (several)."""

    columns: list[int]
    unit: str = ""  # a word for the axis, e.g. "referrals"


@dataclass
class Table:
    key: str
    title: str
    description: str
    row_header: str
    columns: list[str]
    rows: list[Row]
    notes: list[str] = field(default_factory=list)
    chart: Chart | None = None
    is_suppressed: bool = False

    @property
    def body(self) -> list[Row]:
        return [r for r in self.rows if not r.is_total]

    @property
    def has_hidden(self) -> bool:
        return any(c.hidden for r in self.rows for c in r.cells)

    @property
    def is_empty(self) -> bool:
        return not self.body

    def plain_rows(self) -> list[list[Any]]:
        """Header and rows as plain values for files: hidden cells are the letter x."""
        out: list[list[Any]] = [[self.row_header, *self.columns]]
        for row in self.rows:
            out.append([row.label, *[HIDDEN if c.hidden else c.value for c in row.cells]])
        return out


def _name(row: dict[str, Any], prefix: str = "") -> str:
    language = current_language()
    return row.get(f"{prefix}name_{language}") or row.get(f"{prefix}name_en") or ""


def _title(row: dict[str, Any]) -> str:
    return row.get(f"title_{current_language()}") or row.get("title_en") or ""


def percent(numerator: int | None, denominator: int | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return round(100 * numerator / denominator, 1)


# --- Building counts into tables, with or without suppression --------------------------------

Derived = tuple[str, str, Callable[[list[int | None]], Any]]  # label, kind, f(published counts)


def cross_table(
    *,
    key: str,
    title: str,
    description: str,
    row_header: str,
    row_labels: Sequence[str],
    columns: Sequence[str],
    counts: list[list[int]],
    threshold: int | None,
    derived: Sequence[Derived] = (),
    total_label: str | None = None,
    chart: Chart | None = None,
    notes: Sequence[str] = (),
) -> Table:
    """Counts of people where every person is in one cell: rows and columns add up. Row totals
    (when more than one column), a total row, and derived columns (rates) computed only from
    published cells, so that a rate never gives back a hidden count."""
    total_label = total_label or _("Total")
    has_columns_total = len(columns) > 1
    header = list(columns) + ([total_label] if has_columns_total else [])
    header += [label for label, _kind, _f in derived]
    if not counts:
        return Table(key, title, description, row_header, header, [], list(notes), chart)
    published: Sequence[Sequence[int | None]]
    if threshold is None:
        grid = [list(r) for r in counts]
        width = len(columns)
        for r in grid:
            if has_columns_total:
                r.append(sum(r[:width]))
        totals = [sum(r[j] for r in grid) for j in range(len(grid[0]))]
        published = [*grid, totals] if len(counts) > 1 else grid
        hidden: set[tuple[int, int]] = set()
    else:
        table = suppression.suppress(counts, threshold=threshold)
        published = [list(r) for r in table.values]
        hidden = set(table.hidden)
    rows = []
    labels = [*row_labels, total_label] if len(published) > len(row_labels) else list(row_labels)
    for i, (label, values) in enumerate(zip(labels, published, strict=True)):
        cells = [
            Cell(None if (i, j) in hidden else v, hidden=(i, j) in hidden)
            for j, v in enumerate(values)
        ]
        shown = [c.value for c in cells]
        for _label, kind, function in derived:
            value = function(shown)
            cells.append(Cell(value, kind=kind))
        rows.append(Row(label, cells, is_total=i >= len(row_labels)))
    return Table(
        key,
        title,
        description,
        row_header,
        header,
        rows,
        list(notes),
        chart,
        is_suppressed=threshold is not None,
    )


def protected_count(value: int | None, threshold: int | None) -> Cell:
    """A single count published alone (primary suppression only)."""
    if value is None:
        return Cell(None)
    if threshold is not None and 0 < value < threshold:
        return Cell(None, hidden=True)
    return Cell(value)


def protected_mean(value: float | None, count: int, threshold: int | None, kind: str) -> Cell:
    if value is None:
        return Cell(None, kind=kind)
    if threshold is not None and not suppression.publishable_mean(count, threshold=threshold):
        return Cell(None, kind=kind, hidden=True)
    return Cell(round(value, 1), kind=kind)


def known(values: Sequence[int | None]) -> list[int] | None:
    """The values, or None when any of them is hidden (a derived figure is then hidden too)."""
    found = [v for v in values if v is not None]
    return found if len(found) == len(values) else None


def rate(numerator: int, *denominators: int) -> Callable[[list[int | None]], float | None]:
    """A percentage of published cells: numerator / sum(denominators), or nothing if any part
    is hidden."""

    def compute(values: list[int | None]) -> float | None:
        parts = known([values[numerator], *[values[d] for d in denominators]])
        if parts is None:
            return None
        return percent(parts[0], sum(parts[1:]))

    return compute


# --- Whole reports ---------------------------------------------------------------------------


@dataclass
class Headline:
    label: str
    cell: Cell


def headlines(tables: dict[str, Table]) -> list[Headline]:
    """The figures at the top, read from the tables' totals so that they always agree."""

    def total(key: str, column: int) -> Cell:
        table = tables.get(key)
        if table is None or not table.rows:
            return Cell(0)
        last = table.rows[-1]
        return last.cells[column] if column < len(last.cells) else Cell(None)

    referrals = tables.get("referrals")
    referral_total = Cell(0)
    acceptance = Cell(None, kind="percent")
    if referrals and referrals.rows:
        width = 4
        last = referrals.rows[-1]
        referral_total = last.cells[width] if len(last.cells) > width else last.cells[0]
        acceptance = last.cells[-1]
    completion = tables.get("completion")
    completion_rate = (
        completion.rows[-1].cells[-1] if completion and completion.rows else Cell(None, "percent")
    )
    employment = tables.get("employment")
    employed = (
        employment.rows[0].cells[len(employment.columns) - 2]
        if employment and employment.rows
        else Cell(None, kind="percent")
    )
    return [
        Headline(_("Referrals received"), referral_total),
        Headline(_("Acceptance rate"), acceptance),
        Headline(_("Matches made"), total("matches_by_occupation", 3)),
        Headline(_("Completion rate"), completion_rate),
        Headline(_("Employed at exit"), employed),
        # The mentors accepted into the programs in the period, whoever recruited them: the
        # count of the program's list of accepted mentors ("recruited" matched no list).
        Headline(_("Mentors accepted"), total("mentor_recruitment", 3)),
        Headline(_("Event attendances"), total("events", 1)),
    ]


# --- Sections: each module of this package declares its own ----------------------------------


@dataclass
class Reading:
    """What a section reads with: the scope, the threshold (None: unsuppressed, for staff),
    whether the reader is staff and whether the report is a network's. `once` shares a value
    that several sections read (computed by the first that asks)."""

    scope: Scope
    threshold: int | None
    staff: bool
    network: bool
    shared: dict[str, Any] = field(default_factory=dict)

    def once(self, name: str, compute: Callable[[], Any]) -> Any:
        if name not in self.shared:
            self.shared[name] = compute()
        return self.shared[name]


@dataclass(frozen=True)
class Section:
    """One section of a report: its tables, read in one step (one reader, one snapshot).

    `order` places it among the others (tens: the core sections; a program format takes a
    number between them). `for_funders` False keeps it off the funder's report and the
    employer partners' files (an operating tool over small numbers); `network_only` keeps it
    to the network's dashboard. A suppressed build (`reading.threshold` set) must suppress
    its counts with `cross_table` or `suppression.suppress` and declare how its tables add up
    to the attacker test (tests/test_funder_attacker.py)."""

    key: str
    order: int
    build: Callable[[Reading], list[Table]]
    for_funders: bool = True
    network_only: bool = False

    def applies(self, reading: Reading) -> bool:
        if not self.for_funders and not reading.staff:
            return False
        return not (self.network_only and not (reading.network and reading.staff))


_SECTIONS: dict[str, Section] = {}


def register(section: Section) -> Section:
    """Adds a section to every report (an app's `AppConfig.ready()`, or a module of this
    package at import). Registering the same key again replaces it."""
    _SECTIONS[section.key] = section
    return section


def registered() -> list[Section]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))
