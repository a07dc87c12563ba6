"""Short mentorship opportunities with employers (issue 22): applications by province and where
they stand. An operating figure for the network's staff (`for_funders=False`); it suppresses its
small cells like every section when a threshold is given."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from tandem.opportunities.selectors import applications_by_province
from tandem.reference.places import PROVINCES
from tandem.reports.tables.base import Chart, Reading, Section, Table, cross_table, register


def opportunities_table(reading: Reading) -> Table:
    scope = reading.scope
    organizations = sorted(set(scope.programs.order_by().values_list("organization", flat=True)))
    data = applications_by_province(organizations, scope.period.starts_on, scope.period.ends_on)
    names = dict(PROVINCES)
    return cross_table(
        key="opportunities",
        title=_("Short opportunities with employers"),
        description=_(
            "Applications to the opportunities of the network's employer partners that start "
            "in the period, by the opportunity's province, and where each stands."
        ),
        row_header=_("Province or territory"),
        row_labels=[str(names.get(r["opportunity__province"], "")) for r in data],
        columns=[
            _("Waiting for the employer"),
            _("Declined or withdrawn"),
            pgettext("application", "Accepted"),
            pgettext("application", "Took place"),
        ],
        counts=[[r["waiting"], r["closed"], r["accepted"], r["happened"]] for r in data],
        threshold=reading.threshold,
        chart=Chart(columns=[0, 1, 2, 3], unit=_("applications")),
    )


register(
    Section("opportunities", 72, lambda reading: [opportunities_table(reading)], for_funders=False)
)
