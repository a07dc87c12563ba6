"""Incremental re-solves: a solve that starts from the previous one is as exact as one from
scratch (the dense optimum), whatever changed on the desk."""

import dataclasses

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tandem.matching.engine.api import Matcher
from tandem.matching.engine.model import EngineError, Pool
from tandem.matching.engine.scoring import full_scores
from tandem.matching.engine.solver import (
    Start,
    big_for,
    dense_oracle,
    max_flow_min_cost,
    mentee_thresholds,
    repair,
    to_int,
)
from tandem.matching.engine.tests.strategies import (
    HashEmbedder,
    any_assignment,
    contested_pools,
    participants,
    pools,
)

EMBEDDER = HashEmbedder()
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def flow_problems(draw):
    """Random arcs (sorted by mentee), capacities, active mentees, and any starting
    assignment within capacity with any dual values."""
    n = draw(st.integers(1, 10))
    m = draw(st.integers(1, 7))
    cells = draw(st.sets(st.integers(0, n * m - 1), max_size=n * m))
    cells = np.array(sorted(cells), np.int64)
    arc_mentee, arc_mentor = cells // m, cells % m
    tied = draw(st.booleans())  # few distinct scores: many optima tie
    scores = draw(
        st.lists(
            st.sampled_from([0, 400_000, 800_000]) if tied else st.integers(0, 1_000_000),
            min_size=len(cells),
            max_size=len(cells),
        )
    )
    arc_score = np.array(scores, np.int64)
    capacity = np.array(draw(st.lists(st.integers(1, 3), min_size=m, max_size=m)), np.int64)
    active = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)), bool)
    keep = active[arc_mentee]
    arc_mentee, arc_mentor, arc_score = arc_mentee[keep], arc_mentor[keep], arc_score[keep]
    mentor_of = any_assignment(draw, n, arc_mentee, arc_mentor, capacity)
    big = big_for(int(active.sum()))
    duals = st.integers(-2 * big, 2 * big)
    gain = np.array(draw(st.lists(duals, min_size=n, max_size=n)), np.int64)
    price = np.array(draw(st.lists(duals, min_size=m, max_size=m)), np.int64)
    return (n, capacity, arc_mentee, arc_mentor, arc_score, active, Start(mentor_of, gain, price))


@SETTINGS
@given(flow_problems())
def test_a_repair_from_any_start_reaches_the_optimum(problem):
    n, capacity, arc_mentee, arc_mentor, arc_score, active, start = problem
    big = big_for(int(active.sum()))
    expected = max_flow_min_cost(n, capacity, arc_mentee, arc_mentor, arc_score)
    repaired = repair(n, capacity, arc_mentee, arc_mentor, arc_score, active, start, big)
    assert (repaired.matched, repaired.total) == (expected.matched, expected.total)
    load = np.bincount(repaired.mentor_of[repaired.mentor_of >= 0], minlength=len(capacity))
    assert (load <= capacity).all()
    assert not (repaired.mentor_of[~active] >= 0).any()
    # Optimal on its arcs: the least prices exist (mentee_thresholds refuses otherwise).
    mentee_thresholds(repaired, capacity, arc_mentee, arc_mentor, arc_score, big, n)


def optimum(matcher: Matcher, pins=()):
    """The dense optimum (matched, integer total) of the rest once pins take their places."""
    pool, context = matcher.pool, matcher.context
    scores = full_scores(context)
    capacity = context.mentors.capacity.copy()
    rows = np.ones(len(pool.mentees), bool)
    for mentee_id, mentor_id in pins:
        rows[pool.mentee_index[mentee_id]] = False
        capacity[context.mentor_position[pool.mentor_index[mentor_id]]] -= 1
    matched, total, _ = dense_oracle(scores[rows], capacity)
    return scores, matched, total


def check(matcher: Matcher, solution, pins=()) -> None:
    scores, matched, total = optimum(matcher, pins)
    rest = [p for p in solution.proposals if not p.is_pinned]
    i = [matcher.pool.mentee_index[p.mentee_id] for p in rest]
    j = [matcher.context.mentor_position[matcher.pool.mentor_index[p.mentor_id]] for p in rest]
    assert len(rest) == matched
    assert (int(to_int(scores[i, j]).sum()) if i else 0) == total
    assert {(p.mentee_id, p.mentor_id) for p in solution.proposals if p.is_pinned} == set(pins)
    excluded = set(matcher.exclusions)
    assert not {(p.mentee_id, p.mentor_id) for p in solution.proposals} & excluded
    load: dict[str, int] = {}
    for p in solution.proposals:
        load[p.mentor_id] = load.get(p.mentor_id, 0) + 1
    for mentor in matcher.pool.mentors:
        assert load.get(mentor.external_id, 0) <= mentor.capacity


def allowed_pairs(matcher: Matcher) -> list[tuple[str, str]]:
    scores = full_scores(matcher.context)
    pool = matcher.pool
    return [
        (mentee.external_id, mentor.external_id)
        for i, mentee in enumerate(pool.mentees)
        for j, mentor in enumerate(pool.mentors)
        if np.isfinite(scores[i, matcher.context.mentor_position[j]])
    ]


CHANGES = (
    "pin",
    "unpin",
    "exclude",
    "lift",
    "add mentee",
    "add mentor",
    "remove mentee",
    "remove mentor",
    "change mentee",
    "change mentor",
)


@SETTINGS
@given(st.one_of(pools(), contested_pools()), st.data())
def test_a_warm_solve_after_desk_changes_equals_the_dense_optimum(pool, data):
    k = data.draw(st.sampled_from([1, 2, 16]))
    matcher = Matcher(pool, embedder=EMBEDDER)
    pins: list[tuple[str, str]] = []
    solution = matcher.solve(k=k)
    assert not solution.stats.is_warm
    check(matcher, solution)
    for step in range(data.draw(st.integers(1, 3))):
        change = data.draw(st.sampled_from(CHANGES))
        mentee_ids = [p.external_id for p in matcher.pool.mentees]
        mentor_ids = [p.external_id for p in matcher.pool.mentors]
        taken = {mentor for _, mentor in pins}
        if change == "pin":
            free = [
                pair
                for pair in allowed_pairs(matcher)
                if pair[0] not in {a for a, _ in pins} and pair not in matcher.exclusions
            ]
            if free:
                pins.append(data.draw(st.sampled_from(free)))
                # A pin over capacity is refused: draw again from what fits.
                counts = {b: sum(1 for _, x in pins if x == b) for b in taken | {pins[-1][1]}}
                capacity = {p.external_id: p.capacity for p in matcher.pool.mentors}
                if counts[pins[-1][1]] > capacity[pins[-1][1]]:
                    pins.pop()
        elif change == "unpin" and pins:
            pins.pop(data.draw(st.integers(0, len(pins) - 1)))
        elif change == "exclude" and solution.proposals:
            chosen = data.draw(
                st.sampled_from([p for p in solution.proposals if not p.is_pinned] or [None])
            )
            if chosen is not None:
                matcher = matcher.changed(
                    exclusions=[*matcher.exclusions, (chosen.mentee_id, chosen.mentor_id)]
                )
        elif change == "lift" and matcher.exclusions:
            matcher = matcher.changed(exclusions=list(matcher.exclusions)[1:])
        elif change in ("add mentee", "add mentor"):
            role = change.split()[1]
            person = data.draw(participants(role, 100 + step))
            matcher = matcher.changed(add=[person])
        elif change == "remove mentee" and mentee_ids:
            gone = data.draw(st.sampled_from(mentee_ids))
            pins = [pair for pair in pins if pair[0] != gone]
            matcher = matcher.changed(remove=[gone])
        elif change == "remove mentor" and mentor_ids:
            gone = data.draw(st.sampled_from(mentor_ids))
            pins = [pair for pair in pins if pair[1] != gone]
            matcher = matcher.changed(remove=[gone])
        elif change in ("change mentee", "change mentor") and (
            mentee_ids if change == "change mentee" else mentor_ids
        ):
            # A profile edited on the desk: removed and added back under the same id, so
            # nothing the previous solve knew of the person may be carried over.
            role = change.split()[1]
            edited = data.draw(st.sampled_from(mentee_ids if role == "mentee" else mentor_ids))
            person = dataclasses.replace(
                data.draw(participants(role, 200 + step)), external_id=edited
            )
            pins = [pair for pair in pins if edited not in pair]
            matcher = matcher.changed(remove=[edited], add=[person])
        solution = matcher.solve(pins=pins, k=k)
        assert solution.stats.is_warm
        check(matcher, solution, pins)
        # The same as solving the changed desk from scratch.
        cold = Matcher(matcher.pool, embedder=EMBEDDER, exclusions=matcher.exclusions)
        again = cold.solve(pins=pins, k=k)
        assert again.matched_count == solution.matched_count
        assert round(again.total_score, 4) == round(solution.total_score, 4)


def test_removing_someone_unknown_is_refused_in_the_callers_language():
    matcher = Matcher(Pool((), ()), embedder=EMBEDDER)
    try:
        matcher.changed(remove=["nobody"], lang="fr")
    except EngineError as error:
        assert "nobody" in str(error) and "identifiant" in str(error)
    else:
        raise AssertionError("an unknown id was accepted")
