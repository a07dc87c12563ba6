"""Links a lower floor shows to pages that a higher floor keeps, without knowing that floor: the
lower floor offers a `Links` registry (the community's tabs, a client record's buttons), and each
higher app registers its links from its `AppConfig.ready()`. A link names its URL pattern,
reversed with the arguments of the page that shows it (a community's slug, a record's id)."""

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class Link:
    key: str  # what a page of that part names itself, to mark its link current
    label: Promise | str  # gettext_lazy: shown in the language of each request
    url_name: str


@dataclass(frozen=True)
class ShownLink:
    label: Promise | str
    url: str
    is_current: bool


class Links:
    def __init__(self) -> None:
        self._links: list[Link] = []

    def register(self, *links: Link) -> None:
        for link in links:
            if link not in self._links:
                self._links.append(link)

    def shown(self, *args: Any, current: str = "") -> list[ShownLink]:
        """Every registered link, in the order registered, reversed with `args`."""
        return [
            ShownLink(link.label, reverse(link.url_name, args=args), link.key == current)
            for link in self._links
        ]
