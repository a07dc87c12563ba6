"""People who leave keep nothing: every grant goes through an active membership in an active
organization, whatever else still names them (a program's staff list, the referrals they made).
And anyone who can reach a client record must set up a second factor."""

import pytest
from django.test import Client
from django.urls import reverse

from tandem.core.tests.cast import make_member, make_organization
from tandem.core.tests.url_arguments import matching_records, outsider_records
from tandem.organizations.models import Membership, Role

pytestmark = pytest.mark.django_db


def staff_pages(side) -> dict[str, str]:
    """The pages the issue names: desk, intake notes, referral, mentoring notes, the program's
    export, the criteria editor and a participant's record."""
    records = outsider_records(side)
    program = records["program"]
    return {
        "desk": reverse("matching:desk", args=[program.pk]),
        "intake notes": reverse("programs:enrolment", args=[records["enrolment"].pk]),
        "referral": reverse("referrals:detail", args=[records["referral"].pk]),
        "mentoring notes": reverse(
            "meetings:detail", args=[matching_records(side)["mentorship"].pk]
        ),
        "program export": reverse("reports:program_csv", args=[program.pk]),
        "criteria editor": reverse("programs:criteria_mentee", args=[program.pk]),
        "participant record": reverse("participants:detail", args=[side.mentee.pk]),
    }


def answers(client: Client, pages: dict[str, str]) -> dict[str, int]:
    return {name: client.get(url).status_code for name, url in pages.items()}


def test_a_staff_member_named_on_the_program_loses_every_page_when_their_membership_ends(
    home, client, no_mfa
):
    pages = staff_pages(home)
    program = outsider_records(home)["program"]
    program.staff.add(home.staff)  # named on the program, the branch that ignored memberships
    client.force_login(home.staff)
    assert answers(client, pages) == dict.fromkeys(pages, 200)

    Membership.objects.filter(user=home.staff).update(is_active=False)
    assert answers(client, pages) == dict.fromkeys(pages, 404)


def test_a_closed_organization_gives_its_named_staff_nothing(home, client, no_mfa):
    pages = staff_pages(home)
    outsider_records(home)["program"].staff.add(home.staff)
    home.organization.is_active = False
    home.organization.save(update_fields=["is_active"])
    client.force_login(home.staff)
    assert answers(client, pages) == dict.fromkeys(pages, 404)


def test_named_staff_with_an_active_membership_keep_running_the_program(home, client, no_mfa):
    """The other side of the fix: someone named on the program whose membership is not a staff
    role (here a network leader of the operating organization) still runs it."""
    pages = staff_pages(home)
    leader = make_member(home.organization, Role.NETWORK_LEADER)
    outsider_records(home)["program"].staff.add(leader)
    client.force_login(leader)
    assert answers(client, pages) == dict.fromkeys(pages, 200)
    Membership.objects.filter(user=leader).update(is_active=False)
    assert answers(client, pages) == dict.fromkeys(pages, 404)


def test_a_caseworker_who_left_no_longer_opens_the_clients_they_referred(home, client, no_mfa):
    """The referral was made by `lead`'s partner caseworker for a client of their agency; the
    client's record stays open to them only while they refer for that agency."""
    lead = make_organization("lead-of-home", kind="lead_agency")
    lead_staff = make_member(lead, Role.PROGRAM_STAFF)
    from tandem.organizations.models import Partnership, PartnershipKind
    from tandem.programs.tests.factories import make_program
    from tandem.referrals.services import referral_submit

    Partnership.objects.create(
        organization=lead, partner=home.organization, kind=PartnershipKind.SERVICE_DELIVERY
    )
    program = make_program(lead, lead_staff, slug="lead-program")
    referral = referral_submit(
        actor=home.caseworker,
        participant=home.mentee,
        program=program,
        note="Ready",
        answers={},
        has_consent=True,
    )
    pages = {
        "participant record": reverse("participants:detail", args=[home.mentee.pk]),
        "referral": reverse("referrals:detail", args=[referral.pk]),
    }
    client.force_login(home.caseworker)
    assert answers(client, pages) == dict.fromkeys(pages, 200)
    Membership.objects.filter(user=home.caseworker).update(is_active=False)
    assert answers(client, pages) == dict.fromkeys(pages, 404)


def test_notices_go_to_named_staff_only_while_they_are_members(home):
    from tandem.programs.access import program_staff

    program = outsider_records(home)["program"]
    colleague = make_member(home.organization, Role.PROGRAM_STAFF, email="colleague@example.org")
    program.staff.add(colleague)
    assert program_staff(program) == [colleague]
    Membership.objects.filter(user=colleague).update(is_active=False)
    # Nobody named is still a member: the organization's program staff hear instead.
    assert program_staff(program) == [home.staff]


@pytest.fixture
def mfa_required(settings):
    settings.TANDEM_MFA_REQUIRED = True


def test_anyone_who_can_reach_a_client_record_is_sent_to_set_up_a_second_factor(
    home, client, mfa_required
):
    """A network leader holds no client-record role, but named on a program they reach its
    clients' records through the desk, referrals and intake: they need the second factor."""
    leader = make_member(home.organization, Role.NETWORK_LEADER)
    program = outsider_records(home)["program"]
    client.force_login(leader)
    desk = reverse("matching:desk", args=[program.pk])
    assert client.get(desk).status_code == 404  # not yet named: nothing to protect

    program.staff.add(leader)
    response = client.get(desk)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_people_who_reach_no_client_record_are_not_asked_for_a_second_factor(
    home, client, mfa_required
):
    for person in (home.funder, home.mentee_user):
        client.force_login(person)
        assert client.get(reverse("core:home")).status_code == 200


def test_a_leaver_is_no_longer_asked_for_a_second_factor_they_no_longer_need(
    home, client, mfa_required
):
    outsider_records(home)["program"].staff.add(home.staff)  # still named on a program
    client.force_login(home.staff)
    assert client.get(reverse("core:home")).status_code == 302  # asked while a member
    Membership.objects.filter(user=home.staff).update(is_active=False)
    assert client.get(reverse("core:home")).status_code == 200
