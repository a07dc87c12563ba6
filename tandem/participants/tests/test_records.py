import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tandem.core.tests.cast import make_member, make_organization
from tandem.organizations.models import Role
from tandem.participants.models import Accommodation, Participant, Resume

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture
def titles(reference):
    from tandem.reference.models import OccupationTitle, search_key

    for code, title, language in [
        ("21231", "Software developer", "en"),
        ("21231", "Développeuse de logiciels", "fr"),
        ("31301", "Registered nurse", "en"),
        ("31301", "Infirmière autorisée", "fr"),
        ("31301", "Nurse clinician", "en"),
    ]:
        OccupationTitle.objects.create(
            occupation_id=code, language=language, title=title, search_text=search_key(title)
        )


MENTEE = {
    "external_id": "C-1",
    "given_name": "Amina",
    "family_name": "Diallo",
    "email": "amina@example.org",
    "preferred_language": "fr",
    "languages": ["fr", "en", "ar"],
    "occupation_query": "développeuse",
    "industry_query": "computer systems",
    "postal_code": "k1k2c5",
    "immigration_status": "permanent_resident",
    "is_internationally_educated": "true",
    "clb_level": "7",
    "completed_job_search_workshop": "unknown",
    "meeting_mode": "either",
    "availability": ["tue-evening", "sat-morning"],
}


def test_a_caseworker_records_a_client_with_no_code_typed_and_is_sent_to_the_programs(
    client: Client, home, titles, no_mfa
):
    client.force_login(home.caseworker)
    response = client.post(f"/en/participants/organization/{home.organization.slug}/new/", MENTEE)
    participant = Participant.objects.get(external_id="C-1")
    assert response["Location"] == f"/en/referrals/client/{participant.pk}/"
    assert participant.role == "mentee" and participant.occupation_id == "21231"
    assert participant.industry_id == "5415"
    assert (participant.languages, participant.postal_code) == ("fr;en;ar", "K1K 2C5")
    assert participant.availability == "tue-evening;sat-morning"
    assert participant.province_of_residence == "ON"
    assert participant.completed_job_search_workshop is None
    html = client.get(f"/fr/participants/{participant.pk}/").content.decode()
    assert "français, anglais, arabe" in html.lower()
    assert "mardi soir, samedi matin" in html.lower()
    assert "tue-evening" not in html and "fr;en" not in html


def test_several_matching_occupations_are_offered_to_choose_and_nothing_typed_is_lost(
    client: Client, home, titles, no_mfa
):
    client.force_login(home.caseworker)
    url = f"/en/participants/organization/{home.organization.slug}/new/"
    response = client.post(url, {**MENTEE, "occupation_query": "nurse developer"})
    assert "Nothing matches these words" in response.content.decode()
    assert not Participant.objects.filter(external_id="C-1").exists()
    response = client.post(url, {**MENTEE, "occupation_query": "er"})  # two unit groups
    form = response.context["form"]
    assert "Several match: choose the one that fits." in form.errors["occupation"]
    assert {o.pk for o in form.occupation_candidates} == {"21231", "31301"}
    assert (
        form["given_name"].value() == "Amina" and form["languages"].value() == MENTEE["languages"]
    )
    client.post(url, {**MENTEE, "occupation_query": "er", "occupation": "31301"})
    assert Participant.objects.get(external_id="C-1").occupation_id == "31301"


def test_the_mentor_form_asks_no_eligibility_facts_and_the_mentee_form_no_capacity(
    client: Client, home, titles, no_mfa
):
    client.force_login(home.caseworker)
    url = f"/en/participants/organization/{home.organization.slug}/new/"
    mentee_form = client.get(url).context["form"]
    mentor_form = client.get(url, {"role": "mentor"}).context["form"]
    assert "capacity" not in mentee_form.fields and "employer" not in mentee_form.fields
    assert "immigration_status" not in mentor_form.fields
    assert "clb_level" not in mentor_form.fields and "capacity" in mentor_form.fields
    client.post(
        f"{url}?role=mentor",
        {
            **MENTEE,
            "external_id": "M-1",
            "occupation_query": "registered nurse",
            "capacity": "2",
            "years_experience": "12",
            "employer": "Bytown Health",
        },
    )
    mentor = Participant.objects.get(external_id="M-1")
    assert (mentor.role, mentor.capacity, mentor.occupation_id) == ("mentor", 2, "31301")
    assert mentor.immigration_status == ""


def test_a_pdf_and_a_docx_are_accepted_by_content_and_served_only_to_those_allowed(
    client: Client, home, elsewhere, no_mfa
):
    client.force_login(home.caseworker)
    url = f"/en/participants/{home.mentee.pk}/resumes/"
    client.post(url, {"file": SimpleUploadedFile("cv.txt", PDF)})  # the name does not matter
    client.post(url, {"file": SimpleUploadedFile("cv", docx_bytes())})
    names = sorted(Resume.objects.values_list("original_name", flat=True))
    assert names == ["cv.docx", "cv.pdf"]
    pdf = Resume.objects.get(original_name="cv.pdf")
    response = client.get(f"/en/participants/resumes/{pdf.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response.getvalue() == PDF
    for outsider in (elsewhere.caseworker, elsewhere.staff, home.funder):
        client.force_login(outsider)
        assert client.get(f"/en/participants/resumes/{pdf.pk}/").status_code == 404


def test_a_file_that_is_neither_pdf_nor_docx_is_refused_whatever_its_name(
    client: Client, home, no_mfa, settings
):
    client.force_login(home.caseworker)
    url = f"/en/participants/{home.mentee.pk}/resumes/"
    fake_zip = io.BytesIO()
    with zipfile.ZipFile(fake_zip, "w") as archive:
        archive.writestr("xl/workbook.xml", "<x/>")
    for upload in (
        SimpleUploadedFile("cv.pdf", b"MZ\x90\x00 not a pdf"),
        SimpleUploadedFile("cv.docx", fake_zip.getvalue()),
        SimpleUploadedFile("cv.docx", b"PK\x03\x04 broken"),
    ):
        response = client.post(url, {"file": upload}, follow=True)
        assert "Upload a PDF or a Word (.docx) document." in response.content.decode()
    settings.TANDEM_RESUME_MAX_BYTES = 10
    client.post(url, {"file": SimpleUploadedFile("cv.pdf", PDF)})
    assert Resume.objects.count() == 0


def test_accommodations_need_consent_and_are_shown_only_to_those_who_need_them(
    client: Client, home, elsewhere, no_mfa
):
    client.force_login(home.caseworker)
    url = f"/en/participants/{home.mentee.pk}/accommodations/"
    response = client.post(url, {"needs": "Large-print documents"})
    assert response.status_code == 200 and not Accommodation.objects.exists()
    client.post(url, {"needs": "Large-print documents", "has_consent": "on"})
    assert Accommodation.objects.get().needs == "Large-print documents"
    assert (
        "Large-print documents"
        in client.get(f"/en/participants/{home.mentee.pk}/").content.decode()
    )
    client.force_login(home.mentee_user)
    assert (
        "Large-print documents"
        in client.get(f"/en/participants/{home.mentee.pk}/").content.decode()
    )
    client.force_login(home.funder)
    assert client.get(f"/en/participants/{home.mentee.pk}/").status_code == 404
    client.force_login(elsewhere.caseworker)
    assert client.get(url).status_code == 404
    # Withdrawing consent erases the record.
    client.force_login(home.caseworker)
    client.post(url, {"needs": "Large-print documents"})
    client.post(url, {"needs": "", "has_consent": ""})
    assert not Accommodation.objects.exists()


def test_program_staff_see_accommodations_only_when_the_person_agreed_to_share(
    client: Client, home, no_mfa
):
    from tandem.programs.services import enrolment_create
    from tandem.programs.tests.factories import make_program

    lead = make_organization("lead", kind="lead_agency")
    staff = make_member(lead, Role.PROGRAM_STAFF)
    program = make_program(lead, staff)
    enrolment_create(actor=staff, program=program, participant=home.mentee)
    from tandem.referrals.models import Referral

    Referral.objects.create(participant=home.mentee, program=program, status="accepted")
    accommodation = Accommodation.objects.create(
        participant=home.mentee,
        needs="Step-free access",
        has_consent=True,
        consent_at="2026-01-01T00:00Z",
    )
    client.force_login(staff)
    page = client.get(f"/en/participants/{home.mentee.pk}/")
    assert page.status_code == 200 and "Step-free access" not in page.content.decode()
    accommodation.share_with_programs = True
    accommodation.save()
    assert "Step-free access" in client.get(f"/en/participants/{home.mentee.pk}/").content.decode()
