"""Group and peer mentoring as a section of the reports, and the attacker who tries to learn one
person's outcome from what a funder reads.

The attacker knows every published figure of the section, how its figures are parts of one
another (matched since <= served; in their field <= employed <= with an outcome), that an "x"
counts at least one person (zeros are published), and more than a funder should: the outcome of
every other person of the group. With linear programmes (scipy's linprog, as in
tandem/reports/tests/test_funder_attacker.py) they bound the one count that would give the
person away. The negative control hands the same attacker the staff's table of the same period,
built by the same section without suppression: there they pin it.
"""

from __future__ import annotations

import numpy as np
import pytest
from django.test import Client
from django.utils import timezone
from scipy.optimize import linprog

from tandem.circles.figures import FIGURES
from tandem.circles.report import circle_tables
from tandem.circles.services.members import circle_member_add
from tandem.circles.services.sessions import circle_attendance_record
from tandem.circles.tests.factories import make_circle, move_to_past, session_at, waiting_mentee
from tandem.core.tests.cast import Side
from tandem.outcomes.models import EmploymentOutcome
from tandem.programs.models import Program
from tandem.programs.tests.factories import make_program
from tandem.reports.selectors import Scope, fiscal_year
from tandem.reports.tables import Reading
from tandem.reports.tests.factories import make_network, publish_this_fiscal_year

pytestmark = pytest.mark.django_db

THRESHOLD = 5
ROW = {name: index for index, (name, _label, _kind) in enumerate(FIGURES)}


def _group_network(statuses: list[str]):
    """A network whose lead agency runs a group that held one session, attended by everyone;
    each member's latest outcome is one of `statuses`."""
    network = make_network()
    side = Side(
        organization=network.lead,
        staff=network.staff,
        caseworker=network.staff,
        admin=network.admin,
        funder=network.funder,
        mentee=None,  # type: ignore[arg-type]  # not used by these factories
        mentee_user=network.staff,
    )
    program = make_program(network.lead, network.staff, kind="group")
    circle = make_circle(side, program=program, mentee_capacity=len(statuses))
    people = []
    for status in statuses:
        mentee = waiting_mentee(side, network.program)
        circle_member_add(actor=network.staff, circle=circle, participant=mentee, role="mentee")
        EmploymentOutcome.objects.create(
            participant=mentee, source="staff", status=status, recorded_at=timezone.now()
        )
        people.append(mentee)
    session = move_to_past(session_at(circle, side))
    circle_attendance_record(actor=network.staff, session=session, present=people)
    return network, program


def _table(program: Program, threshold: int | None):
    scope = Scope(Program.objects.filter(pk=program.pk), fiscal_year(timezone.localdate()))
    (table,) = circle_tables(Reading(scope, threshold, staff=threshold is None, network=False))
    return table


def _count(table, name: str) -> int | None:
    cell = table.rows[ROW[name]].cells[0]
    return None if cell.hidden else cell.value


class Attack:
    """Unknowns: the hidden figures ("x", at least 1) and the complements the attacker wants
    (not matched since, not employed, employed in another job: at least 0)."""

    PARTS = [  # whole = part + complement
        ("mentees_served", "matched_after", "not_matched"),
        ("with_outcome", "employed", "not_employed"),
        ("employed", "employed_in_field", "other_job"),
    ]

    def __init__(self, table):
        self.known = {name: _count(table, name) for name, _l, kind in FIGURES if kind == "count"}
        self.unknown = [n for n, v in self.known.items() if v is None]
        self.unknown += [complement for _w, _p, complement in self.PARTS]
        self.index = {name: i for i, name in enumerate(self.unknown)}
        self.at_least: list[tuple[dict[str, int], int]] = []  # sum(coef * x) >= value

    def _row(self, terms: dict[str, int]) -> tuple[np.ndarray, float]:
        row, constant = np.zeros(len(self.unknown)), 0.0
        for name, coefficient in terms.items():
            if name in self.index:
                row[self.index[name]] += coefficient
            else:
                constant += coefficient * (self.known[name] or 0)
        return row, constant

    def bounds(self, target: str) -> tuple[float, float]:
        equalities = [self._row({w: 1, p: -1, c: -1}) for w, p, c in self.PARTS]
        a_eq = np.array([row for row, _c in equalities])
        b_eq = np.array([-constant for _r, constant in equalities])
        upper = [
            self._row({name: -coef for name, coef in terms.items()}) for terms, _v in self.at_least
        ]
        a_ub = np.array([row for row, _c in upper]) if upper else None
        b_ub = (
            np.array(
                [
                    -value - constant
                    for (_t, value), (_r, constant) in zip(self.at_least, upper, strict=True)
                ]
            )
            if upper
            else None
        )
        lower = [
            (0 if name in dict.fromkeys(c for _w, _p, c in self.PARTS) else 1, None)
            for name in self.unknown
        ]
        ends = []
        for sign in (1.0, -1.0):
            objective = np.zeros(len(self.unknown))
            objective[self.index[target]] = sign
            solved = linprog(
                objective, A_eq=a_eq, b_eq=b_eq, A_ub=a_ub, b_ub=b_ub, bounds=lower, method="highs"
            )
            assert solved.status in (0, 3), solved.message  # the truth is feasible
            ends.append(float("inf") if solved.status == 3 else sign * solved.fun)
        return ends[0], ends[1]


def test_a_funder_cannot_learn_whether_the_one_other_member_found_work():
    """Six people took part; the attacker knows that five of them are employed in their field and
    asks about the sixth, who is still searching."""
    _network, program = _group_network(["employed_in_field"] * 5 + ["searching"])
    funder = _table(program, THRESHOLD)
    assert _count(funder, "with_outcome") == 6
    assert funder.rows[ROW["employed"]].cells[0].hidden
    attack = Attack(funder)
    attack.at_least.append(({"employed_in_field": 1}, 5))  # what the attacker knows already
    low, high = attack.bounds("not_employed")
    assert (low, high) == (0, 1)  # employed or not: the table does not say


def test_negative_control_the_staff_table_of_the_same_period_gives_the_person_away():
    _network, program = _group_network(["employed_in_field"] * 5 + ["searching"])
    staff = _table(program, None)
    attack = Attack(staff)
    attack.at_least.append(({"employed_in_field": 1}, 5))
    assert attack.bounds("not_employed") == (1, 1)


def test_one_person_in_another_job_is_not_given_away_by_employed_and_in_field_together():
    """Fifteen with an outcome, ten employed, nine of them in their field: "employed 10, in
    field 9" would name the one person in another job, though each figure is large."""
    statuses = ["employed_in_field"] * 9 + ["other_job"] + ["searching"] * 5
    _network, program = _group_network(statuses)
    funder = _table(program, THRESHOLD)
    assert (_count(funder, "with_outcome"), _count(funder, "employed")) == (15, 10)
    assert funder.rows[ROW["employed_in_field"]].cells[0].hidden
    low, high = Attack(funder).bounds("other_job")
    assert high - low >= 1
    staff = Attack(_table(program, None))
    assert staff.bounds("other_job") == (1, 1)  # the control: unsuppressed, it is pinned


def test_the_section_is_on_the_program_dashboard_and_in_the_published_funder_report(
    client: Client, no_mfa, monkeypatch
):
    network, program = _group_network(["employed_in_field"] * 5 + ["searching"])
    client.force_login(network.staff)
    page = client.get(f"/en/reports/programs/{program.pk}/?section=circles")
    assert page.status_code == 200
    tables = {t.key: t for t in page.context["tables"]}
    assert _count(tables["circles"], "employed") == 5  # staff read people as they are
    assert tables["circles"].rows[ROW["sessions_held"]].cells[0].value == 1
    year = publish_this_fiscal_year(network, monkeypatch)
    funder = Client()
    funder.force_login(network.funder)
    page = funder.get(f"/fr/reports/funded/{network.lead.slug}/?fiscal_year={year}&section=circles")
    assert page.status_code == 200
    table = {t.key: t for t in page.context["tables"]}["circles"]
    assert table.title == "Mentorat de groupe et mentorat par les pairs"
    assert _count(table, "with_outcome") == 6
    assert table.rows[ROW["employed"]].cells[0].hidden
    assert "x" in page.content.decode()
