"""From the database to the engine: a program's pool of ready people as engine participants.

The pool of a program is its admitted, ready enrolments (`referrals.selectors.enrolments_in_pool`: taken in
by the program, `ready_at` set), minus mentees already
waiting for an answer or in an active mentorship of the program, and minus mentors with no
place left (active mentorships and published proposals, in every program, count against a
mentor's capacity). Drafts that staff keep (accepted or pinned) stay out of the engine: their
mentee is left out and their mentor's remaining capacity goes down by one, which also lets a
rule-breaking pair that staff justified stand.

Engine ids are `mentee-<pk>` / `mentor-<pk>`: agency ids are unique only within an agency.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import Count, Q, QuerySet

from tandem.matching import commitments
from tandem.matching.embeddings import DatabaseVectorCache, embedder
from tandem.matching.engine import model as engine
from tandem.matching.engine.api import Matcher, PoolEmbeddings
from tandem.matching.engine.embedding import embed_texts
from tandem.matching.engine.model import SLOTS
from tandem.matching.engine.reference import fsas, naics_classes, noc_unit_groups
from tandem.matching.models import (
    PENDING_STATUSES,
    Exclusion,
    MatchingSettings,
    Proposal,
    ProposalStatus,
)
from tandem.participants.models import Participant

SLOT_SET = frozenset(SLOTS)


def engine_id(participant_id: int, side: str) -> str:
    return f"{side}-{participant_id}"


def participant_id(engine_identifier: str) -> int:
    return int(engine_identifier.rsplit("-", 1)[1])


# What the engine reads of a person: a run reads only these columns of the whole pool
# (`build_pool`), not whole rows turned into model instances.
ENGINE_FIELDS = (
    "pk",
    "preferred_language",
    "languages",
    "occupation_id",
    "given_name",
    "family_name",
    "industry_id",
    "postal_code",
    "meeting_mode",
    "availability",
    "goals",
    "capacity",
    "clb_level",
    "years_experience",
    "employer",
)


def to_engine(person: Participant, *, side: str, capacity: int = 1) -> engine.Participant:
    """One person as the engine sees them; unknown reference codes become "unknown"."""
    return row_to_engine(
        {name: getattr(person, name) for name in ENGINE_FIELDS}, side=side, capacity=capacity
    )


def row_to_engine(row: Mapping[str, Any], *, side: str, capacity: int = 1) -> engine.Participant:
    """`to_engine` for a row of `ENGINE_FIELDS` (as `values()` returns it)."""
    postal = (row["postal_code"] or "").replace(" ", "").upper()
    fsa = postal[:3] if postal[:3] in fsas() else None
    naics = row["industry_id"] if row["industry_id"] in naics_classes() else None
    languages = frozenset(c.strip().lower() for c in row["languages"].split(";") if c.strip())
    return engine.Participant(
        external_id=engine_id(row["pk"], side),
        role=side,  # type: ignore[arg-type]
        preferred_language=row["preferred_language"],
        languages=languages | {row["preferred_language"]},
        noc_code=row["occupation_id"],
        given_name=row["given_name"],
        family_name=row["family_name"],
        naics_code=naics,
        postal_code=fsa,
        meeting_mode=row["meeting_mode"],
        availability=frozenset(
            s.strip().lower() for s in row["availability"].split(";") if s.strip()
        )
        & SLOT_SET,
        goals=row["goals"] or "",
        capacity=max(1, capacity),
        clb_level=row["clb_level"],
        years_experience=row["years_experience"],
        employer=row["employer"],
    )


def is_matchable(person: Participant | Mapping[str, Any]) -> bool:
    """The engine needs a five-digit NOC unit group."""
    code = person["occupation_id"] if isinstance(person, Mapping) else person.occupation_id
    return code in _unit_groups()


@functools.cache
def _unit_groups() -> frozenset[str]:
    return frozenset(noc_unit_groups())


def mentor_load(mentor_ids: list[int] | QuerySet | None = None) -> dict[int, int]:
    """Places each mentor already gives: pairs under way (`commitments`, e.g. active
    mentorships) and proposals awaiting answers. `mentor_ids` may be a query of ids (a subquery:
    a pool's thousands of ids are not sent)."""
    load: dict[int, int] = {}
    taken = [*commitments.under_way(), Proposal.objects.filter(status__in=PENDING_STATUSES)]
    if mentor_ids is not None:
        taken = [rows.filter(mentor_id__in=mentor_ids) for rows in taken]
    for rows in (source.values("mentor_id").annotate(n=Count("pk")) for source in taken):
        for row in rows:
            load[row["mentor_id"]] = load.get(row["mentor_id"], 0) + row["n"]
    return load


def busy_mentee_ids(program) -> set[int]:
    """Mentees of the program waiting for an answer or in a pair under way (an active
    mentorship)."""
    busy: set[int] = set()
    for rows in [*commitments.under_way(), Proposal.objects.filter(status__in=PENDING_STATUSES)]:
        busy |= set(rows.filter(program=program).values_list("mentee_id", flat=True))
    return busy


def _ready(program, side: str) -> QuerySet[Participant]:
    from tandem.programs.models import Enrolment
    from tandem.referrals.selectors import enrolments_in_pool

    in_pool = enrolments_in_pool(Enrolment.objects.filter(program=program, side=side))
    return Participant.objects.filter(pk__in=in_pool.values("participant_id")).order_by("pk")


def ready_people(program, side: str) -> QuerySet[Participant]:
    return _ready(program, side).select_related("occupation")


def is_in_pool(program, person: Participant) -> bool:
    return ready_people(program, person.role).filter(pk=person.pk).exists()


@dataclass
class DeskPool:
    program: object
    weights: engine.WeightProfile
    pool: engine.Pool
    exclusions: list[tuple[str, str]]
    kept: list[Proposal] = field(default_factory=list)
    left_out: list[int] = field(default_factory=list)  # ids of the unmatchable (no NOC unit group)

    @functools.cached_property
    def fingerprint(self) -> str:
        digest = hashlib.sha256()
        for side in (self.pool.mentees, self.pool.mentors):
            for p in side:
                digest.update(repr(p).encode())
        digest.update(repr(sorted(self.exclusions)).encode())
        digest.update(repr(self.weights).encode())
        return digest.hexdigest()


def weight_profile(
    settings: MatchingSettings, overrides: dict | None = None
) -> engine.WeightProfile:
    values = {**settings.weights(), "distance_limit_km": settings.distance_limit_km}
    values.update(overrides or {})
    return engine.WeightProfile(
        name=f"program-{settings.program_id}", **{k: float(v) for k, v in values.items()}
    )


def build_pool(program, *, weights: engine.WeightProfile, keep_drafts: bool = True) -> DeskPool:
    """The program's pool as the engine sees it, with exclusions and the drafts staff keep."""
    busy = busy_mentee_ids(program)
    kept: list[Proposal] = []
    if keep_drafts:
        kept = list(
            Proposal.objects.filter(program=program, status=ProposalStatus.DRAFT).filter(
                Q(is_pinned=True) | Q(is_accepted=True)
            )
        )
    kept_mentees = {p.mentee_id for p in kept}
    kept_load: dict[int, int] = {}
    for proposal in kept:
        kept_load[proposal.mentor_id] = kept_load.get(proposal.mentor_id, 0) + 1

    # Only the columns the engine reads, as tuples: at 5,000 a side, model instances with their
    # occupation cost more than the engine's own compilation of the pool (benchmarks/desk.py).
    mentees = [
        p
        for p in _ready(program, "mentee").values(*ENGINE_FIELDS)
        if p["pk"] not in busy and p["pk"] not in kept_mentees
    ]
    ready_mentors = _ready(program, "mentor")
    mentors_all = list(ready_mentors.values(*ENGINE_FIELDS))
    load = mentor_load(ready_mentors.values("pk"))
    left_out = [p["pk"] for p in (*mentees, *mentors_all) if not is_matchable(p)]
    engine_mentees = [row_to_engine(p, side="mentee") for p in mentees if is_matchable(p)]
    engine_mentors = []
    for mentor in mentors_all:
        room = mentor["capacity"] - load.get(mentor["pk"], 0) - kept_load.get(mentor["pk"], 0)
        if room > 0 and is_matchable(mentor):
            engine_mentors.append(row_to_engine(mentor, side="mentor", capacity=room))
    pool = engine.Pool(tuple(engine_mentees), tuple(engine_mentors))
    in_pool = set(pool.mentee_index) | set(pool.mentor_index)
    exclusions = [
        (engine_id(mentee, "mentee"), engine_id(mentor, "mentor"))
        for mentee, mentor in Exclusion.objects.filter(program=program).values_list(
            "mentee_id", "mentor_id"
        )
    ]
    exclusions = [pair for pair in exclusions if pair[0] in in_pool and pair[1] in in_pool]
    return DeskPool(program, weights, pool, exclusions, kept, left_out)


def pool_embeddings(pool: engine.Pool, progress=None) -> PoolEmbeddings:
    """Vectors from the database; texts that still have none are embedded and stored now."""
    model = embedder()
    cache = DatabaseVectorCache(model.name)
    texts = [p.goals for p in pool.mentees] + [p.goals for p in pool.mentors]
    cache.preload(texts)
    vectors, new = embed_texts(texts, model, cache, progress=progress)
    if not len(texts):
        vectors = np.zeros((0, model.dimension), np.float32)
    return PoolEmbeddings(vectors[: len(pool.mentees)], vectors[len(pool.mentees) :], new)


def make_matcher(desk: DeskPool, progress=None) -> Matcher:
    embeddings = pool_embeddings(desk.pool, progress=progress)
    return Matcher(
        desk.pool,
        weights=desk.weights,
        exclusions=desk.exclusions,
        embedder=embedder(),
        embeddings=embeddings,
    )


# The candidate pages ask the same pool again and again; compiling it once per change is enough.
_MATCHERS: dict[str, Matcher] = {}


def cached_matcher(desk: DeskPool) -> Matcher:
    key = desk.fingerprint
    matcher = _MATCHERS.get(key)
    if matcher is None:
        matcher = make_matcher(desk)
        if len(_MATCHERS) >= 4:
            _MATCHERS.pop(next(iter(_MATCHERS)))
        _MATCHERS[key] = matcher
    return matcher
