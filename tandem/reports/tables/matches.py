"""Time from referral to match and to the first meeting; matches by occupation group (one
pass)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from tandem.reports import selectors
from tandem.reports.selectors import Scope
from tandem.reports.tables.base import (
    Chart,
    Section,
    Table,
    _title,
    cross_table,
    protected_mean,
    register,
)


def _bucket_label(bucket: dict[str, Any]) -> str:
    if bucket["high"] is None:
        return _("More than %(days)s days") % {"days": bucket["low"] - 1}
    if bucket["low"] == 0:
        return ngettext("%(days)s day or less", "%(days)s days or less", bucket["high"]) % {
            "days": bucket["high"]
        }
    return _("%(low)s to %(high)s days") % {"low": bucket["low"], "high": bucket["high"]}


def _wait_table(
    key: str, title: str, description: str, data: dict[str, Any], threshold: int | None
) -> Table:
    table = cross_table(
        key=key,
        title=title,
        description=description,
        row_header=_("Days"),
        row_labels=[_bucket_label(b) for b in data["buckets"]],
        columns=[_("Mentorships")],
        counts=[[b["count"]] for b in data["buckets"]],
        threshold=threshold,
        chart=Chart(columns=[0], unit=_("mentorships")),
    )
    mean = protected_mean(data["mean"], data["count"], threshold, "days")
    if mean.hidden:
        table.notes.append(
            _("The average is not shown: it would describe fewer people than the threshold.")
        )
    elif mean.value is not None:
        table.notes.append(_("Average: %(days)s days.") % {"days": _number(mean.value)})
    return table


def _number(value: float) -> str:
    from django.utils.formats import number_format

    return number_format(value, 1)


def match_tables(scope: Scope, threshold: int | None) -> list[Table]:
    """The times to match and to first meeting, and the matches by occupation group: one pass
    over the matches (selectors.matches_in_period)."""
    data = selectors.matches_in_period(scope)
    return [
        *match_time_tables(data, threshold),
        occupation_group_table(data["by_occupation_group"], threshold),
    ]


def match_time_tables(data: dict[str, Any], threshold: int | None) -> list[Table]:
    return [
        _wait_table(
            "time_to_match",
            _("Time from referral to match"),
            _(
                "Days from the mentee's referral to the confirmed match, for matches confirmed "
                "in the period."
            ),
            data["wait"],
            threshold,
        ),
        _wait_table(
            "time_to_first_meeting",
            _("Time from match to first meeting"),
            _(
                "Days from the confirmed match to the three-way introduction meeting, for "
                "matches confirmed in the period whose introduction was held."
            ),
            data["first_meeting"],
            threshold,
        ),
    ]


def occupation_group_table(data: list[dict[str, Any]], threshold: int | None) -> Table:
    return cross_table(
        key="matches_by_occupation",
        title=_("Matches by occupation group"),
        description=_(
            "Matches confirmed in the period, by the mentee's occupation group (NOC 2021 major "
            "group), and how they stand today."
        ),
        row_header=_("Occupation group"),
        row_labels=[f"{r['group']} {_title(r)}".strip() for r in data],
        columns=[
            pgettext("mentorships", "Completed"),
            pgettext("mentorships", "Ended early"),
            _("Under way"),
        ],
        counts=[[r["completed"], r["ended_early"], r["ongoing"]] for r in data],
        threshold=threshold,
        total_label=_("All matches"),
        chart=Chart(columns=[0, 1, 2], unit=_("matches")),
    )


register(Section("matches", 30, lambda r: match_tables(r.scope, r.threshold)))
