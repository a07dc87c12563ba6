"""Notes of one-on-one meetings: staff only unless staff open them to the person or to their
agency, the form says so, and pressing "Record a meeting" twice records one meeting."""

import uuid

import pytest
from django.test import Client

from tandem.core.tests.cast import make_member, make_organization, make_user
from tandem.organizations.models import Role
from tandem.programs.models import IntakeMeeting
from tandem.programs.services import enrolment_create
from tandem.programs.tests.factories import make_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def intake(home):
    lead = make_organization("lead-notes", kind="lead_agency")
    staff = make_member(lead, Role.PROGRAM_STAFF)
    program = make_program(lead, staff)
    mentee = home.mentee
    mentee.user = make_user("notes.mentee@example.org")
    mentee.save()
    enrolment = enrolment_create(actor=staff, program=program, participant=mentee)
    return staff, enrolment, f"/en/programs/enrolments/{enrolment.pk}/"


def record(client, url, notes, visibility, token=None):
    return client.post(
        url,
        {
            "meeting-met_on": "2026-11-02",
            "meeting-notes": notes,
            "meeting-notes_visibility": visibility,
            "meeting-submission": str(token or uuid.uuid4()),
        },
    )


def test_notes_are_staff_only_unless_opened_and_the_form_says_who_reads_them(
    client: Client, home, intake, no_mfa
):
    staff, enrolment, url = intake
    client.force_login(staff)
    response = client.get(url)
    form = response.content.decode()
    assert "Who may read the notes" in form and "Program staff only" in form
    assert response.context["meeting_form"]["notes_visibility"].value() == "staff"
    assert record(client, url, "Anxious about interviews", "staff").status_code == 302
    assert record(client, url, "Wants to work in Gatineau", "person").status_code == 302
    assert record(client, url, "Needs a CLB test date", "agency").status_code == 302
    page = client.get(url).content.decode()
    assert all(n in page for n in ("Anxious", "Gatineau", "CLB test"))
    client.force_login(home.mentee.user)
    page = client.get(url).content.decode()
    assert "Anxious" not in page and "Gatineau" in page and "CLB test" in page
    client.force_login(home.caseworker)  # the agency that holds the mentee's file
    answer = client.get(url)
    assert answer.status_code == 200
    text = answer.content.decode()
    assert "Anxious" not in text and "Gatineau" not in text and "CLB test" in text


def test_pressing_record_twice_records_one_meeting(client: Client, intake, no_mfa):
    staff, enrolment, url = intake
    client.force_login(staff)
    token = uuid.uuid4()
    assert record(client, url, "Met", "staff", token).status_code == 302
    assert record(client, url, "Met", "staff", token).status_code == 302
    assert IntakeMeeting.objects.filter(enrolment=enrolment).count() == 1
    record(client, url, "Met again", "staff")
    assert IntakeMeeting.objects.filter(enrolment=enrolment).count() == 2


def test_notes_longer_than_the_limit_are_refused_with_the_limit_shown(
    client: Client, intake, no_mfa
):
    staff, enrolment, url = intake
    client.force_login(staff)
    response = record(client, url, "x" * 5001, "staff")
    assert response.status_code == 200
    assert "at most 5000 characters" in response.content.decode()
    assert not IntakeMeeting.objects.exists()
