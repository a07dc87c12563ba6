"""Retention of applications to opportunities (core.retention; the privacy app's sweep runs
it): an application may hold accommodation needs the person shared with the employer, the most
sensitive thing on the board, so it is kept the shortest. The application's row stays with its
status, dates and results, so the board's and the hubs' figures do not change."""

from datetime import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tandem.core import audit, retention
from tandem.opportunities.models import Application, Feedback


def applications_due(organization_id: int, cutoff: datetime) -> QuerySet[Application]:
    """The employer holds the applications to its opportunities: its period applies, from the
    opportunity's last day."""
    return Application.objects.filter(
        opportunity__employer_id=organization_id, opportunity__ends_on__lt=cutoff.date()
    )


def application_anonymise(application: Application) -> None:
    # Sharing off and the needs emptied together (the table refuses needs without consent).
    Application.objects.filter(pk=application.pk).update(
        message="",
        shares_accommodations=False,
        accommodations_needed="",
        accommodation_note="",
        decision_reason="",
    )
    feedback = Feedback.objects.filter(application=application)
    retention.blank(Feedback, feedback, "learned")
    audit.scrub_records([application, *feedback])


def register() -> None:
    retention.register(
        retention.Kind(
            code="application",
            label=_("Applications to short opportunities"),
            starts=_("after the opportunity's last day"),
            removes=_(
                "The message to the employer, the accommodation needs shared with it, the "
                "reason for the decision and what each side wrote in its feedback."
            ),
            keeps=_(
                "The application with its status, dates and results (hired, a further "
                "opportunity, a reference) and the feedback's accessibility answer: the "
                "board's and the hubs' figures do not change."
            ),
            default_months=12,
            why=_(
                "One year: accommodation needs are health information, kept the shortest; a "
                "year lets the employer and the hub check their yearly figures."
            ),
            due=applications_due,
            anonymise=application_anonymise,
            people=("participant",),
            position=40,
        )
    )
