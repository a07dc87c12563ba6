from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    name = "tandem.library"
    verbose_name = _("Shared repertoire, directory and gatherings")
