from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "tandem.privacy"
    verbose_name = _("Privacy")

    def ready(self) -> None:
        from tandem.core.access import observe_disclosures
        from tandem.privacy import viewlog

        # Every record a guarded view fetches by id passes here (core.access.one_or_404).
        observe_disclosures(viewlog.note_disclosure)
        # A merge of two records of one person never rewrites the log (append-only).
        from tandem.participants.duplicates import merge_leaves

        merge_leaves("privacy.RecordView")

        # Consent: the history of every change, and the purpose kept here.
        from tandem.core import consent
        from tandem.privacy import consents

        consent.observe_changes(consents.on_change)
        consent.register_store(consent.PEER_MENTORING, consents.kept_here(consent.PEER_MENTORING))

        # Retention: records past their period and accepted deletions, anonymised hourly.
        from tandem.core import sweeps
        from tandem.privacy.retention import retention_sweep

        sweeps.register("privacy_retention", retention_sweep, label="records anonymised")

        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(consents.ask_again_at_sign_in, dispatch_uid="privacy_reask")
