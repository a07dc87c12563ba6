"""The optimum on the arcs as an assignment problem, when the places are exactly the active
mentees and every one of them can be matched.

``solver.solve_priced`` solves a round's graph from scratch with OR-Tools's min-cost flow
(``SimpleMinCostFlow.solve_max_flow_with_min_cost``), which must find how many mentees it can
match before it minimises the cost. When there are as many places as active mentees (every
mentor's capacity 1 and as many mentors as mentees, say) and a matching of all of them
exists along the arcs (``kernels.complete_matching`` checks it from the previous round's
assignment), the optimum matches everyone and fills every place: a perfect assignment of
least cost, which OR-Tools solves with its cost-scaling algorithm for assignments
(``LinearSumAssignment``, Goldberg and Kennedy) several times faster than the general
min-cost flow. Measured on the graphs of a 100k x 100k, capacity-1 solve (1.06 M and 0.83 M
arcs, one thread): 0.9 and 0.7 s against 4.1 and 5.0 s (docs/matching-engine.md, step 5).

A mentor of capacity ``c`` is ``c`` places (right nodes), each with a copy of its arcs.
Tried and not kept: with more places than mentees, stand-ins on both sides (every place one
on the left, every mentee one on the right, reached through a copy of its arcs) make any
full matching a perfect assignment, but with a single place more than mentees that graph
took 8-12 s on the same arcs; and unmatched mentees cannot be allowed at a cost high enough
to rank "the most mentees first": the solver's scaled prices would overflow (it says so),
and on a graph without a full matching it took 100 s to say there was none. So the caller
checks first and otherwise solves the general problem as before.

Costs are reduced by the previous round's duals (mentee gain, mentor price): any node
potentials change every perfect assignment's cost by the same constant, so the optimum is
the same, and costs near 0 on the arcs that were tight leave the cost scaling less to do
(0.58-0.93 s against 0.82-0.95 s on the graphs above).
"""

from __future__ import annotations

import numpy as np
from ortools.graph.python import linear_sum_assignment

from . import kernels

# Reduced costs are used only while they stay this small (integer units): the solver scales
# costs by the number of nodes and bounds its prices by their product, and the previous duals
# of a round that could not match everyone sit near BIG.
REDUCED_LIMIT = 1 << 36


def full_assignment(
    capacity: np.ndarray,
    arc_mentee: np.ndarray,
    arc_mentor: np.ndarray,
    arc_score: np.ndarray,
    active: np.ndarray,
    scale: int,
    start: np.ndarray | None = None,
    duals: tuple[np.ndarray, np.ndarray, int] | None = None,
) -> tuple[np.ndarray, np.ndarray] | None:
    """A matching of every ``active`` mentee (a mask) of largest total integer score along
    the arcs (in any order; ``scale - score`` the cost of an arc, as
    ``solver.max_flow_min_cost``), as (mentor per mentee or -1, the arc per mentee or -1);
    None when the places are not exactly the active mentees, when no matching of all of them
    exists (``kernels.complete_matching``, from ``start``: a mentor per mentee, e.g. the
    previous round's), or when the solver reports it cannot guarantee its arithmetic: the
    caller then solves the general problem. ``duals``: (mentee gains, mentor prices, BIG) of
    the previous optimum, to reduce the costs by."""
    capacity = np.asarray(capacity, np.int64)
    n_mentees = len(active)
    mentees = np.nonzero(active)[0]
    n = len(mentees)
    places = int(capacity.sum())
    if n == 0 or places != n:
        return None
    n_mentors = len(capacity)
    # A quick necessary condition first: every place needs a mentee of its own, every mentee
    # an arc. When the arcs cannot match everyone, a mentor in no list is the usual reason
    # (a search for augmenting paths that fails took 4.4 CPU s at 100k x 100k, capacity 1,
    # where this rejects in milliseconds).
    listed = active[arc_mentee]
    if (np.bincount(arc_mentor[listed], minlength=n_mentors) < capacity).any() or (
        np.bincount(arc_mentee[listed], minlength=n_mentees)[mentees] == 0
    ).any():
        return None
    # The same pair may be an arc twice (a priced scan can find again a pair of the graph, at
    # a score capped by its ceiling): the assignment needs the best of them only, and the arc
    # reported for a pair must be that one (the least prices check it).
    unique = _best_of_each_pair(arc_mentee * n_mentors + arc_mentor, arc_score)
    unique = unique[active[arc_mentee[unique]] & (capacity[arc_mentor[unique]] > 0)]
    pair_keys = (arc_mentee * n_mentors + arc_mentor)[unique]
    first_place = np.concatenate([[0], np.cumsum(capacity)[:-1]])
    mentor_of = np.full(n_mentees, -1, np.int64)
    if start is not None:
        # The start's pairs that are still arcs (the assigned arcs always are, see
        # solver.solve_priced; a warm start after a change may hold others).
        chosen = np.nonzero(active & (start >= 0))[0]
        wanted = chosen * n_mentors + start[chosen]
        position = np.minimum(np.searchsorted(pair_keys, wanted), max(len(pair_keys) - 1, 0))
        found = pair_keys[position] == wanted if len(pair_keys) else np.zeros(0, bool)
        mentor_of[chosen[found]] = start[chosen[found]]
    arc_start = np.searchsorted(arc_mentee[unique], np.arange(n_mentees + 1))
    if kernels.complete_matching(
        arc_start, arc_mentor[unique], first_place, capacity, mentor_of, active
    ):
        return None
    keep = unique
    row = np.full(n_mentees, -1, np.int64)
    row[mentees] = np.arange(n)
    left = row[arc_mentee[keep]]
    mentor = arc_mentor[keep]
    cost = scale - arc_score[keep]
    if duals is not None:
        gain, price, big = duals
        # gain_i + price_j >= big + score_ij on every arc of the previous graph (equal on the
        # chosen ones): a potential of gain_i - big on mentee i and price_j on each place of
        # mentor j. (After a round that could not match everyone, the duals an unmatched
        # mentee reaches sit near BIG and the plain costs are used; zeroing those nodes'
        # potentials instead was slower, 4.1 s against 3.0 s on the third graph at 100k.)
        reduced = gain[arc_mentee[keep]] - big + price[mentor] - arc_score[keep]
        if len(reduced) and np.abs(reduced).max() < REDUCED_LIMIT:
            cost = reduced
    # Places: mentor j's are first_place[j] .. first_place[j] + capacity[j] - 1.
    copies = capacity[mentor]
    arc_of = np.repeat(np.arange(len(keep)), copies)
    place = first_place[mentor[arc_of]] + (
        np.arange(len(arc_of)) - np.repeat(np.cumsum(copies) - copies, copies)
    )
    tails, heads, costs = left[arc_of], place, cost[arc_of]
    if len(costs):
        costs = costs - costs.min()
    solver = linear_sum_assignment.SimpleLinearSumAssignment()
    solver.add_arcs_with_cost(
        tails.astype(np.int32), heads.astype(np.int32), costs.astype(np.int64)
    )
    if solver.solve() != solver.OPTIMAL:
        return None
    mate = np.fromiter((solver.right_mate(r) for r in range(n)), np.int64, n)
    place_mentor = np.repeat(np.arange(len(capacity)), capacity)
    mentor_of = np.full(n_mentees, -1, np.int64)
    mentor_of[mentees] = place_mentor[mate]
    arc = np.full(n_mentees, -1, np.int64)
    arc[mentees] = unique[np.searchsorted(pair_keys, mentees * n_mentors + mentor_of[mentees])]
    return mentor_of, arc


def _best_of_each_pair(pair_keys: np.ndarray, arc_score: np.ndarray) -> np.ndarray:
    """The arcs sorted by pair, the best score of each pair only. The solver passes them
    sorted by pair already, with a thousand or two pairs twice at 100k: only those are
    sorted again (sorting 2 M arcs by pair and score took 0.4 s)."""
    if len(pair_keys) < 2 or (pair_keys[1:] < pair_keys[:-1]).any():
        order = np.lexsort((-arc_score, pair_keys))
        best = np.ones(len(order), bool)
        best[1:] = pair_keys[order[1:]] != pair_keys[order[:-1]]
        return order[best]
    twice = np.nonzero(pair_keys[1:] == pair_keys[:-1])[0]
    keep = np.ones(len(pair_keys), bool)
    if len(twice):
        involved = np.union1d(twice, twice + 1)
        order = involved[np.lexsort((-arc_score[involved], pair_keys[involved]))]
        keep[involved] = False
        first = np.ones(len(order), bool)
        first[1:] = pair_keys[order[1:]] != pair_keys[order[:-1]]
        keep[order[first]] = True
    return np.nonzero(keep)[0]
