"""A worker asked to stop in the middle of a long sweep stops after the follow-up in hand: what
it sent stays sent, the rest goes out at the next run (queued at once), nothing goes twice.

The real worker command runs in this process; SIGTERM is sent to the process itself when the
third follow-up mail is queued, i.e. in the middle of the sweep, as systemd or compose would
send it during a deploy. The load test of the 50k network met this: 20k follow-ups due at the
first sweep held a stopping worker for minutes (benchmarks/load.py)."""

import os
import signal
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.tasks.signals import task_enqueued
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tandem.core import sweeps
from tandem.core.tasks import deliver_mail
from tandem.outcomes.models import FollowUp

DUE = 8
STOP_AT = 3  # the follow-up mail during which the worker is told to stop


@pytest.fixture
def due_follow_ups(lifecycle):
    """Eight follow-ups whose day has passed (a worker that was down a while)."""
    mentorship = lifecycle.mentorship
    for months in range(1, DUE + 1):
        FollowUp.objects.create(
            mentorship=mentorship,
            participant=mentorship.mentee,
            months=months,
            due_at=timezone.now() - timedelta(days=1),
        )


@pytest.fixture
def sigterm_at_the_third_mail():
    """SIGTERM to this process when the third follow-up mail is queued; the signal handlers
    the worker installs are put back afterwards (pytest keeps running)."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    queued = []

    def on_enqueued(sender, task_result, **kwargs):
        if task_result.task.module_path != deliver_mail.module_path:
            return
        if "/outcomes/follow-up/" in task_result.args[0]["body"]:  # not the meeting reminders
            queued.append(task_result.id)
            if len(queued) == STOP_AT:
                os.kill(os.getpid(), signal.SIGTERM)

    task_enqueued.connect(on_enqueued)
    yield queued
    task_enqueued.disconnect(on_enqueued)
    for sig, handler in saved.items():
        signal.signal(sig, handler)
    sweeps.stop_cleared()


def sent() -> int:
    return FollowUp.objects.filter(sent_at__isnull=False).count()


def sweeps_waiting():
    return DBTaskResult.objects.filter(task_path=sweeps.sweep_task.module_path, status="READY")


def follow_up_mails():
    return [m for m in mail.outbox if "/outcomes/follow-up/" in m.body]


@pytest.mark.django_db(transaction=True)
def test_a_stopping_worker_leaves_a_long_sweep_after_the_item_in_hand(
    due_follow_ups, sigterm_at_the_third_mail, run_worker
):
    # The worker as deploy/ runs it: it stays up and runs the first sweep as it starts.
    call_command(
        "tandem_worker", "--queue-name", "*", "--interval", "0", "--no-startup-delay",
        "--no-reload", verbosity=0,
    )  # fmt: skip
    # It returned (it was not killed): the sweep stopped after the third follow-up.
    assert sent() == STOP_AT
    assert len(sigterm_at_the_third_mail) == STOP_AT
    (resume,) = sweeps_waiting()
    assert resume.run_after <= timezone.now()  # the rest runs at once, not an hour later

    run_worker()  # the next worker (here until the queue is empty)
    assert sent() == DUE
    mails = follow_up_mails()
    assert len(mails) == DUE  # every follow-up once: the three first ones were not sent again
    assert len({m.body for m in mails}) == DUE  # each with its own single-use link
    assert sweeps_waiting().get().run_after > timezone.now()  # then the usual hourly sweep


@pytest.mark.django_db(transaction=True)
def test_without_the_stop_the_worker_sends_the_whole_sweep_before_it_stops(
    due_follow_ups, sigterm_at_the_third_mail
):
    """Negative control: django-tasks-db's own worker (`db_worker`), which finishes the task in
    hand on SIGTERM without telling the sweep, runs the same real sweep to its end: the test
    above would see all eight sent in the first run."""
    sweeps.sweep_task.using(run_after=timezone.now()).enqueue()
    call_command(
        "db_worker", "--queue-name", "*", "--interval", "0", "--no-startup-delay",
        "--no-reload", verbosity=0,
    )  # fmt: skip
    assert len(sigterm_at_the_third_mail) >= STOP_AT  # the signal came in the middle
    assert sent() == DUE
