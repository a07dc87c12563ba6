from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutcomesConfig(AppConfig):
    name = "tandem.outcomes"
    verbose_name = _("Closure and outcomes")

    def ready(self) -> None:
        from tandem.core import sweeps

        # Registers how consent is combined when two records of one person are merged.
        from tandem.outcomes import merge  # noqa: F401
        from tandem.outcomes.services import followups_send_due

        sweeps.register("follow_ups", followups_send_due, label="follow-ups sent")
