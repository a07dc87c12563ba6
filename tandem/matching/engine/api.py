"""The engine's Python interface, for the matching desk, the command line and benchmarks.

Typical use::

    matcher = Matcher(pool, weights=profile, exclusions=[("m-12", "t-7")])
    solution = matcher.solve(pins=[("m-3", "t-1")], lang="fr", progress=callback)
    candidates = matcher.rank_candidates("m-4", k=10, lang="fr", solution=solution)
    why = matcher.explain_pair("m-4", "t-9", lang="fr", solution=solution)

``solve``, ``rank_candidates`` and ``explain_pair`` are one-call shortcuts. Ids are the
participants' ``external_id``. Nothing here touches a database or Django.
"""

from __future__ import annotations

import ctypes
import functools
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np

from . import warmup
from .embedding import Embedder, MemoryCache, UsemEmbedder, VectorCache, embed_texts
from .explain import contributions, rule_sentence, unmatched_sentence
from .i18n import gettext_for
from .model import (
    CRITERIA,
    Candidate,
    EngineError,
    PairExplanation,
    Participant,
    Pool,
    Proposal,
    Solution,
    SolveStats,
    Unmatched,
    UnmatchedReason,
    WeightProfile,
)
from .scoring import (
    IN_PERSON,
    NEG_INF,
    QUANTUM,
    VIRTUAL,
    Context,
    broken_rules,
    build_context,
    make_blocks,
    pair_criteria,
    score_block,
    score_pairs,
    stream_top_candidates,
)
from .solver import NO_BOUND, SCALE, Certified, Start, solve_priced, to_int

Progress = Callable[[str, int, int], None]
Pair = tuple[str, str]

# Candidates kept per mentee before the certificate decides whether more are needed. Measured:
# 16 certifies almost every mentee at once on realistic pools (see benchmarks/matching.py).
DEFAULT_K = 16
# When places are scarce but enough for every mentee (between 1 and SCARCE_PLACES per mentee),
# the optimum pushes most mentees below their (k+1)-th score, and the certificate then scans
# each for mentors priced below that score less its threshold. The same pass then keeps each
# mentee's next RESERVE pairs beside the graph (see solver.solve_priced): the bound of the
# pairs left out drops to the (k+RESERVE+1)-th score, so fewer mentors are worth a scan, and
# the reserve joins the graph only where prices say it matters. Measured at 20k x 20k,
# capacity 1 (CPU s): scans walked 50 M pairs instead of 194 M, flows 1.6 s instead of 2.6;
# at 40k x 40k, 40.9 s in all instead of 47.9. It costs the top-k pass more exact goal products
# (at 100k x 100k, capacity 1: scoring 50-53 s against 40-42 s for the same pass without it).
# With plentiful places it saves nothing (two rounds either way). With fewer places than
# mentees it did not pay either: at 100k x 50k the scoring took 31.5 s against 20.3 s, the
# scans and flows no less (the optimum leaves the weakest fits out instead of pushing
# everyone down their lists: 2k mentees broke the certificate after the first priced scan,
# against 43k with capacity 1).
RESERVE = 32
SCARCE_PLACES = 1.25


@functools.cache
def default_embedder() -> Embedder:
    return UsemEmbedder()


@functools.cache
def _default_cache() -> MemoryCache:
    return MemoryCache()


@functools.cache
def _return_freed_arrays_to_the_system() -> None:
    """Have glibc's allocator map every block of 1 MB or more on its own (and so unmap it when
    freed) instead of raising that threshold up to 32 MB as it goes (its default).

    The solver builds and drops arrays of a few MB to a few tens of MB in every round, from
    two threads; with the default, freed blocks stayed in the allocator's heaps and the
    process's resident size only grew: at 20k x 20k, capacity 1, 496 MB at the end of a
    solve that held 342 MB (what ``malloc_trim`` gave back), and the solve's peak 497 MB
    against 426 MB with the fixed threshold. Process-wide and harmless to small objects;
    nothing to do elsewhere than glibc.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # pragma: no cover - not glibc
        return
    m_mmap_threshold = -3  # glibc's M_MMAP_THRESHOLD
    mallopt(ctypes.c_int(m_mmap_threshold), ctypes.c_int(1 << 20))


@dataclass(frozen=True)
class PoolEmbeddings:
    mentees: np.ndarray
    mentors: np.ndarray
    newly_embedded: int


def embed_pool(
    pool: Pool,
    embedder: Embedder,
    cache: VectorCache | None = None,
    *,
    progress: Progress | None = None,
    on_missing: Callable[[int], object] | None = None,
) -> PoolEmbeddings:
    """Goal vectors for everyone, embedding only texts the cache does not hold."""
    texts = [p.goals for p in pool.mentees] + [p.goals for p in pool.mentors]
    vectors, new = embed_texts(texts, embedder, cache, progress=progress, on_missing=on_missing)
    return PoolEmbeddings(vectors[: len(pool.mentees)], vectors[len(pool.mentees) :], new)


class Matcher:
    """A pool prepared for matching: embeddings computed and the pool compiled once."""

    def __init__(
        self,
        pool: Pool,
        *,
        weights: WeightProfile | None = None,
        exclusions: Iterable[Pair] = (),
        embedder: Embedder | None = None,
        cache: VectorCache | None = None,
        embeddings: PoolEmbeddings | None = None,
        progress: Progress | None = None,
        lang: str = "en",
        goal_basis: np.ndarray | None = None,
    ) -> None:
        """``goal_basis`` is for ``changed``: the goal bound's basis of the matcher changed."""
        _ = gettext_for(lang)
        _return_freed_arrays_to_the_system()
        ids = [p.external_id for p in (*pool.mentees, *pool.mentors)]
        if len(set(ids)) != len(ids):
            raise EngineError(_("Participant ids must be unique across mentees and mentors."))
        self.pool = pool
        self.weights = weights or WeightProfile()
        self.embedder = embedder or default_embedder()
        self.timings: dict[str, float] = {}
        started = time.perf_counter()
        if embeddings is None:
            cache = cache if cache is not None else _default_cache()
            # Many texts to embed: likely a first run, so the kernels compile meanwhile.
            compiling = warmup.Background()
            try:
                embeddings = embed_pool(
                    pool, self.embedder, cache, progress=progress, on_missing=compiling.start
                )
            finally:
                waiting = time.perf_counter()
                compiling.wait()
                self.timings["waiting_for_kernels"] = time.perf_counter() - waiting
        # Only the compiled (quantised) vectors are kept: at 100k people the float vectors
        # would double the memory.
        self.newly_embedded = embeddings.newly_embedded
        self.timings["embedding"] = time.perf_counter() - started
        started = time.perf_counter()
        self.exclusions = tuple(exclusions)
        pairs = [self._indices(mentee, mentor, lang) for mentee, mentor in self.exclusions]
        self.context: Context = build_context(
            pool,
            self.weights,
            embeddings.mentees,
            embeddings.mentors,
            self.embedder.baseline,
            exclusions=pairs,
            goal_basis=goal_basis,
        )
        self.timings["compiling"] = time.perf_counter() - started
        self._state: _WarmState | None = None

    # -- ids ------------------------------------------------------------------------------

    def _indices(self, mentee_id: str, mentor_id: str, lang: str) -> tuple[int, int]:
        return self._mentee(mentee_id, lang), self._mentor_pool(mentor_id, lang)

    def _mentee(self, mentee_id: str, lang: str) -> int:
        try:
            return self.pool.mentee_index[mentee_id]
        except KeyError:
            _ = gettext_for(lang)
            raise EngineError(_("No mentee has the id %(id)s.") % {"id": mentee_id}) from None

    def _mentor_pool(self, mentor_id: str, lang: str) -> int:
        try:
            return self.pool.mentor_index[mentor_id]
        except KeyError:
            _ = gettext_for(lang)
            raise EngineError(_("No mentor has the id %(id)s.") % {"id": mentor_id}) from None

    def _position(self, mentor_id: str, lang: str) -> int:
        return int(self.context.mentor_position[self._mentor_pool(mentor_id, lang)])

    # -- solving --------------------------------------------------------------------------

    def solve(
        self,
        *,
        pins: Iterable[Pair] = (),
        lang: str = "en",
        k: int = DEFAULT_K,
        progress: Progress | None = None,
        explain: bool = True,
        warm: bool = True,
        reserve: int | None = None,
    ) -> Solution:
        """The assignment matching the most mentees, then with the highest total score.

        ``pins`` are pairs that must be made (they must be allowed and within capacity);
        they count against the mentor's capacity and appear in the solution as pinned.

        After a first solve, later ones (other pins, or a matcher made by ``changed``) start
        from the previous candidate lists, assignment and prices (``warm``): only mentees
        without a list are scanned, and the previous optimum is repaired rather than solved
        again. The result is as exact as a solve from scratch (same number matched, same
        total); where several assignments tie, it may be another of them.

        ``reserve``: how many pairs after each mentee's ``k`` best are kept beside the graph
        (``RESERVE`` when places are scarce, else none; any value gives the same optimum).
        """
        _ = gettext_for(lang)
        context = self.context
        timings = dict(self.timings)
        capacity = context.mentors.capacity.copy()
        pinned: dict[int, int] = {}
        for mentee_id, mentor_id in pins:
            i, j = self._mentee(mentee_id, lang), self._position(mentor_id, lang)
            if i in pinned:
                raise EngineError(_("Mentee %(id)s is pinned more than once.") % {"id": mentee_id})
            rules = broken_rules(context, i, j)
            if rules:
                sentences = " ".join(
                    rule_sentence(
                        r, km=self._km(i, j), limit=self.weights.distance_limit_km, lang=lang
                    )
                    for r in rules
                )
                raise EngineError(
                    _("The pinned pair %(mentee)s and %(mentor)s is not allowed: %(why)s")
                    % {"mentee": mentee_id, "mentor": mentor_id, "why": sentences}
                )
            capacity[j] -= 1
            if capacity[j] < 0:
                raise EngineError(
                    _("Mentor %(id)s has more pinned mentees than places.") % {"id": mentor_id}
                )
            pinned[i] = j
        active = np.array([i for i in range(context.n_mentees) if i not in pinned], np.int64)

        started = time.perf_counter()
        state = self._state if warm else None
        active_mask = np.zeros(context.n_mentees, bool)
        active_mask[active] = True
        # Mentees with a list from an earlier solve keep it: only the others are scanned.
        scan = active if state is None else active[~state.listed[active]]
        if reserve is None:
            places = int(capacity.sum())
            reserve = RESERVE if len(active) <= places < SCARCE_PLACES * len(active) else 0
        top = stream_top_candidates(context, k + reserve + 1, mentee_rows=scan, progress=progress)
        arc_mentee, arc_mentor, arc_score, bound, reserved = _arcs_from_top(
            top, scan, context.n_mentees, k, reserve
        )
        start = None
        if state is not None:
            kept = active_mask[state.arc_mentee]
            arc_mentee = np.concatenate([state.arc_mentee[kept], arc_mentee])
            arc_mentor = np.concatenate([state.arc_mentor[kept], arc_mentor])
            arc_score = np.concatenate([state.arc_score[kept], arc_score])
            bound = np.where(state.listed, state.bound, bound)
            start = state.start(active_mask, capacity)
        timings["scoring"] = time.perf_counter() - started

        started = time.perf_counter()
        if progress is not None:
            progress("solving", 0, 1)

        walked = [0]

        def price_scan(
            rows: np.ndarray,
            thresholds: np.ndarray,
            ceilings: np.ndarray,
            prices: np.ndarray,
            count: int,
            price_drop: np.ndarray | None,
            slack: np.ndarray | None,
        ) -> tuple[np.ndarray, np.ndarray]:
            found = stream_top_candidates(
                context,
                count,
                mentee_rows=rows,
                prices=prices,
                thresholds=thresholds,
                ceilings=ceilings,
                price_drop=price_drop,
                slack=slack,
            )
            walked[0] += found.pairs_scored
            scores = np.where(found.mentors >= 0, found.scores + prices[found.mentors], 0)
            return found.mentors, scores.astype(np.int64)

        result = solve_priced(
            context.n_mentees,
            capacity,
            arc_mentee,
            arc_mentor,
            arc_score,
            bound,
            price_scan,
            active=active,
            start=start,
            scan_work=lambda: walked[0],
            reserve=reserved,
        )
        self._state = _WarmState.after(state, active_mask, bound, result)
        if progress is not None:
            progress("solving", 1, 1)
        timings["solving"] = time.perf_counter() - started

        mentor_of = result.mentor_of.copy()
        for i, j in pinned.items():
            mentor_of[i] = j
        started = time.perf_counter()
        proposals, unmatched, total = self._build(mentor_of, set(pinned), lang, explain, progress)
        timings["explaining"] = time.perf_counter() - started
        stats = SolveStats(
            pairs_scored=top.pairs_scored,
            pairs_allowed=top.pairs_allowed,
            exact_goal_products=top.exact_goal_products,
            arcs_in_graph=result.arcs,
            rounds=result.rounds,
            enlarged_mentees=result.enlarged,
            is_certified=True,
            timings=timings,
            is_warm=start is not None,
            rounds_trace=result.trace,
        )
        return Solution(tuple(proposals), tuple(unmatched), total, stats)

    def changed(
        self,
        *,
        add: Iterable[Participant] = (),
        remove: Iterable[str] = (),
        exclusions: Iterable[Pair] | None = None,
        cache: VectorCache | None = None,
        lang: str = "en",
    ) -> Matcher:
        """A matcher for this pool changed a little, whose first solve starts from this one's
        last (see ``solve``): people added (mentees and mentors, at the end of their lists)
        or removed (by id), and ``exclusions`` replacing the current ones when given.

        Goal vectors of the people kept are reused (only added people's goals are embedded);
        added mentees get a list when solving; each added mentor's pairs with every mentee
        that has one are scored now, and join the mentee's arcs when above its bound.
        """
        _ = gettext_for(lang)
        gone = set(remove)
        for person_id in gone:
            if person_id not in self.pool.mentee_index and person_id not in self.pool.mentor_index:
                raise EngineError(_("No participant has the id %(id)s.") % {"id": person_id})
        added = list(add)
        pool = self.pool
        context = self.context
        kept_mentees = [i for i, p in enumerate(pool.mentees) if p.external_id not in gone]
        kept_mentors = [j for j, p in enumerate(pool.mentors) if p.external_id not in gone]
        new_mentees = [p for p in added if p.role == "mentee"]
        new_mentors = [p for p in added if p.role == "mentor"]
        new_pool = Pool(
            tuple(pool.mentees[i] for i in kept_mentees) + tuple(new_mentees),
            tuple(pool.mentors[j] for j in kept_mentors) + tuple(new_mentors),
        )
        # The compiled vectors are integers over QUANTUM: dividing gives back vectors that
        # compile to exactly the same integers, so kept pairs score bit for bit the same.
        fresh, _count = embed_texts(
            [p.goals for p in (*new_mentees, *new_mentors)],
            self.embedder,
            cache if cache is not None else _default_cache(),
        )
        dimension = context.mentees.embeddings.shape[1]
        fresh = fresh.reshape(len(new_mentees) + len(new_mentors), dimension)
        mentee_vectors = np.concatenate(
            [context.mentees.embeddings[kept_mentees] / QUANTUM, fresh[: len(new_mentees)]]
        )
        positions = context.mentor_position[np.array(kept_mentors, np.int64)]
        mentor_vectors = np.concatenate(
            [context.mentors.embeddings[positions] / QUANTUM, fresh[len(new_mentees) :]]
        )
        if exclusions is None:
            exclusions = [pair for pair in self.exclusions if not {pair[0], pair[1]} & gone]
        matcher = Matcher(
            new_pool,
            weights=self.weights,
            exclusions=exclusions,
            embedder=self.embedder,
            embeddings=PoolEmbeddings(
                mentee_vectors.astype(np.float32), mentor_vectors.astype(np.float32), _count
            ),
            lang=lang,
            # The pool's leading directions barely move when a few people change; fitting
            # them again was most of the cost of changing a matcher.
            goal_basis=None if context.goal_bounds is None else context.goal_bounds.basis,
        )
        if self._state is not None:
            matcher._state = self._state.moved(self, matcher, gone)
        return matcher

    def _km(self, i: int, j: int) -> float | None:
        a, b = self.context.mentees.fsa[i], self.context.mentors.fsa[j]
        return float(self.context.distance_km[a, b]) if a and b else None

    def _build(
        self,
        mentor_of: np.ndarray,
        pinned: set[int],
        lang: str,
        explain: bool,
        progress: Progress | None,
    ) -> tuple[list[Proposal], list[Unmatched], float]:
        context = self.context
        matched = np.nonzero(mentor_of >= 0)[0]
        criteria = pair_criteria(context, matched, mentor_of[matched])
        scores = score_pairs(context, matched, mentor_of[matched])
        proposals: list[Proposal] = []
        total = float(scores.astype(np.float64).sum())
        for position, i in enumerate(matched.tolist()):
            j = int(mentor_of[i])
            values = {c: float(criteria[c][position]) for c in CRITERIA}
            explanation = (
                self._explanation(i, j, values, float(scores[position]), lang, chosen=True)
                if explain
                else PairExplanation(
                    context.mentees.people[i].external_id,
                    context.mentors.people[j].external_id,
                    True,
                    float(scores[position]),
                    is_chosen=True,
                )
            )
            proposals.append(
                Proposal(
                    mentee_id=context.mentees.people[i].external_id,
                    mentor_id=context.mentors.people[j].external_id,
                    score=float(scores[position]),
                    criteria=values,
                    explanation=explanation,
                    is_pinned=i in pinned,
                )
            )
            if progress is not None and position % 1000 == 0:
                progress("explaining", position, len(matched))
        load = np.bincount(mentor_of[mentor_of >= 0], minlength=context.n_mentors)
        left_out = np.nonzero(mentor_of < 0)[0].tolist()
        reasons = {i: self._why_unmatched(i, mentor_of, load, lang) for i in left_out}
        # Mentees whose suitable mentors are all full: does any of them have a mentee who
        # scores lower with it than this one would? One priced scan for all of them, each
        # mentor priced at its weakest mentee's score, instead of scoring every rival again.
        full = [i for i in left_out if not isinstance(reasons[i], Unmatched)]
        if full:
            weakest = np.full(context.n_mentors, 2 * SCALE, np.int64)  # nobody: never beaten
            np.minimum.at(weakest, mentor_of[matched], to_int(scores))
            better = stream_top_candidates(
                context,
                1,
                mentee_rows=np.array(full, np.int64),
                prices=weakest,
                thresholds=np.zeros(len(full)),
            )
            for i, beats in zip(full, (better.mentors[:, 0] >= 0).tolist(), strict=True):
                reason = (
                    UnmatchedReason.MENTORS_FULL_TRADE_OFF
                    if beats
                    else UnmatchedReason.MENTORS_FULL_SCORE_HIGHER
                )
                reasons[i] = self._unmatched(i, reason, lang, count=int(cast(int, reasons[i])))
        # Every count of a mentee left out by full mentors was replaced by its reason above.
        unmatched = cast(list[Unmatched], [reasons[i] for i in left_out])
        if progress is not None:
            progress("explaining", len(matched), len(matched))
        return proposals, unmatched, total

    def _explanation(
        self,
        i: int,
        j: int,
        values: dict[str, float],
        score: float,
        lang: str,
        *,
        chosen: bool | None,
        why_not: str | None = None,
    ) -> PairExplanation:
        context = self.context
        mentee, mentor = context.mentees.people[i], context.mentors.people[j]
        return PairExplanation(
            mentee_id=mentee.external_id,
            mentor_id=mentor.external_id,
            is_allowed=True,
            score=score,
            contributions=contributions(
                values, context.shares, mentee, mentor, km=self._km(i, j), lang=lang
            ),
            is_chosen=chosen,
            why_not_chosen=why_not,
        )

    # -- why a mentee is unmatched --------------------------------------------------------

    def _unmatched(self, i: int, reason: UnmatchedReason, lang: str, count: int = 0) -> Unmatched:
        limit = self.weights.distance_limit_km
        return Unmatched(
            self.context.mentees.people[i].external_id,
            reason,
            unmatched_sentence(reason, count=count, limit=limit, lang=lang),
        )

    def _why_unmatched(
        self, i: int, mentor_of: np.ndarray, load: np.ndarray, lang: str
    ) -> Unmatched | int:
        """The first rule that leaves this mentee no mentor, or, when its suitable mentors are
        all full, their number (``_build`` then compares scores for all such mentees at once)."""
        context = self.context
        mentees, mentors = context.mentees, context.mentors
        limit = self.weights.distance_limit_km
        mentee = mentees.people[i]

        def done(reason: UnmatchedReason) -> Unmatched:
            return self._unmatched(i, reason, lang)

        if context.n_mentors == 0:
            return done(UnmatchedReason.NO_MENTORS)
        # Apply the rules one after the other and report the first that leaves nobody.
        suitable = np.ones(context.n_mentors, bool)
        if mentee.preferred_language == "fr":
            suitable &= mentors.speaks_fr
            if not suitable.any():
                return done(UnmatchedReason.NO_FRENCH_SPEAKING_MENTOR)
        suitable &= (mentees.languages[i][None, :] & mentors.languages).any(axis=1)
        if not suitable.any():
            return done(UnmatchedReason.NO_SHARED_LANGUAGE)
        mode = mentees.mode[i]
        clash = (
            (mentors.mode == VIRTUAL)
            if mode == IN_PERSON
            else (mentors.mode == IN_PERSON)
            if mode == VIRTUAL
            else np.zeros(context.n_mentors, bool)
        )
        suitable &= ~clash
        if not suitable.any():
            return done(UnmatchedReason.NO_COMPATIBLE_MODE)
        in_person = (mode == IN_PERSON) | (mentors.mode == IN_PERSON)
        known = (mentees.fsa[i] > 0) & (mentors.fsa > 0)
        far = in_person & known & (context.distance_km[mentees.fsa[i], mentors.fsa] > limit)
        suitable &= ~far
        if not suitable.any():
            return done(UnmatchedReason.ALL_TOO_FAR)
        before_slots = suitable.copy()
        suitable &= (mentees.availability[i] & mentors.availability) != 0
        if not suitable.any():
            return done(UnmatchedReason.NO_SHARED_AVAILABILITY)
        banned = context.excluded.get(i, set())
        if banned:
            suitable[list(banned)] = False
            if not suitable.any():
                return done(UnmatchedReason.ALL_EXCLUDED)
        has_room = load < mentors.capacity
        if (before_slots & ~suitable & has_room).any():
            return done(UnmatchedReason.NO_AVAILABILITY_WITH_ROOM)
        # A maximum matching leaves no suitable mentor with room; scores decide.
        return int(suitable.sum())

    # -- one mentee, one pair -------------------------------------------------------------

    def rank_candidates(
        self,
        mentee_id: str,
        *,
        k: int = 10,
        lang: str = "en",
        solution: Solution | None = None,
    ) -> list[Candidate]:
        """The mentee's ``k`` best allowed mentors, best first, each with its explanation.

        With a ``solution``, each candidate says whether the mentor still has room and, when
        it is not the proposed mentor, why it was not chosen.
        """
        context = self.context
        i = self._mentee(mentee_id, lang)
        top = stream_top_candidates(context, k, mentee_rows=np.array([i]))
        found = np.isfinite(top.scores[0])
        mentors = top.mentors[0][found]
        criteria = pair_criteria(context, np.full(len(mentors), i), mentors)
        scores = score_pairs(context, np.full(len(mentors), i), mentors)
        load = self._load(solution)
        result = []
        for rank, (j, score) in enumerate(zip(mentors.tolist(), scores.tolist(), strict=True), 1):
            values = {c: float(criteria[c][rank - 1]) for c in CRITERIA}
            chosen, why_not = self._chosen(i, j, score, solution, lang)
            result.append(
                Candidate(
                    rank=rank,
                    mentor_id=context.mentors.people[j].external_id,
                    score=score,
                    has_room=None if load is None else bool(load[j] < context.mentors.capacity[j]),
                    explanation=self._explanation(
                        i, j, values, score, lang, chosen=chosen, why_not=why_not
                    ),
                )
            )
        return result

    def explain_pair(
        self,
        mentee_id: str,
        mentor_id: str,
        *,
        lang: str = "en",
        solution: Solution | None = None,
    ) -> PairExplanation:
        """Why this pair scores what it does, or which rule forbids it; with a ``solution``,
        also whether it was chosen and, if not, why."""
        context = self.context
        i, j = self._mentee(mentee_id, lang), self._position(mentor_id, lang)
        rules = broken_rules(context, i, j)
        if rules:
            limit = self.weights.distance_limit_km
            return PairExplanation(
                mentee_id=mentee_id,
                mentor_id=mentor_id,
                is_allowed=False,
                score=None,
                broken_rules=tuple(rules),
                rule_sentences=tuple(
                    rule_sentence(r, km=self._km(i, j), limit=limit, lang=lang) for r in rules
                ),
                is_chosen=False if solution is not None else None,
            )
        criteria = pair_criteria(context, np.array([i]), np.array([j]))
        score = float(score_pairs(context, np.array([i]), np.array([j]))[0])
        values = {c: float(criteria[c][0]) for c in CRITERIA}
        chosen, why_not = self._chosen(i, j, score, solution, lang)
        return self._explanation(i, j, values, score, lang, chosen=chosen, why_not=why_not)

    def _load(self, solution: Solution | None) -> np.ndarray | None:
        if solution is None:
            return None
        load = np.zeros(self.context.n_mentors, np.int64)
        for proposal in solution.proposals:
            load[self.context.mentor_position[self.pool.mentor_index[proposal.mentor_id]]] += 1
        return load

    def _chosen(
        self, i: int, j: int, score: float, solution: Solution | None, lang: str
    ) -> tuple[bool | None, str | None]:
        if solution is None:
            return None, None
        _ = gettext_for(lang)
        context = self.context
        mentee_id = context.mentees.people[i].external_id
        mentor_id = context.mentors.people[j].external_id
        by_mentee = {p.mentee_id: p for p in solution.proposals}
        chosen = by_mentee.get(mentee_id)
        if chosen is not None and chosen.mentor_id == mentor_id:
            return True, None
        if chosen is not None and chosen.is_pinned:
            return False, _("Staff pinned this mentee to another mentor.")
        taken = [p for p in solution.proposals if p.mentor_id == mentor_id]
        if len(taken) >= context.mentors.capacity[j]:
            if all(p.score >= score - 1e-9 for p in taken):
                return False, _(
                    "This mentor's places are taken by mentees for whom they score higher."
                )
            return False, _(
                "This mentor's places are taken; giving one to this mentee would match fewer "
                "mentees or lower the total score."
            )
        if chosen is not None and chosen.score >= score - 1e-9:
            from .explain import format_number

            return False, _(
                "The proposed mentor scores higher for this mentee (%(chosen)s against %(this)s)."
            ) % {"chosen": format_number(chosen.score, lang), "this": format_number(score, lang)}
        return False, _("Choosing this pair would match fewer mentees or lower the total score.")

    # -- every allowed pair ---------------------------------------------------------------

    def allowed_pairs(
        self, *, progress: Progress | None = None
    ) -> Iterator[tuple[str, str, float, dict[str, float]]]:
        """Every allowed pair with its score and criteria (for ``--pairs``), mentee by mentee."""
        context = self.context
        units = make_blocks(context, np.arange(context.n_mentees))
        total = len(units)
        for done, (rows, runs) in enumerate(units, 1):
            for lo, hi in runs:
                block = score_block(context, rows, slice(lo, hi))
                r, c = np.nonzero(block > NEG_INF)
                if r.size == 0:
                    continue
                i, j = rows[r], lo + c
                criteria = pair_criteria(context, i, j)
                scores = block[r, c]
                for position in range(r.size):
                    yield (
                        context.mentees.people[i[position]].external_id,
                        context.mentors.people[j[position]].external_id,
                        float(scores[position]),
                        {name: float(criteria[name][position]) for name in CRITERIA},
                    )
            if progress is not None:
                progress("pairs", done, total)


def _arcs_from_top(
    top, rows: np.ndarray, n_mentees: int, k: int, reserve: int = 0
) -> tuple[
    np.ndarray, np.ndarray, np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray]
]:
    """Arcs for each mentee's k best mentors, its next ``reserve`` (mentees, mentors, integer
    scores), and per mentee the bound of every pair left out of both: the
    (k + reserve + 1)-th score in integer units (``NO_BOUND`` when nothing was left out)."""
    found = np.isfinite(top.scores)
    last = k + reserve
    r, c = np.nonzero(found[:, :last])
    bound = np.full(n_mentees, NO_BOUND, np.int64)
    cut = found[:, last] if top.scores.shape[1] > last else np.zeros(len(rows), bool)
    bound[rows[cut]] = to_int(top.scores[cut, last])
    mentee, mentor, score = rows[r], top.mentors[r, c], to_int(top.scores[r, c])
    arc = c < k
    return (
        mentee[arc],
        mentor[arc],
        score[arc],
        bound,
        (mentee[~arc], mentor[~arc], score[~arc]),
    )


@dataclass
class _WarmState:
    """What a solve leaves for the next: per mentee whether it has a list, the arcs (mentors
    by blocking position), bounds, and the optimum's assignment and duals.

    Invariant: every allowed pair of a listed mentee is among the arcs or scores at most the
    mentee's bound (``solver.solve_priced``'s condition), for the matcher it belongs to.
    """

    listed: np.ndarray
    arc_mentee: np.ndarray
    arc_mentor: np.ndarray
    arc_score: np.ndarray
    bound: np.ndarray
    mentor_of: np.ndarray
    gain: np.ndarray
    price: np.ndarray

    @classmethod
    def after(
        cls, previous: _WarmState | None, active: np.ndarray, bound: np.ndarray, result: Certified
    ) -> _WarmState:
        """The state after a solve of the ``active`` mentees; mentees pinned in it keep
        their earlier list."""
        listed = active.copy()
        arc_mentee, arc_mentor, arc_score = result.arc_mentee, result.arc_mentor, result.arc_score
        if previous is not None:
            listed |= previous.listed
            resting = ~active[previous.arc_mentee]
            arc_mentee = np.concatenate([previous.arc_mentee[resting], arc_mentee])
            arc_mentor = np.concatenate([previous.arc_mentor[resting], arc_mentor])
            arc_score = np.concatenate([previous.arc_score[resting], arc_score])
            bound = np.where(active, bound, previous.bound)
        return cls(
            listed,
            arc_mentee,
            arc_mentor,
            arc_score,
            bound,
            result.mentor_of,
            result.gain,
            result.price,
        )

    def start(self, active: np.ndarray, capacity: np.ndarray) -> Start:
        """The previous assignment of the ``active`` mentees, within ``capacity`` (pins may
        have taken places: a mentor over capacity keeps its first mentees)."""
        mentor_of = np.where(active, self.mentor_of, -1)
        matched = np.nonzero(mentor_of >= 0)[0]
        matched = matched[np.argsort(mentor_of[matched], kind="stable")]
        mentors = mentor_of[matched]
        rank = np.arange(len(matched)) - np.searchsorted(mentors, mentors, "left")
        mentor_of[matched[rank >= capacity[mentors]]] = -1
        return Start(mentor_of, self.gain.copy(), self.price.copy())

    def moved(self, old: Matcher, new: Matcher, gone: set[str]) -> _WarmState:
        """This state in ``new``'s indices (``new`` is ``old.changed(...)``), the invariant
        restored: arcs of removed people and of new exclusions dropped; pairs no longer
        excluded scored and added; each added mentor's pairs with every listed mentee scored,
        and added as arcs where they beat the mentee's bound. A person removed and added
        back in the same change (a profile that changed) is a newcomer: nothing of theirs
        is carried over."""
        before, after = old.context, new.context
        mentee_to = np.array(
            [
                -1 if p.external_id in gone else new.pool.mentee_index.get(p.external_id, -1)
                for p in old.pool.mentees
            ],
            np.int64,
        )
        mentor_pool_to = np.array(
            [
                -1 if p.external_id in gone else new.pool.mentor_index.get(p.external_id, -1)
                for p in old.pool.mentors
            ],
            np.int64,
        )
        # old blocking position -> new blocking position (-1 removed)
        position_to = np.full(before.n_mentors, -1, np.int64)
        kept = mentor_pool_to[before.mentor_pool_index] >= 0
        position_to[kept] = after.mentor_position[mentor_pool_to[before.mentor_pool_index][kept]]

        n, m = after.n_mentees, after.n_mentors
        listed = np.zeros(n, bool)
        bound = np.full(n, NO_BOUND, np.int64)
        mentor_of = np.full(n, -1, np.int64)
        gain = np.zeros(n, np.int64)
        price = np.zeros(m, np.int64)
        rows = mentee_to >= 0
        listed[mentee_to[rows]] = self.listed[rows]
        bound[mentee_to[rows]] = self.bound[rows]
        gain[mentee_to[rows]] = self.gain[rows]
        assigned = rows & (self.mentor_of >= 0)
        mentor_of[mentee_to[assigned]] = position_to[self.mentor_of[assigned]]
        price[position_to[kept]] = self.price[kept]

        i = mentee_to[self.arc_mentee]
        j = position_to[self.arc_mentor]
        score = self.arc_score
        keep = (i >= 0) & (j >= 0)
        i, j, score = i[keep], j[keep], score[keep]
        if after.excluded:
            keys = i * m + j
            banned = np.array(
                sorted(a * m + b for a, bs in after.excluded.items() for b in bs), np.int64
            )
            keep = ~np.isin(keys, banned)
            i, j, score = i[keep], j[keep], score[keep]
            pairs = mentor_of >= 0
            mentor_of[pairs & np.isin(np.arange(n) * m + mentor_of, banned)] = -1

        extra_i: list[np.ndarray] = []
        extra_j: list[np.ndarray] = []
        extra_score: list[np.ndarray] = []
        # Pairs excluded before and allowed now were never scanned.
        lifted = [
            (a, b)
            for a, bs in (
                (int(mentee_to[a]), {int(position_to[b]) for b in bs})
                for a, bs in before.excluded.items()
            )
            if a >= 0
            for b in bs
            if b >= 0 and b not in after.excluded.get(a, ()) and listed[a]
        ]
        if lifted:
            a, b = (np.array(x, np.int64) for x in zip(*lifted, strict=True))
            scores = score_pairs(after, a, b)
            allowed = np.isfinite(scores)
            extra_i.append(a[allowed])
            extra_j.append(b[allowed])
            extra_score.append(to_int(scores[allowed]))
        # Added mentors: their pairs with every listed mentee, kept where above the bound.
        # (``changed`` puts added mentors after the kept ones in the pool.)
        added = after.mentor_position[np.arange(int(kept.sum()), m)]
        rows_listed = np.nonzero(listed)[0]
        if len(added) and len(rows_listed):
            block = score_block(after, rows_listed, added)
            r, c = np.nonzero(np.isfinite(block))
            integer = to_int(block[r, c])
            wanted = integer > bound[rows_listed[r]]
            extra_i.append(rows_listed[r[wanted]])
            extra_j.append(added[c[wanted]])
            extra_score.append(integer[wanted])
        if extra_i:
            i = np.concatenate([i, *extra_i])
            j = np.concatenate([j, *extra_j])
            score = np.concatenate([score, *extra_score])
        return _WarmState(listed, i, j, score, bound, mentor_of, gain, price)


def solve(
    pool: Pool,
    *,
    weights: WeightProfile | None = None,
    pins: Iterable[Pair] = (),
    exclusions: Iterable[Pair] = (),
    lang: str = "en",
    embedder: Embedder | None = None,
    cache: VectorCache | None = None,
    progress: Progress | None = None,
    k: int = DEFAULT_K,
) -> Solution:
    """Solve a pool in one call; see ``Matcher.solve``."""
    matcher = Matcher(
        pool,
        weights=weights,
        exclusions=exclusions,
        embedder=embedder,
        cache=cache,
        progress=progress,
        lang=lang,
    )
    return matcher.solve(pins=pins, lang=lang, k=k, progress=progress)


def rank_candidates(
    pool: Pool,
    mentee_id: str,
    *,
    k: int = 10,
    weights: WeightProfile | None = None,
    exclusions: Iterable[Pair] = (),
    lang: str = "en",
    embedder: Embedder | None = None,
    cache: VectorCache | None = None,
    solution: Solution | None = None,
) -> list[Candidate]:
    """One mentee's best mentors with explanations; see ``Matcher.rank_candidates``."""
    matcher = Matcher(pool, weights=weights, exclusions=exclusions, embedder=embedder, cache=cache)
    return matcher.rank_candidates(mentee_id, k=k, lang=lang, solution=solution)


def explain_pair(
    pool: Pool,
    mentee_id: str,
    mentor_id: str,
    *,
    weights: WeightProfile | None = None,
    exclusions: Iterable[Pair] = (),
    lang: str = "en",
    embedder: Embedder | None = None,
    cache: VectorCache | None = None,
    solution: Solution | None = None,
) -> PairExplanation:
    """Explain one pair; see ``Matcher.explain_pair``."""
    matcher = Matcher(pool, weights=weights, exclusions=exclusions, embedder=embedder, cache=cache)
    return matcher.explain_pair(mentee_id, mentor_id, lang=lang, solution=solution)


__all__: Sequence[str] = (
    "DEFAULT_K",
    "Matcher",
    "PoolEmbeddings",
    "default_embedder",
    "embed_pool",
    "explain_pair",
    "rank_candidates",
    "solve",
)
