"""Finished task rows go after their period (core/taskrows.py): the real worker sends and fails
tasks, the sweep deletes the old finished rows in batches, and what must stay stays: a task
waiting or running, a recent successful one, a failed one still within its longer period, the
mail of someone under a legal hold. /metrics' counters do not go down."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tandem.core import sweeps, taskrows
from tandem.core.mail import queue_rendered_mail
from tandem.core.tasks import deliver_mail
from tandem.core.tests.cast import make_member, make_organization, make_participant
from tandem.organizations.models import Role
from tandem.privacy.retention import hold_place, hold_release


def _mail(to: str, text: str) -> None:
    with transaction.atomic():
        queue_rendered_mail(EmailMultiAlternatives(subject="Reminder", body=text, to=[to]))


def _figure(name: str) -> float:
    from tandem.core import metrics

    found = re.search(rf"^{name} (\S+)$", metrics.render().decode(), re.MULTILINE)
    assert found is not None, name
    return float(found.group(1))


def test_finished_rows_go_after_their_period_and_the_others_stay(run_worker, settings):
    settings.TANDEM_TASK_KEEP_SUCCESSFUL_DAYS = 7
    settings.TANDEM_TASK_KEEP_FAILED_DAYS = 30
    organization = make_organization("tasks-home")
    admin = make_member(organization, Role.ORG_ADMIN)
    held = make_participant(organization, email="held@example.org")
    for to in ("ana@example.org", "luc@example.org", held.email):
        _mail(to, f"Your meeting notes, {to}")
    # A mail without a subject: the worker records it as failed, with its traceback.
    deliver_mail.enqueue({"to": ["broken@example.org"], "body": "no subject"})
    run_worker()
    assert len(mail.outbox) == 3
    assert DBTaskResult.objects.successful().count() == 3
    assert DBTaskResult.objects.failed().count() == 1
    # Negative controls: a task waiting for its day, and one running, both enqueued long ago.
    waiting = deliver_mail.using(run_after=timezone.now() + timedelta(days=90)).enqueue(
        {"to": ["later@example.org"], "subject": "Later", "body": "Later"}
    )
    running = DBTaskResult.objects.get(
        pk=deliver_mail.using(run_after=timezone.now() + timedelta(days=90))
        .enqueue({"to": ["now@example.org"], "subject": "Now", "body": "Now"})
        .id
    )
    running.claim("a-worker")
    DBTaskResult.objects.filter(pk__in=[waiting.id, running.pk]).update(
        enqueued_at=timezone.now() - timedelta(days=400),
        started_at=timezone.now() - timedelta(days=400),
    )
    hold_place(actor=admin, participant=held, reason="Complaint under review")
    sent, failed = _figure("tandem_mail_sent_total"), _figure("tandem_task_failures_total")
    assert (sent, failed) == (3, 1)

    # Six days on: everything is recent, nothing goes.
    assert taskrows.finished_tasks_purge(now=timezone.now() + timedelta(days=6)) == {
        "successful": 0,
        "failed": 0,
        "held": 0,
    }
    # Eight days on: the successful rows go but the held person's; the failed one stays.
    done = taskrows.finished_tasks_purge(now=timezone.now() + timedelta(days=8))
    assert done == {"successful": 2, "failed": 0, "held": 1}
    left = {row.args_kwargs["args"][0]["to"][0]: row.status for row in DBTaskResult.objects.all()}
    assert left == {
        held.email: "SUCCESSFUL",
        "broken@example.org": "FAILED",
        "later@example.org": "READY",
        "now@example.org": "RUNNING",
    }
    # The counters read the same: what the rows counted went to the tally.
    assert (_figure("tandem_mail_sent_total"), _figure("tandem_task_failures_total")) == (3, 1)

    # A month on, the hold released: the failed row and the held person's mail go too.
    hold_release(actor=admin, participant=held)
    done = taskrows.finished_tasks_purge(now=timezone.now() + timedelta(days=31))
    assert done == {"successful": 1, "failed": 1, "held": 0}
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"READY", "RUNNING"}
    assert (_figure("tandem_mail_sent_total"), _figure("tandem_task_failures_total")) == (3, 1)
    # The sweep is registered: the hourly run does it.
    assert "task_rows" in {sweep.name for sweep in sweeps.registered()}


def test_the_sweep_reads_and_deletes_in_batches(db, settings, monkeypatch):
    """More rows than a batch: every batch is read after the one before (a held row is not
    read again), and the sweep ends."""
    monkeypatch.setattr(taskrows, "BATCH", 2)
    for n in range(5):
        result = deliver_mail.enqueue({"to": [f"p{n}@example.org"], "subject": "s", "body": "b"})
        row = DBTaskResult.objects.get(pk=result.id)
        row.claim("a-worker")
        row.set_successful(1)
    later = timezone.now() + timedelta(days=settings.TANDEM_TASK_KEEP_SUCCESSFUL_DAYS + 1)
    assert taskrows.finished_tasks_purge(now=later)["successful"] == 5
    assert not DBTaskResult.objects.exists()


def test_the_periods_are_settings_with_limits(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from config.env import env_int

    monkeypatch.setenv("TANDEM_TASK_KEEP_SUCCESSFUL_DAYS", "40")
    with pytest.raises(ImproperlyConfigured, match="between 1 and 31"):
        env_int("TANDEM_TASK_KEEP_SUCCESSFUL_DAYS", 7, low=1, high=31)
    monkeypatch.setenv("TANDEM_TASK_KEEP_SUCCESSFUL_DAYS", "3")
    assert env_int("TANDEM_TASK_KEEP_SUCCESSFUL_DAYS", 7, low=1, high=31) == 3
