from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "tandem.matching"
    verbose_name = _("Matching")

    def ready(self) -> None:
        from tandem.core import sweeps
        from tandem.matching import merge, signals  # noqa: F401
        from tandem.matching.services.follow_ups import proposals_sweep

        sweeps.register("proposals", proposals_sweep, label="proposals")
