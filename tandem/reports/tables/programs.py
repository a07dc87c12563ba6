"""Programs of the network (the network's dashboard, for staff)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from tandem.reports import selectors
from tandem.reports.selectors import Scope
from tandem.reports.tables.base import (
    Cell,
    Chart,
    Row,
    Section,
    Table,
    _name,
    percent,
    register,
)
from tandem.reports.tables.completion import by_program


def program_summary_table(scope: Scope, by_program: list[dict[str, Any]] | None = None) -> Table:
    data = selectors.program_summary(scope, by_program)
    rows = [
        Row(
            _name(r),
            [
                Cell(r["referral_count"]),
                Cell(percent(r["accepted"], r["accepted"] + r["returned"]), kind="percent"),
                Cell(r["matches"]),
                Cell(r["completed"]),
                Cell(percent(r["completed"], r["completed"] + r["ended_early"]), kind="percent"),
                Cell(r["ongoing"]),
            ],
        )
        for r in data
    ]
    return Table(
        "programs",
        _("Programs of the network"),
        _(
            "Each program's referrals, matches and closures in the period, and mentorships under way today."
        ),
        _("Program"),
        [
            pgettext("report", "Referrals"),
            _("Acceptance rate"),
            _("Matches"),
            pgettext("mentorships", "Completed"),
            _("Completion rate"),
            _("Under way"),
        ],
        rows,
        chart=Chart(columns=[2], unit=_("matches")),
    )


register(
    Section(
        "programs",
        0,
        lambda r: [program_summary_table(r.scope, by_program(r))],
        for_funders=False,
        network_only=True,
    )
)
