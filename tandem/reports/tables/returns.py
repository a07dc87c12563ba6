"""Reasons for returning referrals, overall and by source agency (one pass)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from tandem.core.i18n import current_language
from tandem.programs.models import CriterionKind
from tandem.reports import selectors, suppression
from tandem.reports.selectors import Scope
from tandem.reports.tables.base import (
    Cell,
    Chart,
    Row,
    Section,
    Table,
    percent,
    protected_count,
    register,
)
from tandem.reports.tables.referrals import agency_label


def reason_label(row: dict[str, Any]) -> str:
    kind = row["kind"]
    labels = {
        CriterionKind.IMMIGRATION_STATUS: _("Immigration status not eligible"),
        CriterionKind.INTERNATIONALLY_EDUCATED: _("Not educated outside Canada"),
        CriterionKind.CLB_AT_LEAST: _("Language level (CLB) below the program's minimum"),
        CriterionKind.PROVINCE: _("Lives outside the program's area"),
        CriterionKind.JOB_SEARCH_WORKSHOP: _("Job-search workshop not yet completed"),
        CriterionKind.YEARS_EXPERIENCE_AT_LEAST: _("Not enough work experience in the region"),
        CriterionKind.MEMBER_OF_ORGANIZATION: _("Not a member or employee of the organization"),
        CriterionKind.PARENT_PROGRAM_PARTICIPANT: _("Not a participant of the parent program"),
    }
    if kind in labels:
        return labels[kind]
    question = row.get(f"question_{current_language()}") or row.get("question_en") or ""
    return _("Answered no to: “%(question)s”") % {"question": question}


def return_reasons_tables(scope: Scope, threshold: int | None) -> list[Table]:
    """The reasons for returning referrals, overall and by source agency (same two queries)."""
    data = selectors.return_reasons(scope)
    overall = return_reasons_table(data, threshold)
    return [overall, return_reasons_by_agency_table(data, threshold, overall)]


def _other_reason() -> str:
    return _("Other reason (see the note sent to the agency)")


def return_reasons_table(data: dict[str, Any], threshold: int | None) -> Table:
    """Reasons over all agencies, one column. A return may cite several criteria, so the
    reasons do not add up: each count is published on its own."""
    totals: dict[str, int] = {}
    for r in data["reasons"]:
        label = reason_label(r)
        totals[label] = totals.get(label, 0) + r["count"]
    without = sum(r["without_criterion"] for r in data["by_agency"])
    returns = sum(r["returns"] for r in data["by_agency"])
    if without:
        totals[_other_reason()] = without
    ordered = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    columns = [_("Returns citing the reason"), _("Share of returns")]
    rows = []
    for label, count in ordered:
        cell = protected_count(count, threshold)
        share = Cell(percent(cell.value, returns) if not cell.hidden else None, kind="percent")
        rows.append(Row(label, [cell, share]))
    rows.append(
        Row(_("Referrals returned"), [protected_count(returns, threshold), Cell(None)], True)
    )
    notes = [_("A referral can be returned for more than one reason.")]
    return Table(
        "return_reasons",
        _("Reasons for returning referrals"),
        _("Referrals returned to their agency in the period, by the criterion found not met."),
        pgettext("report", "Reason"),
        columns,
        rows,
        notes,
        Chart(columns=[0], unit=_("returns")),
        is_suppressed=threshold is not None,
    )


def return_reasons_by_agency_table(
    data: dict[str, Any], threshold: int | None, overall: Table
) -> Table:
    """Each source agency's returns by reason, the reasons in the order of the overall table.

    A row's reasons do not add up to its returns (a return may cite several), but a column adds
    up to the reason's count in the overall table. For funders the grid is therefore suppressed
    without row totals and with its column totals tied to that table (the counts it hides stay
    hidden, the others are known); the agencies' returns are not shown: a hidden count is at
    least the returns minus the other reasons, which could pin it down."""
    reasons = [row.label for row in overall.body]
    agencies = data["by_agency"] if reasons else []
    counts: dict[Any, dict[str, int]] = {a["key"]: dict.fromkeys(reasons, 0) for a in agencies}
    for r in data["reasons"]:
        counts[r["key"]][reason_label(r)] += r["count"]
    for a in agencies:
        if a["without_criterion"]:
            counts[a["key"]][_other_reason()] += a["without_criterion"]
    grid = [[counts[a["key"]][label] for label in reasons] for a in agencies]
    labels = [agency_label(a) for a in agencies]
    rows: list[Row] = []
    if not agencies:
        pass
    elif threshold is None:
        rows = [
            Row(label, [*map(Cell, values), Cell(agency["returns"])])
            for label, values, agency in zip(labels, grid, agencies, strict=True)
        ]
        totals = [sum(values[j] for values in grid) for j in range(len(reasons))]
        rows.append(
            Row(
                _("All agencies"),
                [*map(Cell, totals), Cell(sum(a["returns"] for a in agencies))],
                is_total=True,
            )
        )
    else:
        hidden_reasons = frozenset(j for j, row in enumerate(overall.body) if row.cells[0].hidden)
        table = suppression.suppress(
            grid,
            threshold=threshold,
            linked_column_totals=(hidden_reasons, False),
            row_totals=False,
        )
        rows = [
            Row(
                label,
                [Cell(table.cell(i, j), hidden=table.is_hidden(i, j)) for j in range(len(reasons))],
            )
            for i, label in enumerate(labels)
        ]
    columns = reasons + ([_("Referrals returned")] if threshold is None else [])
    return Table(
        "return_reasons_by_agency",
        _("Reasons for returning referrals, by source agency"),
        _(
            "Referrals returned to their agency in the period, by the agency that made them and "
            "the criterion found not met."
        ),
        _("Source agency"),
        columns,
        rows,
        [
            _(
                "A referral can be returned for more than one reason, so an agency's reasons "
                "can add up to more than its returns."
            )
        ],
        is_suppressed=threshold is not None,
    )


register(Section("return_reasons", 20, lambda r: return_reasons_tables(r.scope, r.threshold)))
