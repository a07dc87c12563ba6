"""Access and correction requests: one action gathers everything Tandem holds about a person,
across organizations, as a PDF in her language and a JSON file; nothing about anyone else."""

import io
import json
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from pypdf import PdfReader

from tandem.meetings.models import MeetingLog
from tandem.outcomes.models import Closure, FollowUp
from tandem.participants.models import Accommodation, Participant
from tandem.privacy.models import Consent, PrivacyRequest, RecordView, RequestStatus
from tandem.privacy.requests import request_build
from tandem.programs.models import Enrolment

pytestmark = pytest.mark.django_db


def answer_of(client: Client, lifecycle, mentee) -> PrivacyRequest:
    client.force_login(lifecycle.mentee_user)
    response = client.post(
        reverse("privacy:request_new", args=[mentee.pk]), {"kind": "access", "details": ""}
    )
    assert response.status_code == 302
    made = PrivacyRequest.objects.get(participant=mentee)
    assert made.due_on == timezone.localdate(made.received_at) + timedelta(days=30)
    return request_build(request_id=made.pk)  # the worker's task, run here


def test_her_access_request_holds_every_record_about_her_and_nothing_about_anyone_else(
    client: Client, lifecycle, home, her
):
    mentee = her["mentee"]
    made = answer_of(client, lifecycle, mentee)
    assert made.status == RequestStatus.ANSWERED and made.percent == 100
    data = json.loads(client.get(reverse("privacy:request_json", args=[made.pk])).getvalue())
    found = {
        (section["model"], row["ID"])
        for section in data["sections"]
        for row in section["rows"]
        if "ID" in row
    }
    ids = [mentee.pk, her["second"].pk]
    expected = {("participants.participant", pk) for pk in ids}
    expected |= {
        ("programs.enrolment", e.pk) for e in Enrolment.objects.filter(participant__in=ids)
    }
    expected |= {("mentorships.mentorship", lifecycle.mentorship.pk)}
    expected |= {("meetings.meetinglog", m.pk) for m in MeetingLog.objects.all()}
    expected |= {
        ("participants.accommodation", a.pk)
        for a in Accommodation.objects.filter(participant__in=ids)
    }
    expected |= {("privacy.consent", c.pk) for c in Consent.objects.filter(participant__in=ids)}
    expected |= {("outcomes.followup", f.pk) for f in FollowUp.objects.filter(participant=mentee)}
    closures = Closure.objects.filter(mentorship=lifecycle.mentorship)
    assert closures.exists()
    expected |= {("outcomes.closure", c.pk) for c in closures}
    missing = expected - found
    assert missing == set(), missing
    views = next(s for s in data["sections"] if s["model"] == "privacy.recordview")
    assert len(views["rows"]) == RecordView.objects.filter(participant_id__in=ids).count() >= 1
    # Nothing about anyone else: the mentor and the other people of her agency.
    text = json.dumps(data, ensure_ascii=False)
    others = Participant.objects.exclude(pk__in=ids)
    assert others.exists()
    for other in others:
        assert other.email not in text
        assert other.family_name not in text
    # The PDF holds the same, in her language (French), and both files are named for her in
    # it, without the storage's prefix or suffix.
    day = timezone.localdate(made.answered_at).isoformat()
    response = client.get(reverse("privacy:request_pdf", args=[made.pk]))
    assert response["Content-Disposition"] == (
        f'attachment; filename="renseignements-personnels-{slugify(mentee.family_name)}-{day}.pdf"'
    )
    json_name = client.get(reverse("privacy:request_json", args=[made.pk]))["Content-Disposition"]
    assert json_name.endswith(f'-{day}.json"') and "renseignements-personnels-" in json_name
    pdf = response.getvalue()
    content = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )
    assert "Vos renseignements personnels" in content
    assert "Large print" in content and "Résumé review" in content
    for other in others:
        assert other.family_name not in content


def test_only_she_and_the_privacy_officer_open_the_answer(client: Client, lifecycle, home, her):
    made = answer_of(client, lifecycle, her["mentee"])
    url = reverse("privacy:request_pdf", args=[made.pk])
    assert client.get(url).status_code == 200
    client.force_login(home.caseworker)
    assert client.get(url).status_code == 404
    client.force_login(home.admin)  # no officer named: the admins of the receiving agency
    assert client.get(url).status_code == 200
    assert RecordView.objects.filter(viewer=home.admin, kind="access_request").exists()


def test_a_correction_is_recorded_with_what_changed(client: Client, lifecycle, home, her):
    mentee = her["mentee"]
    client.force_login(home.caseworker)  # she asked by phone: staff record it for her
    client.post(
        reverse("privacy:request_new", args=[mentee.pk]),
        {"kind": "correction", "details": "My family name is Diallo-Ba"},
    )
    made = PrivacyRequest.objects.get(kind="correction")
    assert made.requested_by == home.caseworker and made.status == RequestStatus.RECEIVED
    client.force_login(home.admin)
    response = client.post(
        reverse("privacy:request", args=[made.pk]),
        {"field": "family name", "before": "Diallo", "after": "Diallo-Ba", "answer": "Corrected."},
    )
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.changes == {"family name": ["Diallo", "Diallo-Ba"]}
    assert made.status == RequestStatus.ANSWERED and made.answered_by == home.admin
    client.force_login(lifecycle.mentee_user)
    assert "Diallo-Ba" in client.get(reverse("privacy:request", args=[made.pk])).text


def test_an_open_request_past_its_deadline_is_shown_overdue(client: Client, lifecycle, home, her):
    made = PrivacyRequest.objects.create(
        participant=her["mentee"],
        organization=home.organization,
        kind="deletion",
        due_on=timezone.localdate() - timedelta(days=1),
    )
    client.force_login(home.admin)
    page = client.get(reverse("privacy:office", args=[home.organization.slug])).text
    assert "Overdue" in page and made.get_kind_display() in page
