from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "tandem.events"
    verbose_name = _("Events")

    def ready(self) -> None:
        # Invitations and attendance past their period (the privacy app's sweep).
        from tandem.events import retention

        retention.register()

        # A guest list names each guest and whether they came: the view log, one row each.
        from tandem.core.access import register_subject
        from tandem.events.models import Participation

        register_subject(
            Participation,
            kind="event",
            label=_("Event or group session"),
            people=lambda participation: [participation.participant],
        )
