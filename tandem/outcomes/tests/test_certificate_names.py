"""A name with a line break, a quote or letters outside Latin-1 still downloads its
certificate, under a file name browsers read; new names with control characters are refused."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from tandem.outcomes import services

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "family, expected",
    [
        # Named in the certificate's language (the mentee's: French), as a slug.
        ("Dia\r\nllo", 'filename="attestation-de-participation-diallo.pdf"'),
        ('O"Brien', 'filename="attestation-de-participation-obrien.pdf"'),
        ("Nguyễn", 'filename="attestation-de-participation-nguyen.pdf"'),
    ],
)
def test_the_certificate_downloads_whatever_the_name(
    client: Client, clock, lifecycle, no_mfa, family, expected
):
    services.mentorship_close(
        actor=lifecycle.staff,
        mentorship=lifecycle.mentorship,
        kind="mutual_agreement",
        ended_on=clock.now().date(),
    )
    mentee = lifecycle.mentorship.mentee
    type(mentee).objects.filter(pk=mentee.pk).update(family_name=family)  # an old record
    client.force_login(lifecycle.staff)
    response = client.get(reverse("outcomes:certificate_mentee", args=[lifecycle.mentorship.pk]))
    assert response.status_code == 200
    assert expected in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"


def test_a_name_with_a_line_break_or_a_nul_is_refused(lifecycle):
    mentee = lifecycle.mentorship.mentee
    for bad in ("Dia\nllo", "Dia\x00llo", "Dia\tllo"):
        mentee.family_name = bad
        with pytest.raises(ValidationError):
            mentee.full_clean()
    mentee.family_name = "Diallo-Nguyễn"
    mentee.full_clean()
