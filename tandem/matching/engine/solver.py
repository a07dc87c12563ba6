"""The assignment: most mentees matched, then the highest total score, within capacity.

Scores are integers (``SCALE`` per unit of score) so that the solver is exact. The graph starts
with each mentee's top-k candidates; ``solve_priced`` proves the answer optimal over every
allowed pair by linear-programming duality and adds only the pairs that could improve it (see
``docs/matching-engine.md``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

from . import kernels
from .assignment import full_assignment

SCALE = kernels.SCALE
# BIG (see solve_priced) is at least this many mentees' worth of score, so that it stays the
# same when a pool changes a little and the previous solve's prices remain a good start.
BIG_MENTEES = 1 << 20
NO_BOUND = np.iinfo(np.int64).min  # a mentee whose arcs hold every allowed mentor
PRICED_PER_ROUND = 8  # pairs a pricing round adds to a mentee, at most (see solve_priced)
# A priced scan also brings into the graph the pairs this close (integer units, 0.02 of a
# score) to breaking the certificate, so that later rounds rescan only the mentors whose price
# dropped by more (see _ScanRecords). Measured at 20k x 20k, capacity 1 (pairs walked by the
# scans): 171 M at 0.02 with 8 pairs a round, 220 M at 0.05, 307 M at 0.1 (a wider margin
# walks more mentors in every full scan), 198 M at 0 (more rounds); 312 M before records.
PRICING_MARGIN = 20_000
# A mentee is scanned in full again when a partial scan would walk more than this share of
# what a full scan would (see _ScanRecords). Until the tenth session, a share of all mentors
# (0.6 walked 193 M pairs where 0.25 walked 171 M, in the case above); as a share of the full
# scan's walk, at 40k x 40k, capacity 1, 0.25, 0.5 and 1 took as much CPU time in the rounds
# after the first priced scan (3.0-3.3 s), 0.25 walking the fewest pairs (447 M in all
# against 579 M and 682 M).
PARTIAL_SHARE = 0.25
# Arcs whose reduced gain is this far below their mentee's threshold (integer units) leave the
# graph the flow solvers see (see solve_priced).
SET_ASIDE = 50_000
# Rounds that only match more set aside arcs too, outside the part of the graph an unmatched
# mentee reaches (see solve_priced). Off: at 100k x 100k, capacity 1, with the rule below it
# measured 133.2-135.9 s against 128.8 s without (smaller flows, but more mentees breaking
# the certificate after the first priced scan: 52 k against 43 k).
ASIDE_WHILE_MATCHING_MORE = False
# Rounds that only match more ask the short mentees against the mentors with room before the
# mentors priced below BIG / 2 (see _ScanRecords._matching_more). Off (see above): at 100k it
# reached fewer mentors with room than mentees unmatched and fell back anyway.
ASK_SHORT_FREE_FIRST = False
# A round repairs the previous optimum when at most this many mentees were given pairs that
# break the certificate, and solves from scratch otherwise (see solve_priced).
REPAIR_MENTEES = 200

# (mentees, their thresholds, their ceilings, mentor prices, count, price drops, slacks) ->
# (mentors, integer scores), one row per mentee: its best pairs by reduced gain above the
# threshold among those scoring at most the ceiling, best first, -1 padding. With price drops
# (per mentor) and slacks (per mentee), only mentors whose price dropped by more than the
# mentee's slack need looking at (see solve_priced); None for every mentor.
PriceScan = Callable[
    [np.ndarray, np.ndarray, np.ndarray, np.ndarray, int, np.ndarray | None, np.ndarray | None],
    tuple[np.ndarray, np.ndarray],
]
NOT_SCANNED = np.iinfo(np.int64).max  # a mentee with no scan on record
NO_DROP = np.iinfo(np.int64).min  # kernels.walk_counts: no mentor's drop within the slack


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


def assign_everyone(
    capacity: np.ndarray,
    arc_mentee: np.ndarray,
    arc_mentor: np.ndarray,
    arc_score: np.ndarray,
    active: np.ndarray,
    start: Start | None,
    big: int,
) -> FlowResult | None:
    """The optimum on the arcs (sorted by pair) when it must match every ``active`` mentee
    (a mask) and fill every place: as an assignment problem, from ``start``'s assignment
    and duals (see ``assignment``); None when that does not apply (other places than active
    mentees, or no matching of them all along the arcs)."""
    found = full_assignment(
        capacity,
        arc_mentee,
        arc_mentor,
        arc_score,
        active,
        SCALE,
        None if start is None else start.mentor_of,
        None if start is None else (start.gain, start.price, big),
    )
    if found is None:
        return None
    mentor_of, arc = found
    matched = np.nonzero(arc >= 0)[0]
    assigned_score = np.zeros(len(mentor_of), np.int64)
    assigned_score[matched] = arc_score[arc[matched]]
    return FlowResult(mentor_of, assigned_score, len(matched), int(assigned_score.sum()))


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
    # Per round: how the optimum on the arcs was found and how long each step took, what
    # the scan looked at and what it added (for benchmarks and profiles).
    trace: tuple[dict, ...] = ()


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
    margin: int = PRICING_MARGIN,
    max_rounds: int = 1000,
    scan_work: Callable[[], int] | None = None,
    set_aside: int | None = None,
    aside_while_matching_more: bool | None = None,
    reserve: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
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

    ``reserve`` (mentees, mentors, integer scores) are allowed pairs known but not arcs
    (``bound`` then covers only the pairs left out of both): they start set aside, and join
    the arcs when prices bring them within the margin of their mentee's threshold.

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
    scans = _ScanRecords(n_mentees, len(capacity), price_scan, per_round, margin, big)
    trace: list[dict] = []
    set_aside = SET_ASIDE if set_aside is None else set_aside
    if aside_while_matching_more is None:
        aside_while_matching_more = ASIDE_WHILE_MATCHING_MORE
    n_mentors = len(capacity)
    # Pairs set aside (see below), from the start the reserve: pairs known, not in the graph.
    side_mentee, side_mentor, side_score = (
        (np.asarray(a, np.int64) for a in reserve)
        if reserve is not None
        else (np.zeros(0, np.int64) for _ in range(3))
    )
    # A round repairs the previous optimum (``start``) unless ``scratch``; a solve from scratch
    # uses it too (see assign_everyone).
    scratch = start is None
    for round_number in range(1, max_rounds + 1):
        step: dict = {"arcs": len(arc_mentee), "flow": "ortools" if scratch else "repair"}
        trace.append(step)
        clock, cpu = time.perf_counter(), time.process_time()
        # Sorted by pair (so by mentee too): each mentee's arcs are a run, and a pair's
        # membership is a binary search.
        keys = arc_mentee * len(capacity) + arc_mentor
        order = np.argsort(keys, kind="stable")
        arc_mentee, arc_mentor, arc_score = arc_mentee[order], arc_mentor[order], arc_score[order]
        if scratch:
            flow = assign_everyone(
                capacity, arc_mentee, arc_mentor, arc_score, active_mask, start, big
            )
            if flow is not None:
                step["flow"] = "assignment"
            else:
                flow = max_flow_min_cost(n_mentees, capacity, arc_mentee, arc_mentor, arc_score)
        else:
            assert start is not None
            flow = repair(
                n_mentees, capacity, arc_mentee, arc_mentor, arc_score, active_mask, start, big
            )
        step["flow_seconds"] = time.perf_counter() - clock
        step["flow_cpu"] = time.process_time() - cpu
        step["matched"] = flow.matched
        clock = time.perf_counter()
        # After a repair (few mentees given pairs) the previous prices are near the new ones
        # and guide the least prices' search (see kernels.mentor_prices); after a solve from
        # scratch they guided it worse than none.
        prices, threshold = mentee_thresholds(
            flow,
            capacity,
            arc_mentee,
            arc_mentor,
            arc_score,
            big,
            n_mentees,
            None if scratch or start is None else start.price,
        )
        step["prices_seconds"] = time.perf_counter() - clock
        clock, cpu = time.perf_counter(), time.process_time()
        walked = scan_work() if scan_work is not None else 0
        start = Start(flow.mentor_of, threshold + big, prices)
        suspects = active[bound[active] > threshold[active]]
        load = np.bincount(flow.mentor_of[flow.mentor_of >= 0], minlength=n_mentors)
        new_mentee, new_mentor, new_score = scans.scan(
            suspects, threshold, bound, prices, keys[order], load < capacity
        )
        # Pairs set aside earlier (see below) are checked at these prices, the same way.
        side_gain = side_score - prices[side_mentor] - threshold[side_mentee]
        back = side_gain > -margin
        if back.any():
            new_mentee = np.concatenate([new_mentee, side_mentee[back]])
            new_mentor = np.concatenate([new_mentor, side_mentor[back]])
            new_score = np.concatenate([new_score, side_score[back]])
            # A scan may find again a pair set aside; it then comes back as well (a scan
            # returns only pairs whose reduced gain, scores capped at the ceiling, is above
            # the threshold less the margin, and an uncapped gain is at least that): it
            # joins the graph once. Until the tenth session every pair set aside was looked
            # up among the pairs found (np.isin, a sort of millions of pairs: 0.5-1.2 CPU s
            # a round at 40k x 40k, capacity 1, with 1.2-1.9 M pairs aside), for nothing:
            # those it found had come back anyway, and stayed in the graph twice.
            new_mentee, new_mentor, new_score = _once(n_mentors, new_mentee, new_mentor, new_score)
            side_mentee, side_mentor, side_score = (
                side_mentee[~back],
                side_mentor[~back],
                side_score[~back],
            )
        breaking = new_mentee[new_score - prices[new_mentor] > threshold[new_mentee]]
        step.update(
            scan_seconds=time.perf_counter() - clock,
            scan_cpu=time.process_time() - cpu,
            scan=scans.kind,
            ask=scans.ask,
            suspects=len(suspects),
            scanned_in_full=scans.full,
            scanned_partly=scans.partly,
            mentors_to_walk=scans.estimate[:2],
            partly_on_last_partial=scans.estimate[2],
            pairs_walked=(scan_work() - walked) if scan_work is not None else None,
            pairs_added=len(new_mentee),
            pairs_back=int(back.sum()),
            mentees_breaking=len(np.unique(breaking)),
        )
        if not len(breaking):
            # Every pair known is part of the final graph (a later solve starts from it and
            # trusts the bounds): those set aside, and those this round found or brought
            # back (within the margin, none breaking). Until the tenth session the latter
            # were left out, and a warm solve could miss a pair its bound said was an arc.
            arc_mentee = np.concatenate([arc_mentee, side_mentee, new_mentee])
            arc_mentor = np.concatenate([arc_mentor, side_mentor, new_mentor])
            arc_score = np.concatenate([arc_score, side_score, new_score])
            order = np.argsort(arc_mentee * n_mentors + arc_mentor, kind="stable")
            return Certified(
                flow.mentor_of,
                flow.matched,
                flow.total,
                round_number,
                int(enlarged.sum()),
                len(arc_mentee),
                arc_mentee[order],
                arc_mentor[order],
                arc_score[order],
                start.gain,
                prices,
                tuple(trace),
            )
        enlarged[new_mentee] = True
        # Repairing moves one unit per mentee given pairs, each along a shortest path: faster
        # than OR-Tools's solve from scratch for a few hundred mentees, slower for thousands
        # (at 10k x 10k, capacity 1: 0.67 s against 0.42 s in the second round, 0.01 s
        # against 0.34 s in the last). Each path costs more in a larger graph: at 100k x 50k,
        # repairing for 1,983 mentees took 7.6 s and for 600 4.7 s, against 1.7-4.0 s for
        # OR-Tools, so the limit is a number of mentees (it was also 2 % of them before).
        # Pairs within the margin do not break the previous optimum's duals: only the
        # mentees given pairs that do need a path.
        scratch = len(np.unique(breaking)) > REPAIR_MENTEES
        if scans.kind == "priced" or aside_while_matching_more:
            # Arcs far below their mentee's threshold (by more than SET_ASIDE) are set aside:
            # the next optimum is very unlikely to use them, and the flow solvers' time (and
            # memory) grows with the arcs. They stay part of the problem: every round checks
            # them at its prices like a scan (above), and those within the margin come back.
            # At 20k x 20k, capacity 1, 22 % of the final arcs were within 0.05 of their
            # threshold.
            gain = arc_score - prices[arc_mentor] - threshold[arc_mentee]
            aside = gain < -set_aside
            if scans.kind != "priced":
                # While the arcs cannot match every mentee, the prices of the mentors an
                # unmatched mentee reaches sit near BIG, and so do the thresholds of their
                # mentees: only an arc between a mentee and a mentor outside that part (a
                # threshold and a price in the normal range, which the rounds that match
                # more do not change much) is set aside; the others may be on the paths
                # that match more mentees.
                half = big // 2
                aside &= (threshold[arc_mentee] >= -half) & (prices[arc_mentor] < half)
            side_mentee = np.concatenate([side_mentee, arc_mentee[aside]])
            side_mentor = np.concatenate([side_mentor, arc_mentor[aside]])
            side_score = np.concatenate([side_score, arc_score[aside]])
            arc_mentee, arc_mentor, arc_score = (
                arc_mentee[~aside],
                arc_mentor[~aside],
                arc_score[~aside],
            )
            step["set_aside"] = int(aside.sum())
        arc_mentee = np.concatenate([arc_mentee, new_mentee])
        arc_mentor = np.concatenate([arc_mentor, new_mentor])
        arc_score = np.concatenate([arc_score, new_score])
    raise RuntimeError("pricing did not converge")


def _once(
    n_mentors: int, mentee: np.ndarray, mentor: np.ndarray, score: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pairs without repeats, each with its largest score: a scan caps scores at the
    mentee's ceiling, and a pair above it (one of its best, set aside) comes back with its
    own score."""
    key = mentee * n_mentors + mentor
    order = np.lexsort((-score, key))
    first = order[np.r_[True, key[order][1:] != key[order][:-1]]] if len(key) else order
    return mentee[first], mentor[first], score[first]


class _ScanRecords:
    """The priced scans of ``solve_priced``, and what each mentee's last one proved, so that a
    later round looks again only at the mentors whose price has since dropped.

    A scan of mentee ``i`` at prices ``p`` and threshold ``t`` asks for its best ``count``
    pairs by reduced gain ``score_ij - p_j`` above ``t - margin``; all of them join the graph
    (those above ``t`` break the certificate now; those within the margin would, were the
    prices or the threshold to move a little, which is what they do from round to round).
    It proves that every pair left out of the graph has a reduced gain of at most ``R_i``:
    ``t - margin`` when fewer than ``count`` came back, else the smallest gain that did.

    At later prices ``p'`` and threshold ``t'``, such a pair has
    ``score_ij - p'_j <= R_i + (p_j - p'_j)``: it can break the certificate only if its
    mentor's price dropped by more than the slack ``t' - R_i`` (a negative slack when the
    threshold fell by more than the margin: then every mentor but those whose price rose by
    more). A *partial* scan walks only those mentors. The record stays valid as it is (pairs
    only move between the graph and the pairs set aside, which every round checks itself), so
    it is never raised. (Until the tenth session it was raised by how far a partial scan's
    cut-off went above ``t'``, which only shrank later slacks.)

    A partial scan proves something new, at ``p'``: the pairs it walked and left out have
    reduced gains of at most its cut-off ``c`` (``t' - margin``, or its ``count``-th gain);
    every mentor it did not walk had a drop of at most the slack, so those pairs have
    ``score_ij - p'_j <= R_i + d_i``, ``d_i`` the largest drop not above the slack among all
    mentors (``kernels.walk_counts``). So ``R'_i = max(c, R_i + d_i)`` at ``p'`` is a second
    record. A mentee keeps two: its last full scan's and its last partial scan's; each later
    round uses the one under which fewer mentors need walking. Mentors an old record makes
    walked again round after round (their price dropped once, long ago, by more than the
    slack) are no longer walked under the newer one, unless they dropped again since.

    Which mentee is scanned in full: the one for whom a partial scan (under its better
    record) would walk more than ``PARTIAL_SHARE`` of what a full scan walks, both counted
    within its limit (mentors priced below its ceiling less ``t' - margin``; blocking not
    counted apart, ``kernels.walk_counts``). A full scan costs more now but records the
    current prices. Until the tenth session the share was of *all* mentors, not of those
    within the limit: at 40k x 40k, capacity 1, the round after the first priced scan
    scanned 28k mentees in full (4.1k of them with a negative slack) where partial scans
    would have walked 17 % as many pairs.

    Measured at 20k x 20k, capacity 1, before: six rounds each scanned ~19k mentees in full
    (2.6 s of a 5.2 s solve), and least prices moved for most mentors in every round (by
    0.03 of a score in the third round, 0.003 in the fourth, at 10k).
    """

    # Whether a mentee's last partial scan is a record too (a test switches it off to show
    # that the scans then walk more).
    KEEP_PARTIAL_RECORD = True

    def __init__(
        self,
        n_mentees: int,
        n_mentors: int,
        price_scan: PriceScan,
        count: int,
        margin: int,
        big: int,
    ) -> None:
        self.price_scan = price_scan
        self.big = big
        self.n_mentors = n_mentors
        self.count = count
        self.margin = margin
        # Per mentee, R_i and which prices it is about (an index into ``prices``, -1 for
        # none): the last full scan's record, then the last partial scan's.
        self.records = tuple(
            (np.full(n_mentees, NOT_SCANNED, np.int64), np.full(n_mentees, -1, np.int64))
            for _ in range(2)
        )
        self.prices: list[np.ndarray] = []
        self.kind, self.full, self.partly = "", 0, 0  # the last scan's, for the trace
        self.ask = ""  # which mentees against which mentors a round that matches more asked
        self.estimate = (0, 0, 0)  # see scan
        self.asked_unmatched = False  # see _matching_more

    def scan(
        self,
        suspects: np.ndarray,
        threshold: np.ndarray,
        bound: np.ndarray,
        prices: np.ndarray,
        arc_keys: np.ndarray,
        room: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The pairs of ``suspects`` to add to the graph (mentees, mentors, integer scores);
        the records updated.
        ``arc_keys`` are the graph's pairs (``mentee * n_mentors + mentor``), sorted;
        ``room`` a mask of the mentors with room in the current assignment."""
        self.kind, self.full, self.partly, self.ask = "matching more", 0, 0, ""
        self.estimate = (0, 0, 0)
        matching_more = self._matching_more(suspects, threshold, bound, prices, room)
        if matching_more is not None:
            return matching_more
        self.kind = "priced"
        count = self.count

        snapshot = len(self.prices)
        self.prices.append(prices)
        n = len(suspects)
        # Each record a mentee holds (its last full scan's, and its last partial scan's),
        # what a partial scan on it would walk; the record walking fewest is used.
        limit = bound[suspects] - (threshold[suspects] - self.margin)
        full_walk = np.zeros(n, np.int64)
        best_walk = np.full(n, np.iinfo(np.int64).max)
        best_record = np.full(n, -1, np.int64)
        best_largest = np.zeros(n, np.int64)
        for record, (gain, at_of) in enumerate(self.records[: 1 + self.KEEP_PARTIAL_RECORD]):
            has = (at_of[suspects] >= 0) & (gain[suspects] != NOT_SCANNED)
            for at in np.unique(at_of[suspects[has]]).tolist():
                rows = np.nonzero(has & (at_of[suspects] == at))[0]
                drop = self.prices[at] - prices
                full, walk, largest = kernels.walk_counts(
                    prices,
                    drop,
                    limit[rows],
                    threshold[suspects[rows]] - gain[suspects[rows]],
                )
                full_walk[rows] = full
                better = walk < best_walk[rows]
                best_walk[rows[better]] = walk[better]
                best_record[rows[better]] = record
                best_largest[rows[better]] = largest[better]
        # A partial scan keeps the old record's prices; a full scan records the current ones.
        # So a mentee is scanned in full when a partial scan would walk more than
        # PARTIAL_SHARE of what a full one would (both within its limit).
        partial = (best_record >= 0) & (best_walk <= full_walk * PARTIAL_SHARE)
        groups: list[tuple[np.ndarray, np.ndarray | None, np.ndarray | None]] = []
        for record, (gain, at_of) in enumerate(self.records):
            chosen = partial & (best_record == record)
            for at in np.unique(at_of[suspects[chosen]]).tolist():
                # No mentor within the limit whose price dropped by more than the slack:
                # nothing to scan.
                rows = np.nonzero(chosen & (at_of[suspects] == at) & (best_walk > 0))[0]
                slack = threshold[suspects[rows]] - gain[suspects[rows]]
                groups.append((rows, self.prices[at] - prices, slack))
        groups.append((np.nonzero(~partial)[0], None, None))
        # Mentors the scans should walk per mentee, summed (blocking not counted apart), and
        # how many partial scans use the record of the last partial scan.
        self.estimate = (
            int(full_walk[~partial].sum()),
            int(best_walk[partial].sum()),
            int((partial & (best_record == 1)).sum()),
        )
        found = np.full((n, count), -1, np.int64)
        scores = np.zeros((n, count), np.int64)
        scanned = np.zeros(n, bool)
        for rows, drop, slack in groups:
            if not len(rows):
                continue
            mentees = suspects[rows]
            found[rows], scores[rows] = self.price_scan(
                mentees,
                threshold[mentees] - self.margin,
                bound[mentees],
                prices,
                count,
                drop,
                slack,
            )
            scanned[rows] = True
            if drop is None:
                self.full += len(rows)
            else:
                self.partly += len(rows)
        # What each scan proved.
        full = found[:, count - 1] >= 0
        cut = threshold[suspects] - self.margin
        cut[full] = scores[full, count - 1] - prices[found[full, count - 1]]
        anew = scanned & ~partial
        (gain, at_of), (partial_gain, partial_at) = self.records
        gain[suspects[anew]] = cut[anew]
        at_of[suspects[anew]] = snapshot
        partial_at[suspects[anew]] = -1
        # A partial scan proves as much at the current prices: the pairs it walked and left
        # out have reduced gains of at most its cut-off, the others at most the record's
        # bound plus their mentor's price drop, at most the largest drop within the slack.
        again = scanned & partial
        walked_all = best_largest == NO_DROP  # every mentor's price dropped by more
        rest = np.where(best_record == 0, gain[suspects], partial_gain[suspects])
        rest = np.where(walked_all, cut, rest + np.where(walked_all, 0, best_largest))
        partial_gain[suspects[again]] = np.maximum(cut, rest)[again]
        partial_at[suspects[again]] = snapshot

        return self._new_pairs(suspects, found, scores, arc_keys)

    def _matching_more(
        self,
        suspects: np.ndarray,
        threshold: np.ndarray,
        bound: np.ndarray,
        prices: np.ndarray,
        room: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """While the arcs cannot match every mentee they could, a cheap round: the least
        prices of every mentor an unmatched mentee reaches sit near BIG, and so do the
        thresholds of the mentees matched to them; such a mentee breaks the certificate
        only with mentors priced below BIG (the others leave it no gain), and those are few
        (the mentors with room and their like). A full scan would walk every mentor for every
        such mentee (at 20k x 20k, capacity 1: 80 M pairs in the first round, for a graph
        whose prices all change in the next). Any round may add only some of the pairs that
        break the certificate: the last one scans in full."""
        half = self.big // 2
        short = suspects[threshold[suspects] < -half]
        cheap = (prices < half).astype(np.int64)
        if not len(short) or not cheap.any():
            return None
        # The first such round asks only the unmatched mentees, against the mentors priced 0
        # (those with room among them): a pair with a mentor that has room is an augmenting
        # path by itself. At 40k x 40k, capacity 1, the first scan of every short mentee
        # against every cheap mentor walked 178 M pairs for 611 unmatched mentees (the next
        # one 0.9 M): after a round of those pairs, few are left.
        # A later round asks the short mentees against the mentors with room first, for the
        # same reason (unmatched -> ... -> short mentee -> mentor with room is an augmenting
        # path), and against every cheap mentor only when that reaches fewer mentors with
        # room than there are unmatched mentees (it cannot match them all): at 100k x 100k,
        # capacity 1, the second such round scanned 17,187 short mentees against the ~40 %
        # of mentors priced below BIG / 2, 674 M pairs (6.2 s), to match the last 90.
        asks = [("short, cheap", short, cheap)]
        unmatched = short[threshold[short] == -self.big]
        if not self.asked_unmatched:
            self.asked_unmatched = True
            asks.insert(0, ("unmatched, free", unmatched, (prices == 0).astype(np.int64)))
        elif ASK_SHORT_FREE_FIRST:
            asks.insert(0, ("short, room", short, room.astype(np.int64)))
        for ask, rows_asked, mentors in asks:
            if not len(rows_asked) or not mentors.any():
                continue
            self.partly, self.ask = len(rows_asked), ask
            found, scores = self.price_scan(
                rows_asked,
                threshold[rows_asked],
                bound[rows_asked],
                prices,
                self.count,
                mentors,
                np.zeros(len(rows_asked)),
            )
            rows, columns = np.nonzero(found >= 0)
            if ask == "short, room" and len(np.unique(found[rows, columns])) < len(unmatched):
                # Fewer mentors with room reached than mentees unmatched: the next flow could
                # not match them all, so the round asks every cheap mentor after all.
                continue
            if len(rows):
                short = rows_asked
                break
        else:
            return None
        # Above the exact thresholds: every pair breaks the certificate, none is an arc.
        return short[rows], found[rows, columns], scores[rows, columns]

    def _new_pairs(
        self, suspects: np.ndarray, found: np.ndarray, scores: np.ndarray, arc_keys: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        rows, columns = np.nonzero(found >= 0)
        mentee, mentor, score = suspects[rows], found[rows, columns], scores[rows, columns]
        # Within the margin, a pair may already be in the graph.
        key = mentee * self.n_mentors + mentor
        position = np.minimum(np.searchsorted(arc_keys, key), max(len(arc_keys) - 1, 0))
        new = arc_keys[position] != key if len(arc_keys) else np.ones(len(key), bool)
        mentee, mentor, score = mentee[new], mentor[new], score[new]
        return mentee, mentor, score


def mentee_thresholds(
    flow: FlowResult,
    capacity: np.ndarray,
    arc_mentee: np.ndarray,
    arc_mentor: np.ndarray,
    arc_score: np.ndarray,
    big: int,
    n_mentees: int,
    hint: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The least mentor prices for ``flow`` (optimal on the arcs, sorted by mentee), and each
    mentee's threshold ``u_i - BIG``: a pair ``(i, j)`` improves the assignment only if
    ``score_ij - v_j`` exceeds it. ``hint``: prices near the answer, to find it with less
    work (see ``kernels.mentor_prices``); the answer is the same without."""
    n_mentors = len(capacity)
    arc_start = np.searchsorted(arc_mentee, np.arange(n_mentees + 1))
    prices = kernels.mentor_prices(
        arc_start,
        arc_mentor,
        arc_score,
        flow.mentor_of,
        flow.assigned_score,
        n_mentors,
        big,
        np.zeros(0, np.int64) if hint is None else np.asarray(hint, np.int64),
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
