"""The optimum on the arcs as an assignment problem (``assignment.full_assignment``) when the
places are exactly the active mentees: the same optimum as OR-Tools's min-cost flow, and
None (the caller then solves the general problem) exactly when no matching of every active
mentee exists."""

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ortools.graph.python import linear_sum_assignment
from scipy.sparse.csgraph import maximum_bipartite_matching

from tandem.matching.engine import kernels, solver
from tandem.matching.engine.assignment import full_assignment
from tandem.matching.engine.solver import (
    SCALE,
    Start,
    assign_everyone,
    big_for,
    max_flow_min_cost,
    mentee_thresholds,
)
from tandem.matching.engine.tests.strategies import any_assignment
from tandem.matching.engine.tests.test_solver_properties import solve_contested

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def perfect_problems(draw):
    """Capacities whose places are exactly the active mentees (some mentees inactive), random
    arcs (sorted by pair; dense or sparse, so that a full matching sometimes exists and
    sometimes not), any starting assignment within capacity, and duals either any integers
    or small ones (so that both the plain and the reduced costs are used); some pairs twice."""
    m = draw(st.integers(1, 6))
    capacity = np.array(draw(st.lists(st.integers(0, 3), min_size=m, max_size=m)), np.int64)
    places = int(capacity.sum())
    n = places + draw(st.integers(0, 3))
    active = np.zeros(n, bool)
    active[draw(st.permutations(range(n)))[:places]] = True
    density = draw(st.sampled_from([0.3, 0.7, 1.0]))
    cells = [c for c in range(n * m) if draw(st.floats(0, 1)) < density]
    cells = np.array(cells, np.int64)
    arc_mentee, arc_mentor = cells // m, cells % m
    keep = active[arc_mentee]
    arc_mentee, arc_mentor = arc_mentee[keep], arc_mentor[keep]
    tied = draw(st.booleans())  # few distinct scores: many optima tie
    arc_score = np.array(
        draw(
            st.lists(
                st.sampled_from([0, 400_000, 800_000]) if tied else st.integers(0, SCALE),
                min_size=len(arc_mentee),
                max_size=len(arc_mentee),
            )
        ),
        np.int64,
    )
    if draw(st.booleans()):
        # Some pairs twice, at another score (a scan can find a pair of the graph again).
        twice = np.array(
            draw(st.lists(st.booleans(), min_size=len(arc_mentee), max_size=len(arc_mentee))), bool
        )
        again = np.array(
            draw(
                st.lists(
                    st.integers(0, SCALE), min_size=int(twice.sum()), max_size=int(twice.sum())
                )
            ),
            np.int64,
        )
        arc_mentee = np.concatenate([arc_mentee, arc_mentee[twice]])
        arc_mentor = np.concatenate([arc_mentor, arc_mentor[twice]])
        arc_score = np.concatenate([arc_score, again])
        order = np.argsort(arc_mentee * m + arc_mentor, kind="stable")
        arc_mentee, arc_mentor, arc_score = arc_mentee[order], arc_mentor[order], arc_score[order]
    mentor_of = any_assignment(draw, n, arc_mentee, arc_mentor, capacity)
    big = big_for(max(int(active.sum()), 1))
    limit = draw(st.sampled_from([10**7, 2 * big]))
    duals = st.integers(-limit, limit)
    gain = np.array(draw(st.lists(duals, min_size=n, max_size=n)), np.int64)
    price = np.array(draw(st.lists(duals, min_size=m, max_size=m)), np.int64)
    start = Start(mentor_of, gain, price)
    return capacity, arc_mentee, arc_mentor, arc_score, active, start, big


def most_matched(capacity, arc_mentee, arc_mentor, n):
    """Hopcroft-Karp (scipy) on the arcs with each mentor's places as columns."""
    first = np.concatenate([[0], np.cumsum(capacity)[:-1]])
    copies = capacity[arc_mentor]
    rows = np.repeat(arc_mentee, copies)
    columns = np.repeat(first[arc_mentor], copies) + (
        np.arange(copies.sum()) - np.repeat(np.cumsum(copies) - copies, copies)
    )
    graph = sp.csr_matrix(
        (np.ones(len(rows), np.int8), (rows, columns)), shape=(n, max(int(capacity.sum()), 1))
    )
    return int((maximum_bipartite_matching(graph, perm_type="column") >= 0).sum())


@SETTINGS
@given(perfect_problems())
def test_the_assignment_is_the_min_cost_flow_optimum_whenever_everyone_can_be_matched(problem):
    capacity, arc_mentee, arc_mentor, arc_score, active, start, big = problem
    n = len(active)
    complete = most_matched(capacity, arc_mentee, arc_mentor, n) == active.sum() > 0
    # The check alone, from the start: unmatched mentees left iff no full matching.
    mentor_of = start.mentor_of.copy()
    unmatched = kernels.complete_matching(
        np.searchsorted(arc_mentee, np.arange(n + 1)),
        arc_mentor,
        np.concatenate([[0], np.cumsum(capacity)[:-1]]),
        capacity,
        mentor_of,
        active,
    )
    assert unmatched == active.sum() - most_matched(capacity, arc_mentee, arc_mentor, n)
    found = assign_everyone(capacity, arc_mentee, arc_mentor, arc_score, active, start, big)
    if not complete:
        assert found is None
        return
    assert found is not None
    expected = max_flow_min_cost(n, capacity, arc_mentee, arc_mentor, arc_score)
    assert (found.matched, found.total) == (expected.matched, expected.total)
    chosen = found.mentor_of >= 0
    assert (chosen == active).all()
    pairs = set(zip(arc_mentee.tolist(), arc_mentor.tolist(), strict=True))
    mentees = np.nonzero(chosen)[0].tolist()
    assert all(
        (i, j) in pairs for i, j in zip(mentees, found.mentor_of[chosen].tolist(), strict=True)
    )
    assert (np.bincount(found.mentor_of[chosen], minlength=len(capacity)) <= capacity).all()
    # Optimal on its arcs: the least prices exist (mentee_thresholds refuses otherwise).
    mentee_thresholds(found, capacity, arc_mentee, arc_mentor, arc_score, big, n)
    # The arcs in any order: the same optimum, each pair's arc reported being its best.
    order = np.random.default_rng(len(arc_mentee)).permutation(len(arc_mentee))
    shuffled = full_assignment(
        capacity, arc_mentee[order], arc_mentor[order], arc_score[order], active, SCALE
    )
    assert shuffled is not None
    assert int(arc_score[order][shuffled[1][active]].sum()) == expected.total


def test_a_graph_without_a_full_matching_goes_back_to_the_general_solver():
    """Negative control: every mentor is in some list and every mentee has arcs (the quick
    condition passes), but mentees 0 and 1 both want only mentor 0. The search for
    augmenting paths says so, and the assignment is not attempted: OR-Tools's assignment
    solver, run on the same arcs, cannot give an answer there."""
    arc_mentee = np.array([0, 1, 2, 2, 2], np.int64)
    arc_mentor = np.array([0, 0, 0, 1, 2], np.int64)
    arc_score = np.array([500_000, 600_000, 700_000, 100_000, 200_000], np.int64)
    capacity = np.ones(3, np.int64)
    active = np.ones(3, bool)
    start = np.array([0, -1, 1], np.int64)
    assert (
        kernels.complete_matching(
            np.searchsorted(arc_mentee, np.arange(4)),
            arc_mentor,
            np.arange(3),
            capacity,
            start.copy(),
            active,
        )
        == 1
    )
    assert full_assignment(capacity, arc_mentee, arc_mentor, arc_score, active, SCALE) is None
    solver = linear_sum_assignment.SimpleLinearSumAssignment()
    solver.add_arcs_with_cost(
        arc_mentee.astype(np.int32), arc_mentor.astype(np.int32), SCALE - arc_score
    )
    assert solver.solve() != solver.OPTIMAL
    # With mentee 1 given mentor 1 as well, a full matching exists, and it is the optimum.
    arc_mentee = np.array([0, 1, 1, 2, 2, 2], np.int64)
    arc_mentor = np.array([0, 0, 1, 0, 1, 2], np.int64)
    arc_score = np.array([500_000, 600_000, 50_000, 700_000, 100_000, 200_000], np.int64)
    found = full_assignment(capacity, arc_mentee, arc_mentor, arc_score, active, SCALE, start)
    assert found is not None
    assert found[0].tolist() == [0, 1, 2]
    expected = max_flow_min_cost(3, capacity, arc_mentee, arc_mentor, arc_score)
    assert expected.mentor_of.tolist() == [0, 1, 2]


@pytest.mark.parametrize("seed", range(12))
def test_rounds_solved_as_assignments_reach_the_dense_optimum(seed, monkeypatch):
    """Contested pools with as many places as mentees, every round after the first solved
    from scratch (no repair): the rounds whose arcs can match everyone are assignments, and
    the answer is the dense optimum with prices that certify every pair."""
    monkeypatch.setattr(solver, "REPAIR_MENTEES", 0)
    solve_contested(seed, perfect=True)
    solve_contested(seed, set_aside=0, reserve=1, perfect=True)


def test_the_contested_perfect_cases_do_solve_assignments(monkeypatch):
    # Not a vacuous pass: the cases above take both paths, and the trace says which ran.
    monkeypatch.setattr(solver, "REPAIR_MENTEES", 0)
    kinds = [kind for seed in range(12) for kind in solve_contested(seed, perfect=True)]
    assert "flow assignment" in kinds and "flow ortools" in kinds


@SETTINGS
@given(perfect_problems(), st.data())
def test_the_least_prices_are_the_same_whatever_the_hint(problem, data):
    """``kernels.mentor_prices`` takes mentors in another order when given a hint (the
    previous round's prices); the least prices are the same for any hint."""
    capacity, arc_mentee, arc_mentor, arc_score, active, start, big = problem
    n = len(active)
    flow = max_flow_min_cost(n, capacity, arc_mentee, arc_mentor, arc_score)
    plain, threshold = mentee_thresholds(flow, capacity, arc_mentee, arc_mentor, arc_score, big, n)
    limit = data.draw(st.sampled_from([SCALE, 2 * big]))
    hint = np.array(
        data.draw(
            st.lists(st.integers(-limit, limit), min_size=len(capacity), max_size=len(capacity))
        ),
        np.int64,
    )
    for guide in (hint, start.price, plain):
        prices, again = mentee_thresholds(
            flow, capacity, arc_mentee, arc_mentor, arc_score, big, n, guide
        )
        assert (prices == plain).all() and (again == threshold).all()
