from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    name = "tandem.library"
    verbose_name = _("Shared repertoire, directory and gatherings")

    def ready(self) -> None:
        # The library's parts of a community, shown as tabs on the community's pages (which
        # know nothing of the library: it sits above them).
        from tandem.community.tabs import TABS
        from tandem.core.links import Link

        TABS.register(
            Link("resources", _("Repertoire"), "library:resources"),
            Link("directory", _("Directory"), "library:directory"),
            Link("gatherings", _("Gatherings"), "library:gatherings"),
            Link("roster", _("Spokespersons"), "library:roster"),
        )
        # The repertoire in the community's one search box (community/search.py).
        from tandem.community.search import SOURCES, Source
        from tandem.library.selectors import resources_found

        SOURCES.register(Source("resources", _("Repertoire"), resources_found, "library:resources"))
