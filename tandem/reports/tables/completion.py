"""Completion rate by program."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from tandem.reports import selectors
from tandem.reports.selectors import Scope
from tandem.reports.tables.base import (
    Chart,
    Reading,
    Section,
    Table,
    _name,
    cross_table,
    rate,
    register,
)


def completion_table(
    scope: Scope, threshold: int | None, by_program: list[dict[str, Any]] | None = None
) -> Table:
    data = selectors.completion_by_program(scope) if by_program is None else by_program
    data = [r for r in data if r["completed"] or r["ended_early"] or r["did_not_proceed"]]
    return cross_table(
        key="completion",
        title=_("Completion rate"),
        description=_(
            "Mentorships that ended in the period, by program: completed, ended early, or "
            "stopped after the introduction. The completion rate leaves out introductions that "
            "did not proceed."
        ),
        row_header=_("Program"),
        row_labels=[_name(r, "program__") for r in data],
        columns=[
            pgettext("mentorships", "Completed"),
            pgettext("mentorships", "Ended early"),
            _("Did not proceed"),
        ],
        counts=[[r["completed"], r["ended_early"], r["did_not_proceed"]] for r in data],
        threshold=threshold,
        derived=[(_("Completion rate"), "percent", rate(0, 0, 1))],
        chart=Chart(columns=[0, 1, 2], unit=_("mentorships")),
    )


def by_program(reading: Reading):
    """The mentorships counted by program: the completion table's and, on the network's
    dashboard, the programs table's. Read once."""
    return reading.once("by_program", lambda: selectors.completion_by_program(reading.scope))


register(
    Section(
        "completion",
        40,
        lambda r: [completion_table(r.scope, r.threshold, by_program(r))],
    )
)
