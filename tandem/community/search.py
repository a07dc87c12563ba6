"""What else a community's search reads besides its conversations: the floors above register
their own records (the library registers the repertoire's resources) from their
`AppConfig.ready()`, so one search box finds a thread and a toolkit together without this app
knowing the library (it sits above community).

A source answers plain rows (`Found`): a title, a link, an excerpt, what kind of record it is
and the language of its text, already limited to what the person may read (each source reads
through its own access policy) and to a few of its best matches; the search page shows them
under the source's heading with a link to the source's own search (filters, more results)."""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.functional import Promise

from tandem.accounts.models import User
from tandem.community.models import Community

# How many rows each source shows on the community's search page.
PER_SOURCE = 10


@dataclass(frozen=True)
class Found:
    title: str
    url: str
    excerpt: str
    kind: str  # "Toolkit", "Link": shown beside the title
    language: str = ""  # the language of title and excerpt, when it is not the page's


@dataclass(frozen=True)
class Source:
    key: str
    label: Promise | str  # the results' heading (gettext_lazy)
    search: Callable[[User, Community, str, int], list[Found]]  # (person, community, words, n)
    url_name: str  # the source's own search page, taking the community's slug and `?q=`


@dataclass(frozen=True)
class Results:
    source: Source
    rows: list[Found]
    more_url: str


class Sources:
    def __init__(self) -> None:
        self._sources: list[Source] = []

    def register(self, source: Source) -> None:
        if all(s.key != source.key for s in self._sources):
            self._sources.append(source)

    def search(self, user: User, community: Community, query: str) -> list[Results]:
        """Every source's best matches for `query`, in the order registered."""
        return [
            Results(
                source=source,
                rows=source.search(user, community, query, PER_SOURCE),
                more_url=reverse(source.url_name, args=[community.slug])
                + "?"
                + urlencode({"q": query}),
            )
            for source in self._sources
        ]


SOURCES = Sources()
