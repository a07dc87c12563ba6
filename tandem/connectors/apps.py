from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConnectorsConfig(AppConfig):
    name = "tandem.connectors"
    verbose_name = _("Connector program")

    def ready(self) -> None:
        from tandem.connectors.reminders import reminders_send_due
        from tandem.core import sweeps

        sweeps.register("connector_reminders", reminders_send_due, label="connector reminders")
