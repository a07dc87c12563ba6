"""Background work for reports: build one report file. Takes an id and reloads the run."""

from django.tasks import task


# On a queue of its own: a worker dedicated to it (deploy/) picks it up within a quarter of a
# second whatever the other workers are doing (issue 18: the funder PDF within 2 s of the click).
@task(queue_name="reports")
def build_report(run_id: int) -> int:
    from tandem.reports.services import report_run_build

    return report_run_build(run_id=run_id).pk
