"""Criteria, hard rules and candidate generation, vectorised with numpy.

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

import numpy as np

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
    embeddings: np.ndarray  # (n, d) float32, zero rows for empty goals


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
) -> Context:
    """Compile ``pool``; embeddings are row-aligned with ``pool.mentees`` / ``pool.mentors``.

    ``exclusions`` are (mentee pool index, mentor pool index) pairs.
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
    # Permuting makes a copy; quantise that copy in place rather than making another one.
    mentor_vectors = np.asarray(mentor_embeddings, np.float32)[order]
    mentor_vectors *= np.float32(QUANTUM)
    np.trunc(mentor_vectors, out=mentor_vectors)
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
    return context


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
    language_experience = np.stack(
        [
            language[prefers_fr][
                mentors.speaks_en.astype(np.int8)
                + 2 * mentors.speaks_fr.astype(np.int8)
                + 4 * mentors.prefers_fr.astype(np.int8)
            ].astype(np.float32)
            + experience
            - np.float32(floor * goal_scale)
            for prefers_fr in (0, 1)
        ]
    ).astype(np.float32)
    steps = np.arange(len(SLOTS) + 1, dtype=np.float32) * np.float32(w["availability"])
    steps[0] = -np.inf
    context.weighted = {
        "goal_scale": np.float32(goal_scale / QUANTUM**2),
        "language_experience": language_experience,
        "availability_steps": steps,
        "occupation": (context.occupation_table * w["occupation"]).astype(np.float32),
        "industry": (context.industry_table * w["industry"]).astype(np.float32),
        "language": language.astype(np.float32),
        "proximity_open": (context.proximity_table * w["distance"]).astype(np.float32),
        "proximity_local": local.astype(np.float32),
        "experience": (mentors.experience * w["experience"]).astype(np.float32),
        "mentor_language_state": (
            mentors.speaks_en.astype(np.int8)
            + 2 * mentors.speaks_fr.astype(np.int8)
            + 4 * mentors.prefers_fr.astype(np.int8)
        ),
        "mentee_needs_language_check": ~context.mentees.speaks_preferred,
        "mentor_lacks_english": ~mentors.speaks_en,
    }


# ---------------------------------------------------------------------------------------------
# Scoring a block


def score_block(
    context: Context,
    rows: np.ndarray,
    cols: np.ndarray | slice,
    *,
    local: bool | None = None,
) -> np.ndarray:
    """Scores of mentees ``rows`` against mentors ``cols``, ``-inf`` where a rule forbids.

    ``local`` tells which distance table applies to the whole block: True when one side of
    every pair meets in person (the distance limit applies), False when none does. None checks
    meeting modes pair by pair (the dense oracle and single pairs use it).
    """
    mentees, mentors = context.mentees, context.mentors
    mentor_ids = np.arange(context.n_mentors)[cols] if isinstance(cols, slice) else cols
    if mentees.embeddings.shape[1]:
        dots = mentees.embeddings[rows] @ mentors.embeddings[cols].T
    else:
        dots = np.zeros((len(rows), len(mentor_ids)), np.float32)

    def gather(table: np.ndarray, mentee_keys: np.ndarray, mentor_keys: np.ndarray) -> np.ndarray:
        # Rows of the table first, then one take along the columns: several times faster
        # than broadcast fancy indexing, and the same values.
        return np.take(table[mentee_keys[rows]], mentor_keys[cols], axis=1)

    def per_mentor(vectors: np.ndarray, mentee_keys: np.ndarray) -> np.ndarray:
        keys = mentee_keys[rows]
        if len(keys) and (keys == keys[0]).all():
            return vectors[keys[0]][cols][None, :]
        return vectors[:, cols][keys]

    scores = _combine(
        context,
        dots,
        gather,
        per_mentor,
        mentee=lambda a: a[rows][:, None],
        mentor=lambda a: a[cols][None, :],
        local=local,
    )
    _apply_language_rule(context, rows, mentor_ids, cols, scores)
    _apply_exclusions(context, rows, mentor_ids, scores)
    return scores


def score_pairs(
    context: Context, i: np.ndarray, j: np.ndarray, *, check_rules: bool = True
) -> np.ndarray:
    """Scores of the pairs (i[k], j[k]), bit for bit what ``score_block`` gives them.

    Both run the same float32 operations in the same order (``_combine``), and goal dot
    products are exact (see ``quantise``), so a pair's score never depends on the block it
    was computed in. Forbidden pairs get ``-inf`` (``check_rules=False`` skips the per-pair
    language and exclusion checks, for pairs already known to be allowed).
    """
    mentees, mentors = context.mentees, context.mentors
    i = np.asarray(i, np.int64)
    j = np.asarray(j, np.int64)
    if mentees.embeddings.shape[1]:
        dots = np.einsum("kd,kd->k", mentees.embeddings[i], mentors.embeddings[j])
    else:
        dots = np.zeros(len(i), np.float32)
    scores = _combine(
        context,
        dots.astype(np.float32),
        lambda table, a, b: table[a[i], b[j]],
        lambda vectors, a: vectors[a[i], j],
        lambda a: a[i],
        lambda a: a[j],
        None,
    )
    if not check_rules:
        return scores
    for position, (a, b) in enumerate(zip(i.tolist(), j.tolist(), strict=True)):
        if np.isfinite(scores[position]) and broken_rules(context, a, b):
            scores[position] = NEG_INF
    return scores


# Goal vectors are stored as integers (in float32) scaled by 2**11 and truncated toward zero,
# so their length stays at most 2**11: every product is an integer below 2**22 and every
# partial sum stays below 2**24, so float32 dot products are exact whatever order BLAS adds
# them in, and a cosine never exceeds 1.
QUANTUM = 2.0**11


def quantise(vectors: np.ndarray) -> np.ndarray:
    return np.trunc(np.asarray(vectors, np.float32) * np.float32(QUANTUM)).astype(np.float32)


def _combine(
    context: Context, dots: np.ndarray, gather, per_mentor, mentee, mentor, local: bool | None
) -> np.ndarray:
    """The weighted sum of criteria, with -inf for pairs the rules in the tables forbid.

    The goal term is ``max(cosine, baseline) * scale`` here; ``- baseline * scale`` is folded
    into the per-mentor vector with language and experience, so the goal part is
    ``w_goals * clip((cosine - baseline) / (1 - baseline), 0, 1)``.
    """
    mentees, mentors, tables = context.mentees, context.mentors, context.weighted
    scores = np.maximum(dots, np.float32(context.goal_baseline * QUANTUM**2))
    scores *= tables["goal_scale"]
    scores += gather(tables["occupation"], mentees.noc, mentors.noc)
    scores += gather(tables["industry"], mentees.naics, mentors.naics)
    scores += per_mentor(tables["language_experience"], mentees.prefers_fr.astype(np.int64))
    if local is None:
        mentee_mode, mentor_mode = mentee(mentees.mode), mentor(mentors.mode)
        in_person = (mentee_mode == IN_PERSON) | (mentor_mode == IN_PERSON)
        scores += np.where(
            in_person,
            gather(tables["proximity_local"], mentees.fsa, mentors.fsa),
            gather(tables["proximity_open"], mentees.fsa, mentors.fsa),
        )
        clash = ((mentee_mode == IN_PERSON) & (mentor_mode == VIRTUAL)) | (
            (mentee_mode == VIRTUAL) & (mentor_mode == IN_PERSON)
        )
        scores[clash] = NEG_INF
    else:
        table = tables["proximity_local"] if local else tables["proximity_open"]
        scores += gather(table, mentees.fsa, mentors.fsa)
    overlap = np.bitwise_count(mentee(mentees.availability) & mentor(mentors.availability))
    share = np.maximum(mentee(mentees.inverse_slot_count), mentor(mentors.inverse_slot_count))
    # availability_steps[0] is -inf: no shared slot forbids the pair (a hard rule).
    share *= np.take(tables["availability_steps"], overlap)
    scores += share
    return scores


def _apply_language_rule(
    context: Context, rows: np.ndarray, mentor_ids: np.ndarray, cols, scores: np.ndarray
) -> None:
    """The shared-language rule, checked bit by bit only where the table cannot decide it.

    The language table already allows a mentor who speaks the mentee's preferred language
    (which the mentee speaks) and forbids a non-French-speaking mentor for a French-preferring
    mentee. Left: mentees who do not list their own preferred language, and English-preferring
    mentees with mentors who do not speak English.
    """
    mentees, mentors, tables = context.mentees, context.mentors, context.weighted
    odd_rows = np.nonzero(tables["mentee_needs_language_check"][rows])[0]
    if odd_rows.size:
        shared = (
            mentees.languages[rows[odd_rows]][:, None, :] & mentors.languages[cols][None, :, :]
        ).any(axis=2)
        block = scores[odd_rows]
        block[~shared] = NEG_INF
        scores[odd_rows] = block
    english_rows = np.nonzero(~mentees.prefers_fr[rows] & mentees.speaks_preferred[rows])[0]
    odd_cols = np.nonzero(tables["mentor_lacks_english"][cols])[0]
    if english_rows.size and odd_cols.size:
        shared = (
            mentees.languages[rows[english_rows]][:, None, :]
            & mentors.languages[mentor_ids[odd_cols]][None, :, :]
        ).any(axis=2)
        sub = scores[np.ix_(english_rows, odd_cols)]
        sub[~shared] = NEG_INF
        scores[np.ix_(english_rows, odd_cols)] = sub


def _apply_exclusions(
    context: Context, rows: np.ndarray, mentor_ids: np.ndarray, scores: np.ndarray
) -> None:
    if not context.excluded:
        return
    for position, mentee in enumerate(rows.tolist()):
        banned = context.excluded.get(mentee)
        if not banned:
            continue
        hits = np.nonzero(np.isin(mentor_ids, list(banned)))[0]
        scores[position, hits] = NEG_INF


# ---------------------------------------------------------------------------------------------
# Criteria of single pairs (explanations, the --pairs file)


def pair_criteria(context: Context, i: np.ndarray, j: np.ndarray) -> dict[str, np.ndarray]:
    """Raw criterion values in [0, 1] for the pairs (i[k], j[k])."""
    mentees, mentors = context.mentees, context.mentors
    i = np.asarray(i, np.int64)
    j = np.asarray(j, np.int64)
    if mentees.embeddings.shape[1]:
        dots = np.einsum("kd,kd->k", mentees.embeddings[i], mentors.embeddings[j])
        cosine = dots.astype(np.float64) / QUANTUM**2
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
) -> list[tuple[np.ndarray, list[tuple[int, int]], bool]]:
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
    groups: dict[tuple, list[int]] = {}
    runs_of: dict[tuple, tuple[list[tuple[int, int]], bool]] = {}
    for row in mentee_rows.tolist():
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
                    unit = (mentor_mode, fr, is_local, ())
                    runs_of.setdefault(unit, ([(lo, hi)], is_local))
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
                    runs_of.setdefault(unit, (runs, True))
                groups.setdefault(unit, []).append(row)
    return [
        (np.array(rows, np.int64), runs_of[unit][0], runs_of[unit][1])
        for unit, rows in groups.items()
    ]


@dataclass
class TopCandidates:
    """The best mentors (blocking positions) of the requested mentees, best first, one row per
    requested mentee; -1 / -inf pad short lists."""

    scores: np.ndarray  # (n_mentees, k) float32
    mentors: np.ndarray  # (n_mentees, k) int64
    pairs_scored: int
    pairs_allowed: int

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
) -> TopCandidates:
    """The ``k`` best allowed mentors of each mentee in ``mentee_rows`` (default: everyone),
    row ``r`` of the result for mentee ``mentee_rows[r]``.

    Never holds more than one block of scores per worker. With several workers, each thread keeps its own lists (a mentee
    appears in several groups of blocks) and the lists are merged at the end.
    """
    if mentee_rows is None:
        mentee_rows = np.arange(context.n_mentees)
    mentee_rows = np.asarray(mentee_rows, np.int64)
    # Lists are kept for the requested rows only (slot = position in ``mentee_rows``): the
    # certificate asks for long lists for a few mentees, never for everyone.
    slot = np.full(context.n_mentees, -1, np.int64)
    slot[mentee_rows] = np.arange(len(mentee_rows))
    units = make_blocks(context, mentee_rows)
    tasks = [
        (rows[start : start + row_chunk], runs, local)
        # Bigger groups first, so that the threads finish together.
        for rows, runs, local in sorted(units, key=lambda u: -len(u[0]))
        for start in range(0, len(rows), row_chunk)
    ]
    total_work = sum(len(chunk) * sum(hi - lo for lo, hi in runs) for chunk, runs, _ in tasks)
    if workers is None:
        workers = min(2, os.cpu_count() or 1)
    workers = max(1, min(workers, len(tasks)))
    lock = threading.Lock()
    done = [0]
    if progress is not None:
        progress("scoring", 0, total_work)

    def run(share: list) -> tuple[np.ndarray, np.ndarray, int, int]:
        top_scores = np.full((len(mentee_rows), k), NEG_INF, np.float32)
        top_mentors = np.full((len(mentee_rows), k), -1, np.int64)
        threshold = np.full(len(mentee_rows), NEG_INF, np.float32)
        scored = allowed = 0
        for chunk, runs, local in share:
            for lo, hi in runs:
                for col_start in range(lo, hi, col_chunk):
                    cols = slice(col_start, min(hi, col_start + col_chunk))
                    block = score_block(context, chunk, cols, local=local)
                    scored += block.size
                    allowed += int(np.count_nonzero(block > NEG_INF))
                    _merge(block, slot[chunk], cols, top_scores, top_mentors, threshold, k)
            if progress is not None:
                with lock:
                    done[0] += len(chunk) * sum(hi - lo for lo, hi in runs)
                    progress("scoring", done[0], total_work)
        return top_scores, top_mentors, scored, allowed

    if workers == 1:
        results = [run(tasks)]
    else:
        # One BLAS thread per worker: numpy releases the GIL in the block arithmetic, and
        # threads that all spin up BLAS pools oversubscribe the cores.
        with _single_threaded_blas(), ThreadPoolExecutor(workers) as pool:
            results = list(pool.map(run, [tasks[w::workers] for w in range(workers)]))
    top_scores = np.concatenate([r[0] for r in results], axis=1)
    top_mentors = np.concatenate([r[1] for r in results], axis=1)
    # Sort each list best first; ties broken by mentor index for determinism.
    rank = np.lexsort((top_mentors, -top_scores), axis=1)[:, :k]
    top_scores = np.take_along_axis(top_scores, rank, axis=1)
    top_mentors = np.take_along_axis(top_mentors, rank, axis=1)
    top_mentors[~np.isfinite(top_scores)] = -1
    return TopCandidates(
        top_scores, top_mentors, sum(r[2] for r in results), sum(r[3] for r in results)
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


def _merge(
    block: np.ndarray,
    rows: np.ndarray,
    cols: slice,
    top_scores: np.ndarray,
    top_mentors: np.ndarray,
    threshold: np.ndarray,
    k: int,
) -> None:
    """Fold a block into the running top-k lists of ``rows``."""
    better = block > threshold[rows][:, None]
    hit_rows, hit_cols = np.nonzero(better)
    if hit_rows.size == 0:
        return
    if hit_rows.size > 2 * k * len(rows):
        # Early blocks: nearly everything beats an empty list; a per-row partition is cheaper.
        merged_scores = np.concatenate([top_scores[rows], block], axis=1)
        merged_mentors = np.concatenate(
            [top_mentors[rows], np.broadcast_to(np.arange(cols.start, cols.stop), block.shape)],
            axis=1,
        )
        keep = (
            np.argpartition(-merged_scores, k - 1, axis=1)[:, :k]
            if merged_scores.shape[1] > k
            else np.argsort(-merged_scores, axis=1)
        )
        top_scores[rows] = np.take_along_axis(merged_scores, keep, axis=1)
        top_mentors[rows] = np.take_along_axis(merged_mentors, keep, axis=1)
        threshold[rows] = top_scores[rows].min(axis=1)
        return
    touched = np.unique(hit_rows)
    old_rows = np.repeat(touched, k)
    all_rows = np.concatenate([old_rows, hit_rows])
    all_scores = np.concatenate([top_scores[rows[touched]].ravel(), block[hit_rows, hit_cols]])
    all_mentors = np.concatenate([top_mentors[rows[touched]].ravel(), cols.start + hit_cols])
    ordering = np.lexsort((all_mentors, -all_scores, all_rows))
    all_rows, all_scores, all_mentors = (
        all_rows[ordering],
        all_scores[ordering],
        all_mentors[ordering],
    )
    starts = np.searchsorted(all_rows, touched)
    within = np.arange(all_rows.size) - np.repeat(starts, np.diff(np.append(starts, all_rows.size)))
    keep = within < k
    kept_rows = rows[all_rows[keep]]
    top_scores[kept_rows, within[keep]] = all_scores[keep]
    top_mentors[kept_rows, within[keep]] = all_mentors[keep]
    threshold[rows[touched]] = top_scores[rows[touched]].min(axis=1)


def full_scores(context: Context, *, chunk: int = 256) -> np.ndarray:
    """Every pair's score (dense, ``-inf`` where forbidden), mentors in blocking order.

    Only for small pools, the dense oracle and tests.
    """
    result = np.empty((context.n_mentees, context.n_mentors), np.float32)
    cols = slice(0, context.n_mentors)
    for start in range(0, context.n_mentees, chunk):
        rows = np.arange(start, min(start + chunk, context.n_mentees))
        result[rows] = score_block(context, rows, cols, local=None)
    return result
