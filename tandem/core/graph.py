"""A graph drawn as SVG on the server (no JavaScript), with its facts also given as text.

Areas compute the positions (`organizations/graph.py`: the network, radial; `connectors/chain.py`:
a newcomer's chain, a tree) and hand a `Graph` to `core/_graph.html`, which draws it as an image
with a title and a description (`role="img"`) and a legend; each page gives the same facts as text
next to it (a list, a table), so that a screen reader loses nothing.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class GraphNode:
    x: float
    y: float
    colour: str
    label: str
    label_anchor: str = "middle"
    label_dx: float = 0
    label_dy: float = 28
    title: str = ""  # a tooltip for sighted mouse users; the text equivalent says the same
    is_dashed: bool = False
    is_emphasised: bool = False


@dataclass(frozen=True)
class GraphEdge:
    x1: float
    y1: float
    x2: float
    y2: float
    label: str = ""
    is_dashed: bool = False
    is_emphasised: bool = False


@dataclass
class Graph:
    width: int
    height: int
    title: str
    description: str
    nodes: list[GraphNode] = field(default_factory=list)
    edges: list[GraphEdge] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)  # (label, colour)
    key: str = "graph"  # unique on the page: names the title and description elements
