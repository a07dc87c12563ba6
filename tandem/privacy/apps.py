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
