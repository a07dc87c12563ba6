"""A program team: a partner organization's coach runs one program without becoming staff of
the lead agency, and loses it when their own role ends."""

import re

from django.core import mail

from tandem.core.tests.cast import make_member, make_organization
from tandem.organizations.models import Membership, Partnership, PartnershipKind, Role
from tandem.programs.access import programs_managed_by
from tandem.programs.tests.factories import make_program

LINK = re.compile(r"https?://\S+?(/\w\w/invitations/[\w-]+/)")


def test_a_partners_coach_joins_one_programs_team_and_leaves_with_their_role(
    client, home, elsewhere, run_worker, no_mfa
):
    lead = make_organization("lead", kind="lead_agency")
    staff = make_member(lead, Role.PROGRAM_STAFF)
    program = make_program(lead, staff, slug="cmp")
    other = make_program(lead, staff, slug="other")
    Partnership.objects.create(
        organization=lead, partner=home.organization, kind=PartnershipKind.PROGRAM_DELIVERY
    )
    client.force_login(staff)
    url = f"/en/programs/{program.pk}/team/"
    response = client.post(url, {"email": home.caseworker.email, "language": "fr"})
    assert response.status_code == 302
    run_worker()
    path = LINK.search(mail.outbox[-1].body).group(1)
    client.force_login(home.caseworker)
    assert client.post(path).status_code == 302
    assert set(programs_managed_by(home.caseworker)) == {program}  # one program, not `other`
    assert not Membership.objects.filter(user=home.caseworker, organization=lead).exists()
    assert client.get(f"/en/matching/programs/{program.pk}/").status_code == 200
    Membership.objects.filter(user=home.caseworker).update(is_active=False)
    assert not programs_managed_by(home.caseworker).exists()
    assert other.pk
    client.force_login(elsewhere.staff)
    assert client.get(url).status_code == 404
