"""Who is in a program's pool: people the program admitted (an accepted referral, or a record the
program's own organization holds), never someone whose referral is waiting or was returned."""

import pytest
from django.urls import reverse

from tandem.accounts.models import User
from tandem.matching import pool, selectors
from tandem.matching.models import Proposal
from tandem.matching.services.base import DeskError
from tandem.matching.services.drafts import proposal_create_manual
from tandem.matching.tests.factories import enrol, person, program_for
from tandem.referrals.models import Referral, ReferralStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(home):
    return program_for(home)


def _refer(person, program, side, status):
    Referral.objects.create(
        participant=person,
        program=program,
        referring_organization=side.organization,
        referred_by=side.caseworker,
        status=status,
    )


def _pool_ids(program, side="mentee"):
    return {e.participant_id for e in selectors.pool_queryset(program=program, side=side)}


@pytest.mark.parametrize("status", [ReferralStatus.RETURNED, ReferralStatus.SUBMITTED])
def test_a_client_whose_referral_is_not_accepted_is_not_in_the_pool(
    home, elsewhere, program, client, no_mfa, status
):
    """Even with an enrolment marked ready (as the demo loader made one), a returned or waiting
    referral keeps the client out: no desk row, no candidates page, no draft, no manual match."""
    client_elsewhere = person(elsewhere, "mentee")
    mentor = person(home, "mentor")
    enrol(program, client_elsewhere)
    enrol(program, mentor)
    _refer(client_elsewhere, program, elsewhere, status)
    assert client_elsewhere.pk not in _pool_ids(program)
    assert client_elsewhere not in pool.ready_people(program, "mentee")
    client.force_login(home.staff)
    desk = client.get(reverse("matching:desk", args=[program.pk])).content.decode()
    assert client_elsewhere.full_name not in desk
    url = reverse("matching:candidates", args=[program.pk, client_elsewhere.pk])
    assert client.get(url).status_code == 404
    with pytest.raises(DeskError):
        proposal_create_manual(
            actor=home.staff, program=program, mentee=client_elsewhere, mentor=mentor
        )
    assert not Proposal.objects.exists()


def test_an_accepted_client_of_another_agency_is_in_the_pool_and_staff_open_the_record(
    home, elsewhere, program, client, no_mfa
):
    client_elsewhere = person(elsewhere, "mentee")
    enrol(program, client_elsewhere)
    _refer(client_elsewhere, program, elsewhere, ReferralStatus.ACCEPTED)
    own = person(home, "mentee")  # the program's own organization holds this record
    enrol(program, own)
    assert {client_elsewhere.pk, own.pk} <= _pool_ids(program)
    client.force_login(home.staff)
    for someone in (client_elsewhere, own):
        assert client.get(reverse("participants:detail", args=[someone.pk])).status_code == 200


def test_a_client_of_another_agency_never_referred_is_not_in_the_pool(home, elsewhere, program):
    stranger = person(elsewhere, "mentee")
    enrol(program, stranger)
    assert stranger.pk not in _pool_ids(program)


def test_in_the_demo_every_person_of_the_pool_has_a_record_staff_can_open(
    client, no_mfa, demo_network
):
    from tandem.programs.models import Program

    program = Program.objects.get(slug="career-mentoring")
    returned = Referral.objects.filter(program=program, status=ReferralStatus.RETURNED)
    assert returned.exists()
    staff = User.objects.get(email="staff@tandem.demo")
    client.force_login(staff)
    for side in ("mentee", "mentor"):
        ids = _pool_ids(program, side)
        assert ids and not ids & set(returned.values_list("participant_id", flat=True))
        for pk in ids:
            response = client.get(reverse("participants:detail", args=[pk]))
            assert response.status_code == 200, pk
