"""Fixtures for the lifecycle tests (imported by the conftest of meetings and outcomes tests).

`clock` is the frozen clock: it replaces `django.utils.timezone.now`, which services, model
defaults and the django-tasks-db worker all read, so that a test can jump months ahead.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from tandem.core.tests.cast import make_member, make_organization, make_participant, make_user
from tandem.organizations.models import Partnership, PartnershipKind, Role
from tandem.outcomes.tests.factories import make_mentorship
from tandem.programs.models import Enrolment
from tandem.programs.tests.factories import make_program


class Clock:
    def __init__(self, start: datetime):
        self.current = start

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta) -> datetime:
        self.current += timedelta(**delta)
        return self.current


@pytest.fixture
def clock(monkeypatch):
    frozen = Clock(datetime(2026, 3, 2, 15, 0, tzinfo=timezone.get_current_timezone()))
    monkeypatch.setattr(timezone, "now", frozen.now)
    return frozen


@dataclass
class Lifecycle:
    lead: object
    staff: object
    program: object
    mentor_user: object
    mentee_user: object
    mentorship: object


@pytest.fixture
def lifecycle(db, home) -> Lifecycle:
    """A lead agency's program with `home` as partner; a French mentee and an English mentor."""
    lead = make_organization("lead-agency", kind="lead_agency")
    lead.name_en, lead.name_fr = "Capital Welcome Centre", "Centre d'accueil de la Capitale"
    lead.save()
    Partnership.objects.create(
        organization=lead, partner=home.organization, kind=PartnershipKind.SERVICE_DELIVERY
    )
    staff = make_member(lead, Role.PROGRAM_STAFF, email="coach@lead.example.org", language="fr")
    program = make_program(
        lead,
        staff,
        slug="cmp",
        name_en="Career Mentoring Program",
        name_fr="Programme de mentorat professionnel",
    )
    program.staff.add(staff)
    mentee_user = make_user("amina@example.org", language="fr")
    mentee = make_participant(
        home.organization,
        user=mentee_user,
        given_name="Amina",
        family_name="Diallo",
        email="amina@example.org",
        preferred_language="fr",
    )
    mentor_user = make_user("daniel@example.org")
    mentor = make_participant(
        lead,
        role="mentor",
        user=mentor_user,
        given_name="Daniel",
        family_name="Wong",
        email="daniel@example.org",
        preferred_language="en",
    )
    Enrolment.objects.create(program=program, participant=mentee, side="mentee")
    Enrolment.objects.create(program=program, participant=mentor, side="mentor")
    mentorship = make_mentorship(program, mentee=mentee, mentor=mentor, hours_target=24)
    return Lifecycle(lead, staff, program, mentor_user, mentee_user, mentorship)
