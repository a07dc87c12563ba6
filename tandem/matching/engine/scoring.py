"""Criteria, hard rules and candidate generation.

``Context`` compiles a pool into arrays. ``score_block`` scores a block of (mentee, mentor) pairs
and marks pairs a hard rule forbids with ``-inf``. ``stream_top_candidates`` walks the pool in
blocks chosen so that most forbidden pairs are never scored (mentors are grouped by meeting
mode, French and postal area; in-person pairs only look at mentors nearby) and keeps each
mentee's best candidates, never the dense matrix.
"""

from __future__ import annotations

import contextlib
import math
import os
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import kernels
from .model import SLOTS, Participant, Pool, Rule, WeightProfile
from .reference import fsas, naics_path, noc_unit_groups

Progress = Callable[[str, int, int], None]

EITHER, IN_PERSON, VIRTUAL = 0, 1, 2
MODE_CODES = {"either": EITHER, "in_person": IN_PERSON, "virtual": VIRTUAL}
ALL_SLOTS = (1 << len(SLOTS)) - 1
SLOT_BITS = {slot: 1 << position for position, slot in enumerate(SLOTS)}
EARTH_RADIUS_KM = 6371.0088
NEG_INF = np.float32(-np.inf)


def great_circle_km(lat1, lon1, lat2, lon2):
    """Haversine distance; works on floats and on broadcast numpy arrays."""
    lat1, lon1, lat2, lon2 = (np.radians(x) for x in (lat1, lon1, lat2, lon2))
    h = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def availability_mask(slots: Iterable[str]) -> int:
    mask = 0
    for slot in slots:
        mask |= SLOT_BITS[slot]
    return mask or ALL_SLOTS


@dataclass
class Side:
    """One side of the pool (mentees or mentors) as arrays, in the pool's order."""

    people: tuple[Participant, ...]
    noc: np.ndarray  # index into noc_unit_groups()
    naics: np.ndarray  # index into Context.naics_codes, 0 = unknown
    languages: np.ndarray  # (n, words) uint64 bit sets
    speaks_en: np.ndarray
    speaks_fr: np.ndarray
    prefers_fr: np.ndarray
    speaks_preferred: np.ndarray
    mode: np.ndarray
    fsa: np.ndarray  # index into Context.fsa_codes, 0 = unknown
    availability: np.ndarray  # uint32 masks, empty means every slot
    inverse_slot_count: np.ndarray
    experience: np.ndarray  # criterion value in [0, 1]
    capacity: np.ndarray
    embeddings: np.ndarray  # (n, d) int16 goal vectors (see quantise), zero rows for empty goals


@dataclass
class Context:
    """A pool compiled for scoring.

    Mentors are stored in blocking order (meeting mode, French, postal area by longitude) so
    that the mentors a group of mentees may meet are contiguous runs; every mentor index in a
    context is a blocking position, and ``mentor_pool_index`` maps it back to the pool.
    """

    pool: Pool
    weights: WeightProfile
    shares: dict[str, float]
    goal_baseline: float
    mentees: Side
    mentors: Side
    naics_codes: tuple[str | None, ...]
    fsa_codes: tuple[str | None, ...]
    occupation_table: np.ndarray  # raw values [0, 1]
    industry_table: np.ndarray
    distance_km: np.ndarray  # between fsa indices; row/col 0 unknown (0 km, never used)
    proximity_table: np.ndarray
    language_table: np.ndarray  # [mentee prefers fr, mentor state] -> value, nan = forbidden
    mentor_pool_index: np.ndarray
    mentor_position: np.ndarray
    excluded: dict[int, set[int]] = field(default_factory=dict)
    weighted: dict[str, np.ndarray] = field(default_factory=dict)
    kernel_tables: tuple = ()  # the arrays the kernels read, in kernels.TABLE_FIELDS order
    goal_bounds: GoalBounds | None = None

    @property
    def n_mentees(self) -> int:
        return len(self.mentees.people)

    @property
    def n_mentors(self) -> int:
        return len(self.mentors.people)


def _language_bits(pool: Pool) -> dict[str, int]:
    codes = sorted({code for p in (*pool.mentees, *pool.mentors) for code in p.languages})
    return {code: position for position, code in enumerate(codes)}


def _side(
    people: tuple[Participant, ...],
    embeddings: np.ndarray,
    language_bits: dict[str, int],
    naics_index: dict[str | None, int],
    fsa_index: dict[str | None, int],
    weights: WeightProfile,
) -> Side:
    n = len(people)
    unit_index = {code: i for i, code in enumerate(noc_unit_groups())}
    words = max(1, math.ceil(len(language_bits) / 64))
    languages = np.zeros((n, words), np.uint64)
    for row, person in enumerate(people):
        for code in person.languages:
            bit = language_bits[code]
            languages[row, bit // 64] |= np.uint64(1 << (bit % 64))
    availability = np.array([availability_mask(p.availability) for p in people], np.uint32)
    counts = np.bitwise_count(availability).astype(np.float32) if n else np.zeros(0, np.float32)
    years = np.array(
        [p.years_experience if p.years_experience is not None else 0.0 for p in people],
        np.float32,
    )
    return Side(
        people=people,
        noc=np.array([unit_index[p.noc_code] for p in people], np.int32),
        naics=np.array([naics_index[p.naics_code] for p in people], np.int32),
        languages=languages,
        speaks_en=np.array(["en" in p.languages for p in people], bool),
        speaks_fr=np.array(["fr" in p.languages for p in people], bool),
        prefers_fr=np.array([p.preferred_language == "fr" for p in people], bool),
        speaks_preferred=np.array([p.preferred_language in p.languages for p in people], bool),
        mode=np.array([MODE_CODES[p.meeting_mode] for p in people], np.int8),
        fsa=np.array([fsa_index[p.fsa] for p in people], np.int32),
        availability=availability,
        inverse_slot_count=(1.0 / np.maximum(counts, 1)).astype(np.float32),
        experience=np.clip(years / weights.experience_full_years, 0, 1).astype(np.float32),
        capacity=np.array([p.capacity for p in people], np.int64),
        embeddings=embeddings.reshape(n, embeddings.shape[1] if embeddings.ndim == 2 else 0),
    )


def build_context(
    pool: Pool,
    weights: WeightProfile,
    mentee_embeddings: np.ndarray,
    mentor_embeddings: np.ndarray,
    goal_baseline: float,
    *,
    exclusions: Iterable[tuple[int, int]] = (),
    goal_basis: np.ndarray | None = None,
) -> Context:
    """Compile ``pool``; embeddings are row-aligned with ``pool.mentees`` / ``pool.mentors``.

    ``exclusions`` are (mentee pool index, mentor pool index) pairs. ``goal_basis``: the goal
    bound's basis to use instead of fitting one (a pool changed a little keeps its own).
    """
    everyone = (*pool.mentees, *pool.mentors)
    language_bits = _language_bits(pool)

    naics_codes: list[str | None] = [
        None,
        *sorted({p.naics_code for p in everyone if p.naics_code}),
    ]
    naics_index = {code: i for i, code in enumerate(naics_codes)}

    reference = fsas()
    used = {p.fsa for p in everyone if p.fsa}
    # Ordering areas by longitude puts neighbours next to each other, so that the mentors near
    # an in-person mentee form a short run in the blocking order.
    by_longitude = sorted(used, key=lambda code: (reference[code].longitude, code))
    fsa_codes: list[str | None] = [None, *by_longitude]
    fsa_index = {code: i for i, code in enumerate(fsa_codes)}

    units = noc_unit_groups()
    codes = np.array([[int(ch) for ch in code] for code in units], np.int8)
    prefix = np.zeros((len(units), len(units)), np.float32)
    same = np.ones((len(units), len(units)), bool)
    for digit in range(5):
        same &= codes[:, None, digit] == codes[None, :, digit]
        prefix += same
    occupation_table = prefix / 5.0

    # Each code as its path of classes from the sector down, -1 below its own level.
    levels = np.full((len(naics_codes), 5), -1, np.int64)
    class_ids: dict[str, int] = {}
    for row, code in enumerate(naics_codes):
        for depth, name in enumerate(naics_path(code) if code else ()):
            levels[row, depth] = class_ids.setdefault(name, len(class_ids))
    industry_table = np.zeros((len(naics_codes), len(naics_codes)), np.float32)
    same = np.ones((len(naics_codes), len(naics_codes)), bool)
    for depth in range(5):
        same &= (levels[:, None, depth] == levels[None, :, depth]) & (levels[:, None, depth] >= 0)
        industry_table += same
    industry_table /= 5.0
    industry_table[0, :] = industry_table[:, 0] = 0.0

    latitudes = np.array([reference[c].latitude if c else 0.0 for c in fsa_codes])
    longitudes = np.array([reference[c].longitude if c else 0.0 for c in fsa_codes])
    distance_km = great_circle_km(
        latitudes[:, None], longitudes[:, None], latitudes[None, :], longitudes[None, :]
    ).astype(np.float32)
    distance_km[0, :] = distance_km[:, 0] = 0.0
    proximity_table = np.clip(1.0 - distance_km / weights.distance_scale_km, 0.0, 1.0)
    proximity_table[0, :] = proximity_table[:, 0] = 0.0

    # Mentor state = speaks_en + 2 * speaks_fr + 4 * prefers_fr. NaN marks "forbidden": a
    # French-preferring mentee needs a French-speaking mentor whatever else they share.
    language_table = np.zeros((2, 8), np.float32)
    for prefers_fr in (0, 1):
        for state in range(8):
            speaks_preferred = bool(state & (2 if prefers_fr else 1))
            same_preference = prefers_fr == (state >> 2) & 1
            if speaks_preferred:
                language_table[prefers_fr, state] = 1.0 if same_preference else 0.5
            elif prefers_fr:
                language_table[prefers_fr, state] = np.nan

    mentees = _side(
        pool.mentees, quantise(mentee_embeddings), language_bits, naics_index, fsa_index, weights
    )
    key = np.array(
        [MODE_CODES[p.meeting_mode] * 2 + ("fr" in p.languages) for p in pool.mentors], np.int64
    )
    mentor_fsa = np.array([fsa_index[p.fsa] for p in pool.mentors], np.int64)
    order = np.lexsort((np.arange(len(pool.mentors)), mentor_fsa, key)).astype(np.int64)
    position = np.empty_like(order)
    position[order] = np.arange(len(order))
    mentor_vectors = quantise(mentor_embeddings, order)
    mentors = _side(
        tuple(pool.mentors[o] for o in order.tolist()),
        mentor_vectors,
        language_bits,
        naics_index,
        fsa_index,
        weights,
    )
    excluded: dict[int, set[int]] = {}
    for i, j in exclusions:
        excluded.setdefault(int(i), set()).add(int(position[j]))
    context = Context(
        pool=pool,
        weights=weights,
        shares=weights.normalized(),
        goal_baseline=goal_baseline,
        mentees=mentees,
        mentors=mentors,
        naics_codes=tuple(naics_codes),
        fsa_codes=tuple(fsa_codes),
        occupation_table=occupation_table,
        industry_table=industry_table,
        distance_km=distance_km,
        proximity_table=proximity_table.astype(np.float32),
        language_table=language_table,
        mentor_pool_index=order,
        mentor_position=position,
        excluded=excluded,
    )
    _prepare_weighted(context)
    context.goal_bounds = GoalBounds.fit(mentees.embeddings, mentors.embeddings, basis=goal_basis)
    return context


@dataclass
class GoalBounds:
    """A cheap upper bound of every goal dot product, so that most are never computed.

    With a basis of orthonormal rows, a vector splits into its projection ``basis @ v`` and a
    residual orthogonal to the basis, so ``a . b <= (basis @ a) . (basis @ b) + |res a| |res b|``
    (Cauchy-Schwarz on the residuals). The basis is the pool's leading principal directions:
    at rank 32 the bound beats a mentee's k-th score for 1.6 % of allowed pairs at 100k. Any basis
    gives a true bound; a poor one only computes more exact products.
    """

    mentee_low: np.ndarray  # (n_mentees, rank) float32
    mentor_low: np.ndarray  # (n_mentors, rank) float32
    mentee_residual: np.ndarray  # (n_mentees,) float32, rounded up
    mentor_residual: np.ndarray
    basis: np.ndarray  # (rank, dimension) orthonormal rows

    RANK = 32
    SAMPLE = 8192

    @classmethod
    def fit(
        cls,
        mentee_vectors: np.ndarray,
        mentor_vectors: np.ndarray,
        *,
        rank: int = RANK,
        basis: np.ndarray | None = None,
    ) -> GoalBounds:
        """The bound with the pool's leading directions, or with ``basis`` when given (any
        orthonormal rows give a true bound)."""
        dimension = mentee_vectors.shape[1]
        rank = min(rank, dimension)
        everyone = (mentee_vectors, mentor_vectors)
        total = sum(len(v) for v in everyone)
        if basis is not None:
            pass
        elif rank == 0 or total == 0:
            basis = np.zeros((0, dimension))
        else:
            step = max(1, total // cls.SAMPLE)
            sample = np.concatenate([v[::step] for v in everyone]).astype(np.float64)
            basis = _leading_directions(sample, rank)
        # One BLAS thread: on a busy machine BLAS's own threads made these products (10 ms of
        # work at 5,000 x 5,000) take 1-2 s, spinning (profiled in a desk re-run).
        with _single_threaded_blas():
            sides = [cls._project(v, basis) for v in everyone]
        return cls(sides[0][0], sides[1][0], sides[0][1], sides[1][1], basis)

    @staticmethod
    def _project(vectors: np.ndarray, basis: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        low = np.empty((len(vectors), len(basis)), np.float32)
        residual = np.empty(len(vectors), np.float32)
        for start in range(0, len(vectors), 8192):
            chunk = vectors[start : start + 8192].astype(np.float64)
            projected = chunk @ basis.T
            squared = np.maximum(
                (chunk * chunk).sum(axis=1) - (projected * projected).sum(axis=1), 0
            )
            low[start : start + 8192] = projected
            residual[start : start + 8192] = np.nextafter(
                np.sqrt(squared).astype(np.float32), np.float32(np.inf)
            )
        return low, residual


def _leading_directions(sample: np.ndarray, rank: int) -> np.ndarray:
    """Orthonormal rows spanning (nearly) the ``rank`` leading principal directions.

    A randomised subspace iteration (three power steps on a fixed random start, then the
    eigenvectors of the small projected matrix): a few products of 512 x 40, where LAPACK's
    partial eigensolver took 0.2-2 s on a busy machine, most of a small pool's set-up. Only
    orthonormality matters for the bound's correctness; a slightly worse basis only costs
    some exact products. One BLAS thread: the matrices are small and spinning BLAS threads
    are what made the eigensolver slow under load.
    """
    with _single_threaded_blas():
        gram = sample.T @ sample
        dimension = gram.shape[0]
        start = np.random.default_rng(0).standard_normal((dimension, min(dimension, rank + 8)))
        basis, _ = np.linalg.qr(gram @ start)
        for _ in range(3):
            basis, _ = np.linalg.qr(gram @ basis)
        values, vectors = np.linalg.eigh(basis.T @ gram @ basis)
        leading = vectors[:, np.argsort(values)[::-1][:rank]]
        return (basis @ leading).T.copy()


def _prepare_weighted(context: Context) -> None:
    """Tables pre-multiplied by the weights, with -inf folded in for forbidden cells."""
    w = context.shares
    language = context.language_table * w["language"]
    language[np.isnan(language)] = -np.inf
    far = context.distance_km > context.weights.distance_limit_km
    local = context.proximity_table * w["distance"]
    local[far] = -np.inf
    mentors = context.mentors
    floor = context.goal_baseline
    goal_scale = w["goals"] / (1.0 - floor)
    experience = (mentors.experience * w["experience"]).astype(np.float32)
    language_state = (
        mentors.speaks_en.astype(np.int8)
        + 2 * mentors.speaks_fr.astype(np.int8)
        + 4 * mentors.prefers_fr.astype(np.int8)
    )
    language_experience = np.stack(
        [
            language[prefers_fr][language_state].astype(np.float32)
            + experience
            - np.float32(floor * goal_scale)
            for prefers_fr in (0, 1)
        ]
    ).astype(np.float32)
    steps = np.arange(len(SLOTS) + 1, dtype=np.float32) * np.float32(w["availability"])
    steps[0] = -np.inf
    context.weighted = {"mentor_language_state": language_state}
    mentees = context.mentees
    excluded_keys = np.array(
        sorted(i * context.n_mentors + j for i, js in context.excluded.items() for j in js),
        np.int64,
    )
    has_exclusions = np.zeros(context.n_mentees, bool)
    has_exclusions[list(context.excluded)] = True
    tables = {
        "mentee_noc": mentees.noc,
        "mentee_naics": mentees.naics,
        "mentee_prefers_fr": mentees.prefers_fr.astype(np.int64),
        "mentee_mode": mentees.mode,
        "mentee_fsa": mentees.fsa,
        "mentee_availability": mentees.availability.astype(np.int64),
        "mentee_inverse_slots": mentees.inverse_slot_count,
        "mentee_languages": mentees.languages,
        "mentee_has_exclusions": has_exclusions,
        "mentor_noc": mentors.noc,
        "mentor_naics": mentors.naics,
        "mentor_mode": mentors.mode,
        "mentor_fsa": mentors.fsa,
        "mentor_availability": mentors.availability.astype(np.int64),
        "mentor_inverse_slots": mentors.inverse_slot_count,
        "mentor_languages": mentors.languages,
        "occupation": (context.occupation_table * w["occupation"]).astype(np.float32),
        "industry": (context.industry_table * w["industry"]).astype(np.float32),
        "language_experience": np.ascontiguousarray(language_experience),
        "proximity_local": local.astype(np.float32),
        "proximity_open": (context.proximity_table * w["distance"]).astype(np.float32),
        "availability_steps": steps,
        "goal_floor": np.float32(context.goal_baseline * QUANTUM**2),
        "goal_scale": np.float32(goal_scale / QUANTUM**2),
        "excluded_keys": excluded_keys,
        "n_mentors": np.int64(context.n_mentors),
    }
    context.kernel_tables = tuple(tables[name] for name in kernels.TABLE_FIELDS)


# ---------------------------------------------------------------------------------------------
# Scoring a block


def score_block(context: Context, rows: np.ndarray, cols: np.ndarray | slice) -> np.ndarray:
    """Scores of mentees ``rows`` against mentors ``cols``, ``-inf`` where a rule forbids."""
    rows = np.asarray(rows, np.int64)
    mentor_ids = np.arange(context.n_mentors)[cols] if isinstance(cols, slice) else cols
    mentor_ids = np.asarray(mentor_ids, np.int64)
    dots = _goal_dots(context, rows, cols)
    scores = np.empty((len(rows), len(mentor_ids)), np.float32)
    kernels.fill_block(dots, rows, mentor_ids, context.kernel_tables, scores)
    return scores


def score_pairs(context: Context, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Scores of the pairs (i[k], j[k]), bit for bit what ``score_block`` gives them.

    Both call the same compiled ``pair_score``, and goal dot products are exact (see
    ``quantise``), so a pair's score never depends on the block it was computed in.
    Forbidden pairs get ``-inf``.
    """
    i = np.asarray(i, np.int64)
    j = np.asarray(j, np.int64)
    scores = np.empty(len(i), np.float32)
    kernels.fill_pairs(_pair_dots(context, i, j), i, j, context.kernel_tables, scores)
    return scores


def _pair_dots(context: Context, i: np.ndarray, j: np.ndarray, chunk: int = 4096) -> np.ndarray:
    """Goal dot products of the pairs (i[k], j[k]), a few thousand at a time: gathering the
    vectors of 100k pairs at once held 400 MB."""
    mentees, mentors = context.mentees, context.mentors
    dots = np.zeros(len(i), np.float32)
    if mentees.embeddings.shape[1]:
        for start in range(0, len(i), chunk):
            stop = start + chunk
            dots[start:stop] = np.einsum(
                "kd,kd->k",
                mentees.embeddings[i[start:stop]].astype(np.float32),
                mentors.embeddings[j[start:stop]].astype(np.float32),
            )
    return dots


def _goal_dots(context: Context, rows: np.ndarray, cols: np.ndarray | slice) -> np.ndarray:
    mentees, mentors = context.mentees, context.mentors
    if not mentees.embeddings.shape[1]:
        count = len(np.arange(context.n_mentors)[cols]) if isinstance(cols, slice) else len(cols)
        return np.zeros((len(rows), count), np.float32)
    # Exact in float32 whatever order BLAS adds in (see quantise).
    return (
        mentees.embeddings[rows].astype(np.float32) @ mentors.embeddings[cols].astype(np.float32).T
    )


# Goal vectors are stored as integers scaled by 2**11 and truncated toward zero, so their
# length stays at most 2**11: every product is an integer below 2**22 and every partial sum
# stays below 2**24, so float32 dot products are exact whatever order BLAS adds them in, and a
# cosine never exceeds 1. Each coordinate is at most 2**11 in size, so they are kept as int16:
# half the memory of float32 (0.2 GB at 100k x 100k), converted to float32 a block at a time.
QUANTUM = 2.0**11


def quantise(vectors: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
    """``vectors`` (or those ``rows`` of them, in that order) as int16 integers over QUANTUM.
    A few thousand rows at a time: a float32 temporary of every vector was 0.2 GB at 100k."""
    count = len(vectors) if rows is None else len(rows)
    shape = (count, *np.shape(vectors)[1:])
    result = np.empty(shape, np.int16)
    for start in range(0, count, 8192):
        stop = min(count, start + 8192)
        chunk = vectors[start:stop] if rows is None else vectors[rows[start:stop]]
        result[start:stop] = np.trunc(np.multiply(chunk, np.float32(QUANTUM), dtype=np.float32))
    return result


# ---------------------------------------------------------------------------------------------
# Criteria of single pairs (explanations, the --pairs file)


def pair_criteria(context: Context, i: np.ndarray, j: np.ndarray) -> dict[str, np.ndarray]:
    """Raw criterion values in [0, 1] for the pairs (i[k], j[k])."""
    mentees, mentors = context.mentees, context.mentors
    i = np.asarray(i, np.int64)
    j = np.asarray(j, np.int64)
    if mentees.embeddings.shape[1]:
        cosine = _pair_dots(context, i, j).astype(np.float64) / QUANTUM**2
        floor = context.goal_baseline
        goals = np.clip((cosine - floor) / (1.0 - floor), 0.0, 1.0)
    else:
        goals = np.zeros(len(i), np.float32)
    state = context.weighted["mentor_language_state"][j]
    language = np.nan_to_num(context.language_table[mentees.prefers_fr[i].astype(np.int8), state])
    overlap = np.bitwise_count(mentees.availability[i] & mentors.availability[j])
    availability = overlap * np.maximum(
        mentees.inverse_slot_count[i], mentors.inverse_slot_count[j]
    )
    return {
        "occupation": context.occupation_table[mentees.noc[i], mentors.noc[j]],
        "industry": context.industry_table[mentees.naics[i], mentors.naics[j]],
        "goals": goals.astype(np.float32),
        "language": language.astype(np.float32),
        "distance": context.proximity_table[mentees.fsa[i], mentors.fsa[j]],
        "availability": np.minimum(availability, 1.0).astype(np.float32),
        "experience": mentors.experience[j],
    }


def broken_rules(context: Context, i: int, j: int) -> list[Rule]:
    """Every hard rule (and staff exclusion) that forbids the pair, in a fixed order."""
    mentee = context.mentees.people[i]
    mentor = context.mentors.people[j]
    rules: list[Rule] = []
    if mentee.preferred_language == "fr" and "fr" not in mentor.languages:
        rules.append(Rule.MENTOR_NO_FRENCH)
    if not mentee.languages & mentor.languages:
        rules.append(Rule.NO_SHARED_LANGUAGE)
    if not context.mentees.availability[i] & context.mentors.availability[j]:
        rules.append(Rule.NO_SHARED_SLOT)
    modes = {mentee.meeting_mode, mentor.meeting_mode}
    if modes == {"in_person", "virtual"}:
        rules.append(Rule.MODE_MISMATCH)
    elif "in_person" in modes and mentee.fsa and mentor.fsa:
        km = context.distance_km[context.mentees.fsa[i], context.mentors.fsa[j]]
        if km > context.weights.distance_limit_km:
            rules.append(Rule.TOO_FAR)
    if j in context.excluded.get(i, ()):
        rules.append(Rule.EXCLUDED)
    return rules


# ---------------------------------------------------------------------------------------------
# Blocking and streaming top-k


def make_blocks(
    context: Context, mentee_rows: np.ndarray
) -> list[tuple[np.ndarray, list[tuple[int, int]]]]:
    """Group mentees so that each group scores only runs of mentors a hard rule allows.

    Meeting mode and the French rule are decided per group of mentors; the distance limit
    narrows in-person pairs to the run of postal areas (ordered by longitude) within reach.
    Availability and other languages are checked pair by pair inside the block.
    """
    mentors, mentees = context.mentors, context.mentees
    sorted_key = mentors.mode.astype(np.int64) * 2 + mentors.speaks_fr.astype(np.int64)
    sorted_fsa = mentors.fsa
    segments: dict[tuple[int, int], tuple[int, int]] = {}
    for mode in (EITHER, IN_PERSON, VIRTUAL):
        for fr in (0, 1):
            k = mode * 2 + fr
            lo = int(np.searchsorted(sorted_key, k, "left"))
            hi = int(np.searchsorted(sorted_key, k, "right"))
            if hi > lo:
                segments[(mode, fr)] = (lo, hi)

    limit = context.weights.distance_limit_km
    near_cache: dict[int, np.ndarray] = {}

    def near(fsa: int) -> np.ndarray:
        if fsa not in near_cache:
            reach = context.distance_km[fsa] <= limit
            reach[0] = False
            near_cache[fsa] = np.nonzero(reach)[0]
        return near_cache[fsa]

    compatible = {VIRTUAL: (VIRTUAL, EITHER), IN_PERSON: (IN_PERSON, EITHER), EITHER: (0, 1, 2)}
    groups: dict[tuple, list[np.ndarray]] = {}
    runs_of: dict[tuple, list[tuple[int, int]]] = {}
    # The runs depend only on a mentee's (mode, French rule, postal area): work them out once
    # per distinct triple (the pricing rounds pass tens of thousands of mentees at a time).
    keys = (mentees.mode[mentee_rows].astype(np.int64) * 2 + mentees.prefers_fr[mentee_rows]) * len(
        context.fsa_codes
    ) + mentees.fsa[mentee_rows]
    distinct, first_seen, inverse = np.unique(keys, return_index=True, return_inverse=True)
    by_key = np.argsort(inverse, kind="stable")
    starts = np.searchsorted(inverse[by_key], np.arange(len(distinct) + 1))
    for key in np.argsort(first_seen).tolist():
        positions = by_key[starts[key] : starts[key + 1]]
        row = int(mentee_rows[positions[0]])
        mode = int(mentees.mode[row])
        french_only = bool(mentees.prefers_fr[row])
        fsa = int(mentees.fsa[row])
        for mentor_mode in compatible[mode]:
            for fr in (1,) if french_only else (0, 1):
                if (mentor_mode, fr) not in segments:
                    continue
                lo, hi = segments[(mentor_mode, fr)]
                is_local = IN_PERSON in (mode, mentor_mode)
                if not is_local or fsa == 0:
                    unit: tuple[Any, ...] = (mentor_mode, fr, is_local, ())
                    runs_of.setdefault(unit, [(lo, hi)])
                else:
                    reach = near(fsa)
                    unknown_end = lo + int(np.searchsorted(sorted_fsa[lo:hi], 1, "left"))
                    runs = [(lo, unknown_end)] if unknown_end > lo else []
                    first = lo + int(np.searchsorted(sorted_fsa[lo:hi], reach[0], "left"))
                    last = lo + int(np.searchsorted(sorted_fsa[lo:hi], reach[-1], "right"))
                    if last > first:
                        if runs and runs[0][1] == first:
                            runs = [(lo, last)]
                        else:
                            runs.append((first, last))
                    if not runs:
                        continue
                    unit = (mentor_mode, fr, True, tuple(runs))
                    runs_of.setdefault(unit, runs)
                groups.setdefault(unit, []).append(positions)
    # Rows keep the order they were given in.
    return [
        (mentee_rows[np.sort(np.concatenate(parts))].astype(np.int64), runs_of[unit])
        for unit, parts in groups.items()
    ]


@dataclass
class TopCandidates:
    """The best mentors (blocking positions) of the requested mentees, best first, one row per
    requested mentee; -1 / -inf pad short lists."""

    scores: np.ndarray  # (n_mentees, k) float32, or float64 reduced gains when priced
    mentors: np.ndarray  # (n_mentees, k) int64
    pairs_scored: int  # pairs the blocking let through, each checked against every rule
    pairs_allowed: int
    exact_goal_products: int  # pairs whose bound beat the bar: exact goal product computed

    def count(self) -> np.ndarray:
        return np.isfinite(self.scores).sum(axis=1)


def stream_top_candidates(
    context: Context,
    k: int,
    *,
    mentee_rows: np.ndarray | None = None,
    row_chunk: int = 128,
    col_chunk: int = 4096,
    workers: int | None = None,
    progress: Progress | None = None,
    prices: np.ndarray | None = None,
    thresholds: np.ndarray | None = None,
    ceilings: np.ndarray | None = None,
    price_drop: np.ndarray | None = None,
    slack: np.ndarray | None = None,
) -> TopCandidates:
    """The ``k`` best allowed mentors of each mentee in ``mentee_rows`` (default: everyone),
    row ``r`` of the result for mentee ``mentee_rows[r]``.

    With ``prices`` (integer units per mentor, see ``solver.SCALE``) mentors are ranked by
    reduced gain, ``round(score * SCALE) - price``, and ``scores`` holds those gains (float64,
    exact integers). This is the solver's pricing: ``thresholds`` (one per requested mentee)
    keeps only gains above it, and ``ceilings`` (one per requested mentee) says that only
    pairs scoring at most that much are wanted (the others are already in the graph).
    A mentee then needs only the mentors priced below its ceiling less its threshold, and
    each run of mentors is walked in price order up to the largest such limit of a chunk.
    With ``price_drop`` (per mentor) and ``slack`` (per requested mentee), a mentee needs
    only the mentors whose price dropped by more than its slack (what an earlier scan proved
    covers the others, see ``solver._ScanRecords``).

    Never holds more than one block of scores per worker. With several workers, each thread
    keeps its own lists (a mentee appears in several groups of blocks) and the lists are
    merged at the end.
    """
    if mentee_rows is None:
        mentee_rows = np.arange(context.n_mentees)
    mentee_rows = np.asarray(mentee_rows, np.int64)
    # Lists are kept for the requested rows only (slot = position in ``mentee_rows``): the
    # certificate asks for long lists for a few mentees, never for everyone.
    slot = np.full(context.n_mentees, -1, np.int64)
    slot[mentee_rows] = np.arange(len(mentee_rows))
    units = make_blocks(context, mentee_rows)
    priced = prices is not None
    row_slack = np.full(len(mentee_rows), -np.inf)
    if priced:
        mentor_prices = np.asarray(prices, np.float64)
        limit = np.full(len(mentee_rows), np.inf)
        if thresholds is not None and ceilings is not None:
            limit = np.asarray(ceilings, np.float64) - np.asarray(thresholds, np.float64)
        # Chunks of mentees with similar limits; each run of mentors in price order. A scan
        # of price drops walks, for a whole chunk, the mentors whose price dropped by more
        # than the chunk's least slack: there, chunks of similar slacks (at 40k x 40k,
        # capacity 1, the last rounds walked ~1,300 mentors per mentee for a few pairs).
        sort_key = -limit if price_drop is None or slack is None else np.asarray(slack, float)
        units = [
            (rows[np.argsort(sort_key[slot[rows]], kind="stable")], runs) for rows, runs in units
        ]
        wanted_mentors = np.ones(context.n_mentors, bool)
        if price_drop is not None and slack is not None:
            row_slack = np.asarray(slack, np.float64)
            wanted_mentors = np.asarray(price_drop) > row_slack.min(initial=np.inf)
        in_price_order = {}
        for _, runs in units:
            for lo, hi in runs:
                if (lo, hi) not in in_price_order:
                    members = lo + np.nonzero(wanted_mentors[lo:hi])[0]
                    in_price_order[(lo, hi)] = members[
                        np.argsort(mentor_prices[members], kind="stable")
                    ]
        sorted_prices = {run: mentor_prices[order] for run, order in in_price_order.items()}
    else:
        mentor_prices = np.zeros(0, np.float64)
    list_ceilings = (
        np.asarray(ceilings, np.float64)
        if priced and ceilings is not None
        else np.full(len(mentee_rows) if priced else 0, np.inf)
    )
    tasks = [
        (rows[start : start + row_chunk], runs)
        # Bigger groups first, so that the threads finish together.
        for rows, runs in sorted(units, key=lambda u: -len(u[0]))
        for start in range(0, len(rows), row_chunk)
    ]
    total_work = sum(len(chunk) * sum(hi - lo for lo, hi in runs) for chunk, runs in tasks)
    if workers is None:
        workers = min(2, os.cpu_count() or 1)
    workers = max(1, min(workers, len(tasks)))
    lock = threading.Lock()
    done = [0]
    if progress is not None:
        progress("scoring", 0, total_work)
    # Per list, the largest k-th key any worker has reached (or the caller's threshold): the
    # bar every worker's pairs must clear (see kernels.fold_block).
    shared_floor = np.full(len(mentee_rows), -np.inf)
    if thresholds is not None:
        shared_floor[:] = thresholds
    bounds = context.goal_bounds
    assert bounds is not None
    # In a partial scan each row wants only the mentors whose price dropped by more than its
    # own slack, a few of those its chunk walks (at 40k x 40k, capacity 1, 4.3 M of 61 M
    # pairs): the compiled loop then computes the low-rank product of those pairs only,
    # instead of BLAS computing the whole block. When every row has the same slack (the
    # rounds that match more), each row wants the whole block, which BLAS computes faster.
    dots_in_kernel = (
        priced
        and price_drop is not None
        and slack is not None
        and len(slack) > 0
        and np.ptp(slack) > 0
    )
    no_dots = np.zeros((0, 0), np.float32)
    # Each row walks only the mentors whose price dropped by more than its own slack (a
    # chunk's mentors are those of its least slack).
    row_drops = (
        np.asarray(price_drop, np.float64)
        if priced and price_drop is not None and slack is not None
        else np.zeros(0, np.float64)
    )

    def columns(
        chunk_slots: np.ndarray, lo: int, hi: int, floor: np.ndarray
    ) -> Iterable[np.ndarray]:
        """The mentors of run [lo, hi) this chunk needs, in blocks of ``col_chunk``."""
        if not priced:
            for start in range(lo, hi, col_chunk):
                yield np.arange(start, min(hi, start + col_chunk))
            return
        order = in_price_order[(lo, hi)]
        wanted = int(np.searchsorted(sorted_prices[(lo, hi)], limit[chunk_slots].max(), "left"))
        order = order[:wanted]
        least_slack = row_slack[chunk_slots].min()
        if price_drop is not None and least_slack > -np.inf:
            order = order[price_drop[order] > least_slack]
        ceilings_here = list_ceilings[chunk_slots]
        for start in range(0, len(order), col_chunk):
            # Mentors come cheapest first: once each list of the chunk holds pairs whose gain
            # beats what a mentor this dear could give (its ceiling less the price), the
            # rest of the run cannot enter any list. At 100k x 100k, capacity 1, the round
            # that matches more mentees walked 1.1 G pairs without this stop.
            bar = np.maximum(floor[chunk_slots], shared_floor[chunk_slots])
            if mentor_prices[order[start]] >= (ceilings_here - bar).max():
                return
            yield order[start : start + col_chunk]

    def run(share: Iterable) -> tuple[np.ndarray, np.ndarray, int, int, int]:
        top_scores = np.full((len(mentee_rows), k), -np.inf)
        top_mentors = np.full((len(mentee_rows), k), -1, np.int64)
        floor = np.full(len(mentee_rows), -np.inf)
        scored = allowed = exact = 0
        # One buffer for every block's low-rank products: a fresh 2 MB array per block would
        # be a mapping of its own (see api._return_freed_arrays_to_the_system), faulted in
        # page by page each time.
        buffer = np.empty(row_chunk * col_chunk, np.float32)
        for chunk, runs in share:
            chunk_slots = slot[chunk]
            chunk_low = bounds.mentee_low[chunk]
            for lo, hi in runs:
                for cols in columns(chunk_slots, lo, hi, floor):
                    if dots_in_kernel:
                        low_rank_dots = no_dots
                    else:
                        mentor_low = (
                            bounds.mentor_low[cols[0] : cols[-1] + 1]
                            if not priced
                            else bounds.mentor_low[cols]
                        )
                        low_rank_dots = buffer[: len(chunk) * len(cols)].reshape(
                            len(chunk), len(cols)
                        )
                        np.matmul(chunk_low, mentor_low.T, out=low_rank_dots)
                    scored += len(chunk) * len(cols)
                    seen, computed = kernels.fold_block(
                        low_rank_dots,
                        bounds.mentee_low,
                        bounds.mentor_low,
                        chunk,
                        chunk_slots,
                        cols,
                        context.kernel_tables,
                        context.mentees.embeddings,
                        context.mentors.embeddings,
                        bounds.mentee_residual,
                        bounds.mentor_residual,
                        mentor_prices,
                        list_ceilings,
                        row_drops,
                        row_slack,
                        top_scores,
                        top_mentors,
                        floor,
                        shared_floor,
                    )
                    allowed += seen
                    exact += computed
            if progress is not None:
                with lock:
                    done[0] += len(chunk) * sum(hi - lo for lo, hi in runs)
                    progress("scoring", done[0], total_work)
        return top_scores, top_mentors, scored, allowed, exact

    if workers == 1:
        results = [run(tasks)]
    else:
        # One BLAS thread per worker: the compiled loops and BLAS release the GIL, and
        # threads that all spin up BLAS pools oversubscribe the cores.
        # Each worker takes the next task when it is done with one: the tasks' work varies
        # by orders of magnitude in a priced scan (a chunk walks the mentors priced below its
        # limit, or only those whose price dropped), and handing every other task to each
        # worker left one of two threads idle for much of a round (at 100k x 100k, capacity
        # 1, a round of partial scans ran on ~1.1 cores).
        queue = iter(tasks)
        taking = threading.Lock()

        def next_task() -> Iterable[tuple[np.ndarray, list[tuple[int, int]]]]:
            while True:
                with taking:
                    task = next(queue, None)
                if task is None:
                    return
                yield task

        with _single_threaded_blas(), ThreadPoolExecutor(workers) as pool:
            results = list(pool.map(lambda _: run(next_task()), range(workers)))
    # Merge the workers' lists and sort each best first (ties broken by mentor index, for
    # determinism), a few thousand rows at a time: at 100k mentees, the merged lists and
    # their sort order at once held several hundred MB more.
    top_scores = np.empty((len(mentee_rows), k), np.float64 if priced else np.float32)
    top_mentors = np.empty((len(mentee_rows), k), np.int64)
    for start in range(0, len(mentee_rows), 8192):
        part = slice(start, start + 8192)
        scores = np.concatenate([r[0][part] for r in results], axis=1)
        mentors = np.concatenate([r[1][part] for r in results], axis=1)
        rank = np.lexsort((mentors, -scores), axis=1)[:, :k]
        top_scores[part] = np.take_along_axis(scores, rank, axis=1)
        top_mentors[part] = np.take_along_axis(mentors, rank, axis=1)
    top_mentors[~np.isfinite(top_scores)] = -1
    return TopCandidates(
        top_scores,
        top_mentors,
        pairs_scored=sum(r[2] for r in results),
        pairs_allowed=sum(r[3] for r in results),
        exact_goal_products=sum(r[4] for r in results),
    )


@contextlib.contextmanager
def _single_threaded_blas():
    try:
        from threadpoolctl import threadpool_limits  # installed with scikit-learn
    except ImportError:  # pragma: no cover - the threads then share BLAS's own pool
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield


def full_scores(context: Context, *, chunk: int = 256) -> np.ndarray:
    """Every pair's score (dense, ``-inf`` where forbidden), mentors in blocking order.

    Only for small pools, the dense oracle and tests.
    """
    result = np.empty((context.n_mentees, context.n_mentors), np.float32)
    cols = slice(0, context.n_mentors)
    for start in range(0, context.n_mentees, chunk):
        rows = np.arange(start, min(start + chunk, context.n_mentees))
        result[rows] = score_block(context, rows, cols)
    return result
