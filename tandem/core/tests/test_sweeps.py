"""The periodic sweeps: each app registers its own; one failing sweep does not stop the others,
and the next sweep is queued even then."""

import pytest
from django_tasks_db.models import DBTaskResult

from tandem.core import sweeps


def test_every_app_with_work_that_falls_due_registered_its_sweep():
    names = {sweep.name for sweep in sweeps.registered()}
    assert names >= {"unverified_applications", "proposals", "reminders", "follow_ups"}
    assert "connector_reminders" in names  # an app above the lifecycle registers its own too
    assert "reports" in names  # funders' fiscal years published after March 31
    assert "task_rows" in names  # core's own: finished task rows (mail) go (core/taskrows.py)


def test_registering_another_function_under_a_taken_name_is_refused():
    with pytest.raises(ValueError, match="already registered"):
        sweeps.register("reminders", lambda *, now: 0, label="reminders sent")


@pytest.mark.django_db
def test_a_failing_sweep_is_reported_after_the_others_ran(monkeypatch):
    ran = []

    def broken(*, now):
        raise RuntimeError("a broken sweep")

    def counting(*, now):
        ran.append(now)
        return 1

    monkeypatch.setattr(
        sweeps,
        "_SWEEPS",
        {
            "broken": sweeps.Sweep("broken", broken, "broken"),
            "counting": sweeps.Sweep("counting", counting, "counted"),
        },
    )
    with pytest.raises(sweeps.SweepsFailed, match="broken"):
        sweeps.sweep_task.call()
    assert len(ran) == 1
    # The next run is waiting in the queue all the same.
    waiting = DBTaskResult.objects.filter(task_path=sweeps.sweep_task.module_path, status="READY")
    assert waiting.count() == 1


@pytest.mark.django_db
def test_the_sweeps_say_what_they_did_in_one_line():
    results = sweeps.sweeps_run_now()
    line = sweeps.describe(results)
    for part in ("applications erased: 0", "proposals: none", "reminders sent: 0"):
        assert part in line
    assert "follow-ups sent: 0" in line


def start_worker(*options: str) -> None:
    """The real worker (manage.py tandem_worker) as `make run`, the Procfile and deploy/ start
    it, except that it stops after one task. A task is queued first (a missing snapshot to
    count again: it does nothing), so that the worker stops even when no sweep was queued."""
    from django.core.management import call_command

    from tandem.reports.tasks import refresh_snapshot

    refresh_snapshot.enqueue(0)
    call_command(
        "tandem_worker",
        "--queue-name",
        "*",
        "--interval",
        "0",
        "--no-startup-delay",
        "--no-reload",
        "--max-tasks",
        "1",
        *options,
        verbosity=0,
    )


def sweep_results(status: str):
    return DBTaskResult.objects.filter(task_path=sweeps.sweep_task.module_path, status=status)


@pytest.mark.django_db(transaction=True)
def test_a_starting_worker_runs_the_first_sweep_at_once_and_queues_the_next():
    from django.utils import timezone

    assert not sweep_results("READY").exists()  # a new installation: nothing queued the sweeps
    start_worker()
    # The sweep, due now, goes before the task queued earlier without a date.
    (done,) = sweep_results("SUCCESSFUL")
    assert set(done.return_value) == {sweep.name for sweep in sweeps.registered()}
    (waiting,) = sweep_results("READY")
    assert waiting.run_after > timezone.now() + sweeps.SWEEP_INTERVAL * 0.9


@pytest.mark.django_db(transaction=True)
def test_starting_workers_again_queues_no_second_sweep():
    for _start in range(3):
        start_worker()
    assert sweep_results("SUCCESSFUL").count() == 1
    assert sweep_results("READY").count() == 1
    assert sweeps.sweeps_ensure_scheduled(start=True) is False


@pytest.mark.django_db(transaction=True)
def test_a_sweep_queued_an_hour_ahead_is_brought_forward_when_the_worker_starts():
    """Closing a mentorship queues a sweep an hour ahead (outcomes._enqueue_followups), as the
    demo's history does: a worker started then still runs the first sweep at once."""
    assert sweeps.sweeps_ensure_scheduled() is True
    start_worker()
    assert sweep_results("SUCCESSFUL").count() == 1
    assert sweep_results("READY").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_batch_worker_and_a_reports_only_worker_leave_the_sweeps_alone(run_worker):
    from tandem.reports.tasks import build_report

    run_worker()  # --batch: empties the queue (tests, drills) and stops
    build_report.enqueue(0)  # on the "reports" queue: the reports-only worker takes it, then stops
    start_worker("--queue-name", "reports")
    assert not DBTaskResult.objects.filter(task_path=sweeps.sweep_task.module_path).exists()
