"""Background work for reports: build one report file. Takes an id and reloads the run."""

from django.tasks import task


@task()
def build_report(run_id: int) -> int:
    from tandem.reports.services import report_run_build

    return report_run_build(run_id=run_id).pk
