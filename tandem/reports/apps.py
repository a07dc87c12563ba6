import sys

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "tandem.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from tandem.core import sweeps
        from tandem.reports.snapshots import snapshots_sweep

        # Funders' fiscal years published within the hour after March 31 (snapshots.py).
        sweeps.register("reports", snapshots_sweep, label="report figures")
        # The worker builds the large reports: it loads the PDF library when it starts (the web
        # server does so in config/wsgi.py).
        if sys.argv[1:2] in (["db_worker"], ["tandem_worker"]):
            from tandem.reports.pdf import preload

            preload()
