"""The reminders sweep: check-in reminders go to the staff named on the program (a program with
nobody named says so on its page instead of mailing every program staff member), each pair is
sent in its own transaction, and the staff of every program are read at once."""

import pytest
from django.core import mail
from django.urls import reverse

from tandem.core.tests.cast import make_member, make_participant
from tandem.meetings import services
from tandem.meetings.models import Reminder, ReminderKind
from tandem.organizations.models import Role
from tandem.outcomes.tests.factories import make_mentorship
from tandem.programs.access import programs_named_staff
from tandem.programs.tests.factories import make_program


@pytest.fixture
def unnamed(lifecycle):
    """A second program of the lead agency with nobody named on it, one pair in it, and two
    more program staff at the agency (who, before, got every pair's check-in reminder)."""
    for n in range(2):
        make_member(lifecycle.lead, Role.PROGRAM_STAFF, email=f"staff{n}@lead.example.org")
    program = make_program(lifecycle.lead, lifecycle.staff, slug="unnamed")
    make_mentorship(program, mentee=make_participant(lifecycle.lead))
    return program


def check_ins_to() -> list[str]:
    return sorted(
        Reminder.objects.filter(kind=ReminderKind.CHECK_IN_DUE).values_list("recipient", flat=True)
    )


def test_check_ins_go_to_named_staff_and_a_program_without_them_says_so(
    clock, lifecycle, unnamed, settings, django_capture_on_commit_callbacks, client, no_mfa
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    clock.advance(days=11)  # a month since both pairs started, no check-in yet
    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_send_due()
    # The named coach for the pair of hers; nobody for the unnamed program's pair.
    assert check_ins_to() == ["coach@lead.example.org"]
    staff_mail = [m.to[0] for m in mail.outbox if "Suivi mensuel" in m.subject]
    assert staff_mail == ["coach@lead.example.org"]

    client.force_login(lifecycle.staff)
    page = client.get(reverse("programs:detail", args=[unnamed.pk])).content.decode()
    assert 'id="no-named-staff"' in page and "nobody is reminded" in page
    named = client.get(reverse("programs:detail", args=[lifecycle.program.pk])).content.decode()
    assert 'id="no-named-staff"' not in named
    french = client.get(f"/fr/programs/{unnamed.pk}/").content.decode()
    assert "personne ne reçoit de rappel" in french

    # Named on it, the staff member gets its reminder at the next sweep (the same month).
    unnamed.staff.add(lifecycle.staff)
    services.reminders_send_due()
    assert check_ins_to() == ["coach@lead.example.org"] * 2


def test_a_pair_that_fails_leaves_the_others_sent_and_is_tried_again(
    lifecycle, unnamed, monkeypatch
):
    failing = lifecycle.mentorship.mentee.email
    send = services.send_to_person

    def send_or_fail(*, email, **kwargs):
        if email == failing:
            raise RuntimeError("a template that does not render")
        send(email=email, **kwargs)

    monkeypatch.setattr(services, "send_to_person", send_or_fail)
    with pytest.raises(services.RemindersFailed, match=str(lifecycle.mentorship.pk)):
        services.reminders_send_due()
    # The other pair's reminders are recorded; none of the failing pair's (its mentor's neither:
    # the pair's transaction rolled back), so the next sweep sends them all.
    reminded = set(Reminder.objects.values_list("mentorship_id", flat=True))
    assert lifecycle.mentorship.pk not in reminded and len(reminded) == 1
    monkeypatch.setattr(services, "send_to_person", send)
    assert services.reminders_send_due() == 2  # the failing pair's mentor and mentee, once


def test_the_named_staff_of_every_program_are_read_in_four_queries(
    lifecycle, unnamed, home, django_assert_num_queries
):
    leaver = make_member(lifecycle.lead, Role.PROGRAM_STAFF, email="leaver@lead.example.org")
    leaver.memberships.update(is_active=False)
    coach = make_member(home.organization, Role.CASEWORKER, email="coach@home.example.org")
    third = make_program(lifecycle.lead, lifecycle.staff, slug="third")
    third.staff.add(leaver, coach)  # a leaver runs nothing; a partner's coach does
    lifecycle.program.staff.add(leaver)
    with django_assert_num_queries(4):
        found = programs_named_staff([lifecycle.program, unnamed, third])
    assert found == {lifecycle.program.pk: [lifecycle.staff], unnamed.pk: [], third.pk: [coach]}
