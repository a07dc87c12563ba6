"""The connector program through its pages and services: joining three ways, meetings, times
offered and calendar files, introductions, follow-ups, feedback, mentorship by mutual consent,
the chain, the figures, and every refusal the issue names."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tandem.connectors import services
from tandem.connectors.models import (
    Connector,
    ConnectorInvitation,
    ConnectorMeeting,
    DeclinedAddress,
    Introduction,
    InvitationStatus,
    JoinedVia,
    MeetingStatus,
)
from tandem.connectors.tests.factories import (
    connector_program,
    held_meeting,
    make_connector,
    make_newcomer,
)
from tandem.core.tests.cast import make_participant, make_user, occupation


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def program(home):
    return connector_program(home.organization)


@pytest.fixture
def cast(home, program):
    """A program with two connectors (one French-speaking) and a newcomer with an account."""
    occupation("21232")
    anna = make_connector(program, email="anna@example.org", given_name="Anna")
    luc = make_connector(
        program, email="luc@example.org", given_name="Luc", preferred_language="fr"
    )
    make_newcomer(program, home.mentee)
    return {"anna": anna, "luc": luc, "newcomer": home.mentee}


def contacts(*emails: str) -> list[services.Contact]:
    return [
        services.Contact(name=f"Contact {e[:3]}", email=e, reason="Hires in IT") for e in emails
    ]


def token_in(message) -> str:
    found = re.search(r"/invitation/([^/\s]+)/", message.body)
    assert found is not None, message.body
    return found.group(1)


def mail_to(address: str):
    return [m for m in mail.outbox if address in m.to]


# --- Joining -----------------------------------------------------------------------------------


def test_a_staff_invitation_is_accepted_once_and_makes_a_connector_with_an_account(
    client: Client, home, program, immediate_tasks, django_capture_on_commit_callbacks, no_mfa
):
    client.force_login(home.staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("connectors:invite", args=[program.pk]),
            {
                "given_name": "Rosa",
                "family_name": "Díaz",
                "email": "rosa@example.org",
                "language": "fr",
                "reason": "Elle connaît tout le secteur.",
            },
        )
    assert response.status_code == 302
    [invitation_mail] = mail_to("rosa@example.org")
    # Bilingual: French first (her language), then English, each with its own link.
    assert invitation_mail.body.index("Bonjour") < invitation_mail.body.index("Hello")
    assert "/fr/connectors/invitation/" in invitation_mail.body
    assert "/en/connectors/invitation/" in invitation_mail.body
    token = token_in(invitation_mail)
    client.logout()
    form = {
        "given_name": "Rosa",
        "family_name": "Díaz",
        "preferred_language": "fr",
        "languages": ["fr", "es"],
        "occupation": "21231",
        "employer": "Banque du Nord",
        "city": "Gatineau",
        "postal_code": "J8Y 3Z2",
        "meetings_per_month": "2",
    }
    url = reverse("connectors:invitation", args=[token])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, form).status_code == 200
    connector = Connector.objects.get(participant__email="rosa@example.org")
    assert (connector.joined_via, connector.city, connector.meetings_per_month) == (
        JoinedVia.STAFF,
        "Gatineau",
        2,
    )
    assert connector.participant.enrolments.get(program=program).is_ready
    assert any("invitation" in m.body.lower() for m in mail_to("rosa@example.org")[1:])
    # The link works once: a second submission writes nothing.
    response = client.post(url, form)
    assert response.status_code == 410
    assert b"already been answered" in response.content
    assert Connector.objects.filter(participant__email="rosa@example.org").count() == 1


def test_a_public_applicant_accepted_as_a_connector_completes_the_light_profile(
    client: Client, home, program, no_mfa
):
    from tandem.programs.models import Enrolment

    ali = make_user("ali@example.org")
    person = make_participant(home.organization, "mentor", user=ali)
    Enrolment.objects.create(program=program, participant=person, side="mentor")
    client.force_login(ali)
    page = client.get(reverse("connectors:me"))
    assert b"Complete your connector profile" in page.content
    response = client.post(
        reverse("connectors:profile", args=[program.pk]),
        {"city": "Ottawa", "meetings_per_month": "9"},
    )
    assert not Connector.objects.filter(participant=person).exists()  # 9 is refused
    response = client.post(
        reverse("connectors:profile", args=[program.pk]),
        {"city": "Ottawa", "meetings_per_month": "3"},
    )
    assert response.status_code == 302
    connector = Connector.objects.get(participant=person)
    assert (connector.joined_via, connector.meetings_per_month) == (JoinedVia.APPLICATION, 3)


# --- A first meeting -----------------------------------------------------------------------


def test_a_newcomer_asks_a_suggested_connector_who_offers_times_and_both_get_a_calendar_file(
    client: Client, home, program, cast, immediate_tasks, django_capture_on_commit_callbacks, no_mfa
):
    enrolment = home.mentee.enrolments.get(program=program)
    client.force_login(home.mentee_user)
    page = client.get(reverse("connectors:newcomer", args=[enrolment.pk]))
    assert page.status_code == 200
    suggested = {s.connector.pk for s in page.context["suggestions"]}
    assert suggested == {cast["anna"].pk, cast["luc"].pk}  # scored by the engine
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("connectors:newcomer", args=[enrolment.pk]),
            {"connector": cast["luc"].pk, "message": "I work in software."},
        )
    meeting = ConnectorMeeting.objects.get(newcomer=home.mentee)
    assert response.status_code == 302 and meeting.status == MeetingStatus.REQUESTED
    assert "aimerait vous rencontrer" in mail_to("luc@example.org")[0].subject  # in French
    # A second request to the same connector while the first is open is refused.
    client.post(reverse("connectors:newcomer", args=[enrolment.pk]), {"connector": cast["luc"].pk})
    assert ConnectorMeeting.objects.filter(newcomer=home.mentee).count() == 1

    luc_user = cast["luc"].participant.user
    assert luc_user is not None
    client.force_login(luc_user)
    soon = timezone.localtime() + timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("connectors:meeting_action", args=[meeting.pk, "offer"]),
            {
                "time_1": soon.strftime("%Y-%m-%dT10:00"),
                "time_2": soon.strftime("%Y-%m-%dT14:30"),
                "mode": "virtual",
                "where": "https://meet.example.org/luc",
            },
        )
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.OFFERED and meeting.offered_times.count() == 2

    client.force_login(home.mentee_user)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("connectors:meeting_action", args=[meeting.pk, "choose"]),
            {"offered": meeting.offered_times.order_by("starts_at")[1].pk},
        )
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SCHEDULED
    assert timezone.localtime(meeting.starts_at).strftime("%H:%M") == "14:30"
    to_luc, to_newcomer = mail_to("luc@example.org")[0], mail_to(home.mentee.email)[0]
    for message, summary, file_name in (
        (to_luc, "Rencontre", "rencontre-de-connexion.ics"),
        (to_newcomer, "Connector meeting", "connector-meeting.ics"),
    ):
        [(name, ics, kind)] = message.attachments  # named in the recipient's language
        assert (name, kind) == (file_name, "text/calendar") and f"SUMMARY:{summary}" in ics
    calendar = client.get(reverse("connectors:meeting_calendar", args=[meeting.pk]))
    assert calendar["Content-Type"] == "text/calendar" and b"BEGIN:VEVENT" in calendar.content


def test_a_meeting_is_recorded_once(client: Client, home, program, cast, no_mfa):
    meeting = ConnectorMeeting.objects.create(
        program=program, newcomer=home.mentee, connector=cast["anna"]
    )
    client.force_login(cast["anna"].participant.user)
    url = reverse("connectors:meeting_action", args=[meeting.pk, "held"])
    client.post(url, {"held_on": timezone.localdate().isoformat()})
    response = client.post(url, {"held_on": timezone.localdate().isoformat()}, follow=True)
    assert b"This meeting is already recorded." in response.content
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD


# --- Introductions -------------------------------------------------------------------------


def test_three_introductions_invite_new_contacts_in_the_connectors_words(
    home, program, cast, immediate_tasks, django_capture_on_commit_callbacks
):
    meeting = held_meeting(program, home.mentee, cast["anna"])
    with django_capture_on_commit_callbacks(execute=True):
        made = services.introductions_record(
            actor=cast["anna"].participant.user,
            meeting=meeting,
            contacts=contacts("luc@example.org", "new1@example.org", "new2@example.org"),
        )
    assert [i.contact_id is not None for i in made] == [True, False, False]
    [invitation] = mail_to("new1@example.org")
    assert "Anna" in invitation.body and "Hires in IT" in invitation.body
    assert ConnectorInvitation.objects.get(email="new1@example.org").suggested_by == cast["anna"]
    assert mail_to(home.mentee.email)  # the newcomer sees them


@pytest.mark.parametrize(
    ("emails", "message"),
    [
        (["anna@example.org", "a@example.org", "b@example.org"], "to yourself"),
        (["a@example.org", "a@example.org", "b@example.org"], "appears twice"),
        (["NEWCOMER", "a@example.org", "b@example.org"], "newcomer's own address"),
        (["declined@example.org", "a@example.org", "b@example.org"], "declined"),
        (["a@example.org", "b@example.org"], "at least 3"),
    ],
)
def test_bad_introductions_are_refused_and_nothing_is_written(home, program, cast, emails, message):
    DeclinedAddress.objects.create(email="declined@example.org")
    meeting = held_meeting(program, home.mentee, cast["anna"])
    emails = [home.mentee.email if e == "NEWCOMER" else e for e in emails]
    with pytest.raises(services.ConnectorError, match=message):
        services.introductions_record(
            actor=cast["anna"].participant.user, meeting=meeting, contacts=contacts(*emails)
        )
    assert not Introduction.objects.exists()
    assert not ConnectorInvitation.objects.exists()


def test_the_same_contact_twice_for_one_newcomer_is_refused(home, program, cast):
    first = held_meeting(program, home.mentee, cast["anna"])
    services.introductions_record(
        actor=cast["anna"].participant.user,
        meeting=first,
        contacts=contacts("a@example.org", "b@example.org", "c@example.org"),
    )
    second = held_meeting(program, home.mentee, cast["luc"])
    with pytest.raises(services.ConnectorError, match="already introduced"):
        services.introductions_record(
            actor=cast["luc"].participant.user,
            meeting=second,
            contacts=contacts("a@example.org", "d@example.org", "e@example.org"),
        )
    assert second.introductions.count() == 0


def test_a_named_contact_can_decline_or_pass_it_on_and_is_not_asked_again(
    client: Client, home, program, cast, immediate_tasks, django_capture_on_commit_callbacks
):
    meeting = held_meeting(program, home.mentee, cast["anna"])
    with django_capture_on_commit_callbacks(execute=True):
        services.introductions_record(
            actor=cast["anna"].participant.user,
            meeting=meeting,
            contacts=contacts("x@example.org", "y@example.org", "z@example.org"),
        )
    x_token, y_token = token_in(mail_to("x@example.org")[0]), token_in(mail_to("y@example.org")[0])
    client.post(reverse("connectors:invitation_decline", args=[x_token]))
    assert DeclinedAddress.objects.filter(email="x@example.org").exists()
    # Passing it on to the newcomer herself is refused; to a colleague works.
    pass_on = reverse("connectors:invitation_pass_on", args=[y_token])
    data = {"given_name": "Wen", "email": home.mentee.email, "language": "en", "reason": "Knows"}
    assert b"newcomer" in client.post(pass_on, data).content
    with django_capture_on_commit_callbacks(execute=True):
        client.post(pass_on, {**data, "email": "wen@example.org"})
    [to_wen] = mail_to("wen@example.org")
    assert "Anna" in to_wen.body and "Contact y@e" in to_wen.body  # who asked first
    assert Introduction.objects.filter(contact_email="wen@example.org").exists()
    # The link used once, and the declined addresses may not be named again.
    assert client.get(reverse("connectors:invitation", args=[x_token])).status_code == 410
    other = held_meeting(program, home.mentee, cast["luc"])
    with pytest.raises(services.ConnectorError, match="declined"):
        services.introductions_record(
            actor=cast["luc"].participant.user,
            meeting=other,
            contacts=contacts("y@example.org", "p@example.org", "q@example.org"),
        )


# --- Follow-ups, feedback, results, mentorship ---------------------------------------------


def test_the_newcomer_follows_up_an_introduction_once_and_the_chain_shows_the_job_branch(
    client: Client, home, program, cast, no_mfa
):
    first = held_meeting(program, home.mentee, cast["anna"])
    services.introductions_record(
        actor=cast["anna"].participant.user,
        meeting=first,
        contacts=contacts("luc@example.org", "m@example.org", "n@example.org"),
    )
    introduction = Introduction.objects.get(contact=cast["luc"])
    client.force_login(home.mentee_user)
    url = reverse("connectors:follow_up", args=[introduction.pk])
    client.post(url, {"message": "Anna sent me"})
    response = client.post(url, {}, follow=True)
    assert b"already recorded" in response.content
    follow_up = ConnectorMeeting.objects.get(introduction=introduction)
    assert follow_up.depth == 2
    services.meeting_record_held(
        actor=home.mentee_user, meeting=follow_up, held_on=timezone.localdate()
    )
    client.post(
        reverse("connectors:meeting_action", args=[follow_up.pk, "result"]),
        {"result": "job", "on": timezone.localdate().isoformat()},
    )
    client.post(
        reverse("connectors:meeting_action", args=[follow_up.pk, "feedback"]),
        {"text": "Very helpful"},
    )
    follow_up.refresh_from_db()
    assert (follow_up.result, follow_up.newcomer_feedback) == ("job", "Very helpful")
    enrolment = home.mentee.enrolments.get(program=program)
    page = client.get(reverse("connectors:newcomer", args=[enrolment.pk])).content.decode()
    assert 'role="img"' in page and "<desc" in page
    # The nested list says the same: Anna's branch led to a job through Luc.
    assert "this branch led to: A job" in page and "led to a job" in page
    assert "introduced; invited to join as a connector" in page


def test_a_mentorship_opens_only_by_mutual_consent(
    client: Client, home, program, cast, immediate_tasks, django_capture_on_commit_callbacks, no_mfa
):
    from tandem.matching.models import Proposal

    meeting = held_meeting(program, home.mentee, cast["anna"])
    action = reverse("connectors:meeting_action", args=[meeting.pk, "continue"])
    client.force_login(home.mentee_user)
    client.post(action, {"wants": "on"})
    client.force_login(home.staff)
    opened = reverse("connectors:meeting_action", args=[meeting.pk, "mentorship"])
    response = client.post(opened, follow=True)
    assert b"Both people must ask" in response.content
    client.force_login(cast["anna"].participant.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(action, {"wants": "on"})
    assert mail_to(home.staff.email)  # staff are told
    client.force_login(home.staff)
    client.post(opened)
    proposal = Proposal.objects.get(program=program)
    assert (proposal.mentee, proposal.mentor) == (home.mentee, cast["anna"].participant)


# --- Reminders through the real worker -----------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_reminders_go_through_the_worker_once_a_week(run_worker, settings):
    from tandem.connectors.tasks import reminders_send_task
    from tandem.core.tests.cast import make_side

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    side = make_side("remind")
    program = connector_program(side.organization)
    quiet = make_connector(program, email="quiet@example.org")
    busy = make_connector(program, email="busy@example.org")
    make_newcomer(program, side.mentee)
    long_ago = timezone.localdate() - timedelta(days=9)
    held_meeting(program, side.mentee, quiet, held_on=long_ago)
    meeting = held_meeting(program, side.mentee, busy, held_on=long_ago)
    Introduction.objects.create(
        meeting=meeting,
        made_by=busy,
        newcomer=side.mentee,
        contact=quiet,
        contact_name="Quiet",
        contact_email="quiet@example.org",
        reason="r",
        created_at=timezone.now() - timedelta(days=8),
    )
    reminders_send_task.enqueue()
    run_worker()
    reminders_send_task.enqueue()
    run_worker()
    assert len(mail_to("quiet@example.org")) == 1  # only the meeting without contacts
    assert len(mail_to("busy@example.org")) == 1  # one introduction, not three
    assert len(mail_to(side.mentee.email)) == 1  # the introduction not followed up


# --- Figures -------------------------------------------------------------------------------


def _stored(program) -> tuple[list, list]:
    from tandem.connectors.models import NewcomerChain

    fields = [f.name for f in NewcomerChain._meta.fields if f.name != "id"]
    chains = sorted(NewcomerChain.objects.filter(program=program).values_list(*fields))
    counters = sorted(
        Connector.objects.filter(program=program).values_list(
            "pk", "introductions_count", "jobs_led", "interviews_led"
        )
    )
    return chains, counters


def test_program_figures_read_stored_chains_that_the_services_keep_equal_to_a_recount(
    home, program, cast
):
    from tandem.connectors.selectors import program_figures
    from tandem.connectors.services.figures import figures_rebuild

    staff = home.staff
    first = services.meeting_request(
        actor=staff, program=program, newcomer=home.mentee, connector=cast["anna"]
    )
    met_on = timezone.localdate() - timedelta(days=3)
    services.meeting_record_held(actor=staff, meeting=first, held_on=met_on)
    services.introductions_record(
        actor=cast["anna"].participant.user,
        meeting=first,
        contacts=contacts("luc@example.org", "m@example.org", "n@example.org"),
    )
    intro = Introduction.objects.get(contact=cast["luc"])
    follow = services.meeting_request(
        actor=staff,
        program=program,
        newcomer=home.mentee,
        connector=cast["luc"],
        introduction=intro,
    )
    services.meeting_record_held(actor=staff, meeting=follow, held_on=met_on)
    # A result changed twice: the stored figures follow, with no drift.
    for result in ("job", "interview", "job"):
        services.result_record(actor=staff, meeting=follow, result=result, on=met_on)
    services.result_record(actor=staff, meeting=first, result="interview", on=met_on)
    stored = _stored(program)
    figures_rebuild(program_id=program.pk)
    assert _stored(program) == stored  # what the services kept is what a recount gives
    figures = program_figures(program)
    assert (figures.newcomers, figures.meetings_held, figures.introductions) == (1, 2, 3)
    assert (figures.followed_up, figures.depth_max, figures.jobs) == (1, 2, 1)
    assert (figures.meetings_at_target, figures.interviews) == (1, 1)
    assert figures.days_to_job_median == 0
    assert [(t.name, t.introductions, t.jobs, t.interviews) for t in figures.top_connectors] == [
        (cast["anna"].participant.full_name, 3, 1, 0)
    ]
    services.result_record(actor=staff, meeting=follow, result="", on=None)
    assert program_figures(program).jobs == 0 and program_figures(program).top_connectors == []


def test_funders_are_sent_to_the_connector_section_of_their_published_report(
    client: Client, home, program, no_mfa
):
    """No live count for funders (read day after day, it would give each day's meetings away):
    the page names the programs and links to the report's section (tandem/reports/tests/
    test_connector_section.py attacks it)."""
    from tandem.core.tests.cast import make_member, make_organization
    from tandem.organizations.models import OrganizationType, Partnership, Role

    fund = make_organization("fund-connect", OrganizationType.FUNDER)
    Partnership.objects.create(organization=home.organization, partner=fund, kind="funding")
    client.force_login(make_member(fund, Role.FUNDER, "funder.connect@example.org"))
    page = client.get(reverse("connectors:funder")).content.decode()
    report = reverse("reports:funder", args=[home.organization.slug])
    assert program.name_en in page and f"{report}?section=connectors" in page
    client.force_login(home.staff)
    page = client.get(reverse("connectors:funder")).content.decode()
    assert "You fund no connector program." in page and report not in page


def test_the_home_page_tells_each_role_what_the_connector_program_asks(
    client: Client, home, program, cast, no_mfa
):
    ConnectorMeeting.objects.create(program=program, newcomer=home.mentee, connector=cast["anna"])
    client.force_login(cast["anna"].participant.user)
    page = client.get(reverse("core:home")).content.decode()
    assert "asks you for a meeting: offer times." in page
    client.force_login(home.mentee_user)
    page = client.get(reverse("core:home")).content.decode()
    assert "My connector meetings in" in page and "You are on the list" not in page
    client.force_login(home.staff)
    assert (
        reverse("connectors:figures", args=[program.pk])
        in client.get(reverse("core:home")).content.decode()
    )


def test_a_connector_is_not_booked_beyond_the_meetings_they_offer_a_month(home, program, cast):
    from tandem.connectors.tests.factories import make_newcomer as enrol

    other = make_participant(home.organization, given_name="Omar")
    enrol(program, other)
    services.meeting_request(
        actor=home.staff, program=program, newcomer=home.mentee, connector=cast["anna"]
    )
    with pytest.raises(services.ConnectorError, match="no room left"):
        services.meeting_request(
            actor=home.staff, program=program, newcomer=other, connector=cast["anna"]
        )
    assert ConnectorMeeting.objects.filter(connector=cast["anna"]).count() == 1


def test_staff_cannot_invite_a_connector_twice_nor_one_who_declined(home, program, cast):
    invite = {"actor": home.staff, "program": program, "given_name": "Kim", "reason": "Knows"}
    with pytest.raises(services.ConnectorError, match="already a connector"):
        services.connector_invite(email="Anna@example.org", **invite)
    invitation, token = services.connector_invite(email="kim@example.org", **invite)
    with pytest.raises(services.ConnectorError, match="waiting for an answer"):
        services.connector_invite(email="kim@example.org", **invite)
    services.invitation_decline(token=token)
    with pytest.raises(services.ConnectorError, match="declined"):
        services.connector_invite(email="kim@example.org", **invite)
    # An expired link is refused and writes nothing.
    _other, late = services.connector_invite(email="lee@example.org", **invite)
    ConnectorInvitation.objects.filter(email="lee@example.org").update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    with pytest.raises(services.ConnectorError, match="expired"):
        services.invitation_decline(token=late)
    assert not DeclinedAddress.objects.filter(email="lee@example.org").exists()
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.DECLINED
