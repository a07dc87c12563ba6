from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpportunitiesConfig(AppConfig):
    name = "tandem.opportunities"
    verbose_name = _("Short mentorship opportunities")

    def ready(self) -> None:
        from tandem.core import sweeps
        from tandem.opportunities.sweeps import digests_send_due, opportunities_close_expired

        sweeps.register(
            "opportunities_expire", opportunities_close_expired, label="opportunities closed"
        )
        sweeps.register("opportunity_digests", digests_send_due, label="opportunity digests sent")
