"""Follow-ups at 3, 6 and 12 months: by mail in the person's language, a single-use expiring link
that needs no sign-in, appended to the outcome history, exactly once even after a worker outage,
and never to a person who withdrew consent. Time is a frozen clock (see fixtures.Clock)."""

import re
from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client

from tandem.outcomes import services
from tandem.outcomes.models import EmploymentOutcome, FollowUp, OutcomeSettings

pytestmark = pytest.mark.django_db


def close(lifecycle, clock):
    return services.mentorship_close(
        actor=lifecycle.staff,
        mentorship=lifecycle.mentorship,
        kind="end_of_term",
        ended_on=clock.now().date(),
    )


def follow_up_mails():
    return [m for m in mail.outbox if "/outcomes/follow-up/" in m.body]


def link_of(message) -> str:
    found = re.search(r"https?://[^/]+(/\S+/outcomes/follow-up/[^/\s]+/)", message.body)
    assert found is not None, message.body
    return found.group(1)


@pytest.fixture
def immediate(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def test_closure_schedules_the_programs_follow_ups(clock, lifecycle):
    OutcomeSettings.objects.create(program=lifecycle.program, followup_months=[1, 6])
    close(lifecycle, clock)
    rows = FollowUp.objects.order_by("months")
    assert [(f.months, f.due_at.date()) for f in rows] == [
        (1, date(2026, 4, 2)),
        (6, date(2026, 9, 2)),
    ]
    assert {f.participant_id for f in rows} == {lifecycle.mentorship.mentee_id}


def test_a_follow_up_goes_out_once_in_french_with_a_link_that_works_once_without_sign_in(
    clock, lifecycle, immediate, django_capture_on_commit_callbacks, client: Client
):
    close(lifecycle, clock)
    mail.outbox.clear()
    clock.advance(days=95)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.followups_send_due() == 1
        assert services.followups_send_due() == 0  # a second sweep sends nothing
    (message,) = follow_up_mails()
    assert message.to == ["amina@example.org"]
    assert "Comment allez-vous" in message.subject
    path = link_of(message)
    assert path.startswith("/fr/")
    token = path.rstrip("/").rsplit("/", 1)[1]
    assert FollowUp.objects.get(months=3).token_hash == services.token_hash(token)
    assert token not in str(FollowUp.objects.values_list())  # only the hash is stored

    page = client.get(path)
    assert page.status_code == 200
    assert "Amina" in page.content.decode()
    answer = {"status": "employed_in_field", "interviews_granted": "4", "employed_on": "2026-05-11"}
    assert client.post(path, answer).status_code == 200
    again = client.post(path, answer)
    assert again.status_code == 410
    assert "déjà" in again.content.decode()
    entry = EmploymentOutcome.objects.get()
    assert (entry.status, entry.interviews_granted, entry.source) == (
        "employed_in_field",
        4,
        "follow_up",
    )


def test_answers_append_to_the_history_and_never_overwrite_it(clock, lifecycle):
    close(lifecycle, clock)
    mentee = lifecycle.mentorship.mentee
    services.outcome_record(
        actor=lifecycle.staff, participant=mentee, source="exit", status="searching"
    )
    first = EmploymentOutcome.objects.get()
    for months in (3, 6):
        clock.advance(days=31 * months)
        follow_up = FollowUp.objects.get(months=months)
        services.followup_send(follow_up_id=follow_up.pk)
        token = f"token-{months}"
        FollowUp.objects.filter(pk=follow_up.pk).update(token_hash=services.token_hash(token))
        services.followup_answer(token=token, status="employed_related", interviews_granted=2)
    history = list(EmploymentOutcome.objects.order_by("recorded_at"))
    assert [e.status for e in history] == ["searching", "employed_related", "employed_related"]
    first.refresh_from_db()
    assert first.status == "searching"
    with pytest.raises(ValidationError):
        first.status = "employed_in_field"
        first.save()


def test_an_expired_or_unknown_link_shows_a_clear_page_not_an_error(
    clock, lifecycle, client: Client
):
    close(lifecycle, clock)
    clock.advance(days=95)
    follow_up = FollowUp.objects.get(months=3)
    services.followup_send(follow_up_id=follow_up.pk)
    FollowUp.objects.filter(pk=follow_up.pk).update(token_hash=services.token_hash("abc"))
    clock.advance(days=31)
    expired = client.get("/en/outcomes/follow-up/abc/")
    assert expired.status_code == 410
    assert "This link has expired" in expired.content.decode()
    unknown = client.get("/fr/outcomes/follow-up/nothing-here/")
    assert unknown.status_code == 404
    assert "Ce lien n’est pas valide" in unknown.content.decode()


def test_a_person_who_withdrew_consent_receives_no_follow_up(
    clock, lifecycle, immediate, django_capture_on_commit_callbacks
):
    close(lifecycle, clock)
    services.consent_set(
        actor=lifecycle.mentee_user, participant=lifecycle.mentorship.mentee, may_contact=False
    )
    clock.advance(days=400)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.followups_send_due() == 0
    assert follow_up_mails() == []
    assert set(FollowUp.objects.values_list("cancelled_at", flat=True)) != {None}


def test_stop_contact_in_the_survey_cancels_the_later_follow_ups(clock, lifecycle):
    close(lifecycle, clock)
    clock.advance(days=95)
    follow_up = FollowUp.objects.get(months=3)
    services.followup_send(follow_up_id=follow_up.pk)
    FollowUp.objects.filter(pk=follow_up.pk).update(token_hash=services.token_hash("abc"))
    services.followup_answer(token="abc", status="searching", stop_contact=True)
    clock.advance(days=400)
    assert services.followups_send_due() == 0
    assert FollowUp.objects.filter(sent_at__isnull=False).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_worker_that_was_down_sends_each_missed_follow_up_exactly_once(
    clock, lifecycle, run_worker
):
    """Closure enqueues each follow-up for its day and the periodic sweep; the worker is down
    for seven months, then runs once: the 3- and 6-month follow-ups leave once each, the
    12-month one waits for its day, and later runs add nothing."""
    close(lifecycle, clock)
    run_worker()  # the closure mails go; the follow-ups wait for their day
    mail.outbox.clear()

    clock.advance(days=214)  # 2 October: past 3 and 6 months
    run_worker()
    assert sorted(m.to[0] for m in follow_up_mails()) == ["amina@example.org"] * 2
    sent = FollowUp.objects.filter(sent_at__isnull=False).values_list("months", flat=True)
    assert sorted(sent) == [3, 6]

    run_worker()
    clock.advance(hours=2)  # the sweep's next run
    run_worker()
    assert len(follow_up_mails()) == 2

    clock.advance(days=160)  # past 12 months
    run_worker()
    assert len(follow_up_mails()) == 3
    assert all("suivi" in m.body or "Comment" in m.subject for m in follow_up_mails())


@pytest.mark.django_db(transaction=True)
def test_a_worker_that_was_down_sends_nothing_to_a_person_who_withdrew(
    clock, lifecycle, run_worker
):
    close(lifecycle, clock)
    run_worker()
    services.consent_set(
        actor=lifecycle.mentee_user, participant=lifecycle.mentorship.mentee, may_contact=False
    )
    clock.advance(days=400)
    run_worker()
    assert follow_up_mails() == []


def test_run_sweeps_sends_what_is_due_and_keeps_one_sweep_waiting(clock, lifecycle):
    from io import StringIO

    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    close(lifecycle, clock)
    clock.advance(days=95)
    out = StringIO()
    call_command("run_sweeps", stdout=out)
    assert "follow-ups sent: 1" in out.getvalue()
    call_command("run_sweeps", stdout=out)
    assert "follow-ups sent: 0" in out.getvalue()
    assert DBTaskResult.objects.filter(task_path__endswith="sweep_task").count() == 1
