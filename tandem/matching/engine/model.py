"""Plain data the engine takes and returns. No ORM objects: the matching desk converts."""

from __future__ import annotations

import enum
import functools
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Literal

from .i18n import gettext_for

Role = Literal["mentee", "mentor"]
MeetingMode = Literal["in_person", "virtual", "either"]

CRITERIA: tuple[str, ...] = (
    "occupation",
    "industry",
    "goals",
    "language",
    "distance",
    "availability",
    "experience",
)

DAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PARTS: tuple[str, ...] = ("morning", "afternoon", "evening")
SLOTS: tuple[str, ...] = tuple(f"{day}-{part}" for day in DAYS for part in PARTS)


class EngineError(Exception):
    """A domain error whose message is already translated for the caller."""


@dataclass(frozen=True, slots=True)
class Participant:
    """One row of the participants file, already validated.

    ``availability`` empty means "any time". ``postal_code`` is normalised to upper case
    (``K1K 2C5`` or ``K1K``); only its first three characters (the FSA) are used.
    """

    external_id: str
    role: Role
    preferred_language: Literal["en", "fr"]
    languages: frozenset[str]
    noc_code: str
    given_name: str = ""
    family_name: str = ""
    email: str = ""
    naics_code: str | None = None
    postal_code: str | None = None
    meeting_mode: MeetingMode = "either"
    availability: frozenset[str] = frozenset()
    goals: str = ""
    capacity: int = 1
    clb_level: int | None = None
    years_experience: float | None = None
    employer: str = ""

    @property
    def fsa(self) -> str | None:
        return self.postal_code[:3] if self.postal_code else None


@dataclass(frozen=True)
class Pool:
    """Mentees and mentors to match. Ids are unique across both lists."""

    mentees: tuple[Participant, ...]
    mentors: tuple[Participant, ...]

    @classmethod
    def from_participants(cls, participants: Iterable[Participant]) -> Pool:
        people = list(participants)
        return cls(
            mentees=tuple(p for p in people if p.role == "mentee"),
            mentors=tuple(p for p in people if p.role == "mentor"),
        )

    @functools.cached_property
    def mentee_index(self) -> dict[str, int]:
        return {p.external_id: i for i, p in enumerate(self.mentees)}

    @functools.cached_property
    def mentor_index(self) -> dict[str, int]:
        return {p.external_id: j for j, p in enumerate(self.mentors)}


@dataclass(frozen=True)
class WeightProfile:
    """How much each criterion counts. Weights are relative: the score divides by their sum.

    ``distance_limit_km`` is the hard rule for in-person pairs; the other two numbers shape the
    distance and experience criteria (1 at 0 km falling to 0 at ``distance_scale_km``; 1 from
    ``experience_full_years`` years).
    """

    name: str = "default"
    occupation: float = 0.30
    industry: float = 0.10
    goals: float = 0.25
    language: float = 0.10
    distance: float = 0.10
    availability: float = 0.10
    experience: float = 0.05
    distance_limit_km: float = 50.0
    distance_scale_km: float = 50.0
    experience_full_years: float = 10.0

    def __post_init__(self) -> None:
        problem = _weights_problem(self.__dict__, "en")
        if problem:
            raise EngineError(problem)

    def normalized(self) -> dict[str, float]:
        """Each criterion's share of the score; the shares sum to 1."""
        total = sum(getattr(self, c) for c in CRITERIA)
        return {c: getattr(self, c) / total for c in CRITERIA}

    @classmethod
    def from_mapping(cls, data: Mapping[str, object], *, lang: str = "en") -> WeightProfile:
        """Build from ``{"name": ..., "weights": {criterion: w}, "distance_limit_km": ...}``.

        Unknown keys are refused so that a typo in a weights file cannot silently do nothing.
        """
        _ = gettext_for(lang)
        known = {f.name for f in fields(cls)} - set(CRITERIA)
        values: dict[str, object] = {}
        for key, value in data.items():
            if key == "weights":
                if not isinstance(value, Mapping):
                    raise EngineError(_("weights must be an object of criterion: weight."))
                for criterion, weight in value.items():
                    if criterion not in CRITERIA:
                        raise EngineError(
                            _("Unknown criterion %(name)s; known criteria: %(known)s.")
                            % {"name": criterion, "known": ", ".join(CRITERIA)}
                        )
                    values[criterion] = weight
            elif key in known:
                values[key] = value
            else:
                raise EngineError(_("Unknown setting %(name)s in the weights.") % {"name": key})
        merged = {**cls().__dict__, **values}
        problem = _weights_problem(merged, lang)
        if problem:
            raise EngineError(problem)
        return cls(**merged)

    @classmethod
    def from_json(cls, path: str | Path, *, lang: str = "en") -> WeightProfile:
        _ = gettext_for(lang)
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise EngineError(
                _("Cannot read the weights file %(path)s: %(error)s")
                % {"path": path, "error": error}
            ) from error
        if not isinstance(data, Mapping):
            raise EngineError(_("The weights file must hold a JSON object."))
        return cls.from_mapping(data, lang=lang)

    def to_mapping(self) -> dict[str, object]:
        return {
            "name": self.name,
            "weights": {c: getattr(self, c) for c in CRITERIA},
            "distance_limit_km": self.distance_limit_km,
            "distance_scale_km": self.distance_scale_km,
            "experience_full_years": self.experience_full_years,
        }


def _weights_problem(values: Mapping[str, object], lang: str) -> str | None:
    """The first thing wrong with a profile's numbers, translated, or None."""
    _ = gettext_for(lang)
    for name in (*CRITERIA, "distance_limit_km", "distance_scale_km", "experience_full_years"):
        value = values[name]
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or value < 0
        ):
            return _("Weight %(name)s must be a number of zero or more.") % {"name": name}
    if sum(values[c] for c in CRITERIA) <= 0:  # type: ignore[misc]
        return _("At least one criterion must have a positive weight.")
    if values["distance_scale_km"] <= 0 or values["experience_full_years"] <= 0:  # type: ignore[operator]
        return _("distance_scale_km and experience_full_years must be greater than zero.")
    if not isinstance(values["name"], str) or not values["name"].strip():
        return _("A weight profile needs a name.")
    return None


class Rule(enum.StrEnum):
    """The hard rules of the format (and staff exclusions) that can forbid a pair."""

    MENTOR_NO_FRENCH = "mentor_no_french"
    NO_SHARED_LANGUAGE = "no_shared_language"
    NO_SHARED_SLOT = "no_shared_slot"
    MODE_MISMATCH = "mode_mismatch"
    TOO_FAR = "too_far"
    EXCLUDED = "excluded"


class UnmatchedReason(enum.StrEnum):
    NO_MENTORS = "no_mentors"
    NO_FRENCH_SPEAKING_MENTOR = "no_french_speaking_mentor"
    NO_SHARED_LANGUAGE = "no_shared_language"
    NO_COMPATIBLE_MODE = "no_compatible_mode"
    ALL_TOO_FAR = "all_too_far"
    NO_SHARED_AVAILABILITY = "no_shared_availability"
    ALL_EXCLUDED = "all_excluded"
    NO_AVAILABILITY_WITH_ROOM = "no_availability_with_room"
    MENTORS_FULL_SCORE_HIGHER = "mentors_full_score_higher"
    MENTORS_FULL_TRADE_OFF = "mentors_full_trade_off"


@dataclass(frozen=True, slots=True)
class Contribution:
    """One criterion's part in a pair's score: ``contribution = weight * value``."""

    criterion: str
    value: float
    weight: float
    contribution: float
    sentence: str | None  # None when the criterion contributed nothing


@dataclass(frozen=True, slots=True)
class PairExplanation:
    mentee_id: str
    mentor_id: str
    is_allowed: bool
    score: float | None
    contributions: tuple[Contribution, ...] = ()
    broken_rules: tuple[Rule, ...] = ()
    rule_sentences: tuple[str, ...] = ()
    is_chosen: bool | None = None
    why_not_chosen: str | None = None

    @property
    def sentences(self) -> tuple[str, ...]:
        """What a person reads: the contributing criteria, strongest first, or the rules."""
        if not self.is_allowed:
            return self.rule_sentences
        ranked = sorted(self.contributions, key=lambda c: -c.contribution)
        return tuple(c.sentence for c in ranked if c.sentence)


@dataclass(frozen=True, slots=True)
class Proposal:
    mentee_id: str
    mentor_id: str
    score: float
    criteria: Mapping[str, float]
    explanation: PairExplanation
    is_pinned: bool = False


@dataclass(frozen=True, slots=True)
class Unmatched:
    mentee_id: str
    reason_code: UnmatchedReason
    reason: str


@dataclass(frozen=True, slots=True)
class Candidate:
    rank: int
    mentor_id: str
    score: float
    has_room: bool | None
    explanation: PairExplanation


@dataclass(frozen=True)
class SolveStats:
    pairs_scored: int
    pairs_allowed: int
    exact_goal_products: int
    arcs_in_graph: int
    rounds: int
    enlarged_mentees: int
    is_certified: bool
    timings: dict[str, float] = field(default_factory=dict)
    is_warm: bool = False  # started from a previous solve's lists, assignment and prices
    rounds_trace: tuple[dict, ...] = ()  # per pricing round (solver.Certified.trace)


@dataclass(frozen=True)
class Solution:
    proposals: tuple[Proposal, ...]
    unmatched: tuple[Unmatched, ...]
    total_score: float
    stats: SolveStats

    @property
    def matched_count(self) -> int:
        return len(self.proposals)

    def mentor_of(self, mentee_id: str) -> str | None:
        for proposal in self.proposals:
            if proposal.mentee_id == mentee_id:
                return proposal.mentor_id
        return None
