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
        # Applications past their retention (the privacy app's sweep).
        from tandem.opportunities import retention

        retention.register()

        # An application's page names the job-seeker and may show the accommodation needs they
        # shared with the employer: whoever opens it (other than the person) goes in the log of
        # who viewed the person's record (tandem/privacy, through core.access's registry).
        from tandem.core.access import register_subject
        from tandem.opportunities.models import Application

        register_subject(
            Application,
            kind="application",
            label=_("Application to an opportunity"),
            people=lambda application: [application.participant],
        )
