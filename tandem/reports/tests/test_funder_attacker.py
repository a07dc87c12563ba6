"""The attacker a funder could be: from every table of the funder report, in every period a funder
can ask for, bound every hidden cell with linear programmes (scipy's linprog, written here apart
from suppression.py) and fail if one small count is pinned to one value.

What the attacker knows: the published cells, how each table adds up (rows to their total,
columns to the total row), how tables are tied to each other (the breakdowns of employment at
exit add up to the "at exit" row; the reasons by agency add up to each reason's count; the
attendances of each kind of event add up to all events, and every person who came to a kind of
event is at least one attendance), and that every "x" counts at least one person, since zeros
are published. The true counts come from the staff's network dashboard for the same period.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from tandem.referrals.models import Referral
from tandem.referrals.services import referral_decide
from tandem.reports.selectors import fiscal_year
from tandem.reports.services import funder_spec
from tandem.reports.suppression import suppress, suppress_counts
from tandem.reports.tables import build_tables
from tandem.reports.tests.factories import make_network, publish_this_fiscal_year, seed_program

THRESHOLD = 5

# key: (count columns, whether those columns have a row total after them, whether the last row
# is the columns' total)
ADDITIVE = {
    "referrals": (4, True, True),
    "matches_by_occupation": (3, True, True),
    "completion": (3, True, True),
    "mentor_recruitment": (3, True, True),
    "waiting": (1, False, True),
    "time_to_match": (1, False, True),
    "time_to_first_meeting": (1, False, True),
    "time_to_employment": (1, False, True),
}

Key = tuple  # (table key, row index, column index)


class Attacker:
    """Linear relations between cells; hidden cells are the unknowns."""

    def __init__(self, published: dict[Key, int | None], truth: dict[Key, int]):
        self.published = published  # None where the funder reads "x"
        self.truth = truth
        self.equalities: list[dict[Key, int]] = []  # sum of coefficient * cell == 0
        self.at_most: list[dict[Key, int]] = []  # sum of coefficient * cell <= 0

    def bounds(self) -> dict[Key, tuple[float, float]]:
        hidden = sorted(k for k, v in self.published.items() if v is None)
        index = {k: n for n, k in enumerate(hidden)}

        def matrix(relations):
            rows, rhs = [], []
            for relation in relations:
                if not any(k in index for k in relation):
                    continue
                row = np.zeros(len(hidden))
                constant = 0.0
                for k, coefficient in relation.items():
                    if k in index:
                        row[index[k]] += coefficient
                    else:
                        constant += coefficient * self.published[k]
                rows.append(row)
                rhs.append(-constant)
            return (np.array(rows), np.array(rhs)) if rows else (None, None)

        a_eq, b_eq = matrix(self.equalities)
        a_ub, b_ub = matrix(self.at_most)
        # x >= 1 for each "x"; a hidden true zero is given as such (a stronger attacker).
        lower = [(min(1, self.truth[k]), None) for k in hidden]
        found = {}
        for k in hidden:
            if not 0 < self.truth[k] < THRESHOLD:
                continue
            ends = []
            for sign in (1.0, -1.0):
                objective = np.zeros(len(hidden))
                objective[index[k]] = sign
                solved = linprog(
                    objective,
                    A_eq=a_eq,
                    b_eq=b_eq,
                    A_ub=a_ub,
                    b_ub=b_ub,
                    bounds=lower,
                    method="highs",
                )
                assert solved.status in (0, 3), (k, solved.message)  # the truth is feasible
                ends.append(float("inf") if solved.status == 3 else sign * solved.fun)
            found[k] = (ends[0], ends[1])
        return found

    def pinned(self) -> dict[Key, tuple[float, float]]:
        return {k: b for k, b in self.bounds().items() if b[1] - b[0] < 0.5}


def add_grid(attacker: Attacker, key: str, rows: int, columns: int, row_total: bool, total_row):
    body = rows - 1 if total_row else rows
    if row_total and columns > 1:
        for i in range(rows):
            line = {(key, i, j): 1 for j in range(columns)}
            line[(key, i, columns)] = -1
            attacker.equalities.append(line)
    if total_row and body > 0:
        width = columns + (1 if row_total and columns > 1 else 0)
        for j in range(width):
            line = {(key, i, j): 1 for i in range(body)}
            line[(key, body, j)] = -1
            attacker.equalities.append(line)


def cells_of(table, width: int | None = None) -> dict[Key, tuple[int | None, bool]]:
    out = {}
    for i, r in enumerate(table.rows):
        for j, c in enumerate(r.cells[:width] if width else r.cells):
            if c.kind == "count":
                out[(table.key, i, j)] = (c.value, c.hidden)
    return out


def attack_report(funder: dict, staff: dict) -> Attacker:
    """One period's funder tables against the staff's true counts."""
    published: dict[Key, int | None] = {}
    truth: dict[Key, int] = {}

    def take(key: str, width: int | None = None):
        for k, (value, hidden) in cells_of(funder[key], width).items():
            staff_value = staff[key].rows[k[1]].cells[k[2]].value
            if value is None and not hidden:
                continue
            published[k] = None if hidden else value
            truth[k] = staff_value
            if not hidden:
                assert value == staff_value, k

    attacker = Attacker(published, truth)
    for key, (columns, row_total, total_row) in ADDITIVE.items():
        if key not in funder or not funder[key].rows:
            continue
        take(key, columns + (1 if row_total and columns > 1 else 0))
        add_grid(attacker, key, len(funder[key].rows), columns, row_total, total_row)
    if funder.get("employment") and funder["employment"].rows:
        take("employment")
        exit_row = funder["employment"].rows[0]
        statuses = len(exit_row.cells) - 3  # statuses, answers, then two rates
        add_grid(attacker, "employment", len(funder["employment"].rows), statuses, True, False)
        for key in [k for k in funder if k.startswith("employment_by_")]:
            table = funder[key]
            if not table.rows:
                continue
            take(key, statuses + 1)
            add_grid(attacker, key, len(table.rows), statuses, True, True)
            last = len(table.rows) - 1
            for j in range(statuses + 1):
                attacker.equalities.append({(key, last, j): 1, ("employment", 0, j): -1})
    if funder.get("return_reasons_by_agency") and funder["return_reasons_by_agency"].rows:
        take("return_reasons", 1)
        take("return_reasons_by_agency")
        reasons = funder["return_reasons"].body
        table = funder["return_reasons_by_agency"]
        for j in range(len(reasons)):
            line = {("return_reasons_by_agency", i, j): 1 for i in range(len(table.rows))}
            line[("return_reasons", j, 0)] = -1
            attacker.equalities.append(line)
    if funder.get("events") and funder["events"].rows:
        take("events")
        table = funder["events"]
        last = len(table.rows) - 1
        attacker.equalities.append(
            {**{("events", i, 1): 1 for i in range(last)}, ("events", last, 1): -1}
        )
        for i in range(last + 1):  # mentees and mentors who came <= attendances
            attacker.at_most.append(
                {("events", i, 2): 1, ("events", i, 3): 1, ("events", i, 1): -1}
            )
        for i in range(last):
            for j in (2, 3):  # who came to one kind came at all
                attacker.at_most.append({("events", i, j): 1, ("events", last, j): -1})
    return attacker


def tables_of(response) -> dict:
    """Every table of the report a page offers (the page shows one section at a time)."""
    return {t.key: t for t in response.context["tables"]}


@pytest.mark.django_db
def test_no_hidden_count_of_the_funder_report_can_be_pinned_in_any_fiscal_year(
    client: Client, no_mfa, monkeypatch
):
    network = seed_program(make_network(), scale=2)
    published_year = publish_this_fiscal_year(network, monkeypatch)
    funder, staff = Client(), client
    funder.force_login(network.funder)
    staff.force_login(network.admin)
    page = funder.get(f"/en/reports/funded/{network.lead.slug}/")
    years = [value for value, _label in page.context["form"].fields["fiscal_year"].choices]
    assert years == [published_year]  # the year under way is never offered
    hidden_seen = 0
    for year in years:
        query = f"fiscal_year={year}"
        published = tables_of(funder.get(f"/en/reports/funded/{network.lead.slug}/?{query}"))
        start = dt.date(year, 4, 1)
        period = f"preset=custom&starts_on={start}&ends_on={dt.date(year + 1, 3, 31)}"
        truth = tables_of(staff.get(f"/en/reports/networks/{network.lead.slug}/?{period}"))
        attacker = attack_report(published, truth)
        hidden_seen += sum(v is None for v in attacker.published.values())
        assert attacker.pinned() == {}, year
    assert hidden_seen > 10  # the attack ran against real hidden cells


@pytest.mark.django_db
def test_a_funder_cannot_choose_dates_a_day_apart(client: Client, no_mfa, monkeypatch):
    network = seed_program(make_network())
    year = publish_this_fiscal_year(network, monkeypatch)
    published = fiscal_year(dt.date(year, 4, 1))
    client.force_login(network.funder)
    url = f"/en/reports/funded/{network.lead.slug}/"
    today = timezone.localdate()
    for query in (
        f"preset=custom&starts_on={today - dt.timedelta(days=30)}&ends_on={today}",
        "preset=twelve_months",
        "fiscal_year=1990",
        f"fiscal_year={fiscal_year(today).starts_on.year}",  # the year under way
    ):
        response = client.get(f"{url}?{query}")
        assert response.context["spec"].scope.period == published, query
    csv = client.get(f"{url}export.csv?starts_on=2020-01-01&ends_on={today}&preset=custom")
    assert f"{published.starts_on}_{published.ends_on}" in csv["Content-Disposition"]
    # The build form's hidden dates are checked too: another period goes back to the report,
    # and so does the year under way, which is not published.
    current = fiscal_year(today)
    for starts_on, ends_on in ((today, today), (current.starts_on, current.ends_on)):
        response = client.post(
            f"{url}build/",
            {"format": "xlsx", "language": "en", "starts_on": starts_on, "ends_on": ends_on},
        )
        assert response.status_code == 302 and response["Location"].endswith(url)


def attack_table(table) -> Attacker:
    """The attacker of one suppressed table: its published cells and its margins."""
    published, truth = {}, {}
    for i, row in enumerate(table.values):
        for j, value in enumerate(row):
            if value is not None:
                published[("t", i, j)] = None if table.is_hidden(i, j) else value
                truth[("t", i, j)] = value
    attacker = Attacker(published, truth)
    add_grid(
        attacker,
        "t",
        len(table.values),
        table.columns,
        table.has_row_totals,
        table.has_column_totals,
    )
    return attacker


def test_the_issue_s_tables_no_longer_give_their_small_cells_away():
    """Rideau `x x x 0 | x`, Vanier `x x x 0 | x`, Total `x x x 0 | 6`; twelve x over 12;
    `x, x, 8 | 10`: each pinned before, none now."""
    for cells in ([[1, 1, 1, 0], [1, 1, 1, 0]], [[1, 1, 8]], [[1]] * 12):
        attacker = attack_table(suppress(cells, threshold=THRESHOLD))
        assert attacker.bounds(), cells  # small cells are hidden and attacked
        assert attacker.pinned() == {}, cells


def test_the_negative_control_the_attacker_pins_what_subtraction_alone_missed():
    """The old rule (no cell recoverable from the equations alone) published `x, x, 8 | 10`: the
    attacker, knowing x >= 1, pins both x to 1."""
    published = {("t", 0, 0): None, ("t", 0, 1): None, ("t", 0, 2): 8, ("t", 0, 3): 10}
    truth = {("t", 0, 0): 1, ("t", 0, 1): 1, ("t", 0, 2): 8, ("t", 0, 3): 10}
    attacker = Attacker(published, truth)
    add_grid(attacker, "t", 1, 3, True, False)
    assert set(attacker.pinned()) == {("t", 0, 0), ("t", 0, 1)}


counts = st.one_of(st.integers(0, 3), st.integers(0, 30))


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 5).flatmap(
        lambda rows: st.integers(1, 4).flatmap(
            lambda columns: st.lists(
                st.lists(counts, min_size=columns, max_size=columns),
                min_size=rows,
                max_size=rows,
            )
        )
    )
)
def test_no_suppressed_grid_leaves_a_small_cell_pinned(cells):
    assert attack_table(suppress(cells, threshold=THRESHOLD)).pinned() == {}


@settings(max_examples=40, deadline=None)
@given(st.lists(counts, min_size=1, max_size=15))
def test_no_suppressed_list_leaves_a_small_cell_pinned(values):
    assert attack_table(suppress_counts(values, threshold=THRESHOLD)).pinned() == {}


def everything_a_funder_can_download(funder: Client, slug: str) -> dict[int, dict]:
    """Each fiscal year the funder's page offers, with its tables, as downloaded now."""
    url = f"/en/reports/funded/{slug}/"
    page = funder.get(url)
    form = page.context.get("form")
    years = [value for value, _label in form.fields["fiscal_year"].choices] if form else []
    return {year: tables_of(funder.get(f"{url}?fiscal_year={year}")) for year in years}


def small_differences(before: dict, after: dict) -> list:
    """Published cells of one report that changed between two downloads by fewer people than
    the threshold: the people who came in between, isolated by subtraction."""
    found = []
    for key in before.keys() & after.keys():
        old, new = cells_of(before[key]), cells_of(after[key])
        for position in old.keys() & new.keys():
            (a, a_hidden), (b, b_hidden) = old[position], new[position]
            if a is None or b is None or a_hidden or b_hidden:
                continue
            if 0 < abs(b - a) < THRESHOLD:
                found.append((position, a, b))
    return found


def submit_one_referral(network) -> None:
    from tandem.core.tests.cast import make_member, make_participant
    from tandem.organizations.models import Role
    from tandem.referrals.services import referral_submit

    agency = network.agencies[0]
    caseworker = make_member(agency, Role.CASEWORKER, f"late.{agency.slug}@example.org")
    referral_submit(
        actor=caseworker,
        participant=make_participant(agency, external_id=f"late-{agency.slug}"),
        program=network.program,
        note="Ready",
        answers={},
        has_consent=True,
    )


@pytest.mark.django_db
def test_a_funder_downloading_every_day_cannot_isolate_the_day_s_referral(
    client: Client, no_mfa, monkeypatch
):
    """Downloaded today and tomorrow, with a referral made and another decided in between,
    nothing a funder can download differs: the year under way is not offered, and a published
    year is frozen. (Before published years, the year under way was counted live: the total
    went from 30 to 31 and the agency's from 16 to 17, isolating the day's referral; the
    negative control below replays that.)"""
    network = seed_program(make_network(), scale=2)
    year = publish_this_fiscal_year(network, monkeypatch)
    client.force_login(network.funder)
    today = everything_a_funder_can_download(client, network.lead.slug)
    submit_one_referral(network)
    waiting = Referral.objects.filter(program=network.program, status="submitted")[0]
    referral_decide(  # a referral of the published year decided since: live counts move
        actor=network.staff, referral=waiting, outcome="accepted", unmet_criteria=[], note=""
    )
    tomorrow = everything_a_funder_can_download(client, network.lead.slug)
    assert list(today) == list(tomorrow) == [year]
    for offered in today:
        assert small_differences(today[offered], tomorrow[offered]) == [], offered
        assert today[offered] == tomorrow[offered]  # frozen: the same tables, cell for cell


@pytest.mark.django_db
def test_the_negative_control_a_live_year_under_way_gives_the_day_s_referral_away(no_mfa):
    network = seed_program(make_network(), scale=2)
    spec = funder_spec(network.lead, fiscal_year(timezone.localdate()))

    def live() -> dict:
        built = build_tables(spec.scope, threshold=THRESHOLD, staff=False, network=True)
        return {t.key: t for t in built}

    today = live()
    submit_one_referral(network)
    found = small_differences(today, live())
    assert ("referrals", 3, 4) in {position for position, _a, _b in found}  # the grand total
