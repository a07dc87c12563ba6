"""A network leader's figures for the people their network referred, small cells hidden."""

from tandem.core.tests.cast import make_member, make_organization, make_participant
from tandem.organizations.models import Role
from tandem.programs.tests.factories import make_program
from tandem.referrals.models import Referral, ReferralStatus


def test_a_network_leader_sees_suppressed_figures_for_their_network_only(
    client, home, elsewhere, no_mfa
):
    network = make_organization("pin", kind="immigrant_network")
    home.organization.parent = network
    home.organization.save(update_fields=["parent"])
    leader = make_member(network, Role.NETWORK_LEADER)
    program = make_program(elsewhere.organization, elsewhere.staff, slug="cmp")
    for index in range(7):
        person = make_participant(home.organization)
        Referral.objects.create(
            participant=person,
            program=program,
            referring_organization=home.organization,
            status=ReferralStatus.ACCEPTED if index < 2 else ReferralStatus.SUBMITTED,
        )
    client.force_login(leader)
    assert "/reports/referred-by/pin/" in client.get("/en/reports/").content.decode()
    page = client.get("/fr/reports/referred-by/pin/").content.decode()
    row = page[page.index(home.organization.name_fr) :].split("</tr>")[0]
    assert "<td>7</td>" in row and "<td>x</td>" in row  # 2 accepted: under 5, hidden
    assert "<td>2</td>" not in row
    client.force_login(elsewhere.staff)
    assert client.get("/en/reports/referred-by/pin/").status_code == 404
