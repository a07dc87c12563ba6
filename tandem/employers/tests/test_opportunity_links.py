"""An employer partner that also posts short opportunities: its partner page and its page on
the opportunities board link to each other, for whoever may open the other page, and only then."""

import pytest
from django.test import Client

from tandem.core.tests.cast import make_member, make_organization
from tandem.opportunities.tests.factories import make_employer, make_hub, make_opportunity
from tandem.organizations.models import OrganizationType, Role

pytestmark = pytest.mark.django_db


def test_the_partner_page_and_the_opportunities_page_link_to_each_other(client: Client, no_mfa):
    employer = make_employer("maple")
    make_opportunity(employer)
    hr = make_member(employer, Role.EMPLOYER_PARTNER, email="hr@maple.example.org")
    partner_page = f"/en/employers/partner/{employer.slug}/"
    board_page = f"/en/opportunities/employers/{employer.pk}/"
    client.force_login(hr)
    assert f'href="{board_page}"' in client.get(partner_page).content.decode()
    page = client.get(board_page).content.decode()
    assert f'href="{partner_page}"' in page and "Mentors from maple (EN)" in page
    french = client.get(f"/fr/opportunities/employers/{employer.pk}/").content.decode()
    assert 'href="/fr/employers/partner/maple/"' in french and "Mentors de maple (FR)" in french


def test_no_link_leads_to_a_page_the_person_may_not_open(client: Client, no_mfa):
    employer = make_employer("maple")
    make_opportunity(employer)
    # A hub of the employer's province opens its opportunities page, not its partner pages.
    hub_staff = make_member(make_hub("hub-on"), Role.PROGRAM_STAFF, email="staff@hub.example.org")
    client.force_login(hub_staff)
    page = client.get(f"/en/opportunities/employers/{employer.pk}/")
    assert page.status_code == 200
    assert "/employers/partner/" not in page.content.decode()
    assert client.get(f"/en/employers/partner/{employer.slug}/").status_code == 404
    # An association partner has no page on the board.
    association = make_organization("engineers", OrganizationType.ASSOCIATION)
    member = make_member(association, Role.EMPLOYER_PARTNER, email="lead@engineers.example.org")
    client.force_login(member)
    page = client.get(f"/en/employers/partner/{association.slug}/")
    assert page.status_code == 200
    assert "/opportunities/employers/" not in page.content.decode()
