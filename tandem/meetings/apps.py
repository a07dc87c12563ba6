from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "tandem.meetings"
    verbose_name = _("Mentoring")

    def ready(self) -> None:
        from tandem.core import sweeps
        from tandem.meetings.services import attention_sweep, reminders_send_due

        sweeps.register("reminders", reminders_send_due, label="reminders sent")
        sweeps.register(
            "attention", attention_sweep, label="attention dates stored", at_release=True
        )
