"""The navigation's "Privacy" page for people who work in an organization: its privacy office
(who the officer is, how to reach them; the office itself for its officer), whether or not they
have a mentee or mentor record of their own; people who are both see both."""

import pytest
from django.test import Client
from django.urls import reverse

from tandem.core.tests.cast import make_participant
from tandem.privacy.models import PrivacySettings

pytestmark = pytest.mark.django_db

EMPTY = "No organization holds a mentee or mentor record linked to your account."


def test_staff_with_no_record_reach_their_organizations_privacy_officer(
    client: Client, home, elsewhere, no_mfa
):
    PrivacySettings.objects.create(organization=home.organization, officer=home.admin)
    PrivacySettings.objects.create(organization=elsewhere.organization, officer=elsewhere.admin)
    client.force_login(home.caseworker)
    page = client.get(reverse("privacy:mine")).text
    assert EMPTY not in page
    assert str(home.organization) in page and f"mailto:{home.admin.email}" in page
    assert "recorded on the privacy page of their record" in page
    # Not the officer: no way into the office, and nothing of the other organization.
    office = reverse("privacy:office", args=[home.organization.slug])
    assert office not in page
    assert client.get(office).status_code == 404
    assert str(elsewhere.organization) not in page and elsewhere.admin.email not in page


def test_where_no_officer_is_named_the_admins_are_named_and_run_the_office(
    client: Client, home, no_mfa
):
    client.force_login(home.staff)
    page = client.get(reverse("privacy:mine")).text
    assert "the organization's admins act" in page and f"mailto:{home.admin.email}" in page
    client.force_login(home.admin)
    page = client.get(reverse("privacy:mine")).text
    office = reverse("privacy:office", args=[home.organization.slug])
    assert f'href="{office}"' in page and EMPTY not in page
    assert client.get(office).status_code == 200


def test_someone_who_works_there_and_has_a_record_sees_both(client: Client, home, no_mfa):
    make_participant(home.organization, role="mentor", user=home.staff, given_name="Self")
    client.force_login(home.staff)
    page = client.get(reverse("privacy:mine")).text
    assert "My consents" in page and "Privacy at work" in page
    assert page.index("My consents") < page.index("Privacy at work")


def test_a_mentee_with_no_membership_sees_only_her_own_information(client: Client, home, no_mfa):
    client.force_login(home.mentee_user)
    page = client.get(reverse("privacy:mine")).text
    assert "My consents" in page and "Privacy at work" not in page
