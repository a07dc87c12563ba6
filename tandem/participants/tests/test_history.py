"""Audit as named events: every service records what was done, by whom, to which record; a
person's record page shows its history to the staff who hold it; work of the worker carries the
person who started it, or a named system actor."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.core import audit
from tandem.core.models import AuditEvent
from tandem.core.tests.cast import make_member, make_organization
from tandem.organizations.models import Partnership, PartnershipKind, Role
from tandem.participants import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def returned(home):
    """A referral from `home` to a lead agency's program, returned by the program's staff."""
    from tandem.programs.tests.factories import make_program
    from tandem.referrals.services import referral_decide, referral_submit

    lead = make_organization("lead-agency", kind="lead_agency")
    coach = make_member(lead, Role.PROGRAM_STAFF, email="coach@lead.example.org")
    coach.first_name, coach.last_name = "Chloé", "Tremblay"
    coach.save(update_fields=["first_name", "last_name"])
    Partnership.objects.create(
        organization=lead, partner=home.organization, kind=PartnershipKind.SERVICE_DELIVERY
    )
    program = make_program(lead, coach, slug="cmp")
    referral = referral_submit(
        actor=home.caseworker,
        participant=home.mentee,
        program=program,
        note="Ready",
        answers={},
        has_consent=True,
    )
    referral_decide(
        actor=coach, referral=referral, outcome="returned", unmet_criteria=[], note="Not yet"
    )
    return referral


def test_a_returned_referral_is_a_named_event_with_its_actor_target_and_person(returned, home):
    event = AuditEvent.objects.get(name="referral.returned")
    assert (event.actor.email, event.target_type, event.target_id) == (
        "coach@lead.example.org",
        "referrals.referral",
        str(returned.pk),
    )
    assert event.data["unmet_criteria"] == []
    names = [e.name for e in audit.history(home.mentee)]
    assert names[:2] == ["referral.returned", "referral.submitted"]


def test_the_record_page_shows_its_history_to_the_agency_in_both_languages(
    returned, home, client, no_mfa
):
    client.force_login(home.caseworker)
    url = reverse("participants:detail", args=[home.mentee.pk])
    html = client.get(url).content.decode()
    assert "Referral returned to the agency" in html and "Chloé Tremblay" in html
    html = client.get("/fr" + url[3:]).content.decode()
    assert "Référence renvoyée à l’organisme" in html


def test_the_history_stays_with_the_staff_who_hold_the_record(returned, home, client, no_mfa):
    """The person sees their own record, but not the trail of what staff did with it."""
    client.force_login(home.mentee_user)
    html = client.get(reverse("participants:detail", args=[home.mentee.pk])).content.decode()
    assert "Referral returned to the agency" not in html
    assert "history-title" not in html


def test_an_undeclared_event_or_a_missing_actor_is_refused(home):
    with pytest.raises(ValueError, match="undeclared"):
        audit.record("referral.retuned", actor=home.staff, target=home.mentee)
    with pytest.raises(ValueError, match="actor"):
        audit.record(services.UPDATED, actor=None, target=home.mentee)


def test_an_import_run_by_the_worker_is_attributed_to_who_uploaded_it(home, run_worker):
    from django.core.files.uploadedfile import SimpleUploadedFile

    header = "role,external_id,given_name,family_name,email,languages,noc_code\n"
    upload = SimpleUploadedFile(
        "people.csv", (header + "mentee,A-1,Ana,Diallo,ana@example.org,en,21231\n").encode()
    )
    job = services.import_job_create(
        actor=home.caseworker, organization=home.organization, upload=upload, dry_run=True
    )
    run_worker()
    event = AuditEvent.objects.get(name="import.finished", target_id=str(job.pk))
    assert event.actor == home.caseworker
    assert event.actor_label == home.caseworker.email


def test_work_nobody_asked_for_is_recorded_under_a_named_system_actor(home):
    from tandem.matching.models import ProposalStatus
    from tandem.matching.services.follow_ups import proposal_follow_up
    from tandem.matching.tests.factories import person, program_for, proposal

    now = timezone.now()
    published = proposal(
        program_for(home),
        person(home, "mentee"),
        person(home, "mentor"),
        status=ProposalStatus.PUBLISHED,
        published_at=now - timedelta(days=20),
        expires_at=now - timedelta(minutes=1),
    )
    assert proposal_follow_up(proposal_id=published.pk) == "expired"
    event = AuditEvent.objects.get(name="proposal.expired")
    assert (event.actor, event.actor_label) == (None, "system:sweeps")
    assert audit.history_rows(published.mentee)[0].who == "Tandem, automatically"
