from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "tandem.referrals"
    verbose_name = _("Referrals")

    def ready(self) -> None:
        # Registers the referral grant on client records (participants_visible_to).
        from tandem.referrals import access  # noqa: F401
