from tandem.organizations.models import Partnership, PartnershipKind


def test_the_network_page_draws_every_organization_and_partnership(client, home, elsewhere, no_mfa):
    Partnership.objects.create(
        organization=home.organization,
        partner=elsewhere.organization,
        kind=PartnershipKind.SERVICE_DELIVERY,
    )
    client.force_login(home.caseworker)
    body = client.get("/fr/organizations/").content.decode()
    assert body.count('<g class="node">') == 2
    assert body.count('class="edge"') == 1
    assert 'role="img"' in body and "Le réseau des organismes" in body
    assert "," not in body.split('<line x1="')[1].split('"')[0]  # coordinates are never localized


def test_an_organization_workspace_lists_its_people_to_members(client, home, no_mfa):
    client.force_login(home.caseworker)
    body = client.get(f"/en/organizations/{home.organization.slug}/").content.decode()
    assert home.staff.email.split("@")[0].title() in body
    assert "Participants" in body


def test_a_funder_sees_the_workspace_but_not_the_participants(client, home, no_mfa):
    client.force_login(home.funder)
    body = client.get(f"/en/organizations/{home.organization.slug}/").content.decode()
    assert f"/participants/organization/{home.organization.slug}/" not in body
    assert client.get(f"/en/participants/organization/{home.organization.slug}/").status_code == 404
    assert client.get(f"/en/participants/{home.mentee.pk}/").status_code == 404


def test_a_person_sees_their_own_participant_record(client, home, elsewhere, no_mfa):
    client.force_login(home.mentee_user)
    assert client.get(f"/en/participants/{home.mentee.pk}/").status_code == 200
    assert client.get(f"/en/participants/{elsewhere.mentee.pk}/").status_code == 404
