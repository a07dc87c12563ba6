"""Retention of connector meetings and introductions (core.retention; the privacy app's sweep
runs it). Two kinds, because they are not the same information: a meeting's text is the
newcomer's and the connector's own words, part of the program's case file; an introduction
names a third person (a contact's name, e-mail address and why they were chosen) who may never
have joined, and so is kept for a shorter time.

The rows stay, with their statuses, dates, depths and results, and so do the stored chain
figures (`NewcomerChain`, each connector's counts): every figure of the program and of the
funder report counts the same. Addresses that declined an invitation stay in `DeclinedAddress`:
that list exists so that a person who said no is not asked again."""

from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.connectors.models import (
    OPEN_STATUSES,
    ConnectorInvitation,
    ConnectorMeeting,
    Introduction,
    InvitationStatus,
)
from tandem.core import audit, retention


def meetings_due(organization_id: int, cutoff: datetime) -> QuerySet[ConnectorMeeting]:
    """Meetings held or cancelled before the cutoff (by the day held, else the time set, else
    the request)."""
    return (
        ConnectorMeeting.objects.filter(program__organization_id=organization_id)
        .exclude(status__in=OPEN_STATUSES)
        .filter(
            Q(held_on__lt=cutoff.date())
            | Q(held_on__isnull=True, starts_at__lt=cutoff)
            | Q(held_on__isnull=True, starts_at__isnull=True, created_at__lt=cutoff)
        )
    )


def meeting_anonymise(meeting: ConnectorMeeting) -> None:
    audit.scrub_records([meeting])
    retention.blank(
        ConnectorMeeting,
        [meeting.pk],
        "message",
        "where",
        "newcomer_feedback",
        "connector_feedback",
    )


def introductions_due(organization_id: int, cutoff: datetime) -> QuerySet[Introduction]:
    """Introductions made before the cutoff, unless the meeting that follows one up is still to
    come (its contact's details are then still needed)."""
    return Introduction.objects.filter(
        meeting__program__organization_id=organization_id, created_at__lt=cutoff
    ).exclude(follow_up__status__in=OPEN_STATUSES)


def introduction_anonymise(introduction: Introduction) -> None:
    invitations = ConnectorInvitation.objects.filter(introductions=introduction).filter(
        ~Q(status=InvitationStatus.PENDING) | Q(expires_at__lt=timezone.now())
    )
    audit.scrub_records([introduction, *invitations])
    # One newcomer is introduced to one address once (a unique constraint): each row gets an
    # address of its own that reaches no one.
    Introduction.objects.filter(pk=introduction.pk).update(
        contact_name="—",
        contact_email=f"introduction-{introduction.pk}@invalid.example",
        reason="",
    )
    for invitation in invitations:
        ConnectorInvitation.objects.filter(pk=invitation.pk).update(
            email=f"invitation-{invitation.pk}@invalid.example",
            given_name="—",
            family_name="",
            reason="",
            passed_on_by="",
        )


def register() -> None:
    retention.register(
        retention.Kind(
            code="connector_meeting",
            label=_("Connector meetings held or cancelled"),
            starts=_("after the meeting"),
            removes=_(
                "The newcomer's message, the place, phone number or link, and what the "
                "newcomer and the connector said about the meeting."
            ),
            keeps=_(
                "Each meeting with its status, dates, depth in the chain and what it led to "
                "(an interview, a job): the program's and funders' connector figures do not "
                "change."
            ),
            default_months=84,
            why=_("Seven years after the meeting, as for a mentorship's case file."),
            due=meetings_due,
            anonymise=meeting_anonymise,
            people=("newcomer", "connector__participant"),
            position=37,
        )
    )
    retention.register(
        retention.Kind(
            code="introduction",
            label=_("Introductions a connector made"),
            starts=_("after the introduction, once its follow-up meeting is over"),
            removes=_(
                "The contact's name, e-mail address and why they were chosen, and the same in "
                "the invitation sent to them once it was answered or expired."
            ),
            keeps=_(
                "Each introduction, who made it, to which newcomer and when, and the connector "
                "the contact became: introduction counts and chains do not change. Addresses "
                "that declined stay on the list of people not to ask again."
            ),
            default_months=24,
            why=_(
                "Two years: a contact is a third person who may never have joined; two years "
                "are enough for the chain to be followed up and its figures checked."
            ),
            due=introductions_due,
            anonymise=introduction_anonymise,
            people=("newcomer", "made_by__participant", "contact__participant"),
            position=38,
        )
    )
