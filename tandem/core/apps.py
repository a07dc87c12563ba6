from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "tandem.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from tandem.core import checks, metrics  # noqa: F401 - registers checks and signal handlers
