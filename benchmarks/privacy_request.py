"""The access-request half of benchmarks/privacy.py: a person with a full history in two
organizations (referrals, enrolments, a six-month mentorship with its meetings and check-ins,
closure, follow-ups and outcomes, consent changes, accommodations, hundreds of views of her
record, the audit trail) and the time to build her answer: everything gathered, the JSON
written and the PDF rendered by WeasyPrint, as the worker's task does."""

from __future__ import annotations

import time
from datetime import timedelta

REQUEST_LIMIT_SECONDS = 5.0


def full_history_person():
    from django.utils import timezone

    from tandem.core.tests.cast import make_member, make_organization, make_participant, make_user
    from tandem.meetings.models import CheckIn, MeetingLog
    from tandem.organizations.models import Role
    from tandem.outcomes.models import EmploymentOutcome
    from tandem.outcomes.services import consent_set, mentorship_close
    from tandem.outcomes.tests.factories import make_mentorship
    from tandem.participants.services import accommodation_save
    from tandem.privacy.models import RecordView
    from tandem.programs.models import Enrolment
    from tandem.programs.tests.factories import make_program
    from tandem.referrals.models import Referral

    lead = make_organization("bench-lead", kind="lead_agency")
    agency = make_organization("bench-agency")
    staff = make_member(lead, Role.PROGRAM_STAFF, "staff@bench-lead.org")
    caseworker = make_member(agency, Role.CASEWORKER, "cw@bench-agency.org")
    user = make_user("amina@bench.example.org", language="fr")
    records = [
        make_participant(
            organization,
            user=user,
            given_name="Amina",
            family_name="Diallo",
            email="amina@bench.example.org",
            preferred_language="fr",
        )
        for organization in (lead, agency)
    ]
    amina = records[0]
    mentor = make_participant(lead, role="mentor", given_name="Daniel", family_name="Wong")
    programs = [make_program(lead, staff, slug=f"bench-{i}") for i in range(3)]
    for program in programs:
        program.staff.add(staff)
        Referral.objects.create(
            participant=amina,
            program=program,
            referring_organization=agency,
            referred_by=caseworker,
            note="Ready to work as an engineer; completed the workshop.",
            has_consent=True,
        )
        Enrolment.objects.create(program=program, participant=amina, side="mentee")
    Enrolment.objects.create(program=programs[0], participant=mentor, side="mentor")
    started = timezone.localdate() - timedelta(days=190)
    pair = make_mentorship(programs[0], mentee=amina, mentor=mentor, started_on=started, weeks=26)
    MeetingLog.objects.bulk_create(
        [
            MeetingLog(
                mentorship=pair,
                met_on=started + timedelta(days=7 * week),
                minutes=60,
                mode="virtual",
                topics=f"Week {week}: résumé, interview practice and networking plans.",
                logged_by=user,
            )
            for week in range(26)
        ]
    )
    CheckIn.objects.bulk_create(
        [
            CheckIn(
                mentorship=pair,
                participant=amina,
                held_on=started + timedelta(days=30 * month),
                how_it_is_going="Going well, more interviews.",
                satisfaction=4,
                staff=staff,
            )
            for month in range(6)
        ]
    )
    accommodation_save(
        actor=caseworker, participant=amina, needs="Large print", has_consent=True, share=True
    )
    mentorship_close(
        actor=staff, mentorship=pair, kind="end_of_term", ended_on=timezone.localdate()
    )
    EmploymentOutcome.objects.bulk_create(
        [
            EmploymentOutcome(
                participant=amina,
                mentorship=pair,
                source="exit",
                status="employed_in_field",
                recorded_by=staff,
                recorded_at=timezone.now(),
            )
            for _ in range(3)
        ]
    )
    for given in (False, True, False, True):
        consent_set(actor=user, participant=amina, may_contact=given)
    RecordView.objects.bulk_create(
        [
            RecordView(
                participant_id=records[i % 2].pk,
                viewer_id=caseworker.pk,
                viewer_label=caseworker.email,
                organization_id=agency.pk,
                kind="record",
                page="participants:detail",
                path=f"/en/participants/{records[i % 2].pk}/",
            )
            for i in range(400)
        ]
    )
    return amina, user


def request_build(*, person_id: int, user_id: int, builds: int = 3) -> dict:
    """Builds the person's answer `builds` times (a new request each time, as the worker
    would); the median is the figure."""
    import io
    import json
    import statistics

    from pypdf import PdfReader

    from tandem.accounts.models import User
    from tandem.participants.models import Participant
    from tandem.privacy.requests import request_build as build
    from tandem.privacy.requests import request_receive

    amina = Participant.objects.get(pk=person_id)
    user = User.objects.get(pk=user_id)
    times = []
    for _ in range(builds):
        made = request_receive(actor=user, participant=amina, kind="correction")  # no task
        made.kind = "access"
        made.save(update_fields=["kind"])
        started = time.perf_counter()
        answered = build(request_id=made.pk)
        times.append(time.perf_counter() - started)
    with answered.json.open("rb") as file:
        data = json.load(file)
    with answered.pdf.open("rb") as file:
        pages = len(PdfReader(io.BytesIO(file.read())).pages)
    seconds = statistics.median(times)
    return {
        "request_status": answered.status,
        "request_sections": len(data["sections"]),
        "request_rows": sum(len(s["rows"]) for s in data["sections"]),
        "request_pdf_pages": pages,
        "request_builds": [round(t, 2) for t in times],
        "request_build_seconds": round(seconds, 2),
        "request_limit_seconds": REQUEST_LIMIT_SECONDS,
        "request_within_limit": answered.status == "answered" and seconds <= REQUEST_LIMIT_SECONDS,
    }
