"""The report queries give the same numbers as counting the records one by one."""

import datetime as dt

import pytest
from django.utils import timezone

from tandem.events.models import Participation
from tandem.mentorships.models import Mentorship
from tandem.programs.models import Program
from tandem.referrals.models import Referral, ReferralDecision
from tandem.reports import selectors
from tandem.reports.selectors import Period, Scope
from tandem.reports.tests.factories import ACCOUNTING, SOFTWARE, make_network, seed_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def network():
    return seed_program(make_network())


def scope_of(network) -> Scope:
    today = timezone.localdate()
    return Scope(
        Program.objects.filter(pk=network.program.pk),
        Period(today - dt.timedelta(days=365), today),
    )


def test_referrals_by_agency_match_the_records(network):
    rows = {r["key"]: r for r in selectors.referrals_by_agency(scope_of(network))}
    for agency in network.agencies:
        mine = [r for r in Referral.objects.all() if r.referring_organization_id == agency.pk]
        assert rows[agency.pk]["total"] == len(mine)
        for status in ("submitted", "accepted", "returned", "withdrawn"):
            field = "waiting" if status == "submitted" else status
            assert rows[agency.pk][field] == sum(1 for r in mine if r.status == status)
    assert rows["self"]["total"] == 1
    assert rows[network.agencies[0].pk]["accepted"] == 6


def test_return_reasons_count_each_criterion_once_per_return(network):
    data = selectors.return_reasons(scope_of(network))
    by_kind: dict[str, int] = {}
    for r in data["reasons"]:
        by_kind[r["kind"]] = by_kind.get(r["kind"], 0) + r["count"]
    returned = [d for d in ReferralDecision.objects.all() if d.outcome == "returned"]
    expected: dict[str, int] = {}
    for decision in returned:
        for criterion in decision.unmet_criteria.all():
            expected[criterion.kind] = expected.get(criterion.kind, 0) + 1
    assert by_kind == expected == {"clb_at_least": 2, "job_search_workshop": 1}
    assert sum(r["returns"] for r in data["by_agency"]) == len(returned) == 3
    assert sum(r["without_criterion"] for r in data["by_agency"]) == 1


def test_match_times_are_the_mean_of_the_records(network):
    data = selectors.match_times(scope_of(network))
    matched = [m for m in Mentorship.objects.all() if m.status != "cancelled"]
    waits = []
    for m in matched:
        referral = Referral.objects.filter(
            participant=m.mentee, program=m.program, status="accepted"
        ).first()
        waits.append((m.confirmed_at - referral.submitted_at).total_seconds() / 86400)
    assert data["matches"] == len(matched) == 7
    assert data["wait"]["count"] == 7
    assert data["wait"]["mean"] == pytest.approx(sum(waits) / len(waits), abs=0.01)
    assert sum(b["count"] for b in data["wait"]["buckets"]) == 7
    firsts = [
        (m.introduction.held_at - m.confirmed_at).total_seconds() / 86400
        for m in matched
        if hasattr(m, "introduction") and m.introduction.held_at
    ]
    assert data["first_meeting"]["count"] == len(firsts) == 5
    assert data["first_meeting"]["mean"] == pytest.approx(sum(firsts) / len(firsts), abs=0.01)


def test_matches_by_occupation_group_and_completion(network):
    groups = {r["group"]: r for r in selectors.matches_by_occupation_group(scope_of(network))}
    matched = [m for m in Mentorship.objects.all() if m.status != "cancelled"]
    assert groups["21"]["matches"] == sum(
        1 for m in matched if m.mentee.occupation_id.startswith("21")
    )
    assert groups["11"]["matches"] == sum(
        1 for m in matched if m.mentee.occupation_id.startswith("11")
    )
    assert groups["21"]["title_en"] == "NOC 21"
    (row,) = selectors.completion_by_program(scope_of(network))
    assert (row["completed"], row["ended_early"], row["did_not_proceed"], row["ongoing"]) == (
        3,
        1,
        1,
        3,
    )


def test_events_mentors_and_waiting(network):
    scope = scope_of(network)
    events = selectors.events_attended(scope)
    attended = [p for p in Participation.objects.all() if p.attended]
    assert events["overall"]["attendances"] == len(attended) == 5
    assert (
        events["overall"]["mentees"]
        == len({p.participant_id for p in attended if p.participant.role == "mentee"})
        == 3
    )
    assert events["overall"]["mentors"] == 1
    assert events["overall"]["events"] == 2
    recruitment = {
        r["participant__recruited_by_id"]: r for r in selectors.mentor_recruitment(scope)
    }
    employer = recruitment[network.employer.pk]
    assert (employer["mentors"], employer["matched_count"], employer["completed_count"]) == (
        3,
        3,
        2,
    )
    direct = recruitment[None]
    assert (direct["mentors"], direct["matched_count"], direct["completed_count"]) == (2, 2, 0)
    waiting = {r["code"]: r for r in selectors.waiting_occupations(scope)}
    assert waiting[SOFTWARE]["waiting"] == 1 and waiting[ACCOUNTING]["waiting"] == 2
    assert waiting[SOFTWARE]["places"] == 5 and waiting[ACCOUNTING]["places"] == 2
    assert waiting[SOFTWARE]["mean_days"] == pytest.approx(30, abs=0.1)


def test_suitability_reads_the_score_and_each_criterion(network):
    data = selectors.suitability(scope_of(network))
    assert data["pairs"] == 4 and data["completed"] == 3
    occupation = next(c for c in data["criteria"] if c["criterion"] == "occupation")
    assert (occupation["strong"], occupation["strong_completed"]) == (3, 3)
    assert (occupation["weak"], occupation["weak_completed"]) == (1, 0)
    assert occupation["mean_completed"] == pytest.approx(0.9)
    assert sum(b["pairs"] for b in data["bands"]) == 4


def test_a_period_leaves_out_what_happened_outside_it(network):
    today = timezone.localdate()
    old = Scope(
        Program.objects.filter(pk=network.program.pk),
        Period(today - dt.timedelta(days=900), today - dt.timedelta(days=400)),
    )
    assert selectors.referrals_by_agency(old) == []
    assert selectors.match_times(old)["matches"] == 0
    assert selectors.events_attended(old)["overall"]["attendances"] == 0


def test_fiscal_year_runs_from_april_to_march():
    assert selectors.fiscal_year(dt.date(2026, 3, 31)) == Period(
        dt.date(2025, 4, 1), dt.date(2026, 3, 31)
    )
    assert selectors.fiscal_year(dt.date(2026, 4, 1)) == Period(
        dt.date(2026, 4, 1), dt.date(2027, 3, 31)
    )


def test_satisfaction_by_match_score_reads_the_exit_surveys(network):
    from tandem.outcomes.models import ExitSurvey

    data = selectors.suitability(scope_of(network))
    expected = {band: {"mentee": [], "mentor": []} for band in selectors.SCORE_BANDS}
    for survey in ExitSurvey.objects.select_related("mentorship__proposal", "participant"):
        score = survey.mentorship.proposal.score
        band = next(
            (low, high)
            for low, high in selectors.SCORE_BANDS
            if score >= low and (high is None or score < high)
        )
        expected[band][survey.participant.role].append(survey.satisfaction)
    assert sum(len(v["mentee"]) for v in expected.values()) == 4
    assert sum(len(v["mentor"]) for v in expected.values()) == 1
    for band in data["bands"]:
        answers = expected[(band["low"], band["high"])]
        for side in ("mentee", "mentor"):
            assert band[f"{side}_surveys"] == len(answers[side])
            if answers[side]:
                assert band[f"{side}_satisfaction"] == pytest.approx(
                    sum(answers[side]) / len(answers[side])
                )
            else:
                assert band[f"{side}_satisfaction"] is None


def test_a_scope_without_programs_reports_nothing_and_runs_no_report_query(network):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tandem.reports import tables

    today = timezone.localdate()
    scope = Scope(Program.objects.none(), Period(today - dt.timedelta(days=365), today))
    with CaptureQueriesContext(connection) as queries:
        built = tables.build_tables(scope, threshold=None, staff=True, network=True)
    assert {t.key for t in built} >= {"employment", "events", "suitability_satisfaction"}
    for table in built:
        for r in table.rows:
            assert all(c.value in (0, None) for c in r.cells), (table.key, r.label)
    # No program, no query to send: not even the raw ones, whose inner query has no SQL then.
    assert not [q["sql"] for q in queries if "FROM" in q["sql"]]
