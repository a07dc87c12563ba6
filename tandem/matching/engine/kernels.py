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
    # Goal vectors hold integers whose every partial sum is exact in float32 (see
    # scoring.quantise), so summing in any order, as fastmath allows, gives the same value.
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


@numba.njit(cache=True, nogil=True)
def fold_block(
    low_rank_dots,
    rows,
    slots,
    col_start,
    tables,
    mentee_vectors,
    mentor_vectors,
    mentee_residual,
    mentor_residual,
    top_scores,
    top_mentors,
    floor,
    shared,
):
    """Fold mentees ``rows`` against mentors ``col_start ...`` into their top-k lists.

    ``top_scores[slots[r]]`` is row ``r``'s unsorted list and ``floor`` its smallest score;
    ``shared`` holds, per list, the largest k-th score any thread has reached: a pair that
    does not beat it cannot be among the final k best. Each pair is first scored with an
    upper bound; only pairs whose bound beats the bar get an exact dot product and score. A
    list with no bar yet first takes the k pairs of best bound, which sets one.
    Returns (allowed pairs seen, exact dot products computed).
    """
    k = top_scores.shape[1]
    n_cols = low_rank_dots.shape[1]
    mentors = np.arange(col_start, col_start + n_cols)
    bounds = np.empty(n_cols, np.float32)
    picked = np.empty(n_cols, np.int64)
    picked_dots = np.empty(n_cols, np.float32)
    picked_scores = np.empty(n_cols, np.float32)
    allowed = 0
    exact = 0
    for r in range(rows.shape[0]):
        i, slot = rows[r], slots[r]
        score_row(
            low_rank_dots[r], i, mentors, tables, bounds, True, mentee_residual, mentor_residual
        )
        row_allowed = 0
        for c in range(n_cols):
            row_allowed += bounds[c] != NEG_INF
        allowed += row_allowed
        for phase in range(2):
            bar = max(floor[slot], shared[slot])
            if phase == 0:
                if bar != NEG_INF or row_allowed == 0:
                    continue
                # No bar yet: score the k pairs of best bound first (a running selection).
                count = 0
                weakest = 0
                for c in range(n_cols):
                    bound = bounds[c]
                    if bound == NEG_INF:
                        continue
                    if count < k:
                        picked[count] = c
                        count += 1
                    elif bound > bounds[picked[weakest]]:
                        picked[weakest] = c
                    else:
                        continue
                    if count == k:
                        weakest = 0
                        for q in range(1, k):
                            if bounds[picked[q]] < bounds[picked[weakest]]:
                                weakest = q
                for q in range(count):
                    bounds[picked[q]] = NEG_INF  # scored now, not again in phase 1
                    picked[q] = mentors[picked[q]]
            else:
                count = 0
                for c in range(n_cols):
                    if bounds[c] > bar:
                        picked[count] = mentors[c]
                        count += 1
            if count == 0:
                continue
            exact += count
            for q in range(count):
                picked_dots[q] = _exact_dot(mentee_vectors[i], mentor_vectors[picked[q]])
            score_row(
                picked_dots[:count],
                i,
                picked[:count],
                tables,
                picked_scores[:count],
                False,
                mentee_residual,
                mentor_residual,
            )
            lowest = floor[slot]
            for q in range(count):
                score = picked_scores[q]
                if score <= bar:
                    continue
                worst = 0
                for position in range(1, k):
                    if top_scores[slot, position] < top_scores[slot, worst]:
                        worst = position
                top_scores[slot, worst] = score
                top_mentors[slot, worst] = picked[q]
                lowest = top_scores[slot, 0]
                for position in range(1, k):
                    lowest = min(lowest, top_scores[slot, position])
                bar = max(lowest, shared[slot])
            floor[slot] = lowest
            # A race here can only leave a smaller (still valid) value: each write is some
            # thread's true k-th score at that moment.
            if lowest > shared[slot]:
                shared[slot] = lowest
    return allowed, exact
