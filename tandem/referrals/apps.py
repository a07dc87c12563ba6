from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "tandem.referrals"
    verbose_name = _("Referrals")

    def ready(self) -> None:
        # Registers the referral grant on client records (participants_visible_to).
        from tandem.core import sweeps
        from tandem.organizations import caseload
        from tandem.participants import record
        from tandem.referrals import access  # noqa: F401
        from tandem.referrals.selectors import referrals_held, referrals_record_section
        from tandem.referrals.services import applications_purge_unverified, referral_hand_over

        # A leaver's open referrals go to a colleague (organizations/caseload.py).
        caseload.register("referrals", held=referrals_held, hand_over=referral_hand_over)
        # The client file lists the person's referrals (participants/record.py).
        record.register(
            "referrals",
            order=10,
            template="referrals/record_section.html",
            context=referrals_record_section,
        )

        sweeps.register(
            "unverified_applications", applications_purge_unverified, label="applications erased"
        )
        # Returned and withdrawn referrals past their retention (the privacy app's sweep).
        from tandem.referrals import retention

        retention.register()
