"""Report tables: what the selectors counted, with labels in the reader's language, rates and
means, and — for funders — small cells suppressed (suppression.py).

A `Table` is the one shape that the page, the chart, the CSV and XLSX files and the PDF read, so
that a funder's file can never hold a number their page does not show. Funder tables are built
with a threshold and carry no cell below it, nor any hidden cell that totals would give back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.db.models import Field
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from tandem.core.i18n import current_language
from tandem.events.models import EventKind
from tandem.matching.models import MatchingSettings
from tandem.programs.models import CriterionKind
from tandem.reports import selectors, suppression
from tandem.reports.selectors import Scope

HIDDEN = "x"  # Statistics Canada's mark for a suppressed cell


@dataclass
class Cell:
    value: Any
    kind: str = "count"  # count, percent, days, number, text
    hidden: bool = False

    @property
    def is_empty(self) -> bool:
        return self.value is None and not self.hidden


@dataclass
class Row:
    label: str
    cells: list[Cell]
    is_total: bool = False


@dataclass
class Chart:
    """Which columns to draw, as bars (one series) or stacked bars (several)."""

    columns: list[int]
    unit: str = ""  # a word for the axis, e.g. "referrals"


@dataclass
class Table:
    key: str
    title: str
    description: str
    row_header: str
    columns: list[str]
    rows: list[Row]
    notes: list[str] = field(default_factory=list)
    chart: Chart | None = None
    is_suppressed: bool = False

    @property
    def body(self) -> list[Row]:
        return [r for r in self.rows if not r.is_total]

    @property
    def has_hidden(self) -> bool:
        return any(c.hidden for r in self.rows for c in r.cells)

    @property
    def is_empty(self) -> bool:
        return not self.body

    def plain_rows(self) -> list[list[Any]]:
        """Header and rows as plain values for files: hidden cells are the letter x."""
        out: list[list[Any]] = [[self.row_header, *self.columns]]
        for row in self.rows:
            out.append([row.label, *[HIDDEN if c.hidden else c.value for c in row.cells]])
        return out


def _name(row: dict[str, Any], prefix: str = "") -> str:
    language = current_language()
    return row.get(f"{prefix}name_{language}") or row.get(f"{prefix}name_en") or ""


def _title(row: dict[str, Any]) -> str:
    return row.get(f"title_{current_language()}") or row.get("title_en") or ""


def percent(numerator: int | None, denominator: int | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return round(100 * numerator / denominator, 1)


# --- Building counts into tables, with or without suppression --------------------------------

Derived = tuple[str, str, Callable[[list[int | None]], Any]]  # label, kind, f(published counts)


def cross_table(
    *,
    key: str,
    title: str,
    description: str,
    row_header: str,
    row_labels: Sequence[str],
    columns: Sequence[str],
    counts: list[list[int]],
    threshold: int | None,
    derived: Sequence[Derived] = (),
    total_label: str | None = None,
    chart: Chart | None = None,
    notes: Sequence[str] = (),
) -> Table:
    """Counts of people where every person is in one cell: rows and columns add up. Row totals
    (when more than one column), a total row, and derived columns (rates) computed only from
    published cells, so that a rate never gives back a hidden count."""
    total_label = total_label or _("Total")
    has_columns_total = len(columns) > 1
    header = list(columns) + ([total_label] if has_columns_total else [])
    header += [label for label, _kind, _f in derived]
    if not counts:
        return Table(key, title, description, row_header, header, [], list(notes), chart)
    published: Sequence[Sequence[int | None]]
    if threshold is None:
        grid = [list(r) for r in counts]
        width = len(columns)
        for r in grid:
            if has_columns_total:
                r.append(sum(r[:width]))
        totals = [sum(r[j] for r in grid) for j in range(len(grid[0]))]
        published = [*grid, totals] if len(counts) > 1 else grid
        hidden: set[tuple[int, int]] = set()
    else:
        table = suppression.suppress(counts, threshold=threshold)
        published = [list(r) for r in table.values]
        hidden = set(table.hidden)
    rows = []
    labels = [*row_labels, total_label] if len(published) > len(row_labels) else list(row_labels)
    for i, (label, values) in enumerate(zip(labels, published, strict=True)):
        cells = [
            Cell(None if (i, j) in hidden else v, hidden=(i, j) in hidden)
            for j, v in enumerate(values)
        ]
        shown = [c.value for c in cells]
        for _label, kind, function in derived:
            value = function(shown)
            cells.append(Cell(value, kind=kind))
        rows.append(Row(label, cells, is_total=i >= len(row_labels)))
    return Table(
        key,
        title,
        description,
        row_header,
        header,
        rows,
        list(notes),
        chart,
        is_suppressed=threshold is not None,
    )


def protected_count(value: int | None, threshold: int | None) -> Cell:
    """A single count published alone (primary suppression only)."""
    if value is None:
        return Cell(None)
    if threshold is not None and 0 < value < threshold:
        return Cell(None, hidden=True)
    return Cell(value)


def protected_mean(value: float | None, count: int, threshold: int | None, kind: str) -> Cell:
    if value is None:
        return Cell(None, kind=kind)
    if threshold is not None and not suppression.publishable_mean(count, threshold=threshold):
        return Cell(None, kind=kind, hidden=True)
    return Cell(round(value, 1), kind=kind)


def known(values: Sequence[int | None]) -> list[int] | None:
    """The values, or None when any of them is hidden (a derived figure is then hidden too)."""
    found = [v for v in values if v is not None]
    return found if len(found) == len(values) else None


def rate(numerator: int, *denominators: int) -> Callable[[list[int | None]], float | None]:
    """A percentage of published cells: numerator / sum(denominators), or nothing if any part
    is hidden."""

    def compute(values: list[int | None]) -> float | None:
        parts = known([values[numerator], *[values[d] for d in denominators]])
        if parts is None:
            return None
        return percent(parts[0], sum(parts[1:]))

    return compute


# --- The sections ----------------------------------------------------------------------------


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


def recruitment_table(scope: Scope, threshold: int | None) -> Table:
    data = selectors.mentor_recruitment(scope)
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


def criterion_label(criterion: str) -> str:
    field = MatchingSettings._meta.get_field(criterion)
    assert isinstance(field, Field)  # a weight of the settings, never a relation
    name = str(field.verbose_name)
    return name[:1].upper() + name[1:]


def suitability_tables(scope: Scope) -> list[Table]:
    """For program staff only: which match scores and which criteria go with mentorships that
    complete and with satisfied people, in this program. Not for funders (it is an operating
    tool, over small numbers)."""
    data = selectors.suitability(scope)
    bands = []
    for b in data["bands"]:
        if b["high"] is None:
            bands.append(_("%(low)s and above") % {"low": _number(b["low"] * 100)})
        else:
            bands.append(
                _("%(low)s to under %(high)s")
                % {"low": _number(b["low"] * 100), "high": _number(b["high"] * 100)}
            )
    score = cross_table(
        key="suitability_score",
        title=_("Completion by match score"),
        description=_(
            "Mentorships that ended in the period, by the score the matching engine gave the "
            "pair (out of 100)."
        ),
        row_header=_("Match score"),
        row_labels=bands,
        columns=[pgettext("mentorships", "Completed"), pgettext("mentorships", "Ended early")],
        counts=[[b["completed"], b["pairs"] - b["completed"]] for b in data["bands"]],
        threshold=None,
        derived=[(_("Completion rate"), "percent", rate(0, 0, 1))],
        chart=Chart(columns=[0, 1], unit=_("mentorships")),
    )
    satisfaction = satisfaction_by_score_table(data, bands)
    rows = []
    for c in data["criteria"]:
        rows.append(
            Row(
                criterion_label(c["criterion"]),
                [
                    Cell(c["strong"]),
                    Cell(percent(c["strong_completed"], c["strong"]), kind="percent"),
                    Cell(c["weak"]),
                    Cell(percent(c["weak_completed"], c["weak"]), kind="percent"),
                    Cell(
                        None
                        if c["mean_completed"] is None
                        else round(100 * c["mean_completed"], 1),
                        kind="number",
                    ),
                    Cell(
                        None if c["mean_early"] is None else round(100 * c["mean_early"], 1),
                        kind="number",
                    ),
                ],
            )
        )
    criteria = Table(
        "suitability_criteria",
        _("Completion by matching criterion"),
        _(
            "For each criterion of the matching engine: completion where the pair scored well "
            "on it (50 or more out of 100) and where it did not, and its average score in "
            "completed and in early-ended mentorships. A criterion that goes with completion "
            "deserves more weight in this program."
        ),
        _("Criterion"),
        [
            _("Pairs strong on it"),
            _("Completion when strong"),
            _("Pairs weak on it"),
            _("Completion when weak"),
            _("Average in completed"),
            _("Average in ended early"),
        ],
        rows if data["pairs"] else [],
        [
            ngettext(
                "Based on %(count)s mentorship that ended with a recorded match score.",
                "Based on %(count)s mentorships that ended with a recorded match score.",
                data["pairs"],
            )
            % {"count": data["pairs"]}
        ],
    )
    return [score, satisfaction, criteria]


def satisfaction_by_score_table(data: dict[str, Any], bands: list[str]) -> Table:
    """The exit surveys of the same mentorships, by band of match score: how many mentees and
    mentors answered and how satisfied they were on average (1 to 5)."""

    def mean(value: float | None) -> Cell:
        return Cell(None if value is None else round(value, 2), kind="number")

    rows = [
        Row(
            label,
            [
                Cell(b["mentee_surveys"]),
                mean(b["mentee_satisfaction"]),
                Cell(b["mentor_surveys"]),
                mean(b["mentor_satisfaction"]),
            ],
        )
        for label, b in zip(bands, data["bands"], strict=True)
    ]
    answered = any(b["mentee_surveys"] or b["mentor_surveys"] for b in data["bands"])
    return Table(
        "suitability_satisfaction",
        _("Satisfaction by match score"),
        _(
            "Mentorships that ended in the period, by the score the matching engine gave the "
            "pair (out of 100): the overall satisfaction the mentee and the mentor gave in their "
            "exit survey, from 1 (very dissatisfied) to 5 (very satisfied)."
        ),
        _("Match score"),
        [
            _("Mentees who answered"),
            _("Mentees' average (out of 5)"),
            _("Mentors who answered"),
            _("Mentors' average (out of 5)"),
        ],
        rows if answered else [],
        [_("A person who has not answered the exit survey is not counted.")],
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


# --- Whole reports ---------------------------------------------------------------------------


@dataclass
class Headline:
    label: str
    cell: Cell


def headlines(tables: dict[str, Table]) -> list[Headline]:
    """The figures at the top, read from the tables' totals so that they always agree."""

    def total(key: str, column: int) -> Cell:
        table = tables.get(key)
        if table is None or not table.rows:
            return Cell(0)
        last = table.rows[-1]
        return last.cells[column] if column < len(last.cells) else Cell(None)

    referrals = tables.get("referrals")
    referral_total = Cell(0)
    acceptance = Cell(None, kind="percent")
    if referrals and referrals.rows:
        width = 4
        last = referrals.rows[-1]
        referral_total = last.cells[width] if len(last.cells) > width else last.cells[0]
        acceptance = last.cells[-1]
    completion = tables.get("completion")
    completion_rate = (
        completion.rows[-1].cells[-1] if completion and completion.rows else Cell(None, "percent")
    )
    employment = tables.get("employment")
    employed = (
        employment.rows[0].cells[len(employment.columns) - 2]
        if employment and employment.rows
        else Cell(None, kind="percent")
    )
    return [
        Headline(_("Referrals received"), referral_total),
        Headline(_("Acceptance rate"), acceptance),
        Headline(_("Matches made"), total("matches_by_occupation", 3)),
        Headline(_("Completion rate"), completion_rate),
        Headline(_("Employed at exit"), employed),
        # The mentors accepted into the programs in the period, whoever recruited them: the
        # count of the program's list of accepted mentors ("recruited" matched no list).
        Headline(_("Mentors accepted"), total("mentor_recruitment", 3)),
        Headline(_("Event attendances"), total("events", 1)),
    ]


SECTIONS = [
    "referrals",
    "return_reasons",
    "return_reasons_by_agency",
    "time_to_match",
    "matches_by_occupation",
    "completion",
    "events",
    "mentor_recruitment",
    "waiting",
]


def build_tables(
    scope: Scope, *, threshold: int | None, staff: bool, network: bool = False
) -> list[Table]:
    """Every table of a report, in reading order. `threshold` None means unsuppressed (staff).
    The sections are read side by side where the database allows it (sections.py)."""
    from tandem.reports.sections import read_sections

    _ = scope.program_ids  # read once, before the readers share the scope
    steps = table_steps(scope, threshold=threshold, staff=staff, network=network)
    return [table for tables in read_sections(steps) for table in tables]


def table_steps(scope: Scope, *, threshold: int | None, staff: bool, network: bool = False):
    """The same tables one section at a time, for a background run to report progress."""
    from tandem.reports.outcome_tables import outcome_steps

    # The mentorships counted by program serve the completion table and, on the network's
    # dashboard, the programs table: read once.
    by_program = cache(lambda: selectors.completion_by_program(scope))
    steps: list[Callable[[], list[Table]]] = [
        lambda: [referrals_table(scope, threshold)],
        lambda: return_reasons_tables(scope, threshold),
        lambda: match_tables(scope, threshold),
        lambda: [completion_table(scope, threshold, by_program())],
        *outcome_steps(scope, threshold=threshold),
        lambda: [events_table(scope, threshold)],
        lambda: [recruitment_table(scope, threshold)],
        lambda: [waiting_table(scope, threshold, detail=staff)],
    ]
    if staff:
        steps.append(lambda: suitability_tables(scope))
    if network and staff:
        steps.insert(0, lambda: [program_summary_table(scope, by_program())])
    return steps
