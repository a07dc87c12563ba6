from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "tandem.referrals"
    verbose_name = _("Referrals")

    def ready(self) -> None:
        # Registers the referral grant on client records (participants_visible_to).
        from tandem.core import sweeps
        from tandem.referrals import access  # noqa: F401
        from tandem.referrals.services import applications_purge_unverified

        sweeps.register(
            "unverified_applications", applications_purge_unverified, label="applications erased"
        )
