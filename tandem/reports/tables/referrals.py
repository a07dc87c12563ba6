"""Referrals by source agency."""

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
    rate,
    register,
)


def agency_label(row: dict[str, Any]) -> str:
    """The name of who made the referrals of a row keyed by selectors._agency_key."""
    if row["key"] == "self":
        return _("Self-referrals")
    if row["key"] == "unknown":
        return _("Agency not recorded")
    return _name(row)


def referrals_table(scope: Scope, threshold: int | None) -> Table:
    data = selectors.referrals_by_agency(scope)
    labels = [agency_label(row) for row in data]
    return cross_table(
        key="referrals",
        title=_("Referrals by source agency"),
        description=_(
            "Mentee referrals submitted in the period, by the agency that made them, and where "
            "each stands today. The acceptance rate counts decided referrals only."
        ),
        row_header=_("Source agency"),
        row_labels=labels,
        columns=[
            _("Waiting for a decision"),
            pgettext("referrals", "Accepted"),
            pgettext("referrals", "Returned"),
            pgettext("referrals", "Withdrawn"),
        ],
        counts=[[r["waiting"], r["accepted"], r["returned"], r["withdrawn"]] for r in data],
        threshold=threshold,
        derived=[(_("Acceptance rate"), "percent", rate(1, 1, 2))],
        chart=Chart(columns=[0, 1, 2, 3], unit=_("referrals")),
    )


register(Section("referrals", 10, lambda r: [referrals_table(r.scope, r.threshold)]))
