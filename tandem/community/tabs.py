"""Parts of a community that the floors above keep (the library's repertoire, directory,
gatherings and spokespersons): the community's pages show them as tabs (the `community_tabs`
template tag) without knowing the apps that hold them. Each app registers its tabs from its
`AppConfig.ready()`, each a URL pattern taking the community's slug; every tab opens to each
member of the community (the pages behind it answer members through `community.access`)."""

from tandem.core.links import Links

TABS = Links()
