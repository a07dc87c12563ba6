"""Events attended."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from tandem.events.models import EventKind
from tandem.reports import selectors, suppression
from tandem.reports.selectors import Scope
from tandem.reports.tables.base import (
    Cell,
    Chart,
    Row,
    Section,
    Table,
    protected_count,
    register,
)


def events_table(scope: Scope, threshold: int | None) -> Table:
    """Events by kind. People are counted once per kind and once overall, so columns do not
    add up: each count is published on its own, the number of events always (no person)."""
    data = selectors.events_attended(scope)
    kinds = dict(EventKind.choices)
    rows = []
    # Attendances do add up over the kinds (each is one person at one event): suppressed as a
    # list with its total, so that no kind's count follows from "All events" (the people
    # columns do not add up and are protected one by one).
    by_kind = [r["attendances"] or 0 for r in data["by_kind"]]
    attendances = [Cell(v) for v in [*by_kind, sum(by_kind)]]
    if threshold is not None and by_kind:
        listed = suppression.suppress_counts(by_kind, threshold=threshold)
        attendances = [
            Cell(listed.cell(i, 0), hidden=listed.is_hidden(i, 0))
            for i in range(len(listed.values))
        ]
        if len(by_kind) == 1:  # one kind: its count is the total
            attendances.append(attendances[0])
    for index, r in enumerate([*data["by_kind"], {**data["overall"], "kind": None}]):
        rows.append(
            Row(
                str(kinds.get(r["kind"], r["kind"]))
                if r["kind"]
                else pgettext("report", "All events"),
                [
                    Cell(r["events"] or 0, kind="number"),
                    attendances[index],
                    protected_count(r["mentees"] or 0, threshold),
                    protected_count(r["mentors"] or 0, threshold),
                ],
                is_total=r["kind"] is None,
            )
        )
    if not data["by_kind"]:
        rows = []
    return Table(
        "events",
        _("Events attended"),
        _(
            "Networking events, mock interviews, panels, speed networking and information "
            "meetings held in the period, with how many mentees and mentors came."
        ),
        _("Kind of event"),
        [_("Events held"), _("Attendances"), _("Mentees who came"), _("Mentors who came")],
        rows,
        [_("A person who came to several kinds of event is counted once in “All events”.")],
        Chart(columns=[1], unit=_("attendances")),
        is_suppressed=threshold is not None,
    )


register(Section("events", 60, lambda r: [events_table(r.scope, r.threshold)]))
