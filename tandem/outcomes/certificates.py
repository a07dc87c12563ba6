"""Certificates as tagged PDF (PDF/UA-1): a screen reader reads them in the right language.

A certificate of completion for the mentee and one of thanks for the mentor (seed 003,
recommendation 7), each in the person's language, naming the program and the lead agency.
"""

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import pgettext

from tandem.core.storage import name_part
from tandem.mentorships.models import Mentorship
from tandem.organizations.models import Organization, OrganizationType, Partnership


def lead_agency_of(program) -> Organization:
    """The operating organization when it is a lead agency, else the lead agency it partners with."""
    organization = program.organization
    if organization.kind == OrganizationType.LEAD_AGENCY:
        return organization
    partnership = (
        Partnership.objects.filter(
            partner=organization, organization__kind=OrganizationType.LEAD_AGENCY
        )
        .select_related("organization")
        .first()
    )
    return partnership.organization if partnership else organization


def certificate_html(*, mentorship: Mentorship, side: str, language: str) -> str:
    from tandem.meetings.selectors import minutes_logged, start_of

    person = mentorship.mentee if side == "mentee" else mentorship.mentor
    with translation.override(language):
        return render_to_string(
            "outcomes/certificate.html",
            {
                "side": side,
                "person": person,
                "other": mentorship.mentor if side == "mentee" else mentorship.mentee,
                "program": mentorship.program,
                "lead_agency": lead_agency_of(mentorship.program),
                "started_on": start_of(mentorship),
                "ended_on": mentorship.closure.ended_on,
                "hours": round(minutes_logged(mentorship) / 60),
                "language": language,
            },
        )


def certificate_pdf(*, mentorship: Mentorship, side: str, language: str | None = None) -> bytes:
    from weasyprint import HTML

    person = mentorship.mentee if side == "mentee" else mentorship.mentor
    html = certificate_html(
        mentorship=mentorship, side=side, language=language or person.preferred_language
    )
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")


@dataclass(frozen=True)
class Certificate:
    """A certificate handed out as a file: it names one person, so a download by anyone else is
    a view of their record (core.access.register_subject in OutcomesConfig.ready)."""

    mentorship: Mentorship
    side: str

    @property
    def person(self):
        return self.mentorship.mentee if self.side == "mentee" else self.mentorship.mentor

    def file_name(self, language: str) -> str:
        """« attestation-de-participation-diallo.pdf », in the certificate's language."""
        with translation.override(language):
            if self.side == "mentee":
                stem = pgettext("file name", "certificate-of-completion")
            else:
                stem = pgettext("file name", "certificate-of-thanks")
        return f"{stem}-{name_part(self.person.family_name, fallback=str(self.person.pk))}.pdf"
