"""The compiled inner loops of scoring (numba).

``_weighted_sum`` is the one definition of a pair's score from its goal dot product and its
criteria: whole blocks, single pairs and the top-k stream all go through it, so a pair gets the
same float32 value wherever it is computed. Every loop here checks the hard rules and staff
exclusions itself.

The top-k stream does not compute every goal dot product. The score only grows with the dot
product, so it first scores each pair with an upper bound of its dot product (from a
low-rank projection of the goal vectors, computed by BLAS at a fraction of the cost) and
computes the exact 512-dimension product only for pairs whose bound beats the mentee's
current k-th score: 1.6 % of allowed pairs at 100k.

The loops release the GIL, so the scoring threads use every core. Compiled code is cached beside
this file (``cache=True``): only the first run on a machine pays for compiling.
"""

from __future__ import annotations

import numba
import numpy as np

IN_PERSON = 1
VIRTUAL = 2
NEG_INF = np.float32(-np.inf)

# The arrays the kernels read, in this order (built by ``scoring._prepare_weighted``).
TABLE_FIELDS = (
    "mentee_noc",
    "mentee_naics",
    "mentee_prefers_fr",
    "mentee_mode",
    "mentee_fsa",
    "mentee_availability",
    "mentee_inverse_slots",
    "mentee_languages",
    "mentee_has_exclusions",
    "mentor_noc",
    "mentor_naics",
    "mentor_mode",
    "mentor_fsa",
    "mentor_availability",
    "mentor_inverse_slots",
    "mentor_languages",
    "occupation",
    "industry",
    "language_experience",
    "proximity_local",
    "proximity_open",
    "availability_steps",
    "goal_floor",
    "goal_scale",
    "excluded_keys",
    "n_mentors",
)


@numba.njit(cache=True, nogil=True, inline="always")
def _bit_count(value):
    """Set bits of a non-negative int64 below 2**24 (availability masks have 21 bits)."""
    value = value - ((value >> 1) & 0x555555)
    value = (value & 0x333333) + ((value >> 2) & 0x333333)
    value = (value + (value >> 4)) & 0x0F0F0F
    return (value & 0xFF) + ((value >> 8) & 0xFF) + ((value >> 16) & 0xFF)


@numba.njit(cache=True, nogil=True, inline="always")
def _is_excluded(keys, key):
    position = np.searchsorted(keys, key)
    return position < keys.shape[0] and keys[position] == key


ROUNDING_MARGIN = 1024.0  # in squared quantisation units: 1024 / 2**22 = 0.00024 of a cosine


@numba.njit(cache=True, nogil=True, inline="always")
def _weighted_sum(dot, goal_floor, goal_scale, occupation, industry, language, proximity, share):
    """The score: goals from the dot product, then the other criteria, always in this order."""
    score = max(dot, goal_floor) * goal_scale
    score += occupation
    score += industry
    score += language
    score += proximity
    score += share
    return score


@numba.njit(cache=True, nogil=True, fastmath=True)
def _exact_dot(a, b):
    # Goal vectors hold int16 integers whose products and every partial sum stay below 2**24
    # (see scoring.quantise), so summing their float32 products in any order, as fastmath
    # allows, gives what BLAS gives. (Summed as int32: 20-28 % slower, measured.)
    total = np.float32(0.0)
    for d in range(a.shape[0]):
        total += np.float32(a[d]) * np.float32(b[d])
    return total


@numba.njit(cache=True, nogil=True, fastmath=True)
def _low_rank_dot(a, b):
    # A float32 sum in any order, as BLAS's block products are: the rounding margin of the
    # goal bound covers either (see score_row).
    total = np.float32(0.0)
    for d in range(a.shape[0]):
        total += a[d] * b[d]
    return total


@numba.njit(cache=True, nogil=True)
def score_row(dots, i, mentors, tables, out, bounds, mentee_residual, mentor_residual):
    """``out[c]`` = the score of mentee ``i`` and mentor ``mentors[c]``, ``-inf`` if forbidden.

    With ``bounds`` False, ``dots[c]`` is the pair's exact goal dot product. With ``bounds``
    True it is the low-rank part of it, and ``out[c]`` an upper bound of the score: the dot
    product is bounded by the low-rank part plus the product of the residual lengths
    (Cauchy-Schwarz) plus a margin for float32 rounding.

    One loop per row, with the tables unpacked once: a function called for each pair that
    unpacks them measured twenty times slower (numba counts references to every table on each
    call). Every criterion is computed for every pair and a forbidden pair's score replaced.
    No shared slot gives ``-inf`` through the availability table; the French rule and the
    distance limit are ``-inf`` cells of the language and local proximity tables.
    """
    (
        mentee_noc,
        mentee_naics,
        mentee_prefers_fr,
        mentee_mode,
        mentee_fsa,
        mentee_availability,
        mentee_inverse_slots,
        mentee_languages,
        mentee_has_exclusions,
        mentor_noc,
        mentor_naics,
        mentor_mode,
        mentor_fsa,
        mentor_availability,
        mentor_inverse_slots,
        mentor_languages,
        occupation,
        industry,
        language_experience,
        proximity_local,
        proximity_open,
        availability_steps,
        goal_floor,
        goal_scale,
        excluded_keys,
        n_mentors,
    ) = tables
    occupation_row = occupation[mentee_noc[i]]
    industry_row = industry[mentee_naics[i]]
    language_row = language_experience[mentee_prefers_fr[i]]
    local_row = proximity_local[mentee_fsa[i]]
    open_row = proximity_open[mentee_fsa[i]]
    availability = mentee_availability[i]
    inverse_slots = mentee_inverse_slots[i]
    mode = mentee_mode[i]
    residual = mentee_residual[i] if bounds else np.float32(0.0)
    margin = np.float32(ROUNDING_MARGIN) if bounds else np.float32(0.0)
    words = mentee_languages.shape[1]
    for c in range(mentors.shape[0]):
        j = mentors[c]
        other_mode = mentor_mode[j]
        in_person = (mode == IN_PERSON) | (other_mode == IN_PERSON)
        clash = in_person & ((mode == VIRTUAL) | (other_mode == VIRTUAL))
        shared = np.uint64(0)
        for word in range(words):
            shared |= mentee_languages[i, word] & mentor_languages[j, word]
        overlap = _bit_count(availability & mentor_availability[j])
        dot = dots[c]
        if bounds:
            dot = dot + residual * mentor_residual[j] + margin
        score = _weighted_sum(
            dot,
            goal_floor,
            goal_scale,
            occupation_row[mentor_noc[j]],
            industry_row[mentor_naics[j]],
            language_row[j],
            local_row[mentor_fsa[j]] if in_person else open_row[mentor_fsa[j]],
            max(inverse_slots, mentor_inverse_slots[j]) * availability_steps[overlap],
        )
        out[c] = NEG_INF if clash or shared == 0 else score
    if mentee_has_exclusions[i]:
        for c in range(mentors.shape[0]):
            if _is_excluded(excluded_keys, i * n_mentors + mentors[c]):
                out[c] = NEG_INF


@numba.njit(cache=True, nogil=True)
def fill_block(dots, rows, cols, tables, out):
    """``out[r, c]`` = score of mentee ``rows[r]`` and mentor ``cols[c]`` (exact dots)."""
    none = np.zeros(0, np.float32)
    for r in range(rows.shape[0]):
        score_row(dots[r], rows[r], cols, tables, out[r], False, none, none)


@numba.njit(cache=True, nogil=True)
def fill_pairs(dots, mentees, mentors, tables, out):
    none = np.zeros(0, np.float32)
    for k in range(mentees.shape[0]):
        score_row(
            dots[k : k + 1],
            mentees[k],
            mentors[k : k + 1],
            tables,
            out[k : k + 1],
            False,
            none,
            none,
        )


SCALE = 1_000_000  # integer units per unit of score (solver.SCALE)


@numba.njit(cache=True, nogil=True, inline="always")
def _keys(scores, mentors, prices, ceiling, out):
    """Ranking keys: the float32 scores themselves, or with ``prices`` the reduced gains
    ``min(rint(score * SCALE), ceiling) - prices[mentor]`` (integers, exact in float64). Both
    are non-decreasing in the score, so a bound of the score gives a bound of the key. The
    ceiling is the most a wanted pair can score (see ``fold_block``)."""
    for c in range(scores.shape[0]):
        score = scores[c]
        if score == NEG_INF:
            out[c] = -np.inf
        elif prices.shape[0] == 0:
            out[c] = score
        else:
            out[c] = min(np.rint(np.float64(score) * SCALE), ceiling) - prices[mentors[c]]


@numba.njit(cache=True, nogil=True)
def fold_block(
    low_rank_dots,
    mentee_low,
    mentor_low,
    rows,
    slots,
    mentors,
    tables,
    mentee_vectors,
    mentor_vectors,
    mentee_residual,
    mentor_residual,
    prices,
    ceilings,
    drops,
    slacks,
    top_keys,
    top_mentors,
    floor,
    shared,
):
    """Fold mentees ``rows`` against ``mentors`` into their top-k lists.

    Lists rank by key (see ``_keys``): the score, or with ``prices`` (one per mentor, empty
    for none) the score in integer units less the mentor's price, which is how the solver
    prices contested mentors. A priced list wants only pairs scoring at most its ceiling
    (``ceilings[slot]``, integer units: the pairs it already has may score more), so mentors
    whose price leaves no gain above the bar even at the ceiling are skipped unscored.
    With ``drops`` (one per mentor, empty for none), a list wants only the mentors whose
    price dropped by more than its slack (``slacks[slot]``; see ``solver._ScanRecords``).
    ``top_keys[slots[r]]`` is row ``r``'s list (a min-heap) and ``floor`` its smallest key;
    ``shared`` holds, per list, the largest k-th key any thread has reached, or a threshold
    set by the caller: a pair whose key does not beat it is not wanted. Each pair is first
    keyed with an upper bound of its score; only pairs whose bound beats the bar get an
    exact dot product and score. A list not yet full first takes the k pairs of best bound,
    which sets a bar.
    ``low_rank_dots`` holds the block's low-rank goal products (see ``score_row``), or no
    row at all, and then the loop computes each wanted pair's from ``mentee_low`` and
    ``mentor_low`` (float32 sums like BLAS's, within the same rounding margin).
    Returns (allowed pairs seen, exact dot products computed).
    """
    k = top_keys.shape[1]
    n_cols = mentors.shape[0]
    priced = prices.shape[0] > 0
    dropped = drops.shape[0] > 0
    in_loop = low_rank_dots.shape[0] == 0
    row_mentors = np.empty(n_cols, np.int64)
    row_dots = np.empty(n_cols, np.float32)
    bound_scores = np.empty(n_cols, np.float32)
    bounds = np.empty(n_cols, np.float64)
    picked = np.empty(n_cols, np.int64)
    picked_dots = np.empty(n_cols, np.float32)
    picked_scores = np.empty(n_cols, np.float32)
    picked_keys = np.empty(n_cols, np.float64)
    allowed = 0
    exact = 0
    for r in range(rows.shape[0]):
        i, slot = rows[r], slots[r]
        ceiling = ceilings[slot] if priced else np.inf
        count = n_cols
        columns = mentors[:n_cols]
        dots = row_dots[:n_cols] if in_loop else low_rank_dots[r, :n_cols]
        if priced:
            bar = max(floor[slot], shared[slot])
            slack = slacks[slot] if dropped else -np.inf
            count = 0
            for c in range(n_cols):
                if ceiling - prices[mentors[c]] > bar and (
                    not dropped or drops[mentors[c]] > slack
                ):
                    row_mentors[count] = mentors[c]
                    if in_loop:
                        row_dots[count] = _low_rank_dot(mentee_low[i], mentor_low[mentors[c]])
                    else:
                        row_dots[count] = low_rank_dots[r, c]
                    count += 1
            if count == 0:
                continue
            columns = row_mentors[:count]
            dots = row_dots[:count]
        score_row(
            dots,
            i,
            columns,
            tables,
            bound_scores[:count],
            True,
            mentee_residual,
            mentor_residual,
        )
        row_allowed = 0
        for c in range(count):
            row_allowed += bound_scores[c] != NEG_INF
        allowed += row_allowed
        if row_allowed == 0:
            continue
        _keys(bound_scores[:count], columns, prices, ceiling, bounds[:count])
        for phase in range(2):
            bar = max(floor[slot], shared[slot])
            if phase == 0:
                if floor[slot] != -np.inf:
                    continue
                # List not full: key the k pairs of best bound first (a running selection).
                picks = 0
                weakest = 0
                for c in range(count):
                    bound = bounds[c]
                    if bound <= bar:
                        continue
                    if picks < k:
                        picked[picks] = c
                        picks += 1
                    elif bound > bounds[picked[weakest]]:
                        picked[weakest] = c
                    else:
                        continue
                    if picks == k:
                        weakest = 0
                        for q in range(1, k):
                            if bounds[picked[q]] < bounds[picked[weakest]]:
                                weakest = q
                for q in range(picks):
                    bounds[picked[q]] = -np.inf  # keyed now, not again in phase 1
                    picked[q] = columns[picked[q]]
            else:
                picks = 0
                for c in range(count):
                    if bounds[c] > bar:
                        picked[picks] = columns[c]
                        picks += 1
            if picks == 0:
                continue
            exact += picks
            for q in range(picks):
                picked_dots[q] = _exact_dot(mentee_vectors[i], mentor_vectors[picked[q]])
            score_row(
                picked_dots[:picks],
                i,
                picked[:picks],
                tables,
                picked_scores[:picks],
                False,
                mentee_residual,
                mentor_residual,
            )
            _keys(picked_scores[:picks], picked[:picks], prices, np.inf, picked_keys[:picks])
            lowest = floor[slot]
            for q in range(picks):
                key = picked_keys[q]
                if key <= bar:
                    continue
                # Each list is a min-heap (its lowest key first; -inf while not full): the new
                # pair replaces the lowest and sinks to its place, log k steps where finding
                # the lowest again was k (the reserve asks for lists of 49).
                position = 0
                while True:
                    child = 2 * position + 1
                    if child >= k:
                        break
                    if child + 1 < k and top_keys[slot, child + 1] < top_keys[slot, child]:
                        child += 1
                    if top_keys[slot, child] >= key:
                        break
                    top_keys[slot, position] = top_keys[slot, child]
                    top_mentors[slot, position] = top_mentors[slot, child]
                    position = child
                top_keys[slot, position] = key
                top_mentors[slot, position] = picked[q]
                lowest = top_keys[slot, 0]
                bar = max(lowest, shared[slot])
            floor[slot] = lowest
            # A race here can only leave a smaller (still valid) value: each write is some
            # thread's true k-th key at that moment.
            if lowest > shared[slot]:
                shared[slot] = lowest
    return allowed, exact


@numba.njit(cache=True, nogil=True)
def walk_counts(prices, drop, limits, slacks):
    """What a priced scan of each row would walk, mentors in blocking runs not counted apart:
    ``(full[r], partial[r], largest[r])``, the mentors priced below ``limits[r]`` (a full
    scan), those among them whose price dropped (``drop``) by more than ``slacks[r]`` (a
    partial scan), and the largest drop not above ``slacks[r]`` among every mentor (``-inf``
    as the least int64 when none; see ``solver._ScanRecords``).

    Rows in order of limit, mentors in order of price: each mentor enters a Fenwick tree of
    drop ranks once, so all rows take ``O((rows + mentors) log mentors)``.
    """
    n_mentors = prices.shape[0]
    n_rows = limits.shape[0]
    by_price = np.argsort(prices, kind="mergesort")
    drop_order = np.argsort(drop, kind="mergesort")
    sorted_drop = drop[drop_order]
    rank = np.empty(n_mentors, np.int64)
    for position in range(n_mentors):
        rank[drop_order[position]] = position
    tree = np.zeros(n_mentors + 1, np.int64)
    full = np.zeros(n_rows, np.int64)
    partial = np.zeros(n_rows, np.int64)
    largest = np.full(n_rows, np.iinfo(np.int64).min, np.int64)
    inserted = 0
    for r in np.argsort(limits, kind="mergesort"):
        while inserted < n_mentors and prices[by_price[inserted]] < limits[r]:
            node = rank[by_price[inserted]] + 1
            while node <= n_mentors:
                tree[node] += 1
                node += node & -node
            inserted += 1
        covered = np.searchsorted(sorted_drop, slacks[r], side="right")
        if covered > 0:
            largest[r] = sorted_drop[covered - 1]
        below = 0  # inserted mentors whose drop is at most the slack
        node = covered
        while node > 0:
            below += tree[node]
            node -= node & -node
        full[r] = inserted
        partial[r] = inserted - below
    return full, partial, largest


@numba.njit(cache=True, nogil=True)
def mentor_prices(
    arc_start, arc_mentor, arc_score, mentor_of, assigned_score, n_mentors, big, hint
):
    """The least mentor prices that prove an assignment optimal on its arcs (LP duals).

    The assignment maximises the sum of ``big + score`` over the arcs (``big`` above any
    total of scores, so the most mentees first). Its dual gives each mentor a price ``v >= 0``
    (0 when the mentor has room) and each mentee a gain ``u >= 0`` (0 when unmatched) with
    ``u_i + v_j >= big + score`` on every arc, equal on the chosen ones. The least prices
    are longest paths: an unmatched mentee raises each of its mentors to ``big + score``; a
    mentee matched to ``p`` raises each other mentor ``j`` of its arcs to
    ``v_p + score_ij - score_ip`` (it must not prefer ``j`` at these prices). An optimal
    assignment has no cycle of positive length, so the label-correcting loop ends.
    ``arc_start`` indexes each mentee's arcs (CSR). Returns the prices, or an empty array
    if the loop ran too long (the assignment was not optimal).

    Labels only rise, from below the least prices, along real paths, and the loop stops when
    no edge can raise one: whatever order the mentors are taken in, the result is the least
    prices. The order only changes the work. A FIFO queue took every mentor 25-35 times at
    100k x 100k, capacity 1. With ``hint`` (a price per mentor near the answer, e.g. the
    previous round's; empty for none), mentors are taken by largest label less hint first
    (a heap): were the hint a feasible price vector, every edge would lower that quantity
    and each mentor would be taken once (Dijkstra with potentials). After a round that
    changed little: 0.11 and 0.28 s against 0.38 and 0.41 s on the graphs of that solve;
    after larger changes it did worse (0.54 s against 0.46), hence the caller's rule.
    """
    n_mentees = mentor_of.shape[0]
    # Mentees assigned to each mentor (CSR).
    first = np.zeros(n_mentors + 1, np.int64)
    for i in range(n_mentees):
        if mentor_of[i] >= 0:
            first[mentor_of[i] + 1] += 1
    for j in range(n_mentors):
        first[j + 1] += first[j]
    fill = first[:-1].copy()
    members = np.empty(first[n_mentors], np.int64)
    for i in range(n_mentees):
        if mentor_of[i] >= 0:
            members[fill[mentor_of[i]]] = i
            fill[mentor_of[i]] += 1
    prices = np.zeros(n_mentors, np.int64)
    for i in range(n_mentees):
        if mentor_of[i] < 0:
            for arc in range(arc_start[i], arc_start[i + 1]):
                prices[arc_mentor[arc]] = max(prices[arc_mentor[arc]], big + arc_score[arc])
    if hint.shape[0] > 0:
        return _prices_by_hint(
            arc_start, arc_mentor, arc_score, assigned_score, first, members, prices, hint
        )
    # Label correcting with a queue (every mentor starts in it; each is in it at most once).
    raised = np.empty(arc_mentor.shape[0], np.int64)
    queue = np.arange(n_mentors + 1)
    queued = np.ones(n_mentors, np.bool_)
    head, tail, size = 0, n_mentors % (n_mentors + 1), n_mentors
    limit = 50 * (n_mentors + 1) * (n_mentors + 1)
    pops = 0
    while size > 0:
        p = queue[head]
        head = (head + 1) % (n_mentors + 1)
        size -= 1
        queued[p] = False
        pops += 1
        if pops > limit:
            return np.zeros(0, np.int64)
        count = _raise_prices(
            p, first, members, arc_start, arc_mentor, arc_score, assigned_score, prices, raised
        )
        for q in range(count):
            j = raised[q]
            if not queued[j]:
                queued[j] = True
                if size > 0 and prices[j] > prices[queue[head]]:
                    # Largest label first: a mentor raised above the next in line goes
                    # before it (10-25 % fewer mentors taken at 100k, capacity 1).
                    head = (head - 1) % (n_mentors + 1)
                    queue[head] = j
                else:
                    queue[tail] = j
                    tail = (tail + 1) % (n_mentors + 1)
                size += 1
    return prices


@numba.njit(cache=True, nogil=True, inline="always")
def _raise_prices(
    p, first, members, arc_start, arc_mentor, arc_score, assigned_score, prices, raised
):
    """Mentor ``p``'s mentees raise the other mentors of their arcs to what ``p``'s price
    implies; the mentors raised go to ``raised`` (their number is returned)."""
    count = 0
    for m in range(first[p], first[p + 1]):
        i = members[m]
        base = prices[p] - assigned_score[i]
        for arc in range(arc_start[i], arc_start[i + 1]):
            j = arc_mentor[arc]
            candidate = base + arc_score[arc]
            if j != p and candidate > prices[j]:
                prices[j] = candidate
                raised[count] = j
                count += 1
    return count


@numba.njit(cache=True, nogil=True)
def _prices_by_hint(arc_start, arc_mentor, arc_score, assigned_score, first, members, prices, hint):
    """``mentor_prices``'s loop, mentors taken by largest ``prices - hint`` first (a heap of
    ``hint - prices``, stale entries skipped)."""
    n_mentors = prices.shape[0]
    raised = np.empty(arc_mentor.shape[0], np.int64)
    keys = np.empty(n_mentors + arc_mentor.shape[0] + 1, np.int64)
    nodes = np.empty(keys.shape[0], np.int64)
    size = 0
    for j in range(n_mentors):
        size = _heap_push(keys, nodes, size, hint[j] - prices[j], j)
    limit = 50 * (n_mentors + 1) * (n_mentors + 1)
    pops = 0
    while size > 0:
        key, p, size = _heap_pop(keys, nodes, size)
        if key != hint[p] - prices[p]:
            continue
        pops += 1
        if pops > limit:
            return np.zeros(0, np.int64)
        count = _raise_prices(
            p, first, members, arc_start, arc_mentor, arc_score, assigned_score, prices, raised
        )
        for q in range(count):
            j = raised[q]
            if size == keys.shape[0]:
                grown = np.empty(2 * size, np.int64)
                grown[:size] = keys
                keys = grown
                grown = np.empty(2 * size, np.int64)
                grown[:size] = nodes
                nodes = grown
            size = _heap_push(keys, nodes, size, hint[j] - prices[j], j)
    return prices


@numba.njit(cache=True, nogil=True)
def _heap_push(keys, nodes, size, key, node):
    position = size
    keys[position] = key
    nodes[position] = node
    while position > 0:
        parent = (position - 1) >> 1
        if keys[parent] <= keys[position]:
            break
        keys[parent], keys[position] = keys[position], keys[parent]
        nodes[parent], nodes[position] = nodes[position], nodes[parent]
        position = parent
    return size + 1


@numba.njit(cache=True, nogil=True)
def _heap_pop(keys, nodes, size):
    key, node = keys[0], nodes[0]
    size -= 1
    keys[0], nodes[0] = keys[size], nodes[size]
    position = 0
    while True:
        child = 2 * position + 1
        if child >= size:
            break
        if child + 1 < size and keys[child + 1] < keys[child]:
            child += 1
        if keys[position] <= keys[child]:
            break
        keys[child], keys[position] = keys[position], keys[child]
        nodes[child], nodes[position] = nodes[position], nodes[child]
        position = child
    return key, node, size


@numba.njit(cache=True, nogil=True)
def _add_edge(graph, edge, u, v, capacity, cost):
    """Edge ``edge`` from ``u`` to ``v``: residual edges ``2 * edge`` and its reverse."""
    tail, head, residual, costs = graph
    tail[2 * edge], head[2 * edge] = u, v
    tail[2 * edge + 1], head[2 * edge + 1] = v, u
    residual[2 * edge], residual[2 * edge + 1] = capacity, 0
    costs[2 * edge], costs[2 * edge + 1] = cost, -cost


@numba.njit(cache=True, nogil=True)
def repair_flow(arc_start, arc_mentor, arc_score, active, capacity, mentor_of, gain, price, big):
    """The optimal assignment on the arcs, repaired from a previous one instead of solved anew.

    The problem is a min-cost flow: source -> mentee (1, active mentees only) -> mentor (an arc,
    cost ``-(big + score)``) -> sink (the mentor's capacity), plus a source -> sink bypass for
    the mentees left unmatched, so that a flow of every active mentee always exists and the
    cheapest one matches the most mentees, then the highest total. ``mentor_of`` is any
    assignment within capacity along arcs; ``gain`` (per mentee) and ``price`` (per mentor)
    any integers, best the previous optimum's duals: they become node potentials (mentee
    ``gain``, mentor ``-price``, source and sink 0), under which an optimal flow has no
    residual arc of negative reduced cost.

    Successive shortest paths from that start (Ahuja, Magnanti and Orlin, re-optimisation):
    a mentee whose arcs a potential does not cover has its potential raised; every residual
    arc still negative is saturated, which leaves some nodes with excess and others short;
    then each unit of excess travels along a shortest path (Dijkstra on reduced costs, which
    stay non-negative) to the nearest node short of flow, and the potentials of the nodes
    settled are lowered by how much nearer they were than that node. A small change to the
    problem leaves a few units to move along short paths, where a solve from scratch moves
    every mentee.

    Returns (the arc each mentee is matched along, -1 unmatched; status: 0 optimal, 1 the
    start was over a mentor's capacity).
    """
    n = mentor_of.shape[0]
    m = capacity.shape[0]
    n_arcs = arc_mentor.shape[0]
    source = n + m
    sink = n + m + 1
    nodes = n + m + 2
    pairs = n + n_arcs + m + 1
    head = np.empty(2 * pairs, np.int64)
    tail = np.empty(2 * pairs, np.int64)
    residual = np.zeros(2 * pairs, np.int64)
    cost = np.zeros(2 * pairs, np.int64)
    result = np.full(n, -1, np.int64)

    graph = (tail, head, residual, cost)
    n_active = 0
    for i in range(n):
        _add_edge(graph, i, source, i, 1 if active[i] else 0, 0)
        n_active += 1 if active[i] else 0
    for i in range(n):
        for a in range(arc_start[i], arc_start[i + 1]):
            _add_edge(
                graph, n + a, i, n + arc_mentor[a], 1 if active[i] else 0, -(big + arc_score[a])
            )
    for j in range(m):
        _add_edge(graph, n + n_arcs + j, n + j, sink, capacity[j], 0)
    bypass = n + n_arcs + m
    _add_edge(graph, bypass, source, sink, n_active, 0)

    # The starting flow.
    load = np.zeros(m, np.int64)
    matched = 0
    for i in range(n):
        p = mentor_of[i]
        if p < 0 or not active[i]:
            continue
        for a in range(arc_start[i], arc_start[i + 1]):
            if arc_mentor[a] == p:
                e = 2 * (n + a)
                residual[e], residual[e + 1] = 0, 1
                residual[2 * i], residual[2 * i + 1] = 0, 1
                load[p] += 1
                matched += 1
                break
    for j in range(m):
        if load[j] > capacity[j]:
            return result, 1
        e = 2 * (n + n_arcs + j)
        residual[e], residual[e + 1] = capacity[j] - load[j], load[j]
    # The unmatched mentees' flow goes through the bypass.
    residual[2 * bypass], residual[2 * bypass + 1] = matched, n_active - matched

    # Adjacency (CSR of every residual edge by its tail).
    first = np.zeros(nodes + 1, np.int64)
    for e in range(2 * pairs):
        first[tail[e] + 1] += 1
    for x in range(nodes):
        first[x + 1] += first[x]
    fill = first[:-1].copy()
    edges = np.empty(2 * pairs, np.int64)
    for e in range(2 * pairs):
        edges[fill[tail[e]]] = e
        fill[tail[e]] += 1

    potential = np.zeros(nodes, np.int64)
    for i in range(n):
        potential[i] = gain[i]
    for j in range(m):
        potential[n + j] = -price[j]
    # Raise each mentee's potential to cover its unused arcs.
    for i in range(n):
        if not active[i]:
            continue
        for a in range(arc_start[i], arc_start[i + 1]):
            e = 2 * (n + a)
            if residual[e] > 0:
                need = potential[n + arc_mentor[a]] - cost[e]
                if need > potential[i]:
                    potential[i] = need
    # Saturate every residual edge still negative.
    excess = np.zeros(nodes, np.int64)
    for e in range(2 * pairs):
        r = residual[e]
        if r > 0 and cost[e] + potential[tail[e]] - potential[head[e]] < 0:
            residual[e] = 0
            residual[e ^ 1] += r
            excess[tail[e]] -= r
            excess[head[e]] += r

    infinity = np.int64(1) << np.int64(62)
    distance = np.full(nodes, infinity, np.int64)
    before = np.full(nodes, -1, np.int64)
    settled = np.zeros(nodes, np.bool_)
    touched = np.empty(nodes, np.int64)
    heap_keys = np.empty(2 * pairs + nodes, np.int64)
    heap_nodes = np.empty(2 * pairs + nodes, np.int64)
    for start in range(nodes):
        while excess[start] > 0:
            n_touched = 1
            touched[0] = start
            distance[start] = 0
            size = _heap_push(heap_keys, heap_nodes, 0, 0, start)
            target = -1
            reach = np.int64(0)
            while size > 0:
                d, u, size = _heap_pop(heap_keys, heap_nodes, size)
                if settled[u] or d > distance[u]:
                    continue
                settled[u] = True
                if excess[u] < 0:
                    target, reach = u, d
                    break
                for position in range(first[u], first[u + 1]):
                    e = edges[position]
                    if residual[e] == 0:
                        continue
                    v = head[e]
                    if settled[v]:
                        continue
                    candidate = d + cost[e] + potential[u] - potential[v]
                    if candidate < distance[v]:
                        if distance[v] == infinity:
                            touched[n_touched] = v
                            n_touched += 1
                        distance[v] = candidate
                        before[v] = e
                        size = _heap_push(heap_keys, heap_nodes, size, candidate, v)
            if target < 0:
                return result, 1
            # Nodes settled nearer than the target come nearer by the difference: every
            # residual edge keeps a non-negative reduced cost, and the path's become zero.
            for q in range(n_touched):
                x = touched[q]
                if settled[x]:
                    potential[x] += distance[x] - reach
            amount = min(excess[start], -excess[target])
            x = target
            while x != start:
                e = before[x]
                amount = min(amount, residual[e])
                x = tail[e]
            x = target
            while x != start:
                e = before[x]
                residual[e] -= amount
                residual[e ^ 1] += amount
                x = tail[e]
            excess[start] -= amount
            excess[target] += amount
            for q in range(n_touched):
                x = touched[q]
                distance[x] = infinity
                before[x] = -1
                settled[x] = False
    for i in range(n):
        for a in range(arc_start[i], arc_start[i + 1]):
            if active[i] and residual[2 * (n + a)] == 0:
                result[i] = a
    return result, 0


@numba.njit(cache=True, nogil=True)
def complete_matching(arc_start, arc_mentor, first_place, capacity, mentor_of, active):
    """Whether every ``active`` mentee can be matched along the arcs within capacity.

    Augmenting paths (Kuhn's depth-first search over places: mentor ``j`` holds places
    ``first_place[j]`` .. ``first_place[j] + capacity[j] - 1``) from ``mentor_of`` (any
    assignment within capacity along arcs, -1 unmatched; updated in place to the matching
    found). Each pass searches from every unmatched mentee, a place visited once in a pass is
    not searched again in it; passes repeat while one of them matches someone more. A pass
    that matches nobody has searched from every unmatched mentee over an unchanged matching,
    so no augmenting path is left: the matching is maximum. Starting from the previous
    round's assignment, a few passes over the arcs settle it. A mentee of the start over its
    mentor's capacity, or inactive, starts unmatched; pairs of the start must be arcs.
    Returns the number of active mentees left unmatched (0: complete).
    """
    n = mentor_of.shape[0]
    places = first_place[capacity.shape[0] - 1] + capacity[capacity.shape[0] - 1]
    owner = np.full(places, -1, np.int64)
    for i in range(n):
        j = mentor_of[i]
        if j < 0:
            continue
        if not active[i]:
            mentor_of[i] = -1
            continue
        taken = False
        for q in range(first_place[j], first_place[j] + capacity[j]):
            if owner[q] < 0:
                owner[q] = i
                taken = True
                break
        if not taken:
            mentor_of[i] = -1  # over capacity: this mentee starts unmatched
    seen = np.zeros(places, np.int64)
    stack_mentee = np.empty(places + 1, np.int64)
    stack_arc = np.empty(places + 1, np.int64)
    stack_place = np.empty(places + 1, np.int64)
    stamp = 0
    while True:
        stamp += 1
        augmented = 0
        unmatched = 0
        for root in range(n):
            if not active[root] or mentor_of[root] >= 0:
                continue
            depth = 0
            stack_mentee[0] = root
            stack_arc[0] = arc_start[root]
            free = -1
            while depth >= 0 and free < 0:
                w = stack_mentee[depth]
                a = stack_arc[depth]
                if a >= arc_start[w + 1]:
                    depth -= 1
                    continue
                j = arc_mentor[a]
                nxt = -1
                for q in range(first_place[j], first_place[j] + capacity[j]):
                    if owner[q] < 0:
                        free = q
                        break
                    if nxt < 0 and seen[q] != stamp:
                        nxt = q
                if free >= 0:
                    stack_place[depth] = free
                    break
                if nxt < 0:
                    stack_arc[depth] = a + 1
                    continue
                seen[nxt] = stamp
                stack_place[depth] = nxt
                depth += 1
                stack_mentee[depth] = owner[nxt]
                stack_arc[depth] = arc_start[owner[nxt]]
            if free < 0:
                unmatched += 1
                continue
            # Each mentee on the path takes the place it reached the next one through.
            for level in range(depth, -1, -1):
                q = stack_place[level]
                i = stack_mentee[level]
                owner[q] = i
                mentor_of[i] = arc_mentor[stack_arc[level]]
            augmented += 1
        if augmented == 0 or unmatched == 0:
            return unmatched
