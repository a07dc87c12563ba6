"""Mentor recruitment by source."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from tandem.reports import selectors
from tandem.reports.selectors import Scope
from tandem.reports.tables.base import (
    Chart,
    Section,
    Table,
    _name,
    cross_table,
    known,
    percent,
    register,
)


def recruitment_table(
    scope: Scope, threshold: int | None, data: list[dict[str, Any]] | None = None
) -> Table:
    """`data`: the rows of `selectors.mentor_recruitment` when the caller read them already
    (employers' shortage grid is tied to this table)."""
    data = selectors.mentor_recruitment(scope) if data is None else data
    labels = [
        _name(r, "participant__recruited_by__") or _("Recruited directly by the program")
        for r in data
    ]
    counts = [
        [
            r["completed_count"],
            r["matched_count"] - r["completed_count"],
            r["mentors"] - r["matched_count"],
        ]
        for r in data
    ]
    return cross_table(
        key="mentor_recruitment",
        title=_("Mentor recruitment by source"),
        description=_(
            "Mentors accepted in the period, by the employer or association that recruited "
            "them, and how many were matched and completed a mentorship."
        ),
        row_header=pgettext("mentors", "Recruited by"),
        row_labels=labels,
        columns=[
            _("Completed a mentorship"),
            _("Matched, not yet completed"),
            _("Not matched yet"),
        ],
        counts=counts,
        threshold=threshold,
        total_label=_("Mentors"),
        derived=[(_("Share matched"), "percent", _matched_share)],
        chart=Chart(columns=[0, 1, 2], unit=_("mentors")),
    )


def _matched_share(values: list[int | None]) -> float | None:
    counts = known(values[:4])
    if counts is None:
        return None
    return percent(counts[0] + counts[1], counts[3])


register(Section("mentor_recruitment", 70, lambda r: [recruitment_table(r.scope, r.threshold)]))
