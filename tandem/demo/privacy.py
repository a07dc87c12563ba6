"""Demo data for privacy operations (issue 24): Rideau Employment Services names Priya Sharma
(caseworker@) its privacy officer and the lead agency Marc Gagnon (orgadmin@); a few consents
given and withdrawn, online and by phone; Amina's access request, answered (PDF and JSON); an
incident in Rideau's register. Built through the services; copes with a demo where a piece is
missing.

Called before the fiscal year that has ended is published to the funder (network.py), so the
person who said no to being counted for funders is left out of it, as the notice says."""

from datetime import timedelta

from django.utils import timezone

from tandem.accounts.models import User
from tandem.core import consent
from tandem.organizations.models import Organization
from tandem.participants.models import Participant


def demo_load_privacy() -> None:
    from tandem.privacy.consents import consent_record
    from tandem.privacy.incidents import incident_save
    from tandem.privacy.models import ConsentChannel, RequestKind
    from tandem.privacy.requests import request_build, request_receive
    from tandem.privacy.selectors import purpose_get
    from tandem.privacy.services import officer_name

    rideau = Organization.objects.filter(slug="rideau-employment").first()
    lead = Organization.objects.filter(slug="capital-welcome").first()
    admin = User.objects.filter(email="admin@tandem.demo").first()
    priya = User.objects.filter(email="caseworker@tandem.demo").first()
    marc = User.objects.filter(email="orgadmin@tandem.demo").first()
    if rideau and admin and priya:
        officer_name(actor=admin, organization=rideau, officer=priya)
    if lead and marc:
        officer_name(actor=marc, organization=lead, officer=marc)

    # Consents, given and withdrawn. Amina (mentee@, French) would rather not be invited as a
    # peer mentor yet, and says so on her page; two earlier mentees of Rideau call Priya: one
    # does not want to be counted in the figures sent to funders, one agrees again to peer
    # mentoring after saying no.
    amina = Participant.objects.filter(email="mentee@tandem.demo").first()
    peer = purpose_get(consent.PEER_MENTORING)
    funder = purpose_get(consent.FUNDER_REPORTS)
    if amina is not None and amina.user is not None and peer is not None:
        consent_record(actor=amina.user, participant=amina, purpose=peer, given=False)
    earlier = list(
        Participant.objects.filter(
            organization=rideau, role="mentee", external_id__startswith="MTE-1"
        ).order_by("external_id")[:2]
    )
    if priya and funder is not None and peer is not None and len(earlier) == 2:
        consent_record(
            actor=priya,
            participant=earlier[0],
            purpose=funder,
            given=False,
            channel=ConsentChannel.PHONE,
        )
        for given in (False, True):
            consent_record(
                actor=priya,
                participant=earlier[1],
                purpose=peer,
                given=given,
                channel=ConsentChannel.PHONE,
            )

    # Amina asks for everything Tandem holds about her; the answer is built here as the worker
    # would (its task is idempotent: the queued one finds it answered).
    if amina is not None and amina.user is not None:
        made = request_receive(
            actor=amina.user,
            participant=amina,
            kind=RequestKind.ACCESS,
            details="Tout ce que vous avez à mon sujet, s'il vous plaît.",
        )
        request_build(request_id=made.pk)

    # Rideau's incident register: papers left behind, found and returned the next day.
    if rideau and priya:
        now = timezone.now()
        affected = list(
            Participant.objects.filter(organization=rideau, role="mentee").order_by("pk")[:3]
        )
        incident_save(
            actor=priya,
            organization=rideau,
            incident=None,
            fields={
                "what": (
                    "A printed list of three clients prepared for a case meeting (names, "
                    "occupations, language levels) was left in a meeting room at a partner's "
                    "office. Their receptionist found it and returned it sealed the next morning."
                ),
                "occurred_at": now - timedelta(days=12),
                "discovered_at": now - timedelta(days=11),
                "risk_of_serious_harm": False,
                "risk_assessment": (
                    "No immigration status, accommodation or contact details; held by one "
                    "partner employee bound by confidentiality, for one night; returned sealed. "
                    "Low risk of serious harm: not reported to the Commission."
                ),
                "people_notified_at": now - timedelta(days=10),
                "notified_whom": "The three clients, by phone; the partner's director.",
                "affected": affected,
            },
        )
