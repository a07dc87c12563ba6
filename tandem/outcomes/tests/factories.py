"""Mentorships for the lifecycle tests, and the outsider's records for the URL-access test.

Mentorships are written directly: the matching desk (tandem/mentorships) creates them in the
product; here only their shape matters.
"""

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from tandem.core.tests.cast import Side, make_participant
from tandem.mentorships.models import Agreement, Mentorship, MentorshipStatus
from tandem.outcomes.models import FollowUp
from tandem.participants.models import Participant
from tandem.programs.models import Program


def make_mentorship(
    program: Program,
    *,
    mentee: Participant,
    mentor: Participant | None = None,
    started_on: date | None = None,
    weeks: int = 13,
    hours_target: int | None = None,
    agreement: bool = True,
) -> Mentorship:
    mentor = mentor or make_participant(program.organization, role="mentor")
    started_on = started_on or timezone.localdate() - timedelta(days=21)
    mentorship = Mentorship.objects.create(
        program=program,
        mentor=mentor,
        mentee=mentee,
        status=MentorshipStatus.ACTIVE,
        mentor_slot=1,
        mentor_capacity=max(mentor.capacity, 1),
        started_on=started_on,
        expected_end_on=started_on + timedelta(weeks=weeks),
    )
    if agreement:
        Agreement.objects.create(
            mentorship=mentorship,
            starts_on=started_on,
            expected_end_on=started_on + timedelta(weeks=weeks),
            hours_target=hours_target,
            minutes_per_week=60,
            goals="Find work in the field",
            confidentiality="What is said stays between us.",
        )
    return mentorship


def outsider_lifecycle_records(side: Side) -> dict[str, Any]:
    cached = getattr(side, "_lifecycle", None)
    if cached is not None:
        return cached
    from tandem.events.tests.factories import make_event
    from tandem.matching.tests.factories import outsider_records as matching_records
    from tandem.meetings.models import SharedDocument
    from tandem.programs.tests.factories import outsider_records

    program = outsider_records(side)["program"]
    # The matching desk's outsider mentorship (one active mentorship per mentee and program).
    mentorship = matching_records(side)["mentorship"]
    document = SharedDocument.objects.create(
        mentorship=mentorship, title="Résumé draft", link="https://docs.example.org/cv"
    )
    records: dict[str, Any] = {
        "event": make_event(program, side.staff),
        "mentorship": mentorship,
        "document": document,
        # A follow-up due today (staff record its answer by phone: outcomes:follow_up_behalf).
        "follow_up": FollowUp.objects.create(
            mentorship=mentorship, participant=mentorship.mentee, months=3, due_at=timezone.now()
        ),
    }
    side._lifecycle = records  # type: ignore[attr-defined]
    return records
