"""The assignment: most mentees matched, then the highest total score, within capacity.

Scores are integers (``SCALE`` per unit of score) so that the solver is exact. The graph kept
for each mentee is its top-k candidates; ``solve_certified`` proves that nothing pruned could
improve the result (see ``docs/matching-engine.md``) and enlarges lists where it cannot.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

SCALE = 1_000_000
EARLY_ROUNDS = 2  # rounds that enlarge the wildcard users without trying the exact solve

Rescore = Callable[[np.ndarray, int], tuple[np.ndarray, np.ndarray]]


def to_int(scores: np.ndarray) -> np.ndarray:
    return np.rint(np.asarray(scores, np.float64) * SCALE).astype(np.int64)


@dataclass(frozen=True)
class FlowResult:
    mentor_of: np.ndarray  # per mentee: mentor index, -1 unmatched, -2 the wildcard
    matched: int
    total: int  # sum of integer scores (wildcard arcs included)


def max_flow_min_cost(
    n_mentees: int,
    capacity: np.ndarray,
    arc_mentee: np.ndarray,
    arc_mentor: np.ndarray,
    arc_score: np.ndarray,
    wildcard_mentee: np.ndarray | None = None,
    wildcard_score: np.ndarray | None = None,
) -> FlowResult:
    """Maximum matching of largest total integer score (OR-Tools ``SimpleMinCostFlow``).

    ``SolveMaxFlowWithMinCost`` is lexicographic: it maximises the flow (mentees matched) and,
    among maximum flows, minimises the cost (``SCALE - score`` per arc, so maximises score).
    The optional wildcard node is a mentor of unlimited capacity used by the certificate.
    """
    n_mentors = len(capacity)
    source = 0
    mentee_node = 1
    mentor_node = 1 + n_mentees
    wildcard = 1 + n_mentees + n_mentors
    sink = wildcard + 1
    use_wildcard = wildcard_mentee is not None and len(wildcard_mentee) > 0
    tails = [
        np.full(n_mentees, source),
        mentee_node + arc_mentee,
        mentor_node + np.arange(n_mentors),
    ]
    heads = [mentee_node + np.arange(n_mentees), mentor_node + arc_mentor, np.full(n_mentors, sink)]
    caps = [np.ones(n_mentees), np.ones(len(arc_mentee)), capacity]
    costs = [np.zeros(n_mentees), SCALE - arc_score, np.zeros(n_mentors)]
    if use_wildcard:
        assert wildcard_mentee is not None and wildcard_score is not None
        tails += [mentee_node + wildcard_mentee, np.array([wildcard])]
        heads += [np.full(len(wildcard_mentee), wildcard), np.array([sink])]
        caps += [np.ones(len(wildcard_mentee)), np.array([n_mentees])]
        costs += [SCALE - wildcard_score, np.zeros(1)]
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate(tails).astype(np.int32),
        np.concatenate(heads).astype(np.int32),
        np.concatenate(caps).astype(np.int64),
        np.concatenate(costs).astype(np.int64),
    )
    flow.set_node_supply(source, n_mentees)
    flow.set_node_supply(sink, -n_mentees)
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    mentor_of = np.full(n_mentees, -1, np.int64)
    first = n_mentees
    pair_flows = flow.flows(np.arange(first, first + len(arc_mentee), dtype=np.int32))
    used = np.nonzero(pair_flows > 0)[0]
    mentor_of[arc_mentee[used]] = arc_mentor[used]
    total = int(arc_score[used].sum())
    if use_wildcard:
        assert wildcard_mentee is not None and wildcard_score is not None
        start = first + len(arc_mentee) + n_mentors
        wild = flow.flows(np.arange(start, start + len(wildcard_mentee), dtype=np.int32))
        wild_used = np.nonzero(wild > 0)[0]
        mentor_of[wildcard_mentee[wild_used]] = -2
        total += int(wildcard_score[wild_used].sum())
    return FlowResult(mentor_of, int((mentor_of != -1).sum()), total)


@dataclass
class CandidateLists:
    """Per mentee: candidate mentors and their float scores, best first."""

    mentors: list[np.ndarray]
    scores: list[np.ndarray]
    # Upper bound on the score of every allowed pair left out of the list, or -inf when the
    # list holds every allowed mentor.
    bound: np.ndarray


@dataclass(frozen=True)
class Certified:
    mentor_of: np.ndarray
    matched: int
    total: int
    rounds: int
    enlarged: int
    arcs: int


def solve_certified(
    n_mentees: int,
    capacity: np.ndarray,
    lists: CandidateLists,
    rescore: Rescore,
    *,
    active: np.ndarray | None = None,
    max_rounds: int = 1000,
) -> Certified:
    """Solve on the candidate lists and prove the answer optimal for all allowed pairs.

    Certificate: give each mentee with pruned pairs one extra arc to a wildcard mentor of
    unlimited capacity whose score is the mentee's bound (at least every pruned pair's score).
    Any assignment on the full graph maps to one of this relaxed graph that matches as many
    mentees with at least the same total, so the relaxed optimum bounds the true optimum. If
    the relaxed optimum uses no wildcard, or equals the optimum without wildcards, the latter
    is optimal on the full graph (the second check is skipped in the first rounds, where it
    rarely succeeds). Otherwise the mentees that used the wildcard get longer
    lists (``rescore``) and we solve again. Every round lengthens at least one list that is
    not yet complete, so the loop ends; ``max_rounds`` only guards against a bug.
    """
    if active is None:
        active = np.arange(n_mentees)
    enlarged: set[int] = set()
    for round_number in range(1, max_rounds + 1):
        arc_mentee, arc_mentor, arc_score = _arcs(lists, active)
        wild = active[np.isfinite(lists.bound[active])]
        wild_score = to_int(lists.bound[wild])
        relaxed = max_flow_min_cost(
            n_mentees, capacity, arc_mentee, arc_mentor, arc_score, wild, wild_score
        )
        suspects = np.nonzero(relaxed.mentor_of == -2)[0]
        if suspects.size == 0:
            return Certified(
                relaxed.mentor_of,
                relaxed.matched,
                relaxed.total,
                round_number,
                len(enlarged),
                len(arc_mentee),
            )
        # The solve without wildcards certifies only ties; in the first rounds the wildcard
        # users nearly always gain from longer lists, so they are enlarged at once and the
        # relaxed assignment tells who is contested.
        assignment = relaxed
        if round_number > EARLY_ROUNDS:
            assignment = max_flow_min_cost(n_mentees, capacity, arc_mentee, arc_mentor, arc_score)
            if (assignment.matched, assignment.total) == (relaxed.matched, relaxed.total):
                return Certified(
                    assignment.mentor_of,
                    assignment.matched,
                    assignment.total,
                    round_number,
                    len(enlarged),
                    len(arc_mentee),
                )
        # Mentees that meet competition are the ones whose pruned pairs may matter: besides
        # the wildcard users, enlarge the unmatched and those matched low in their lists, so
        # that one round fixes a whole contested region rather than one mentee at a time.
        contested = [
            i
            for i in active[np.isfinite(lists.bound[active])].tolist()
            if assignment.mentor_of[i] < 0
            or assignment.mentor_of[i] not in lists.mentors[i][: max(1, len(lists.mentors[i]) // 2)]
        ]
        by_size: dict[int, list[int]] = {}
        for mentee in sorted(set(suspects.tolist()) | set(contested)):
            enlarged.add(mentee)
            # Lists grow faster round after round: a mentee still contested after one
            # enlargement usually needs many more candidates, and every round re-solves.
            growth = 4**round_number
            by_size.setdefault(max(growth * len(lists.mentors[mentee]), 16), []).append(mentee)
        for new_k, rows in by_size.items():
            mentors, scores = rescore(np.array(rows, np.int64), new_k)
            for position, mentee in enumerate(rows):
                keep = np.isfinite(scores[position])
                if keep.sum() < new_k:
                    lists.bound[mentee] = -np.inf  # the list now holds every allowed mentor
                    lists.mentors[mentee] = mentors[position][keep]
                    lists.scores[mentee] = scores[position][keep].astype(np.float64)
                else:
                    # Keep new_k - 1 pairs; the last score bounds everything left out.
                    lists.mentors[mentee] = mentors[position][: new_k - 1]
                    lists.scores[mentee] = scores[position][: new_k - 1].astype(np.float64)
                    lists.bound[mentee] = float(scores[position][new_k - 1])
    raise RuntimeError("candidate lists did not certify")


def _arcs(lists: CandidateLists, active: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    sizes = np.array([len(lists.mentors[i]) for i in active.tolist()], np.int64)
    if sizes.sum() == 0:
        empty = np.zeros(0, np.int64)
        return empty, empty, empty
    arc_mentee = np.repeat(active, sizes)
    arc_mentor = np.concatenate([lists.mentors[i] for i in active.tolist()]).astype(np.int64)
    arc_score = to_int(np.concatenate([lists.scores[i] for i in active.tolist()]))
    return arc_mentee, arc_mentor, arc_score


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
