"""The mentorship page for mentor, mentee and staff; meetings, check-ins, case meetings; the
"needs attention" list; reminders in each person's language, once per period."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tandem.core.tests.cast import make_participant, make_user
from tandem.meetings import selectors, services
from tandem.meetings.models import CheckIn, MeetingLog, Reminder, SharedDocument
from tandem.mentorships.models import Acknowledgement
from tandem.outcomes.services import consent_set
from tandem.outcomes.tests.factories import make_mentorship
from tandem.programs.models import ActionPlan, ActionStep, Enrolment

pytestmark = pytest.mark.django_db


def page(client, lifecycle, language="en"):
    return client.get(f"/{language}/mentoring/{lifecycle.mentorship.pk}/")


def test_mentor_mentee_and_staff_see_the_page_and_only_staff_see_check_ins(
    client: Client, lifecycle, no_mfa
):
    services.check_in_record(
        actor=lifecycle.staff,
        mentorship=lifecycle.mentorship,
        participant=lifecycle.mentorship.mentee,
        held_on=lifecycle.mentorship.started_on,
        how_it_is_going="Confidential remark",
        satisfaction=4,
    )
    client.force_login(lifecycle.staff)
    assert "Confidential remark" in page(client, lifecycle).content.decode()
    # Each reads their own full name and the other's given name only (what sharing offers).
    for user, own, other, hidden in (
        (lifecycle.mentor_user, "Daniel Wong", "Amina", "Diallo"),
        (lifecycle.mentee_user, "Amina Diallo", "Daniel", "Wong"),
    ):
        client.force_login(user)
        response = page(client, lifecycle, "fr")
        assert response.status_code == 200
        text = response.content.decode()
        assert own in text and other in text and f"{other} {hidden}" not in text
        assert "Confidential remark" not in text
        assert (
            client.get(f"/en/mentoring/{lifecycle.mentorship.pk}/check-ins/new/").status_code == 404
        )


def test_outsiders_get_404_on_every_mentorship_page(
    client: Client, lifecycle, home, elsewhere, no_mfa
):
    other_mentee = make_user("other.mentee@example.org")
    make_participant(home.organization, user=other_mentee)
    document = SharedDocument.objects.create(
        mentorship=lifecycle.mentorship, title="CV", link="https://docs.example.org/cv"
    )
    pk = lifecycle.mentorship.pk
    urls = [
        f"/en/mentoring/{pk}/",
        f"/en/mentoring/{pk}/meetings/new/",
        f"/en/mentoring/{pk}/next-meeting/",
        f"/en/mentoring/{pk}/documents/new/",
        f"/en/mentoring/{pk}/check-ins/new/",
        f"/en/mentoring/{pk}/case-meetings/new/",
        f"/en/mentoring/documents/{document.pk}/",
        f"/en/outcomes/{pk}/close/",
        f"/en/outcomes/{pk}/extend/",
        f"/en/outcomes/{pk}/exit-survey/mentee/",
        f"/en/outcomes/person/{lifecycle.mentorship.mentee_id}/",
    ]
    # Another organization's staff, the mentee's own agency's funder and caseworker, another
    # mentee: none of them may open the pair's page.
    for user in (elsewhere.staff, elsewhere.admin, home.funder, home.caseworker, other_mentee):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user.email, url)


def test_either_person_logs_a_meeting_once_and_hours_count_against_the_target(
    client: Client, lifecycle, no_mfa
):
    enrolment = Enrolment.objects.get(
        program=lifecycle.program, participant=lifecycle.mentorship.mentee
    )
    plan = ActionPlan.objects.create(enrolment=enrolment, objective="Work as a developer")
    step = ActionStep.objects.create(plan=plan, description="Rewrite the résumé")
    client.force_login(lifecycle.mentee_user)
    url = f"/en/mentoring/{lifecycle.mentorship.pk}/meetings/new/"
    day = (lifecycle.mentorship.started_on + timedelta(days=7)).isoformat()
    data = {
        "met_on": day,
        "minutes": "90",
        "mode": "phone",
        "topics": "Résumé review",
        "steps_advanced": [step.pk],
    }
    assert client.post(url, data).status_code == 302
    client.force_login(lifecycle.mentor_user)
    again = client.post(url, data)
    assert "already logged" in again.content.decode()
    assert MeetingLog.objects.count() == 1
    assert list(MeetingLog.objects.get().steps_advanced.all()) == [step]
    text = page(client, lifecycle).content.decode()
    assert "1.5\u00a0h of the 24\u00a0h in the agreement" in text
    assert "Rewrite the résumé" in text and "In progress" in text


def test_a_shared_document_is_checked_by_content_and_downloads_for_the_pair(
    client: Client, lifecycle, no_mfa, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(lifecycle.mentor_user)
    url = f"/en/mentoring/{lifecycle.mentorship.pk}/documents/new/"
    fake = SimpleUploadedFile("cv.pdf", b"MZ not a pdf", content_type="application/pdf")
    response = client.post(url, {"document-title": "CV", "document-upload": fake})
    assert "Share a PDF or a Word" in response.content.decode()
    real = SimpleUploadedFile("cv.pdf", b"%PDF-1.4 tiny", content_type="application/pdf")
    assert client.post(url, {"document-title": "CV", "document-upload": real}).status_code == 302
    document = SharedDocument.objects.get()
    client.force_login(lifecycle.mentee_user)
    download = client.get(f"/en/mentoring/documents/{document.pk}/")
    assert download.status_code == 200
    assert download.getvalue().startswith(b"%PDF")


def test_staff_record_a_check_in_and_a_case_meeting(client: Client, lifecycle, no_mfa):
    client.force_login(lifecycle.staff)
    pk = lifecycle.mentorship.pk
    response = client.post(
        f"/en/mentoring/{pk}/check-ins/new/",
        {
            "participant": lifecycle.mentorship.mentor_id,
            "held_on": lifecycle.mentorship.started_on.isoformat(),
            "how_it_is_going": "Fine",
            "satisfaction": "2",
        },
    )
    assert response.status_code == 302
    assert CheckIn.objects.get().satisfaction == 2
    response = client.post(
        f"/en/mentoring/{pk}/case-meetings/new/",
        {
            "held_on": lifecycle.mentorship.started_on.isoformat(),
            "attendees": "Coach, mentor",
            "reason": "Low satisfaction",
            "decisions": "Meet weekly",
        },
    )
    assert response.status_code == 302
    assert "Meet weekly" in page(client, lifecycle).content.decode()


def test_the_attention_list_flags_no_meeting_low_satisfaction_and_hours_behind(
    client: Client, clock, lifecycle, home, no_mfa, django_assert_max_num_queries
):
    mentorship = lifecycle.mentorship  # started three weeks ago, 24 h over 13 weeks
    quiet = make_mentorship(
        lifecycle.program, mentee=make_participant(home.organization), hours_target=24
    )
    services.check_in_record(
        actor=lifecycle.staff,
        mentorship=quiet,
        participant=quiet.mentee,
        held_on=clock.now().date(),
        how_it_is_going="Not great",
        satisfaction=1,
    )
    healthy = make_mentorship(lifecycle.program, mentee=make_participant(home.organization))
    for days in (1, 8, 15):
        MeetingLog.objects.create(
            mentorship=healthy,
            met_on=clock.now().date() - timedelta(days=days),
            minutes=120,
            mode="virtual",
            topics="Weekly",
        )
    MeetingLog.objects.create(
        mentorship=mentorship,
        met_on=clock.now().date() - timedelta(days=16),
        minutes=60,
        mode="virtual",
        topics="First",
    )
    client.force_login(lifecycle.staff)
    with django_assert_max_num_queries(15):
        response = client.get("/en/mentoring/attention/")
    text = response.content.decode()
    assert "No meeting logged in two weeks" in text
    assert "Low satisfaction at a check-in (1/5)" in text
    assert "Hours behind" in text
    items = {item.mentorship.pk: item for item in selectors.attention_list(user=lifecycle.staff)}
    assert set(items) == {mentorship.pk, quiet.pk}
    assert healthy.pk not in items
    # The home page's count reads fewer columns, in one query, and finds the same ones.
    with django_assert_max_num_queries(3):
        assert selectors.attention_count(user=lifecycle.staff) == 2


def test_reminders_go_once_per_period_in_each_persons_language_and_respect_consent(
    clock, lifecycle, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        first = services.reminders_send_due()
        second = services.reminders_send_due()
    assert second == 0
    by_recipient = {}
    for message in mail.outbox:
        by_recipient.setdefault(message.to[0], []).append(message.subject)
    # Three weeks without a log: both people; no check-in since the start is not yet a month.
    assert "Une rencontre cette semaine? Consignez-la" in by_recipient["amina@example.org"]
    assert "Did you meet this week? Log your meeting" in by_recipient["daniel@example.org"]
    assert first == Reminder.objects.count() == 2  # the agreement is not two days old yet

    mail.outbox.clear()
    clock.advance(days=3)  # same week: no second log reminder; the agreement waits unread
    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_send_due()
    assert sorted(m.subject for m in mail.outbox) == [
        "Please read and acknowledge your mentorship agreement",
        "Veuillez lire et confirmer votre entente de mentorat",
    ]

    Acknowledgement.objects.create(
        agreement=lifecycle.mentorship.agreement, participant=lifecycle.mentorship.mentee
    )
    consent_set(
        actor=lifecycle.mentor_user, participant=lifecycle.mentorship.mentor, may_contact=False
    )
    mail.outbox.clear()
    clock.advance(days=11)  # a new week, and a month since the start: check-in due
    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_send_due()
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert "daniel@example.org" not in recipients  # withdrew consent
    assert "coach@lead.example.org" in recipients
    staff_mail = next(m for m in mail.outbox if m.to == ["coach@lead.example.org"])
    assert "Suivi mensuel à faire" in staff_mail.subject  # the coach reads French


def test_a_mentorship_that_ended_on_schedule_is_neither_behind_nor_waiting_for_its_start(
    clock, lifecycle, client, no_mfa
):
    """Issues 15 and 16: closed on its last day with 14 of 24 hours, it said "Behind" and
    "14.0 h of 24.0 h" to the mentee, and its other page still asked for the introduction meeting
    and for the agreement to be acknowledged."""
    from tandem.mentorships.services import MentorshipError, agreement_acknowledge
    from tandem.outcomes.services import mentorship_close

    mentorship = lifecycle.mentorship
    clock.advance(weeks=11)
    for weeks_ago in range(7):
        MeetingLog.objects.create(
            mentorship=mentorship,
            met_on=clock.now().date() - timedelta(weeks=weeks_ago),
            minutes=120,
            mode="virtual",
            topics="Weekly",
        )
    mentorship_close(
        actor=lifecycle.staff,
        mentorship=mentorship,
        kind="completed",
        ended_on=mentorship.expected_end_on - timedelta(weeks=2),
    )
    mentorship.refresh_from_db()
    progress = selectors.progress_of(mentorship, minutes=selectors.minutes_logged(mentorship))
    assert progress.is_over and not progress.is_behind
    client.force_login(lifecycle.mentee_user)
    page = client.get(f"/en/mentoring/{mentorship.pk}/").content.decode()
    assert "Behind" not in page and "of the 24\u00a0h" not in page
    assert "14\u00a0h logged" in page
    assert f'href="/en/mentorships/{mentorship.pk}/"' in page  # the other page of the pair
    intro = client.get(f"/en/mentorships/{mentorship.pk}/").content.decode()
    assert f'href="/en/mentoring/{mentorship.pk}/"' in intro
    assert "Not scheduled yet." not in intro and "No introduction meeting was recorded." in intro
    assert "I have read the agreement and I agree to it" not in intro
    assert "Not yet" not in intro
    with pytest.raises(MentorshipError):
        agreement_acknowledge(actor=lifecycle.mentee_user, mentorship=mentorship)
    assert not Acknowledgement.objects.exists()
    client.force_login(lifecycle.staff)
    page = client.get(f"/en/mentoring/{mentorship.pk}/").content.decode()
    assert "14\u00a0h logged (the agreement planned 24\u00a0h)" in page


def test_radio_groups_offer_no_blank_choice_and_none_is_checked_until_the_person_picks(
    clock, lifecycle, client, no_mfa
):
    """Check-in satisfaction, how a mentorship ended, employment status and the meeting's mode
    had a pre-checked "- Select an option -" radio button."""
    from tandem.core.tests.html import parse
    from tandem.outcomes.models import Closure

    mentorship = lifecycle.mentorship
    pages = {
        f"/en/mentoring/{mentorship.pk}/check-ins/new/": ["satisfaction", "participant"],
        f"/en/outcomes/{mentorship.pk}/close/": ["kind"],
        f"/en/outcomes/person/{mentorship.mentee_id}/": ["status"],
    }
    client.force_login(lifecycle.staff)
    for url, names in pages.items():
        radios = {}
        for form in parse(client.get(url).content.decode()).forms:
            radios |= {name.split("-")[-1]: options for name, options in form.radios.items()}
        for name in names:
            assert radios.get(name), f"{url}: no radio group {name}"
            assert all(value for value, _checked in radios[name]), f"{url}: blank {name}"
            assert not any(checked for _value, checked in radios[name]), f"{url}: {name} checked"
    client.force_login(lifecycle.mentee_user)
    log = client.get(f"/en/mentoring/{mentorship.pk}/meetings/new/").content.decode()
    modes = next(form.radios["mode"] for form in parse(log).forms if "mode" in form.radios)
    assert all(value for value, _c in modes) and not any(c for _v, c in modes)
    # Sent without a choice: refused with the field's error, nothing recorded.
    client.force_login(lifecycle.staff)
    response = client.post(
        f"/en/outcomes/{mentorship.pk}/close/", {"ended_on": clock.now().date().isoformat()}
    )
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    assert not Closure.objects.exists()
