"""The connector program (issue 20): newcomers met and what their chains led to, and the
meetings and introductions of the period, by connector program.

It sits here, not in the connectors app's `ready()`: connectors is a floor below reports
(`core/tests/test_layers.py`), so reports reads the connectors' selector and registers the
section, as the core sections do. A report whose scope holds no connector program shows none.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from tandem.connectors.selectors import ProgramActivity, report_activity
from tandem.reports import suppression
from tandem.reports.tables.base import (
    Cell,
    Chart,
    Reading,
    Row,
    Section,
    Table,
    cross_table,
    percent,
    rate,
    register,
)


def _label(activity: ProgramActivity) -> str:
    return str(activity.program.name)  # in the reader's language


def newcomers_table(data: list[ProgramActivity], threshold: int | None) -> Table:
    """People: each newcomer whose first meeting was held in the period is in one cell (what
    the chain led to since), so rows and columns add up and the grid is suppressed as one."""
    return cross_table(
        key="connector_newcomers",
        title=_("Connector program: newcomers and what their chains led to"),
        description=_(
            "Newcomers whose first connector meeting was held in the period, by connector "
            "program and by what the meetings that followed led to so far."
        ),
        row_header=_("Connector program"),
        row_labels=[_label(a) for a in data],
        columns=[_("No interview or job yet"), _("An interview"), _("A job")],
        counts=[[a.no_result, a.interview, a.job] for a in data],
        threshold=threshold,
        derived=[(_("Found a job through the chain"), "percent", rate(2, 0, 1, 2))],
        chart=Chart(columns=[0, 1, 2], unit=_("newcomers")),
    )


def activity_table(data: list[ProgramActivity], threshold: int | None) -> Table:
    """Events, not people, but a handful of meetings still points at a handful of people: each
    column is suppressed with its total (the columns do not add up across a row: a follow-up
    meeting is also a meeting held)."""
    counts = [[a.meetings_held, a.introductions, a.follow_ups_held] for a in data]
    if threshold is None:
        grid: list[list[int | None]] = [list(r) for r in counts]
        if len(counts) > 1:
            grid.append([sum(column) for column in zip(*counts, strict=True)])
        hidden: set[tuple[int, int]] = set()
    else:
        table = suppression.suppress(counts, threshold=threshold, row_totals=False)
        grid = [list(r) for r in table.values]
        hidden = set(table.hidden)
    rows = []
    labels = [_label(a) for a in data]
    if len(grid) > len(data):  # one program: its row is the total
        labels.append(_("All connector programs"))
    for i, (label, values) in enumerate(zip(labels, grid, strict=True)):
        cells = [
            Cell(None if (i, j) in hidden else value, hidden=(i, j) in hidden)
            for j, value in enumerate(values[:3])
        ]
        # Introductions followed up, as a share of those made: only from published cells.
        cells.append(Cell(percent(cells[2].value, cells[1].value), kind="percent"))
        rows.append(Row(label, cells, is_total=i == len(data)))
    return Table(
        "connector_activity",
        _("Connector program: meetings and introductions"),
        _(
            "Meetings held in the period, the introductions connectors made, and the meetings "
            "held to follow an introduction up."
        ),
        _("Connector program"),
        [
            _("Meetings held"),
            _("Introductions made"),
            _("Follow-up meetings held"),
            _("Share of introductions followed up"),
        ],
        rows,
        [_("A follow-up meeting is counted in the meetings held as well.")],
        Chart(columns=[0], unit=_("meetings")),
        is_suppressed=threshold is not None,
    )


def connector_tables(reading: Reading) -> list[Table]:
    period = reading.scope.period
    data = report_activity(
        reading.scope.program_ids,
        starts_on=period.starts_on,
        ends_on=period.ends_on,
        left_out=reading.scope.left_out,
    )
    if not data:
        return []
    return [newcomers_table(data, reading.threshold), activity_table(data, reading.threshold)]


register(Section("connectors", 65, connector_tables))
