"""Set-up pages: platform admins build the network, organization admins their own organization;
every change is in the audit history with its actor."""

from auditlog.models import LogEntry

from tandem.core import audit
from tandem.organizations.models import (
    Membership,
    Organization,
    OrganizationType,
    Partnership,
    PartnershipKind,
    Role,
    ServiceLocation,
)
from tandem.programs.models import Program
from tandem.referrals.models import Referral


def test_a_platform_admin_creates_organizations_and_partnerships(client, platform_admin, no_mfa):
    client.force_login(platform_admin)
    hub = {
        "name_en": "Ontario Hub",
        "name_fr": "Carrefour de l'Ontario",
        "slug": "ontario-hub",
        "kind": OrganizationType.PROVINCIAL_HUB,
        "province": "ON",
        "is_active": "on",
    }
    assert client.post("/en/organizations/setup/new/", hub).status_code == 302
    hub_org = Organization.objects.get(slug="ontario-hub")
    lead = {**hub, "name_en": "Lead", "name_fr": "Responsable", "slug": "lead"}
    lead.update(kind=OrganizationType.LEAD_AGENCY, parent=hub_org.pk)
    assert client.post("/en/organizations/setup/new/", lead).status_code == 302
    agency = {**lead, "name_en": "Agency", "slug": "agency", "kind": "service_agency"}
    client.post("/en/organizations/setup/new/", agency)
    lead_org = Organization.objects.get(slug="lead")
    assert lead_org.parent == hub_org and lead_org.name_fr == "Responsable"
    response = client.post(
        "/fr/organizations/agency/edit/",
        {
            "form": "partnership",
            "partnership-kind": PartnershipKind.SERVICE_DELIVERY,
            "partnership-other": lead_org.pk,
        },
    )
    assert response.status_code == 302
    assert Partnership.objects.filter(
        partner__slug="agency", organization=lead_org, kind=PartnershipKind.SERVICE_DELIVERY
    ).exists()
    entry = LogEntry.objects.get_for_model(Partnership).get()
    assert entry.actor == platform_admin
    # Named events too, with the actor, on each organization's history.
    assert named_events(hub_org) == [("organization.created", platform_admin)]
    assert ("partnership.added", platform_admin) in named_events(lead_org)
    assert ("partnership.added", platform_admin) in named_events(
        Organization.objects.get(slug="agency")
    )


def named_events(record) -> list[tuple[str, object]]:
    return [(event.name, event.actor) for event in audit.history(record)]


def test_a_parent_must_be_a_network_and_bad_input_keeps_what_was_typed(
    client, platform_admin, home, no_mfa
):
    client.force_login(platform_admin)
    response = client.post(
        "/en/organizations/setup/new/",
        {"name_en": "X" * 300, "name_fr": "Nom", "slug": "setup", "kind": "employer"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "reserved" in body and 'value="Nom"' in body
    assert not Organization.objects.filter(name_fr="Nom").exists()


def test_an_organization_admin_manages_locations_and_roles_of_their_own_only(
    client, home, elsewhere, no_mfa
):
    client.force_login(home.admin)
    slug = home.organization.slug
    assert client.get(f"/en/organizations/{slug}/edit/").status_code == 404  # admins only
    response = client.post(
        f"/en/organizations/{slug}/locations/",
        {"name_en": "East", "name_fr": "Est", "city": "Ottawa", "province": "ON"},
    )
    assert response.status_code == 302
    location = ServiceLocation.objects.get(organization=home.organization)
    membership = Membership.objects.get(user=home.caseworker, organization=home.organization)
    response = client.post(
        f"/en/organizations/{slug}/people/{membership.pk}/",
        {"form": "membership", "role": Role.CASEWORKER, "locations": [location.pk]},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert not membership.is_active and list(membership.locations.all()) == [location]
    assert named_events(location) == [("location.saved", home.admin)]
    assert named_events(membership) == [("membership.revoked", home.admin)]
    other = elsewhere.organization.slug
    assert client.get(f"/en/organizations/{other}/people/").status_code == 404
    assert client.get(f"/en/organizations/{other}/locations/").status_code == 404


def test_the_last_admin_cannot_revoke_themself(client, home, no_mfa):
    client.force_login(home.admin)
    membership = Membership.objects.get(user=home.admin, organization=home.organization)
    response = client.post(
        f"/en/organizations/{home.organization.slug}/people/{membership.pk}/",
        {"form": "membership", "role": Role.ORG_ADMIN},
    )
    assert "at least one active admin" in response.content.decode()
    membership.refresh_from_db()
    assert membership.is_active


def test_a_leavers_caseload_goes_to_a_colleague_in_one_step(client, home, no_mfa):
    program = Program.objects.create(
        organization=home.organization, slug="p", name_en="P", name_fr="P"
    )
    program.staff.add(home.caseworker)
    referral = Referral.objects.create(
        participant=home.mentee,
        program=program,
        referred_by=home.caseworker,
        referring_organization=home.organization,
    )
    client.force_login(home.admin)
    membership = Membership.objects.get(user=home.caseworker, organization=home.organization)
    response = client.post(
        f"/en/organizations/{home.organization.slug}/people/{membership.pk}/",
        {"form": "hand_over", "colleague": home.staff.pk},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.referred_by == home.staff
    assert list(program.staff.all()) == [home.staff]
    assert ("caseload.handed_over", home.admin) in named_events(home.caseworker)


def test_invitations_and_program_teams_are_in_the_history_with_their_actor(client, home, no_mfa):
    client.force_login(home.admin)
    slug = home.organization.slug
    client.post(
        f"/en/organizations/{slug}/people/",
        {"email": "new.coach@example.org", "role": Role.CASEWORKER, "language": "fr"},
    )
    from tandem.accounts.models import Invitation

    invitation = Invitation.objects.get(email="new.coach@example.org")
    client.post(f"/en/organizations/{slug}/invitations/{invitation.pk}/", {"action": "withdraw"})
    assert set(named_events(invitation)) == {
        ("invitation.withdrawn", home.admin),
        ("invitation.sent", home.admin),
    }
    assert ("invitation.sent", home.admin) in named_events(home.organization)
    program = Program.objects.create(
        organization=home.organization, slug="p", name_en="P", name_fr="P"
    )
    program.staff.add(home.staff, home.caseworker)
    client.force_login(home.staff)
    client.post(f"/en/programs/{program.pk}/team/", {"remove": home.caseworker.pk})
    assert named_events(program) == [("program_team.removed", home.staff)]


def test_an_organization_name_with_control_characters_is_refused(client, platform_admin, no_mfa):
    client.force_login(platform_admin)
    base = {"slug": "ctl", "kind": "employer", "province": "ON", "is_active": "on"}
    cases = [
        ("name_en", "Acme\r\nInc", "Acme"),
        ("name_fr", "Acme", "Acme\x00"),  # Django's own refusal of NUL
        ("name_en", "Acme\x1b[31m", "A"),
    ]
    for field, name_en, name_fr in cases:
        response = client.post(
            "/en/organizations/setup/new/", {**base, "name_en": name_en, "name_fr": name_fr}
        )
        assert response.status_code == 200
        assert list(response.context["form"].errors) == [field]
    assert "Remove the line breaks" in response.content.decode()
    assert not Organization.objects.filter(slug="ctl").exists()
    ok = client.post("/en/organizations/setup/new/", {**base, "name_en": "Acme", "name_fr": "Acme"})
    assert ok.status_code == 302 and Organization.objects.filter(slug="ctl").exists()
