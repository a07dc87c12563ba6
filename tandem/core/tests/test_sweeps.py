"""The periodic sweeps: each app registers its own; one failing sweep does not stop the others,
and the next sweep is queued even then."""

import pytest
from django_tasks_db.models import DBTaskResult

from tandem.core import sweeps


def test_every_app_with_work_that_falls_due_registered_its_sweep():
    names = {sweep.name for sweep in sweeps.registered()}
    assert names >= {"unverified_applications", "proposals", "reminders", "follow_ups"}
    assert "connector_reminders" in names  # an app above the lifecycle registers its own too


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
