from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CirclesConfig(AppConfig):
    name = "tandem.circles"
    verbose_name = _("Group and peer mentoring")
