"""Hypothesis strategies: small random pools that exercise every rule of the format."""

from __future__ import annotations

import hashlib

import numpy as np
from hypothesis import strategies as st

from tandem.matching.engine.model import SLOTS, Participant, Pool

# A few codes close in the NOC and NAICS hierarchies, so that partial matches happen.
NOCS = ("21231", "21232", "21211", "21300", "11100", "11101", "31301", "13110")
NAICS = (None, "5415", "541514", "5412", "62", "31", "33", "9111")
FSAS = (None, "K1N", "K2P", "J8X", "M5V", "H2X")  # Ottawa, Gatineau (near), Toronto, Montréal
GOALS = ("", "software developer", "développeuse de logiciels", "nurse", "comptable", "accountant")
LANGUAGE_SETS = (("en",), ("fr",), ("en", "fr"), ("ar",), ("en", "ar"), ("fr", "es"))


class HashEmbedder:
    """A deterministic stand-in embedder: a text's vector comes from its sha256. Fast and
    model-free, so property tests exercise the goals criterion without loading a model."""

    name = "test-hash-v1"
    dimension = 16
    baseline = 0.0

    def embed(self, texts):
        vectors = np.array(
            [
                np.frombuffer(hashlib.sha256(t.encode()).digest()[:16], np.uint8).astype(np.float32)
                - 127.5
                for t in texts
            ],
            np.float32,
        ).reshape(len(texts), self.dimension)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors


@st.composite
def participants(draw, role: str, index: int) -> Participant:
    languages = frozenset(draw(st.sampled_from(LANGUAGE_SETS)))
    preferred = draw(st.sampled_from(("en", "fr")))
    return Participant(
        external_id=f"{role[0:2]}{'e' if role == 'mentee' else 't'}{index}",
        role=role,  # type: ignore[arg-type]
        preferred_language=preferred,
        languages=languages,
        noc_code=draw(st.sampled_from(NOCS)),
        naics_code=draw(st.sampled_from(NAICS)),
        postal_code=draw(st.sampled_from(FSAS)),
        meeting_mode=draw(st.sampled_from(("either", "in_person", "virtual"))),
        availability=frozenset(draw(st.lists(st.sampled_from(SLOTS[:6]), max_size=3))),
        goals=draw(st.sampled_from(GOALS)),
        capacity=draw(st.integers(1, 3)) if role == "mentor" else 1,
        years_experience=draw(st.sampled_from((None, 0.0, 4.0, 15.0))),
    )


@st.composite
def pools(draw, max_mentees: int = 14, max_mentors: int = 9) -> Pool:
    n = draw(st.integers(0, max_mentees))
    m = draw(st.integers(0, max_mentors))
    mentees = [draw(participants("mentee", i)) for i in range(n)]
    mentors = [draw(participants("mentor", j)) for j in range(m)]
    return Pool(tuple(mentees), tuple(mentors))


@st.composite
def contested_pools(draw, max_mentees: int = 18) -> Pool:
    """Scarce mentors whom most mentees want: as many mentors as mentees, half or a third as
    many (capacity 1, or 1-3), most pairs allowed and their scores close, so that mentors are
    contested and their prices matter (issue 25's two scarce populations, in small)."""
    n = draw(st.integers(1, max_mentees))
    m = draw(st.sampled_from(sorted({max(1, n // 3), n // 2 + 1, n})))
    capacity_one = draw(st.booleans())

    def person(role: str, index: int) -> Participant:
        return Participant(
            external_id=f"c{'e' if role == 'mentee' else 't'}{index}",
            role=role,  # type: ignore[arg-type]
            preferred_language=draw(st.sampled_from(("en", "en", "fr"))),
            languages=frozenset(draw(st.sampled_from((("en", "fr"), ("en", "fr"), ("en",))))),
            noc_code=draw(st.sampled_from(NOCS[:3])),
            naics_code=draw(st.sampled_from(NAICS[:3])),
            postal_code=draw(st.sampled_from(FSAS[:4])),
            meeting_mode=draw(st.sampled_from(("either", "either", "virtual", "in_person"))),
            availability=frozenset(draw(st.lists(st.sampled_from(SLOTS[:2]), max_size=1))),
            goals=draw(st.sampled_from(GOALS[1:4])),
            capacity=(1 if capacity_one else draw(st.integers(1, 3))) if role == "mentor" else 1,
            years_experience=draw(st.sampled_from((None, 4.0, 15.0))),
        )

    mentees = [person("mentee", i) for i in range(n)]
    mentors = [person("mentor", j) for j in range(m)]
    return Pool(tuple(mentees), tuple(mentors))


def any_assignment(draw, n: int, arc_mentee, arc_mentor, capacity) -> np.ndarray:
    """A mentor per mentee (-1 unmatched) along the arcs, within capacity, drawn at random:
    where a repair or an assignment may start from."""
    mentor_of = np.full(n, -1, np.int64)
    load = np.zeros(len(capacity), np.int64)
    for a in draw(st.permutations(range(len(arc_mentee)))):
        i, j = arc_mentee[a], arc_mentor[a]
        if mentor_of[i] < 0 and load[j] < capacity[j] and draw(st.booleans()):
            mentor_of[i] = j
            load[j] += 1
    return mentor_of
