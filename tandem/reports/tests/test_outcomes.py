"""Employment outcomes, time to employment and satisfaction on the dashboard equal what the
records say, and the funder's breakdowns hold together with the row they break down."""

import pytest
from django.test import Client

from tandem.outcomes.models import EmploymentOutcome, ExitSurvey
from tandem.reports.tests.factories import make_network, seed_program
from tandem.reports.tests.test_suppression import THRESHOLD, exactly_recoverable

pytestmark = pytest.mark.django_db


@pytest.fixture
def network(no_mfa):
    return seed_program(make_network())


def tables_of(response) -> dict:
    return {t.key: t for t in response.context["tables"]}


def test_employment_at_exit_and_after_counts_the_last_answer_of_each_mentee(
    client: Client, network
):
    client.force_login(network.staff)
    tables = tables_of(client.get(f"/en/reports/programs/{network.program.pk}/"))
    at_exit, three, six, twelve = tables["employment"].rows
    # At exit: one in field, one related (their later entry), one other job, one in school.
    assert [c.value for c in at_exit.cells[:6]] == [1, 1, 1, 1, 0, 4]
    assert at_exit.cells[6].value == 75.0 and at_exit.cells[7].value == 25.0
    assert [c.value for c in three.cells[:6]] == [1, 1, 0, 0, 0, 2]
    assert six.cells[5].value == 0 and twelve.cells[5].value == 0
    follow_ups = EmploymentOutcome.objects.filter(follow_up__months=3).count()
    assert three.cells[5].value == follow_ups
    by_program = tables["employment_by_program"]
    assert [c.value for c in by_program.rows[0].cells[:6]] == [1, 1, 1, 1, 0, 4]
    headlines = {
        h.label: h.cell.value
        for h in client.get(f"/en/reports/programs/{network.program.pk}/").context["headlines"]
    }
    assert headlines["Employed at exit"] == 75.0


def test_time_to_employment_is_the_mean_of_the_first_jobs(client: Client, network):
    client.force_login(network.staff)
    tables = tables_of(client.get(f"/en/reports/programs/{network.program.pk}/"))
    firsts: dict[int, int] = {}
    for outcome in EmploymentOutcome.objects.exclude(employed_on=None).select_related("mentorship"):
        assert outcome.employed_on and outcome.mentorship and outcome.mentorship.started_on
        assert outcome.mentorship_id is not None
        days = (outcome.employed_on - outcome.mentorship.started_on).days
        firsts[outcome.mentorship_id] = min(days, firsts.get(outcome.mentorship_id, days))
    table = tables["time_to_employment"]
    assert sum(r.cells[0].value for r in table.body) == len(firsts) == 3
    mean = sum(firsts.values()) / len(firsts)
    assert f"{mean:.1f}" in " ".join(table.notes)


def test_satisfaction_by_side_and_score(client: Client, network):
    client.force_login(network.staff)
    table = tables_of(client.get(f"/en/reports/programs/{network.program.pk}/"))["satisfaction"]
    mentees = next(r for r in table.rows if r.label == "Mentees")
    surveys = ExitSurvey.objects.filter(participant__role="mentee")
    assert [c.value for c in mentees.cells[:5]] == [
        surveys.filter(satisfaction=s).count() for s in range(1, 6)
    ]
    assert mentees.cells[-1].value == round(sum(s.satisfaction for s in surveys) / 4, 2)
    assert any("Monthly check-ins in the period: 3" in note for note in table.notes)


def test_the_funder_sees_outcomes_suppressed_and_breakdowns_tied_to_their_row(no_mfa):
    from django.utils import timezone

    from tandem.reports import services, tables
    from tandem.reports.selectors import fiscal_year

    network = seed_program(make_network(), scale=3)
    spec = services.funder_spec(network.lead, fiscal_year(timezone.localdate()))
    built = {t.key: t for t in tables.build_tables(spec.scope, threshold=THRESHOLD, staff=False)}
    employment = built["employment"]
    at_exit = employment.rows[0]
    # Three of each status at exit but "searching": all small, hidden.
    assert all(c.hidden for c in at_exit.cells[:4])
    assert at_exit.cells[5].value == 12
    for key in ("employment_by_program", "employment_by_cohort", "employment_by_agency"):
        table = built[key]
        total = table.rows[-1] if len(table.rows) > 1 else None
        if total is not None:
            for j in range(5):
                assert total.cells[j].hidden == at_exit.cells[j].hidden, key
        for row in table.rows:
            for cell in row.cells[:6]:
                assert cell.hidden or cell.value in (0, None) or cell.value >= THRESHOLD
    from tandem.reports import outcome_selectors
    from tandem.reports.suppression import suppress

    rows = [
        r
        for r in outcome_selectors.employment_outcomes(spec.scope, by="agency")
        if r["interval"] == 0
    ]
    counts = [
        [
            r[s]
            for s in ("employed_in_field", "employed_related", "other_job", "school", "searching")
        ]
        for r in rows
    ]
    overall = suppress([[sum(c[j] for c in counts) for j in range(5)]], threshold=THRESHOLD)
    linked = suppress(
        counts,
        threshold=THRESHOLD,
        linked_column_totals=(
            frozenset(j for j in range(5) if overall.is_hidden(0, j)),
            overall.is_hidden(0, 5),
        ),
    )
    assert exactly_recoverable(linked) == set()


def test_only_the_mentees_own_entries_count(client: Client, network):
    """An entry recorded on the mentorship for the mentor, later than the mentee's, neither
    replaces the mentee's outcome at exit nor counts as a first job."""
    import datetime as dt

    from django.utils import timezone

    ended = [m for m in network.mentorships if m.status in ("completed", "ended_early")]
    school = ended[2]  # its mentee's only entry: in school, at exit
    EmploymentOutcome.objects.create(
        participant=school.mentor,
        mentorship=school,
        source="staff",
        status="employed_in_field",
        employed_on=school.started_on + dt.timedelta(days=3),
        recorded_at=timezone.now(),
    )
    client.force_login(network.staff)
    tables = tables_of(client.get(f"/en/reports/programs/{network.program.pk}/"))
    at_exit = tables["employment"].rows[0]
    assert [c.value for c in at_exit.cells[:6]] == [1, 1, 1, 1, 0, 4]
    time_to_employment = tables["time_to_employment"]
    assert sum(r.cells[0].value for r in time_to_employment.body) == 3
