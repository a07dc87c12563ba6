from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "tandem.events"
    verbose_name = _("Events")

    def ready(self) -> None:
        # Invitations and attendance past their period (the privacy app's sweep).
        from tandem.events import retention

        retention.register()
