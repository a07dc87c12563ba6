"""What a run writes: each draft says what the engine says of that pair, in both languages; a
run a killed worker left half done runs again when the queue hands it out again."""

import pytest

from tandem.matching import pool
from tandem.matching.models import Proposal, ProposalRun, RunStatus
from tandem.matching.services.base import settings_for
from tandem.matching.services.explanations import explain, explanation_fields
from tandem.matching.services.runs import run_execute, run_start
from tandem.matching.tests.factories import enrol, person, pool_of, program_for
from tandem.programs.models import Enrolment

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(home):
    return program_for(home)


def test_each_draft_keeps_the_engines_own_explanation_of_its_pair(home, program):
    """The run explains all its pairs at once from the solution; a draft must read exactly as
    the engine's explanation of that one pair (every criterion, both languages)."""
    varied = [
        {"preferred_language": "fr", "languages": "fr;en", "postal_code": "J8X 1A1"},
        {"preferred_language": "en", "languages": "en;es", "postal_code": "K2P 1A1"},
        {"noc": "21232", "availability": "mon-morning;tue-evening;sat-morning"},
        {"meeting_mode": "virtual", "postal_code": ""},
    ]
    for n, fields in enumerate(varied):
        enrol(program, person(home, "mentee", **fields))
        enrol(program, person(home, "mentor", years_experience=3 + n, **fields))
    pool_of(home, program, mentees=2, mentors=2)
    run = run_execute(run_id=run_start(actor=home.staff, program=program).pk)
    assert run.status == RunStatus.DONE and run.matched_count == 6
    desk = pool.build_pool(program, weights=pool.weight_profile(settings_for(program)))
    matcher = pool.make_matcher(desk)
    drafts = list(Proposal.objects.filter(run=run))
    assert len(drafts) == 6
    for draft in drafts:
        expected = explanation_fields(explain(matcher, draft.mentee_id, draft.mentor_id))
        assert draft.score == pytest.approx(expected.pop("score"), abs=1e-6)
        assert draft.contributions == expected["contributions"]
        assert draft.sentences == expected["sentences"] and draft.sentences["fr"]
        assert draft.broken_rules == [] and draft.rule_sentences == expected["rule_sentences"]
        assert draft.created_by_id == home.staff.pk and draft.created_at is not None


def test_a_run_left_running_by_a_killed_worker_is_run_again(home, program):
    pool_of(home, program, mentees=2, mentors=2)
    run = run_start(actor=home.staff, program=program)
    # What a worker killed while saving leaves: the run RUNNING, its drafts never committed.
    ProposalRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, stage="saving")
    run = run_execute(run_id=run.pk)
    assert run.status == RunStatus.DONE and run.matched_count == 2
    assert Proposal.objects.filter(run=run).count() == 2


def test_a_finished_run_is_not_run_again(home, program):
    pool_of(home, program, mentees=2, mentors=2)
    run = run_execute(run_id=run_start(actor=home.staff, program=program).pk)
    Proposal.objects.filter(run=run).delete()
    assert run_execute(run_id=run.pk).status == RunStatus.DONE
    assert not Proposal.objects.filter(run=run).exists()


def test_a_rerun_after_a_small_change_starts_from_the_last_solve_and_stays_optimal(home, program):
    made = pool_of(home, program, mentees=6, mentors=5)
    first = run_execute(run_id=run_start(actor=home.staff, program=program).pk)
    assert first.status == RunStatus.DONE and "warm_people_changed" not in first.timings
    before = {(d.mentee_id, d.mentor_id): d.pk for d in Proposal.objects.filter(run=first)}
    # One mentee becomes ready, one mentor is no longer ready: the worker's kept matcher
    # is changed by these two people and its solve starts from the first run's.
    enrol(program, person(home, "mentee", goals="Become a data analyst in Ottawa"))
    Enrolment.objects.filter(program=program, participant=made["mentors"][0]).update(ready_at=None)
    second = run_execute(run_id=run_start(actor=home.staff, program=program).pk)
    assert second.status == RunStatus.DONE
    assert second.timings["warm_people_changed"] == 2
    # The optimum of a solve of the same desk from scratch.
    weights = pool.weight_profile(settings_for(program))
    cold = pool.make_matcher(pool.build_pool(program, weights=weights)).solve(explain=False)
    assert second.matched_count == cold.matched_count == 4
    assert second.mean_score == pytest.approx(cold.total_score / cold.matched_count, abs=1e-9)
    drafts = Proposal.objects.filter(run=second)
    assert drafts.count() == 4
    assert made["mentors"][0].pk not in {d.mentor_id for d in drafts}
    # Only what changed was written again: a pair chosen again whose two people did not
    # change keeps its row (now this run's), and reads as the engine explains it today.
    after = {(d.mentee_id, d.mentor_id): d.pk for d in drafts}
    again = [pair for pair in after if pair in before]
    assert again and all(after[pair] == before[pair] for pair in again)
    assert len(again) < len(after) or len(before) > len(again)
    matcher = pool.make_matcher(pool.build_pool(program, weights=weights))
    for draft in drafts:
        expected = explanation_fields(explain(matcher, draft.mentee_id, draft.mentor_id))
        assert draft.score == pytest.approx(expected.pop("score"), abs=1e-6)
        assert draft.contributions == expected["contributions"]
        assert draft.sentences == expected["sentences"]
    # Other weights: the kept matcher does not fit, the run starts from scratch.
    values = {**settings_for(program).weights(), "goals": 0.5}
    third = run_execute(run_id=run_start(actor=home.staff, program=program, weights=values).pk)
    assert third.status == RunStatus.DONE and "warm_people_changed" not in third.timings
