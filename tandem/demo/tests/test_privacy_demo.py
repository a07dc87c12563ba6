"""The privacy part of the demo: an officer's office with requests, consents and an incident;
Amina's own page with her answered access request."""

from django.test import Client
from django.urls import reverse


def test_the_demo_shows_an_officer_consents_an_answered_request_and_an_incident(
    demo_network,
    settings,
):
    from tandem.accounts.models import User
    from tandem.core import consent
    from tandem.participants.models import Participant
    from tandem.privacy.models import Consent, Incident, PrivacyRequest, RequestStatus

    settings.TANDEM_MFA_REQUIRED = False
    priya = User.objects.get(email="caseworker@tandem.demo")
    client = Client()
    client.force_login(priya)
    office = client.get(reverse("privacy:office", args=["rideau-employment"]))
    assert office.status_code == 200  # she is Rideau's privacy officer
    (made,) = PrivacyRequest.objects.filter(participant__email="mentee@tandem.demo")
    assert made.status == RequestStatus.ANSWERED and made.pdf and made.json
    assert Incident.objects.filter(organization__slug="rideau-employment").count() == 1
    assert set(Consent.objects.values_list("is_given", flat=True)) == {True, False}
    # The one who said no to funders is left out of the year the demo publishes.
    (no,) = Consent.objects.filter(purpose__code=consent.FUNDER_REPORTS, is_given=False)
    assert consent.refused_by_anyone(consent.FUNDER_REPORTS) == {no.participant_id}

    amina = Participant.objects.get(email="mentee@tandem.demo")
    assert amina.user is not None
    client.force_login(amina.user)
    assert client.get(reverse("privacy:request", args=[made.pk])).status_code == 200
    pdf = client.get(reverse("privacy:request_pdf", args=[made.pk]))
    assert (
        pdf.status_code == 200 and "renseignements-personnels-diallo" in pdf["Content-Disposition"]
    )
