"""Pools, proposals and mentorships for tests, built through the services where it matters."""

import hashlib
from datetime import timedelta
from typing import Any

import numpy as np
from django.utils import timezone

from tandem.core.tests.cast import Side, make_participant, occupation
from tandem.matching.models import Proposal, ProposalRun, ProposalStatus
from tandem.participants.models import Participant
from tandem.programs.models import Enrolment, Program

TEST_EMBEDDER = "tandem.matching.tests.factories.HashEmbedder"


class HashEmbedder:
    """Character trigrams hashed into 64 dimensions: deterministic, instant, no model."""

    name = "test-hash-64-v1"
    dimension = 64
    baseline = 0.1

    def embed(self, texts):
        vectors = np.zeros((len(texts), self.dimension), np.float32)
        for row, text in enumerate(texts):
            text = f"  {text.lower()}  "
            for i in range(len(text) - 2):
                digest = hashlib.blake2b(text[i : i + 3].encode(), digest_size=2).digest()
                vectors[row, int.from_bytes(digest) % self.dimension] += 1
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        norms[norms == 0] = 1
        return vectors / norms


def program_for(side: Side, **fields: Any) -> Program:
    from tandem.programs.tests.factories import make_program

    return make_program(side.organization, side.staff, **fields)


def enrol(program: Program, person: Participant, *, days_waiting: int = 3) -> Enrolment:
    enrolment, _created = Enrolment.objects.update_or_create(
        program=program,
        participant=person,
        defaults={
            "side": person.role,
            "ready_at": timezone.now() - timedelta(days=days_waiting),
        },
    )
    return enrolment


def person(side: Side, role: str, **fields: Any) -> Participant:
    defaults: dict[str, Any] = {
        "languages": "en;fr",
        "preferred_language": "en",
        "availability": "tue-evening;sat-morning",
        "meeting_mode": "either",
        "postal_code": "K1N 5Y1",
        "goals": "Find a software engineering role"
        if role == "mentee"
        else "Help newcomers in tech",
        "occupation": occupation(fields.pop("noc", "21231")),
    }
    if role == "mentor":
        defaults.update(capacity=1, years_experience=10)
    return make_participant(side.organization, role=role, **{**defaults, **fields})


def pool_of(side: Side, program: Program, *, mentees: int = 2, mentors: int = 2) -> dict:
    made = {
        "mentees": [person(side, "mentee") for _ in range(mentees)],
        "mentors": [person(side, "mentor") for _ in range(mentors)],
    }
    for someone in made["mentees"] + made["mentors"]:
        enrol(program, someone)
    return made


def proposal(program: Program, mentee: Participant, mentor: Participant, **fields: Any) -> Proposal:
    defaults = {
        "status": ProposalStatus.DRAFT,
        "score": 0.5,
        "contributions": [
            {"criterion": "occupation", "value": 1.0, "weight": 0.3, "contribution": 0.3}
        ],
        "sentences": {"en": ["Same occupation"], "fr": ["Même profession"]},
    }
    return Proposal.objects.create(
        program=program, mentee=mentee, mentor=mentor, **{**defaults, **fields}
    )


def outsider_records(side: Side) -> dict[str, Any]:
    """A program of the outsider with a pool, a published proposal, a run and a mentorship."""
    cached = getattr(side, "_matching_records", None)
    if cached is not None:
        return cached
    from tandem.core.tests.url_arguments import outsider_records as program_records
    from tandem.mentorships.models import Mentorship

    program = program_records(side)["program"]
    mentee = side.mentee
    enrol(program, mentee)
    mentor = person(side, "mentor")
    enrol(program, mentor)
    published = proposal(
        program,
        mentee,
        mentor,
        status=ProposalStatus.PUBLISHED,
        published_at=timezone.now(),
        expires_at=timezone.now() + timedelta(days=10),
    )
    other_mentee = person(side, "mentee")
    enrol(program, other_mentee)
    confirmed = proposal(program, other_mentee, mentor, status=ProposalStatus.CONFIRMED)
    mentorship = Mentorship.objects.create(
        program=program,
        mentor=mentor,
        mentee=other_mentee,
        proposal=confirmed,
        mentor_slot=1,
        mentor_capacity=2,
    )
    mentor.capacity = 2
    mentor.save(update_fields=["capacity"])
    run = ProposalRun.objects.create(program=program)
    records = {"proposal": published, "mentorship": mentorship, "run": run, "program": program}
    side._matching_records = records  # type: ignore[attr-defined]
    return records
