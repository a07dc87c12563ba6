"""Tables of employment outcomes, time to employment and satisfaction (see tables.py).

For funders, each interval's row is suppressed on its own (its people differ from the other
rows'), and each breakdown at exit (by program, cohort, agency, occupation group) is suppressed
together with the "at exit" row whose cells are its column totals.
"""

from __future__ import annotations

from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from tandem.organizations.models import Organization
from tandem.outcomes.models import EMPLOYED, EmploymentStatus
from tandem.programs.models import Program
from tandem.reference.models import Occupation
from tandem.reports import outcome_selectors as data
from tandem.reports import suppression
from tandem.reports.selectors import Scope
from tandem.reports.tables.base import (
    Cell,
    Chart,
    Reading,
    Row,
    Section,
    Table,
    cross_table,
    known,
    percent,
    protected_mean,
    register,
)
from tandem.reports.tables.matches import _wait_table

STATUSES = list(EmploymentStatus.values)
EMPLOYED_COLUMNS = [STATUSES.index(s) for s in EMPLOYED]


def _interval_label(months: int) -> str:
    if months == 0:
        return _("At exit")
    return ngettext("%(months)s month later", "%(months)s months later", months) % {
        "months": months
    }


def _employed_rate(values: list[int | None]) -> float | None:
    total = values[len(STATUSES)] if len(values) > len(STATUSES) else None
    parts = known([values[i] for i in EMPLOYED_COLUMNS])
    if total is None or parts is None:
        return None
    return percent(sum(parts), total)


def _in_field_rate(values: list[int | None]) -> float | None:
    total = values[len(STATUSES)] if len(values) > len(STATUSES) else None
    return percent(values[0], total) if total is not None and values[0] is not None else None


def _columns() -> list[str]:
    return [str(EmploymentStatus(s).label) for s in STATUSES]


def _derived():
    return [
        (_("Employed"), "percent", _employed_rate),
        (_("Employed in their field"), "percent", _in_field_rate),
    ]


def employment_table(
    scope: Scope, threshold: int | None, employment: dict[str, Any]
) -> tuple[Table, dict[int, Any]]:
    """Employment status of the cohort at exit and at each follow-up; also returns, per
    interval, what was hidden (for the breakdowns linked to it)."""
    rows_by_interval = {
        r["interval"]: r for r in data.employment_outcomes(scope, counts=employment)
    }
    cohort = data.cohort_size(scope, employment)
    rows: list[Row] = []
    hidden: dict[int, Any] = {}
    for months in data.INTERVALS:
        counts = [rows_by_interval.get(months, {}).get(s, 0) for s in STATUSES]
        if threshold is None:
            values = [*counts, sum(counts)]
            cells = [Cell(v) for v in values]
            hidden[months] = (frozenset(), False)
        else:
            suppressed = suppression.suppress([counts], threshold=threshold)
            cells = [
                Cell(suppressed.cell(0, j), hidden=suppressed.is_hidden(0, j))
                for j in range(len(STATUSES) + 1)
            ]
            hidden[months] = (
                frozenset(j for j in range(len(STATUSES)) if suppressed.is_hidden(0, j)),
                suppressed.is_hidden(0, len(STATUSES)),
            )
        shown = [c.value for c in cells]
        cells += [Cell(f(shown), kind=kind) for _label, kind, f in _derived()]
        rows.append(Row(_interval_label(months), cells))
    notes = [
        ngettext(
            "%(count)s mentee ended a mentorship in the period; the later rows fill in as "
            "follow-ups are answered.",
            "%(count)s mentees ended a mentorship in the period; the later rows fill in as "
            "follow-ups are answered.",
            cohort,
        )
        % {"count": cohort}
        if threshold is None or cohort >= threshold or cohort == 0
        else _("Fewer mentees than the threshold ended a mentorship in the period.")
    ]
    table = Table(
        "employment",
        _("Employment outcomes at exit and after"),
        _(
            "Employment status of the mentees whose mentorship ended in the period, at exit "
            "and when they answered the follow-ups (3, 6 and 12 months after by default)."
        ),
        _("When"),
        [*_columns(), _("Answers"), *[label for label, _k, _f in _derived()]],
        rows if any(rows_by_interval.values()) else [],
        notes,
        Chart(columns=list(range(len(STATUSES))), unit=_("mentees")),
        is_suppressed=threshold is not None,
    )
    return table, hidden


def _dimension_labels(by: str, keys: list[Any]) -> dict[Any, str]:
    if by == "program":
        return {p.pk: p.name for p in Program.objects.filter(pk__in=keys)}
    if by == "agency":
        return {o.pk: o.name for o in Organization.objects.filter(pk__in=keys)}
    if by == "occupation":
        return {o.code: f"{o.code} {o.title}" for o in Occupation.objects.filter(code__in=keys)}
    labels = {}
    for key in keys:
        day = key.date() if hasattr(key, "date") else key
        # Fiscal quarters, as every period of the reports: the year runs April to March.
        first = day.year if day.month >= 4 else day.year - 1
        quarter = (day.month - 4) % 12 // 3 + 1
        labels[key] = _("Fiscal year %(first)s-%(second)s, quarter %(quarter)s") % {
            "first": first,
            "second": first + 1,
            "quarter": quarter,
        }
    return labels


def breakdown_tables(
    scope: Scope,
    threshold: int | None,
    hidden_at_exit: tuple[frozenset[int], bool],
    employment: dict[str, Any],
) -> list[Table]:
    titles = {
        "program": _("Employment at exit by program"),
        "cohort": _("Employment at exit by cohort"),
        "agency": _("Employment at exit by agency"),
        "occupation": _("Employment at exit by occupation group"),
    }
    headers = {
        "program": _("Program"),
        "cohort": _("Fiscal quarter the mentorship ended"),
        "agency": _("Agency that holds the mentee's file"),
        "occupation": _("Occupation group"),
    }
    result = []
    for by in data.DIMENSIONS:
        rows = data.employment_outcomes(scope, by=by, counts=employment)
        labels = _dimension_labels(by, [r["key"] for r in rows])
        counts = [[r[s] for s in STATUSES] for r in rows]
        table = cross_table(
            key=f"employment_by_{by}",
            title=titles[by],
            description=_(
                "Employment status at exit of the mentees whose mentorship ended in the period."
            ),
            row_header=headers[by],
            row_labels=[labels.get(r["key"], str(r["key"])) for r in rows],
            columns=_columns(),
            counts=counts,
            threshold=threshold,
            derived=_derived(),
            chart=Chart(columns=list(range(len(STATUSES))), unit=_("mentees")),
        )
        if threshold is not None and len(counts) > 1:
            # Redo with the column totals tied to the "at exit" row published above.
            linked = suppression.suppress(
                counts, threshold=threshold, linked_column_totals=hidden_at_exit
            )
            for i, row in enumerate(table.rows):
                for j in range(len(STATUSES) + 1):
                    row.cells[j] = Cell(linked.cell(i, j), hidden=linked.is_hidden(i, j))
                shown = [c.value for c in row.cells[: len(STATUSES) + 1]]
                for k, (_label, kind, f) in enumerate(_derived()):
                    row.cells[len(STATUSES) + 1 + k] = Cell(f(shown), kind=kind)
        result.append(table)
    return result


def time_to_employment_table(
    scope: Scope, threshold: int | None, employment: dict[str, Any] | None = None
) -> Table:
    measured = data.time_to_employment(scope, employment)
    table = _wait_table(
        "time_to_employment",
        _("Time to employment"),
        _(
            "Days from the start of the mentorship to the first job the mentee reported, for "
            "the mentees whose mentorship ended in the period and who found work."
        ),
        measured,
        threshold,
    )
    table.columns = [_("Mentees")]
    return table


def satisfaction_table(scope: Scope, threshold: int | None) -> Table:
    measured = data.satisfaction(scope)
    sides = {"mentee": _("Mentees"), "mentor": _("Mentors")}
    rows = [r for r in measured["surveys"] if r["participant__role"] in sides]
    table = cross_table(
        key="satisfaction",
        title=_("Satisfaction"),
        description=_(
            "Answers to the exit survey given in the period: overall satisfaction with the "
            "mentorship, from 1 (very dissatisfied) to 5 (very satisfied)."
        ),
        row_header=pgettext("report", "Who answered"),
        row_labels=[sides[r["participant__role"]] for r in rows],
        columns=[str(score) for score in range(1, 6)],
        counts=[[r[f"s{score}"] for score in range(1, 6)] for r in rows],
        threshold=threshold,
        derived=[(_("Average (out of 5)"), "number", _mean_score)],
        chart=Chart(columns=[0, 1, 2, 3, 4], unit=_("answers")),
    )
    check_ins = measured["check_ins"]
    count = check_ins["count"] or 0
    mean = protected_mean(check_ins["mean"], count, threshold, "number")
    if mean.value is not None:
        table.notes.append(
            ngettext(
                "Monthly check-ins in the period: %(count)s, average satisfaction %(mean)s out "
                "of 5.",
                "Monthly check-ins in the period: %(count)s, average satisfaction %(mean)s out "
                "of 5.",
                count,
            )
            % {"count": count, "mean": number_format(mean.value, 1)}
        )
    return table


def _mean_score(values: list[int | None]) -> float | None:
    counts = known(values[:5])
    if counts is None or not sum(counts):
        return None
    return round(sum((i + 1) * v for i, v in enumerate(counts)) / sum(counts), 2)


def employment_tables(reading: Reading) -> list[Table]:
    """Employment at exit and after, its breakdowns and the time to employment: one query
    (outcome_selectors.employment_counts)."""
    scope, threshold = reading.scope, reading.threshold
    employment = data.employment_counts(scope)
    table, hidden = employment_table(scope, threshold, employment)
    return [
        table,
        *breakdown_tables(scope, threshold, hidden[0], employment),
        time_to_employment_table(scope, threshold, employment),
    ]


register(Section("employment", 50, employment_tables))
register(Section("satisfaction", 55, lambda r: [satisfaction_table(r.scope, r.threshold)]))
