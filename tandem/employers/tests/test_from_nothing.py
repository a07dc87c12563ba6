"""Issue 21 from an EMPTY database, through the pages, each person with the account they created
from their invitation (opportunities/tests/walk.py): the network is set up with an employer
partner; the lead's staff open a program; the employer's partner invites colleagues (one line
malformed); one applies in French through the link, is accepted and matched, and the employer
sees it; the employer's coordinator opens its own employer-hosted program (the type's criteria
on the mentor side only), receives a referral from an agency and matches the mentee with an
employee; the lead agency's staff offer help, which the coordinator accepts."""

import re

import pytest

from tandem.core.tests.cast import occupation
from tandem.employers.models import LeadHelp, PartnerInvitation
from tandem.matching.models import Proposal
from tandem.opportunities.tests.walk import (
    Person,
    applies_as_mentor,
    first_admin,
    fr,
    invite,
    joins,
    link_in,
    mail_to,
    organization,
    partnership,
)
from tandem.organizations.models import Organization
from tandem.participants.models import Participant
from tandem.programs.models import Program
from tandem.referrals.models import Referral

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def empty_platform(settings):
    settings.TANDEM_MFA_REQUIRED = False
    settings.TANDEM_MATCHING_EMBEDDER = "tandem.matching.tests.factories.HashEmbedder"
    occupation("21231")


def program(staff: Person, organization_slug: str, slug: str, **more) -> Program:
    staff.send(
        f"/en/programs/new/{organization_slug}/",
        "Save",
        name_en=slug.title(),
        name_fr=f"{slug} (fr)",
        slug=slug,
        accepts_mentor_applications="on",
        mentee_steps=[],
        mentor_steps=[],
        **more,
    )
    return Program.objects.get(slug=slug)


def accept(staff: Person, referral: Referral) -> None:
    staff.send(f"/en/referrals/{referral.pk}/", "Record the decision", outcome="accepted")
    referral.refresh_from_db()
    assert referral.status == "accepted", referral.status


def match(staff: Person, program: Program, mentee: Participant, mentor: Participant) -> None:
    desk = f"/en/matching/programs/{program.pk}/"
    staff.send(
        f"{desk}mentees/{mentee.pk}/?mentor={mentor.pk}",
        f"Match with {mentor.full_name}",
        reason="Same occupation.",
    )
    staff.send(f"{desk}proposals/", "Publish")
    assert Proposal.objects.get(program=program, mentee=mentee).mentor == mentor


def client_of(caseworker: Person, agency: str, email: str, given: str) -> Participant:
    caseworker.send(
        f"/fr/participants/organization/{agency}/new/",
        fr("Save"),
        external_id=email,
        given_name=given,
        family_name="Diallo",
        email=email,
        preferred_language="fr",
        languages=["fr"],
        occupation_query="21231",
    )
    return Participant.objects.get(email=email)


def refer(caseworker: Person, client: Participant, program: Program) -> None:
    caseworker.send(
        f"/fr/referrals/client/{client.pk}/refer/{program.pk}/",
        fr("Send the referral"),
        note="Prête pour un mentorat.",
        has_consent="on",
    )


def test_employers_from_nothing_through_their_pages(empty_platform):
    admin = first_admin()
    organization(admin, "capital", "lead_agency")
    organization(admin, "northern", "employer")
    organization(admin, "rideau", "service_agency")
    ids = dict(Organization.objects.values_list("slug", "pk"))
    partnership(admin, "northern", ids["capital"], "employer")
    partnership(admin, "rideau", ids["capital"], "service_delivery")
    invite(admin, "capital", "staff@capital.example", "program_staff")
    invite(admin, "northern", "grace@northern.example", "employer_partner")
    invite(admin, "northern", "coordinator@northern.example", "program_staff")
    invite(admin, "rideau", "case@rideau.example", "caseworker", "fr")
    staff = joins("staff@capital.example", "Luc", "Côté")
    grace = joins("grace@northern.example", "Grace", "Hopper")
    coordinator = joins("coordinator@northern.example", "Wen", "Li")
    caseworker = joins("case@rideau.example", "Nadia", "Roy")
    cmp = program(staff, "capital", "cmp")

    # The employer's partner finds its page from its home and invites two colleagues.
    home = grace.page("/en/")
    assert "/en/employers/partner/northern/" in home
    page = grace.send(
        "/en/employers/partner/northern/invite/",
        "Send the invitations",
        status=200,
        program=str(cmp.pk),
        addresses="marie@example.org, fr\nnot-an-address\nsam@example.org",
    )
    assert "2 invitations are on their way." in page
    assert "This is not an e-mail address." in page
    assert PartnerInvitation.objects.count() == 2

    # Marie applies in French through her invitation, with Northern already chosen.
    invitation = mail_to("marie@example.org")
    assert "vous invite" in invitation.subject
    applies_as_mentor(link_in(invitation), "Marie", "Gagnon", "marie@example.org", "fr")
    recruited = Participant.objects.get(email="marie@example.org")
    assert recruited.recruited_by_id == ids["northern"]

    # A client referred by the agency, and Marie, are accepted and matched.
    amina = client_of(caseworker, "rideau", "amina@example.org", "Amina")
    refer(caseworker, amina, cmp)
    accept(staff, Referral.objects.get(participant=amina))
    accept(staff, Referral.objects.get(participant=recruited))
    match(staff, cmp, amina, recruited)
    page = grace.page("/fr/employers/partner/northern/")
    assert "Marie Gagnon" in page and fr("Matched, the pair is reviewing") in page
    assert "Amina" not in page  # the mentee said nothing to the employer
    invited = re.search(r"marie@example\.org</td>.*?</tr>", page, re.S)
    assert invited is not None and fr("Yes") in invited.group(0)  # she applied since

    # Northern's own program: employees mentor, the agency's clients are its mentees.
    hosted = program(
        coordinator,
        "northern",
        "northern-internal",
        kind="employer_hosted",
        referring_partners=[str(ids["rideau"])],
    )
    # The type's default: employees on the mentor side, nothing implied on the mentee side.
    employees = '<option value="member_of_organization" selected>'
    assert employees in coordinator.page(f"/en/programs/{hosted.pk}/criteria/mentors/")
    assert employees not in coordinator.page(f"/en/programs/{hosted.pk}/criteria/mentees/")
    applies_as_mentor(
        f"/en/referrals/mentor/{hosted.slug}/?partner=northern",
        "Wei",
        "Zhang",
        "wei@northern.example",
        "en",
    )
    employee = Participant.objects.get(email="wei@northern.example")
    kwame = client_of(caseworker, "rideau", "kwame@example.org", "Kwame")
    refer(caseworker, kwame, hosted)
    accept(coordinator, Referral.objects.get(participant=kwame))
    accept(coordinator, Referral.objects.get(participant=employee))
    match(coordinator, hosted, kwame, employee)
    # The coordinator runs its own program only.
    coordinator.page(f"/en/matching/programs/{cmp.pk}/", status=404)

    # The lead agency offers help; the coordinator accepts; the helper opens the desk.
    hosted_list = staff.page("/en/employers/hosted/")
    assert hosted.name_en in hosted_list
    staff.page(f"/en/matching/programs/{hosted.pk}/", status=404)
    staff.send(f"/en/employers/hosted/{hosted.pk}/", "Offer to help", note="Orientation.")
    assert "offers to help run" in mail_to("coordinator@northern.example").subject
    coordinator.send(
        f"/en/employers/hosted/{hosted.pk}/help/", "Accept the help of Luc", what="accept"
    )
    assert LeadHelp.objects.get().status == "active"
    staff.page(f"/en/matching/programs/{hosted.pk}/")
