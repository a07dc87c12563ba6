"""The assignment: most mentees matched, then the highest total score, within capacity.

Scores are integers (``SCALE`` per unit of score) so that the solver is exact. The graph starts
with each mentee's top-k candidates; ``solve_priced`` proves the answer optimal over every
allowed pair by linear-programming duality and adds only the pairs that could improve it (see
``docs/matching-engine.md``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

from . import kernels

SCALE = kernels.SCALE
# BIG (see solve_priced) is at least this many mentees' worth of score, so that it stays the
# same when a pool changes a little and the previous solve's prices remain a good start.
BIG_MENTEES = 1 << 20
NO_BOUND = np.iinfo(np.int64).min  # a mentee whose arcs hold every allowed mentor
PRICED_PER_ROUND = 8  # pairs a pricing round adds to a mentee, at most (see solve_priced)
REPAIR_MENTEES = 64  # a round repairs the previous optimum when at most this many (or 2 %)
# of the mentees were given pairs, and solves from scratch otherwise (see solve_priced)

# (mentees, their thresholds, their ceilings, mentor prices, count) -> (mentors, integer
# scores), one row per mentee: its best pairs by reduced gain above the threshold among those
# scoring at most the ceiling, best first, -1 padding.
PriceScan = Callable[
    [np.ndarray, np.ndarray, np.ndarray, np.ndarray, int], tuple[np.ndarray, np.ndarray]
]


def to_int(scores: np.ndarray) -> np.ndarray:
    return np.rint(np.asarray(scores, np.float64) * SCALE).astype(np.int64)


@dataclass(frozen=True)
class FlowResult:
    mentor_of: np.ndarray  # per mentee: mentor index, -1 unmatched
    assigned_score: np.ndarray  # per mentee: integer score of its pair, 0 unmatched
    matched: int
    total: int  # sum of integer scores


def max_flow_min_cost(
    n_mentees: int,
    capacity: np.ndarray,
    arc_mentee: np.ndarray,
    arc_mentor: np.ndarray,
    arc_score: np.ndarray,
) -> FlowResult:
    """Maximum matching of largest total integer score (OR-Tools ``SimpleMinCostFlow``).

    ``SolveMaxFlowWithMinCost`` is lexicographic: it maximises the flow (mentees matched) and,
    among maximum flows, minimises the cost (``SCALE - score`` per arc, so maximises score).
    """
    n_mentors = len(capacity)
    source = 0
    mentee_node = 1
    mentor_node = 1 + n_mentees
    sink = 1 + n_mentees + n_mentors
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate(
            [
                np.full(n_mentees, source),
                mentee_node + arc_mentee,
                mentor_node + np.arange(n_mentors),
            ]
        ).astype(np.int32),
        np.concatenate(
            [mentee_node + np.arange(n_mentees), mentor_node + arc_mentor, np.full(n_mentors, sink)]
        ).astype(np.int32),
        np.concatenate([np.ones(n_mentees + len(arc_mentee), np.int64), capacity]).astype(np.int64),
        np.concatenate(
            [np.zeros(n_mentees, np.int64), SCALE - arc_score, np.zeros(n_mentors, np.int64)]
        ),
    )
    flow.set_node_supply(source, n_mentees)
    flow.set_node_supply(sink, -n_mentees)
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    pair_flows = flow.flows(np.arange(n_mentees, n_mentees + len(arc_mentee), dtype=np.int32))
    used = np.nonzero(pair_flows > 0)[0]
    mentor_of = np.full(n_mentees, -1, np.int64)
    mentor_of[arc_mentee[used]] = arc_mentor[used]
    assigned_score = np.zeros(n_mentees, np.int64)
    assigned_score[arc_mentee[used]] = arc_score[used]
    return FlowResult(mentor_of, assigned_score, len(used), int(arc_score[used].sum()))


def big_for(n_active: int) -> int:
    """A weight above any total of integer scores of ``n_active`` mentees."""
    return SCALE * (max(n_active, BIG_MENTEES) + 1)


def repair(
    n_mentees: int,
    capacity: np.ndarray,
    arc_mentee: np.ndarray,
    arc_mentor: np.ndarray,
    arc_score: np.ndarray,
    active: np.ndarray,
    start: Start,
    big: int,
) -> FlowResult:
    """The optimum on the arcs (sorted by mentee), repaired from ``start`` (see
    ``kernels.repair_flow``); ``active`` is a mask of the mentees to match."""
    arc_start = np.searchsorted(arc_mentee, np.arange(n_mentees + 1))
    used, status = kernels.repair_flow(
        arc_start,
        arc_mentor,
        arc_score,
        active,
        np.asarray(capacity, np.int64),
        start.mentor_of,
        start.gain,
        start.price,
        big,
    )
    if status:
        raise RuntimeError("the starting assignment is over a mentor's capacity")
    matched = np.nonzero(used >= 0)[0]
    mentor_of = np.full(n_mentees, -1, np.int64)
    mentor_of[matched] = arc_mentor[used[matched]]
    assigned_score = np.zeros(n_mentees, np.int64)
    assigned_score[matched] = arc_score[used[matched]]
    return FlowResult(mentor_of, assigned_score, len(matched), int(assigned_score.sum()))


@dataclass(frozen=True)
class Start:
    """Where a repair starts: an assignment within capacity and dual values (the previous
    optimum's, ideally; any integers are correct, only slower)."""

    mentor_of: np.ndarray  # per mentee, -1 unmatched
    gain: np.ndarray  # per mentee, u_i
    price: np.ndarray  # per mentor, v_j


@dataclass(frozen=True)
class Certified:
    mentor_of: np.ndarray
    matched: int
    total: int
    rounds: int
    enlarged: int  # mentees that pricing gave more pairs
    arcs: int
    # The final graph, sorted by mentee, and its least duals: a later solve starts from them.
    arc_mentee: np.ndarray
    arc_mentor: np.ndarray
    arc_score: np.ndarray
    gain: np.ndarray
    price: np.ndarray


def solve_priced(
    n_mentees: int,
    capacity: np.ndarray,
    arc_mentee: np.ndarray,
    arc_mentor: np.ndarray,
    arc_score: np.ndarray,
    bound: np.ndarray,
    price_scan: PriceScan,
    *,
    active: np.ndarray | None = None,
    start: Start | None = None,
    per_round: int = PRICED_PER_ROUND,
    max_rounds: int = 1000,
) -> Certified:
    """Solve on the given arcs and prove the answer optimal for every allowed pair.

    ``bound[i]`` is at least the integer score of every allowed pair of mentee ``i`` that is
    not among the arcs (``NO_BOUND`` when there is none). The problem is the linear program
    "maximise the sum of ``BIG + score`` over chosen pairs" (``BIG`` above any total of
    scores, so the most mentees first), whose optimum is integral. Its dual prices each
    mentor (``v_j >= 0``) and gives each mentee a gain (``u_i >= 0``) with
    ``u_i + v_j >= BIG + score_ij`` on every pair. From the optimum on the arcs we compute
    the least such prices (``kernels.mentor_prices``); they satisfy the constraint on every
    arc. If they satisfy it on every allowed pair, they are a dual solution of the whole
    problem with the same value, so the assignment is optimal over all pairs. A pair can
    break it only if ``score_ij - v_j > u_i - BIG``, the mentee's threshold: never when the
    mentee's bound is at most its threshold (prices are not negative); otherwise a priced
    scan (``price_scan``) finds the mentee's pairs that do, and the best ``per_round`` of them
    by reduced gain join the arcs. Each round adds a pair that was not there, so the loop
    ends; ``max_rounds`` only guards against a bug.

    Contested mentors are priced, so a mentee who cannot have them looks at the mentors it
    could have at those prices, instead of every list growing towards every mentor.

    The first optimum on the arcs comes from OR-Tools (from scratch) unless a ``start`` is
    given; a later round repairs the previous round's optimum from its duals (``repair``)
    when it added pairs for few mentees, and solves from scratch otherwise.
    """
    if active is None:
        active = np.arange(n_mentees)
    active_mask = np.zeros(n_mentees, bool)
    active_mask[active] = True
    arc_mentee = np.asarray(arc_mentee, np.int64)
    arc_mentor = np.asarray(arc_mentor, np.int64)
    arc_score = np.asarray(arc_score, np.int64)
    big = big_for(len(active))
    enlarged = np.zeros(n_mentees, bool)
    for round_number in range(1, max_rounds + 1):
        order = np.argsort(arc_mentee, kind="stable")
        arc_mentee, arc_mentor, arc_score = arc_mentee[order], arc_mentor[order], arc_score[order]
        if start is None:
            flow = max_flow_min_cost(n_mentees, capacity, arc_mentee, arc_mentor, arc_score)
        else:
            flow = repair(
                n_mentees, capacity, arc_mentee, arc_mentor, arc_score, active_mask, start, big
            )
        prices, threshold = mentee_thresholds(
            flow, capacity, arc_mentee, arc_mentor, arc_score, big, n_mentees
        )
        start = Start(flow.mentor_of, threshold + big, prices)
        suspects = active[bound[active] > threshold[active]]
        found = np.zeros((0, 0), np.int64)
        if suspects.size:
            found, scores = price_scan(
                suspects, threshold[suspects], bound[suspects], prices, per_round
            )
        if not (found >= 0).any():
            return Certified(
                flow.mentor_of,
                flow.matched,
                flow.total,
                round_number,
                int(enlarged.sum()),
                len(arc_mentee),
                arc_mentee,
                arc_mentor,
                arc_score,
                start.gain,
                prices,
            )
        rows, columns = np.nonzero(found >= 0)
        enlarged[suspects[rows]] = True
        # Repairing moves one unit per mentee given pairs, each along a shortest path: faster
        # than OR-Tools's solve from scratch for a few hundred mentees, slower for thousands
        # (at 10k x 10k, capacity 1: 0.67 s against 0.42 s in the second round, 0.01 s
        # against 0.34 s in the last).
        if len(np.unique(suspects[rows])) > max(REPAIR_MENTEES, len(active) // 50):
            start = None
        arc_mentee = np.concatenate([arc_mentee, suspects[rows]])
        arc_mentor = np.concatenate([arc_mentor, found[rows, columns]])
        arc_score = np.concatenate([arc_score, scores[rows, columns]])
    raise RuntimeError("pricing did not converge")


def mentee_thresholds(
    flow: FlowResult,
    capacity: np.ndarray,
    arc_mentee: np.ndarray,
    arc_mentor: np.ndarray,
    arc_score: np.ndarray,
    big: int,
    n_mentees: int,
) -> tuple[np.ndarray, np.ndarray]:
    """The least mentor prices for ``flow`` (optimal on the arcs, sorted by mentee), and each
    mentee's threshold ``u_i - BIG``: a pair ``(i, j)`` improves the assignment only if
    ``score_ij - v_j`` exceeds it."""
    n_mentors = len(capacity)
    arc_start = np.searchsorted(arc_mentee, np.arange(n_mentees + 1))
    prices = kernels.mentor_prices(
        arc_start, arc_mentor, arc_score, flow.mentor_of, flow.assigned_score, n_mentors, big
    )
    load = np.bincount(flow.mentor_of[flow.mentor_of >= 0], minlength=n_mentors)
    if len(prices) != n_mentors or (prices[load < capacity] != 0).any():
        raise RuntimeError("the flow is not optimal on its arcs")
    matched = flow.mentor_of >= 0
    threshold = np.full(n_mentees, -big, np.int64)
    threshold[matched] = flow.assigned_score[matched] - prices[flow.mentor_of[matched]]
    return prices, threshold


def dense_oracle(scores: np.ndarray, capacity: np.ndarray) -> tuple[int, int, np.ndarray]:
    """Exact optimum by ``scipy.optimize.linear_sum_assignment`` on the dense matrix.

    Mentors are replicated once per place. Allowed pairs cost ``-(BIG + score)`` and forbidden
    ones 0, with ``BIG`` above any total of scores, so the assignment first maximises the
    number of allowed pairs and then their total. Returns (matched, total, mentor per mentee).
    """
    from scipy.optimize import linear_sum_assignment

    n_mentees = scores.shape[0]
    columns = np.repeat(np.arange(scores.shape[1]), capacity)
    allowed = np.isfinite(scores)
    integer = np.where(allowed, to_int(np.where(allowed, scores, 0.0)), 0)
    big = SCALE * (n_mentees + 1)
    cost = np.where(allowed, -(big + integer), 0)[:, columns].astype(np.float64)
    if cost.size == 0:
        return 0, 0, np.full(n_mentees, -1)
    rows, cols = linear_sum_assignment(cost)
    mentor_of = np.full(n_mentees, -1, np.int64)
    good = allowed[rows, columns[cols]]
    mentor_of[rows[good]] = columns[cols[good]]
    total = int(integer[rows[good], columns[cols[good]]].sum())
    return int(good.sum()), total, mentor_of
