from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "tandem.community"
    verbose_name = _("Communities of practice")
