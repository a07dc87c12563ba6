"""Group and peer mentoring as a section of the program, network and funder reports (the seam of
docs/reports.md: registered from CirclesConfig.ready()).

The table is figures.py's figures over the report's period, one row each. For funders
(`reading.threshold` set) every count of people below the threshold is an "x", and so is a part
whose complement in a published whole would be small (served and matched since; with an outcome,
employed and in their field); a rate or a median over too few people is withheld too.
tests/test_report.py is the attacker who tries to learn one person's outcome from it.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from tandem.programs.models import Program, ProgramType
from tandem.reports.tables.base import Cell, Reading, Row, Table

from .figures import FIGURES, figures_for

KEY = "circles"


def circle_tables(reading: Reading) -> list[Table]:
    """One table, or none for a report whose programs include no group or peer program."""
    programs = Program.objects.filter(
        pk__in=reading.scope.program_ids, kind__in=[ProgramType.GROUP, ProgramType.PEER]
    )
    if not programs.exists():
        return []
    period = reading.scope.period
    # Staff read people as they are: a limit of 1 withholds nothing.
    figures = figures_for(
        programs,
        limit=reading.threshold or 1,
        start=period.start,
        end=period.end,
        left_out=reading.scope.left_out,
    )
    rows = [
        Row(
            str(label),
            [
                Cell(
                    None if name in figures.hidden else getattr(figures, name),
                    kind=kind,
                    hidden=name in figures.hidden,
                )
            ],
        )
        for name, label, kind in FIGURES
    ]
    notes = [
        _(
            "Group sessions also count in “Events attended”. People are counted once however "
            "many groups they joined; outcomes are each person's latest."
        )
    ]
    if reading.threshold is not None:
        notes.append(
            _(
                "x: withheld because it counts fewer than %(threshold)d people, or would give "
                "away such a count together with another figure of this table."
            )
            % {"threshold": reading.threshold}
        )
    return [
        Table(
            KEY,
            _("Group and peer mentoring"),
            _(
                "Mentoring groups and peer mentoring in the period: sessions held, attendance, "
                "mentees served while they waited for a one-to-one match, and the employment "
                "of the people who took part."
            ),
            _("Figure"),
            [_("In the period")],
            rows,
            notes,
            is_suppressed=reading.threshold is not None,
        )
    ]
