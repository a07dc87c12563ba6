from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConnectorsConfig(AppConfig):
    name = "tandem.connectors"
    verbose_name = _("Connector program")

    def ready(self) -> None:
        from tandem.connectors.reminders import reminders_send_due
        from tandem.core import sweeps

        sweeps.register("connector_reminders", reminders_send_due, label="connector reminders")

        # Meetings' text and introductions' contacts past their period (the privacy app's
        # sweep).
        from tandem.connectors import retention

        retention.register()

        # A connector meeting (its page, its calendar file) is about the newcomer: the view log.
        from tandem.connectors.models import ConnectorMeeting
        from tandem.core.access import register_subject

        register_subject(
            ConnectorMeeting,
            kind="connector_meeting",
            label=_("Connector meeting"),
            people=lambda meeting: [meeting.newcomer],
        )
