"""The incident register: the people affected are listed from the view log."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tandem.core.tests.cast import make_participant
from tandem.privacy.models import Incident

pytestmark = pytest.mark.django_db


def test_the_people_an_account_viewed_are_listed_as_affected(
    client: Client, home, elsewhere, no_mfa
):
    seen = make_participant(home.organization)
    make_participant(home.organization)  # never opened: not affected
    client.force_login(home.caseworker)
    client.get(reverse("participants:detail", args=[seen.pk]))
    client.get(reverse("participants:detail", args=[home.mentee.pk]))
    client.force_login(home.admin)  # no officer named: the admins keep the register
    now = timezone.localtime()
    response = client.post(
        reverse("privacy:incident_new", args=[home.organization.slug]),
        {
            "what": "The caseworker's password was used from an unknown computer.",
            "occurred_at": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "discovered_at": now.strftime("%Y-%m-%dT%H:%M"),
            "viewer": home.caseworker.pk,
            "window_start": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "window_end": (now + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "risk_of_serious_harm": "on",
            "risk_assessment": "Immigration status and accommodations were visible.",
            "people_notified_at": now.strftime("%Y-%m-%dT%H:%M"),
            "notified_whom": "The people affected, by phone.",
        },
    )
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert set(incident.affected.all()) == {seen, home.mentee}
    assert incident.risk_of_serious_harm and incident.recorded_by == home.admin
    register = client.get(reverse("privacy:office", args=[home.organization.slug])).text
    assert "unknown computer" in register
    # The register is the officer's: staff and other organizations get 404.
    for outsider in (home.caseworker, elsewhere.admin):
        client.force_login(outsider)
        assert client.get(reverse("privacy:incident", args=[incident.pk])).status_code == 404


def test_a_window_that_ends_before_it_starts_is_refused_and_nothing_is_lost(
    client: Client, home, no_mfa
):
    client.force_login(home.admin)
    now = timezone.localtime()
    response = client.post(
        reverse("privacy:incident_new", args=[home.organization.slug]),
        {
            "what": "Lost laptop",
            "occurred_at": now.strftime("%Y-%m-%dT%H:%M"),
            "discovered_at": now.strftime("%Y-%m-%dT%H:%M"),
            "window_start": now.strftime("%Y-%m-%dT%H:%M"),
            "window_end": (now - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 200
    assert "Lost laptop" in response.text
    assert not Incident.objects.exists()
