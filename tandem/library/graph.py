"""The directory's picture: the community's member organizations and the partnerships between
them, laid out by `organizations.graph` and drawn by `core/_graph.html`; the directory page lists
the same partnerships as text beside it."""

from dataclasses import replace

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tandem.core.graph import Graph
from tandem.organizations.graph import network_layout
from tandem.organizations.models import Organization


def directory_graph(organizations: list[Organization]) -> Graph:
    """`organizations` come with their partnerships prefetched, limited to the community."""
    links = sum(len(org.partnerships.all()) for org in organizations)
    return replace(
        network_layout(organizations),
        title=_("Partnerships between the networks"),
        description=ngettext(
            "%(count)s partnership between the community's organizations; the same facts are "
            "listed below the picture.",
            "%(count)s partnerships between the community's organizations; the same facts are "
            "listed below the picture.",
            links,
        )
        % {"count": number_format(links, force_grouping=True)},
        key="directory-graph",
    )
