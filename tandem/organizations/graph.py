"""The network of organizations as a picture: a radial layout computed on the server (no JS),
drawn by `core/_graph.html` like every graph of Tandem."""

import math

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tandem.core.graph import Graph, GraphEdge, GraphNode
from tandem.organizations.models import Organization, OrganizationType

WIDTH, HEIGHT = 760, 520
# One colour per kind of organization, each with at least 3:1 contrast on white.
KIND_COLOURS: dict[str, str] = {
    OrganizationType.LEAD_AGENCY: "#083b69",
    OrganizationType.SERVICE_AGENCY: "#1e6b32",
    OrganizationType.EMPLOYER: "#8a4b00",
    OrganizationType.ASSOCIATION: "#6b2c91",
    OrganizationType.COLLEGE: "#a4161a",
    OrganizationType.FUNDER: "#4a5260",
    OrganizationType.IMMIGRANT_NETWORK: "#0f6e73",
    OrganizationType.PROVINCIAL_HUB: "#5c3d00",
}


def _ends(
    start: tuple[float, float], end: tuple[float, float]
) -> tuple[float, float, float, float]:
    return round(start[0], 1), round(start[1], 1), round(end[0], 1), round(end[1], 1)


def network_layout(organizations: list[Organization]) -> Graph:
    """Hubs (organizations that others partner with) in the middle, their partners on a circle."""
    partner_counts = {org.pk: len(org.partnerships.all()) for org in organizations}
    hubs = [org for org in organizations if partner_counts[org.pk]]
    others = [org for org in organizations if not partner_counts[org.pk]]
    cx, cy = WIDTH / 2, HEIGHT / 2
    positions: dict[int, tuple[float, float]] = {}
    for index, hub in enumerate(hubs):
        offset = (index - (len(hubs) - 1) / 2) * 140
        positions[hub.pk] = (cx + offset, cy)
    radius = min(WIDTH, HEIGHT) / 2 - 60
    for index, org in enumerate(others):
        angle = 2 * math.pi * index / max(len(others), 1) - math.pi / 2
        positions[org.pk] = (cx + radius * 1.25 * math.cos(angle), cy + radius * math.sin(angle))
    nodes = [
        GraphNode(
            label=org.name,
            x=round(positions[org.pk][0], 1),
            y=round(positions[org.pk][1], 1),
            colour=KIND_COLOURS.get(org.kind, "#1b1f24"),
            label_anchor="middle"
            if abs(positions[org.pk][0] - cx) < 60
            else ("start" if positions[org.pk][0] > cx else "end"),
        )
        for org in organizations
    ]
    edges = [
        GraphEdge(*_ends(positions[org.pk], positions[p.partner_id]), label=p.get_kind_display())
        for org in organizations
        for p in org.partnerships.all()
        if p.partner_id in positions
    ]
    legend = [
        (str(label), KIND_COLOURS[kind])
        for kind, label in OrganizationType.choices
        if any(o.kind == kind for o in organizations)
    ]
    description = ngettext(
        "%(count)d organization and its partnerships; the same facts are listed below the picture.",
        "%(count)d organizations and their partnerships; the same facts are listed below the "
        "picture.",
        len(nodes),
    ) % {"count": len(nodes)}
    return Graph(
        width=WIDTH,
        height=HEIGHT,
        title=_("The network of organizations"),
        description=description,
        nodes=nodes,
        edges=edges,
        legend=legend,
        key="network-graph",
    )
