"""Closure, extension, exit surveys, and the certificates as tagged PDF in each person's language."""

import io
from datetime import date, timedelta

import pytest
from django.test import Client
from pypdf import PdfReader

from tandem.mentorships.models import MentorshipStatus
from tandem.outcomes import services
from tandem.outcomes.certificates import certificate_pdf
from tandem.outcomes.models import EmploymentOutcome, ExitSurvey, Extension

pytestmark = pytest.mark.django_db


def close(lifecycle, clock, **fields):
    data = {"kind": "mutual_agreement", "ended_on": clock.now().date(), **fields}
    return services.mentorship_close(actor=lifecycle.staff, mentorship=lifecycle.mentorship, **data)


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_staff_close_early_with_a_structured_reason_and_a_note(
    client: Client, clock, lifecycle, no_mfa
):
    client.force_login(lifecycle.staff)
    url = f"/en/outcomes/{lifecycle.mentorship.pk}/close/"
    missing = client.post(url, {"kind": "early", "ended_on": "2026-03-01"})
    assert "Choose the reason" in missing.content.decode()
    response = client.post(
        url,
        {
            "kind": "early",
            "early_reason": "relocation",
            "ended_on": "2026-03-01",
            "note": "Moved to Halifax.",
        },
    )
    assert response.status_code == 302
    lifecycle.mentorship.refresh_from_db()
    assert lifecycle.mentorship.status == MentorshipStatus.ENDED_EARLY
    assert lifecycle.mentorship.closure.get_early_reason_display() == "One of them moved away"
    assert not lifecycle.mentorship.closure.earns_certificate
    with pytest.raises(services.OutcomeError):
        close(lifecycle, clock)


def test_an_extension_needs_both_people_and_moves_the_expected_end(clock, lifecycle):
    agreement = lifecycle.mentorship.agreement
    new_end = agreement.expected_end_on + timedelta(weeks=4)
    with pytest.raises(services.OutcomeError):
        services.mentorship_extend(
            actor=lifecycle.staff,
            mentorship=lifecycle.mentorship,
            new_end_on=new_end,
            mentor_agreed=True,
            mentee_agreed=False,
        )
    services.mentorship_extend(
        actor=lifecycle.staff,
        mentorship=lifecycle.mentorship,
        new_end_on=new_end,
        mentor_agreed=True,
        mentee_agreed=True,
        note="Interviews coming up.",
    )
    agreement.refresh_from_db()
    assert agreement.expected_end_on == new_end
    assert Extension.objects.get().previous_end_on == new_end - timedelta(weeks=4)


def test_the_mentee_completes_the_exit_survey_with_employment_status_once(
    client: Client, clock, lifecycle, no_mfa
):
    close(lifecycle, clock)
    client.force_login(lifecycle.mentee_user)
    url = f"/fr/outcomes/{lifecycle.mentorship.pk}/exit-survey/mentee/"
    page = client.get(url)
    assert "Sondage de fin" in page.content.decode()
    answers = {
        "survey-satisfaction": "5",
        "survey-objectives_met": "yes",
        "survey-would_recommend": "yes",
        "survey-what_helped": "Mock interviews",
        "employment-status": "employed_in_field",
        "employment-interviews_granted": "3",
        "employment-employed_on": "2026-02-20",
        "employment-job_title": "Développeuse",
    }
    assert client.post(url, answers).status_code == 302
    survey = ExitSurvey.objects.get()
    assert survey.satisfaction == 5 and survey.would_recommend is True
    outcome = EmploymentOutcome.objects.get()
    assert (outcome.source, outcome.status, outcome.employed_on) == (
        "exit",
        "employed_in_field",
        date(2026, 2, 20),
    )
    client.post(url, answers)
    assert ExitSurvey.objects.count() == 1 and EmploymentOutcome.objects.count() == 1
    # The mentor cannot fill in the mentee's survey.
    client.force_login(lifecycle.mentor_user)
    assert client.get(url).status_code == 404


def test_the_mentees_certificate_is_a_tagged_pdf_in_french_with_names_program_agency_and_dates(
    clock, lifecycle
):
    close(lifecycle, clock)
    lifecycle.mentorship.refresh_from_db()
    data = certificate_pdf(mentorship=lifecycle.mentorship, side="mentee")
    text = pdf_text(data)
    for expected in (
        "Attestation de participation",
        "Amina Diallo",
        "Daniel Wong",
        "Programme de mentorat professionnel",
        "Centre d'accueil de la Capitale",
        "9 février 2026",  # started three weeks before closure
        "2 mars 2026",
    ):
        assert expected in text, (expected, text)
    reader = PdfReader(io.BytesIO(data))
    catalog = reader.trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"])  # tagged
    assert "/StructTreeRoot" in catalog
    assert str(catalog["/Lang"]).startswith("fr")


def test_the_mentors_certificate_of_thanks_is_in_english(clock, lifecycle):
    close(lifecycle, clock)
    lifecycle.mentorship.refresh_from_db()
    text = pdf_text(certificate_pdf(mentorship=lifecycle.mentorship, side="mentor"))
    assert "Certificate of thanks" in text
    assert "Daniel Wong" in text and "Amina Diallo" in text
    assert "Career Mentoring Program" in text and "Capital Welcome Centre" in text
    assert "March 2, 2026" in text


def test_certificates_download_for_their_person_and_staff_only(
    client: Client, clock, lifecycle, elsewhere, no_mfa
):
    close(lifecycle, clock)
    base = f"/en/outcomes/{lifecycle.mentorship.pk}/certificate"
    client.force_login(lifecycle.mentee_user)
    response = client.get(f"{base}/mentee.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert client.get(f"{base}/mentor.pdf").status_code == 404
    client.force_login(lifecycle.staff)
    assert client.get(f"{base}/mentor.pdf").status_code == 200
    for outsider in (elsewhere.staff, elsewhere.mentee_user, elsewhere.funder):
        client.force_login(outsider)
        assert client.get(f"{base}/mentee.pdf").status_code == 404
