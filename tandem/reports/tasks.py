"""Background work for reports: build one report file. Takes an id and reloads the run."""

from django.tasks import task


@task()
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
