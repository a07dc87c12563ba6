"""Suitability of matches: completion and satisfaction by match score and criterion (program
staff only)."""

from __future__ import annotations

from typing import Any

from django.db.models import Field
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from tandem.matching.models import MatchingSettings
from tandem.reports import selectors
from tandem.reports.selectors import Scope
from tandem.reports.tables.base import (
    Cell,
    Chart,
    Row,
    Section,
    Table,
    cross_table,
    percent,
    rate,
    register,
)
from tandem.reports.tables.matches import _number


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


register(Section("suitability", 90, lambda r: suitability_tables(r.scope), for_funders=False))
