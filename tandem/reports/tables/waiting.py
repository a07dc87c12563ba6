"""Occupations where mentees wait for a mentor (a picture of today)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tandem.reports import selectors
from tandem.reports.selectors import Scope
from tandem.reports.tables.base import (
    Cell,
    Chart,
    Row,
    Section,
    Table,
    _title,
    cross_table,
    register,
)


def waiting_table(scope: Scope, threshold: int | None, *, detail: bool = True) -> Table:
    """Occupations where ready mentees wait, most short of mentors first. For funders and
    employer partners (detail=False) the waiting counts are suppressed with their total and the
    days and free places, which describe few people, are left out."""
    data = selectors.waiting_occupations(scope)
    labels = [f"{r['code']} {_title(r)}" for r in data]
    if detail:
        rows = [
            Row(
                label,
                [
                    Cell(r["waiting"]),
                    Cell(r["places"]),
                    Cell(max(r["waiting"] - r["places"], 0)),
                    Cell(round(r["mean_days"] or 0, 1), kind="days"),
                    Cell(round(r["longest_days"] or 0), kind="days"),
                ],
            )
            for label, r in zip(labels, data, strict=True)
        ]
        if rows:
            rows.append(
                Row(
                    _("All occupations"),
                    [
                        Cell(sum(r["waiting"] for r in data)),
                        Cell(sum(r["places"] for r in data)),
                        Cell(sum(max(r["waiting"] - r["places"], 0) for r in data)),
                        Cell(None),
                        Cell(None),
                    ],
                    is_total=True,
                )
            )
        return Table(
            "waiting",
            _("Occupations where mentees wait for a mentor"),
            _(
                "Today: mentees ready to be matched and not yet matched or proposed, by "
                "occupation (NOC 2021 unit group), against the free places of ready mentors in "
                "the same occupation. Send this list to employer partners to recruit mentors."
            ),
            _("Occupation"),
            [
                _("Mentees waiting"),
                _("Free mentor places"),
                _("Mentors needed"),
                _("Average wait (days)"),
                _("Longest wait (days)"),
            ],
            rows,
            chart=Chart(columns=[0, 1], unit=_("people")),
        )
    return cross_table(
        key="waiting",
        title=_("Occupations where mentees wait for a mentor"),
        description=_(
            "Today: mentees ready to be matched and not yet matched, by occupation (NOC 2021 "
            "unit group). Employers who can offer mentors in these occupations are welcome."
        ),
        row_header=_("Occupation"),
        row_labels=labels,
        columns=[_("Mentees waiting")],
        counts=[[r["waiting"]] for r in data],
        threshold=threshold,
        total_label=_("All occupations"),
        chart=Chart(columns=[0], unit=_("mentees")),
    )


register(Section("waiting", 80, lambda r: [waiting_table(r.scope, r.threshold, detail=r.staff)]))
