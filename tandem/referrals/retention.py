"""Retention of referrals that did not lead to a mentorship (core.retention; the privacy app's
sweep runs it): a returned or withdrawn referral keeps what the referral figures count, and
loses what the caseworker and the program wrote about the person."""

from datetime import datetime

from django.db.models import Max, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from tandem.core import audit, retention
from tandem.referrals.models import PublicApplication, Referral, ReferralDecision, ReferralStatus

CLOSED = [ReferralStatus.RETURNED, ReferralStatus.WITHDRAWN]


def referrals_due(organization_id: int, cutoff: datetime) -> QuerySet[Referral]:
    """The program's organization decides on a referral and closes it: its period applies.
    No withdrawal date is kept: the later of the last submission and the last decision."""
    return (
        Referral.objects.filter(
            program__organization_id=organization_id, status__in=CLOSED, submitted_at__lt=cutoff
        )
        .annotate(last_decision=Max("decisions__decided_at"))
        .filter(Q(last_decision__isnull=True) | Q(last_decision__lt=cutoff))
    )


def referral_anonymise(referral: Referral) -> None:
    retention.blank(Referral, [referral.pk], "note", "answers")
    decisions = ReferralDecision.objects.filter(referral=referral)
    retention.blank(ReferralDecision, decisions, "note")
    applications = PublicApplication.objects.filter(referral=referral)
    for application in applications:
        PublicApplication.objects.filter(pk=application.pk).update(
            data={}, email=f"anonymised-{application.pk}@invalid.example"
        )
    audit.scrub_records([referral, *decisions, *applications])


def register() -> None:
    retention.register(
        retention.Kind(
            code="referral",
            label=_("Referrals that did not lead to a mentorship"),
            starts=_("after the referral was returned or withdrawn"),
            removes=_(
                "The caseworker's note, the answers to the intake questions, the program's note "
                "to the agency, and the public application form with its e-mail address."
            ),
            keeps=_(
                "The referral itself: program, referring agency, source, status, dates and the "
                "criteria not met, so referral and return-reason figures do not change."
            ),
            default_months=24,
            why=_(
                "Two years: long enough for the agency to refer the person again with the "
                "program's reasons in hand; after that the criteria have changed."
            ),
            due=referrals_due,
            anonymise=referral_anonymise,
            people=("participant",),
            position=20,
        )
    )
