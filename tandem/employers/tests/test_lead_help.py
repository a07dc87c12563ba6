"""The lead agency helps on an employer-hosted program (issue 21): its staff offer, the
employer's coordinator accepts or declines and can end the help at any time; while it lasts the
helper runs that one program and nothing else of the employer; ending it, stepping away or
leaving the lead agency closes the program's pages at the next request."""

import pytest
from django.core import mail
from django.test import Client

from tandem.core.models import AuditEvent
from tandem.core.tests.cast import make_member, make_organization
from tandem.employers.models import HelpStatus, LeadHelp
from tandem.employers.tests.factories import make_partner
from tandem.organizations.models import Membership, OrganizationType, Role
from tandem.programs.models import ProgramType
from tandem.programs.tests.factories import make_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def hosted(home, no_mfa):
    """`home` as a lead agency whose network holds an employer running its own program (and an
    open-access one); the employer's coordinator reads French."""
    home.organization.kind = OrganizationType.LEAD_AGENCY
    home.organization.save(update_fields=["kind"])
    employer = make_partner(home, "bytown")
    coordinator = make_member(
        employer, Role.PROGRAM_STAFF, email="coord@bytown.example", language="fr"
    )
    program = make_program(
        employer,
        coordinator,
        slug="bytown-hosted",
        kind=ProgramType.EMPLOYER_HOSTED,
        m2m={"staff": [coordinator]},
    )
    other = make_program(employer, coordinator, slug="bytown-other")
    home.coordinator, home.hosted, home.other_program = coordinator, program, other
    return home


def test_the_staff_home_links_to_hosted_programs_only_for_those_who_see_one(
    client: Client, hosted, elsewhere
):
    link = 'href="/en/employers/hosted/"'
    for side in (hosted, elsewhere):
        make_program(side.organization, side.staff)  # program staff: the home's staff section
        client.force_login(side.staff)
        page = client.get("/en/").content.decode()
        assert 'id="home-staff"' in page and (link in page) is (side is hosted)


def _offer(client: Client, side) -> LeadHelp:
    client.force_login(side.staff)
    response = client.post(
        f"/en/employers/hosted/{side.hosted.pk}/",
        {"offer": "1", "lead": side.organization.pk, "note": "I can screen referrals."},
    )
    assert response.status_code == 302, response.content.decode()
    return LeadHelp.objects.get(program=side.hosted, helper=side.staff, status=HelpStatus.OFFERED)


def _answer(client: Client, side, offer: LeadHelp, what: str) -> int:
    client.force_login(side.coordinator)
    url = f"/en/employers/hosted/{side.hosted.pk}/help/"
    return client.post(url, {"help": offer.pk, "what": what}).status_code


def test_the_lead_offers_the_employer_accepts_and_ending_the_help_closes_the_desk_at_once(
    client: Client, hosted, django_capture_on_commit_callbacks, settings
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    desk = f"/en/matching/programs/{hosted.hosted.pk}/"
    client.force_login(hosted.staff)
    listing = client.get("/en/employers/hosted/").content.decode()
    assert "Program bytown-hosted" in listing and "bytown-other" not in listing
    assert client.get(desk).status_code == 404  # figures yes, the desk no
    with django_capture_on_commit_callbacks(execute=True):
        offer = _offer(client, hosted)
    assert offer.status == HelpStatus.OFFERED
    (to_coordinator,) = [m for m in mail.outbox if m.to == ["coord@bytown.example"]]
    assert "propose son aide" in to_coordinator.subject  # in the coordinator's language
    assert client.get(desk).status_code == 404  # an offer grants nothing
    # The helper cannot accept their own offer: the employer decides.
    assert (
        client.post(
            f"/en/employers/hosted/{hosted.hosted.pk}/help/", {"help": offer.pk, "what": "accept"}
        ).status_code
        == 404
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert _answer(client, hosted, offer, "accept") == 302
    assert [m.to for m in mail.outbox] == [[hosted.staff.email]]
    client.force_login(hosted.staff)
    assert client.get(desk).status_code == 200
    # Scoped: the employer's other program, and its people's pages, stay closed.
    assert client.get(f"/en/matching/programs/{hosted.other_program.pk}/").status_code == 404
    page = client.get(f"/en/employers/hosted/{hosted.hosted.pk}/help/")
    assert page.status_code == 200 and "Accept the help" not in page.content.decode()
    assert _answer(client, hosted, offer, "end") == 302
    client.force_login(hosted.staff)
    assert client.get(desk).status_code == 404
    offer.refresh_from_db()
    assert (offer.status, offer.ended_by) == (HelpStatus.ENDED, hosted.coordinator)
    names = set(
        AuditEvent.objects.filter(
            target_id=str(offer.pk), target_type__endswith="leadhelp"
        ).values_list("name", flat=True)
    )
    assert names == {"employers.help_offered", "employers.help_answered", "employers.help_ended"}


def test_the_helper_steps_away_or_leaves_the_lead_agency_and_the_desk_closes(
    client: Client, hosted
):
    desk = f"/en/matching/programs/{hosted.hosted.pk}/"
    offer = _offer(client, hosted)
    _answer(client, hosted, offer, "accept")
    client.force_login(hosted.staff)
    assert client.get(desk).status_code == 200
    response = client.post(f"/en/employers/hosted/{hosted.hosted.pk}/", {"end": "1"})
    assert response.status_code == 302
    assert client.get(desk).status_code == 404
    # A second offer, accepted; then the helper leaves the lead agency: the help closes with it.
    again = _offer(client, hosted)
    assert again.pk != offer.pk
    _answer(client, hosted, again, "accept")
    client.force_login(hosted.staff)
    assert client.get(desk).status_code == 200
    Membership.objects.filter(user=hosted.staff, organization=hosted.organization).update(
        is_active=False
    )
    assert client.get(desk).status_code == 404


def test_a_declined_offer_grants_nothing_and_a_second_click_offers_nothing_new(
    client: Client, hosted
):
    offer = _offer(client, hosted)
    client.force_login(hosted.staff)
    twice = client.post(
        f"/en/employers/hosted/{hosted.hosted.pk}/", {"offer": "1", "lead": hosted.organization.pk}
    )
    assert twice.status_code == 400 and "already offered" in twice.content.decode()
    assert _answer(client, hosted, offer, "decline") == 302
    assert _answer(client, hosted, offer, "accept") == 400  # answered already
    client.force_login(hosted.staff)
    assert client.get(f"/en/matching/programs/{hosted.hosted.pk}/").status_code == 404


def test_outside_the_network_nobody_offers_and_another_employer_decides_nothing(
    client: Client, hosted, elsewhere
):
    offer = _offer(client, hosted)
    # A lead agency whose network does not hold the employer.
    elsewhere.organization.kind = OrganizationType.LEAD_AGENCY
    elsewhere.organization.save(update_fields=["kind"])
    client.force_login(elsewhere.staff)
    assert client.get(f"/en/employers/hosted/{hosted.hosted.pk}/").status_code == 404
    assert "bytown-hosted" not in client.get("/en/employers/hosted/").content.decode()
    # Another employer's coordinator, and the employer's own partner member who runs nothing.
    stranger = make_organization("stranger", OrganizationType.EMPLOYER)
    client.force_login(make_member(stranger, Role.PROGRAM_STAFF))
    url = f"/en/employers/hosted/{hosted.hosted.pk}/help/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"help": offer.pk, "what": "accept"}).status_code == 404
    offer.refresh_from_db()
    assert offer.status == HelpStatus.OFFERED
