"""The open-access flow end to end through the HTTP client: record, eligibility, referral,
return with reasons, resubmit, accept, intake; and the outsider at every step."""

import pytest
from django.core import mail
from django.test import Client

from tandem.core.tests.cast import make_member, make_organization, make_participant
from tandem.organizations.models import Partnership, PartnershipKind, Role
from tandem.programs.models import Criterion
from tandem.programs.services import criteria_publish
from tandem.programs.tests.factories import (
    CMP_MENTEE_CRITERIA,
    make_program,
    qualified_mentee_fields,
)
from tandem.referrals.models import Referral, ReferralStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(home):
    """A lead agency running the program, with `home` as its service-delivery partner."""
    organization = make_organization("lead-agency", kind="lead_agency")
    staff = make_member(organization, Role.PROGRAM_STAFF, language="fr")
    Partnership.objects.create(
        organization=organization, partner=home.organization, kind=PartnershipKind.SERVICE_DELIVERY
    )
    program = make_program(organization, staff, slug="cmp")
    program.staff.add(staff)
    criteria_publish(actor=staff, program=program, side="mentee", criteria=CMP_MENTEE_CRITERIA)
    return type("Lead", (), {"organization": organization, "staff": staff, "program": program})


def _run_mail(django_capture_on_commit_callbacks, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def test_a_caseworker_sees_criterion_by_criterion_what_a_client_is_missing(
    client: Client, home, lead, no_mfa
):
    home.mentee.clb_level = 4
    home.mentee.save()
    client.force_login(home.caseworker)
    response = client.get(f"/en/referrals/client/{home.mentee.pk}/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Canadian Language Benchmark (CLB) 5 or higher" in text
    assert "Not met" in text
    assert "Missing information" in text


def test_the_eligibility_page_speaks_french_to_a_french_caseworker(
    client: Client, home, lead, no_mfa
):
    client.force_login(home.caseworker)
    response = client.get(f"/fr/referrals/client/{home.mentee.pk}/")
    assert response.status_code == 200
    assert (
        "Niveau de compétence linguistique canadien (NCLC) 5 ou plus" in response.content.decode()
    )


def test_a_returned_referral_reaches_the_caseworker_with_the_specific_criteria_and_can_be_resent(
    client: Client, home, lead, no_mfa, django_capture_on_commit_callbacks, settings
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    participant = make_participant(
        home.organization, **{**qualified_mentee_fields(), "clb_level": 3}
    )
    client.force_login(home.caseworker)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/en/referrals/client/{participant.pk}/refer/{lead.program.pk}/",
            {"note": "Motivated and prepared.", "has_consent": "on"},
        )
    referral = Referral.objects.get(participant=participant)
    assert response.status_code == 302
    assert referral.status == ReferralStatus.SUBMITTED
    assert [m.to for m in mail.outbox] == [[lead.staff.email]]  # program staff told, in French
    assert "Nouvelle référence" in mail.outbox[0].subject

    client.force_login(lead.staff)
    page = client.get(f"/en/referrals/{referral.pk}/")
    assert page.status_code == 200
    clb = Criterion.objects.get(version=page.context["version"], kind="clb_at_least")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/en/referrals/{referral.pk}/decide/",
            {
                "outcome": "returned",
                "unmet_criteria": [clb.pk],
                "note": "Language classes first.",
                "version": page.context["version"].pk,
            },
        )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.RETURNED
    assert mail.outbox[0].to == [home.caseworker.email]
    assert "Canadian Language Benchmark (CLB) 5 or higher" in mail.outbox[0].body
    assert "Language classes first." in mail.outbox[0].body

    client.force_login(home.caseworker)
    detail = client.get(f"/en/referrals/{referral.pk}/").content.decode()
    assert "Canadian Language Benchmark (CLB) 5 or higher" in detail
    assert "Language classes first." in detail

    participant.clb_level = 6
    participant.save()
    response = client.post(f"/en/referrals/{referral.pk}/resubmit/", {"note": "CLB 6 now."})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED
    assert referral.submission_count == 2

    client.force_login(lead.staff)
    version = client.get(f"/en/referrals/{referral.pk}/").context["version"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/en/referrals/{referral.pk}/decide/",
            {"outcome": "accepted", "note": "", "version": version.pk},
        )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    assert participant.enrolments.filter(program=lead.program).exists()
    assert {tuple(m.to) for m in mail.outbox} == {(home.caseworker.email,), (participant.email,)}


def test_a_caseworker_of_another_agency_gets_404_on_the_client_and_the_referral(
    client: Client, home, elsewhere, lead, no_mfa
):
    referral = Referral.objects.create(
        participant=home.mentee,
        program=lead.program,
        referring_organization=home.organization,
        referred_by=home.caseworker,
        has_consent=True,
    )
    client.force_login(elsewhere.caseworker)
    assert client.get(f"/en/participants/{home.mentee.pk}/").status_code == 404
    assert client.get(f"/en/referrals/{referral.pk}/").status_code == 404
    assert client.get(f"/en/referrals/client/{home.mentee.pk}/").status_code == 404
    assert referral.pk not in [r.pk for r in client.get("/en/referrals/").context["referrals"]]


def test_an_active_referral_shows_the_client_to_the_program_staff_and_nobody_else(
    client: Client, home, elsewhere, lead, no_mfa
):
    client.force_login(lead.staff)
    assert client.get(f"/en/participants/{home.mentee.pk}/").status_code == 404
    Referral.objects.create(
        participant=home.mentee,
        program=lead.program,
        referring_organization=home.organization,
        referred_by=home.caseworker,
        has_consent=True,
    )
    assert client.get(f"/en/participants/{home.mentee.pk}/").status_code == 200
    client.force_login(elsewhere.staff)
    assert client.get(f"/en/participants/{home.mentee.pk}/").status_code == 404
    # Another program-staff member of the lead agency who is not named on the program still runs
    # it (program staff of the operating organization manage its programs).
    colleague = make_member(lead.organization, Role.CASEWORKER, email="cw@lead.example.org")
    client.force_login(colleague)
    assert client.get(f"/en/participants/{home.mentee.pk}/").status_code == 404


def test_a_second_open_referral_of_the_same_client_to_the_same_program_is_refused(home, lead):
    from tandem.referrals.services import ReferralError, referral_submit

    referral_submit(
        actor=home.caseworker,
        participant=home.mentee,
        program=lead.program,
        note="",
        answers={},
        has_consent=True,
    )
    with pytest.raises(ReferralError):
        referral_submit(
            actor=home.caseworker,
            participant=home.mentee,
            program=lead.program,
            note="",
            answers={},
            has_consent=True,
        )
    # The database holds the rule too, for two submissions racing past the check.
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.create(participant=home.mentee, program=lead.program)


def test_a_referral_needs_the_clients_consent_and_an_open_intake(home, lead):
    from datetime import timedelta

    from django.utils import timezone

    from tandem.programs.services import intake_period_add
    from tandem.referrals.services import ReferralError, referral_submit

    with pytest.raises(ReferralError):
        referral_submit(
            actor=home.caseworker,
            participant=home.mentee,
            program=lead.program,
            note="",
            answers={},
            has_consent=False,
        )
    past = timezone.localdate() - timedelta(days=30)
    intake_period_add(
        actor=lead.staff, program=lead.program, opens_on=past, closes_on=past + timedelta(days=7)
    )
    with pytest.raises(ReferralError, match="intake is closed"):
        referral_submit(
            actor=home.caseworker,
            participant=home.mentee,
            program=lead.program,
            note="",
            answers={},
            has_consent=True,
        )
