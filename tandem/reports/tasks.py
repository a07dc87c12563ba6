"""Background work for reports: build one report file. Takes an id and reloads the run."""

from django.tasks import task


# On a queue of its own: a worker dedicated to it (deploy/) picks it up within a quarter of a
# second whatever the other workers are doing (issue 18: the funder PDF within 2 s of the click).
@task(queue_name="reports")
def build_report(run_id: int) -> int:
    from tandem.reports.services import report_run_build

    return report_run_build(run_id=run_id).pk


@task()
def refresh_snapshot(snapshot_id: int) -> int | None:
    """Counts a staff report's stored figures again (snapshots.refresh_request)."""
    from tandem.reports.snapshots import snapshot_refresh

    snapshot = snapshot_refresh(snapshot_id=snapshot_id)
    return snapshot.pk if snapshot else None


@task()
def publish_due_years(organization_id: int) -> int:
    """Publishes to funders the fiscal years of a network that have ended (snapshots.py)."""
    from tandem.organizations.models import Organization
    from tandem.reports.snapshots import publish_due

    organization = Organization.objects.filter(pk=organization_id).first()
    return publish_due(organization=organization) if organization else 0
