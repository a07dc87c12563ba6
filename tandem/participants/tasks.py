"""Background work for participants: a queued CSV import. Takes an id and reloads the job."""

from django.tasks import task


@task()
def run_import(job_id: int) -> int:
    from tandem.participants.services import import_job_run

    return import_job_run(job_id=job_id).pk
