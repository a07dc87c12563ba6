"""A newcomer's chain: the tree of meetings (who introduced whom), as a nested list and as a
picture. Two queries, whatever the chain's size; the tree is assembled in memory.

The root is the newcomer; under it, their first meetings; under a meeting, the introductions
its connector made, each one either the meeting that followed it up or a contact still to meet
(invited, declined, or a connector not yet asked). A branch that led to an interview or a job is
marked from the root down to that meeting, in the picture and in the list.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tandem.connectors.models import (
    ConnectorMeeting,
    Introduction,
    InvitationStatus,
    MeetingStatus,
    Result,
)
from tandem.core import dates
from tandem.core.graph import Graph, GraphEdge, GraphNode
from tandem.participants.models import Participant
from tandem.programs.models import Program

# Colours with at least 3:1 contrast on the page's background.
COLOURS = {
    "newcomer": "#083b69",
    "held": "#1e6b32",
    "planned": "#0f6e73",
    "waiting": "#4a5260",
    "declined": "#a4161a",
    "job": "#8a4b00",
    "interview": "#6b2c91",
}


@dataclass
class ChainNode:
    key: str
    name: str
    status: str  # a colour key of COLOURS
    text: str  # what the list says about it
    meeting: ConnectorMeeting | None = None
    introduction: Introduction | None = None
    children: list["ChainNode"] = field(default_factory=list)
    leads_to: str = ""  # "job" or "interview" when this branch led to one

    @property
    def leads_to_label(self) -> str:
        return str(Result(self.leads_to).label) if self.leads_to else ""


def _meeting_text(meeting: ConnectorMeeting) -> str:
    if meeting.status == MeetingStatus.HELD:
        text = _("met on %(day)s") % {"day": dates.day(meeting.held_on)}
    elif meeting.status == MeetingStatus.SCHEDULED:
        text = _("meeting on %(when)s") % {"when": dates.when(meeting.starts_at)}
    else:
        text = _("meeting asked for, not yet scheduled")
    if meeting.result == Result.JOB:
        text = _("%(text)s; led to a job") % {"text": text}
    elif meeting.result == Result.INTERVIEW:
        text = _("%(text)s; led to an interview") % {"text": text}
    return text


def _meeting_node(meeting: ConnectorMeeting) -> ChainNode:
    status = {
        MeetingStatus.HELD: "held",
        MeetingStatus.SCHEDULED: "planned",
    }.get(MeetingStatus(meeting.status), "waiting")
    if meeting.result:
        status = meeting.result
    return ChainNode(
        key=f"m{meeting.pk}",
        name=meeting.connector.participant.full_name,
        status=status,
        text=_meeting_text(meeting),
        meeting=meeting,
    )


def _pending_node(introduction: Introduction) -> ChainNode:
    invitation = introduction.invitation
    if introduction.contact_id is not None:
        status, text = "waiting", _("introduced; a connector, not met yet")
    elif invitation is not None and invitation.status in (
        InvitationStatus.DECLINED,
        InvitationStatus.SUGGESTED_OTHER,
    ):
        status, text = "declined", _("introduced; declined the invitation")
    else:
        status, text = "waiting", _("introduced; invited to join as a connector")
    return ChainNode(
        key=f"i{introduction.pk}",
        name=introduction.contact_name,
        status=status,
        text=text,
        introduction=introduction,
    )


def chain_of(program: Program, newcomer: Participant) -> ChainNode:
    meetings = list(
        ConnectorMeeting.objects.filter(program=program, newcomer=newcomer)
        .exclude(status=MeetingStatus.CANCELLED)
        .select_related("connector__participant")
        .order_by("created_at", "pk")
    )
    introductions = list(
        Introduction.objects.filter(meeting__program=program, newcomer=newcomer)
        .select_related("invitation")
        .order_by("created_at", "pk")
    )
    by_introduction = {m.introduction_id: m for m in meetings if m.introduction_id}
    nodes = {m.pk: _meeting_node(m) for m in meetings}
    root = ChainNode(key="root", name=newcomer.full_name, status="newcomer", text="")
    for meeting in meetings:
        if meeting.introduction_id is None:
            root.children.append(nodes[meeting.pk])
    for introduction in introductions:
        parent = nodes.get(introduction.meeting_id)
        if parent is None:  # made in a meeting since cancelled: nothing to hang it on
            continue
        follow_up = by_introduction.get(introduction.pk)
        child = nodes[follow_up.pk] if follow_up else _pending_node(introduction)
        if follow_up is not None:
            child.text = _("%(text)s; introduced by %(name)s") % {
                "text": child.text,
                "name": parent.name,
            }
        parent.children.append(child)
    _mark_results(root)
    return root


def _mark_results(node: ChainNode) -> str:
    """Marks every node on a branch that led to a job (or, failing that, an interview)."""
    found = [_mark_results(child) for child in node.children]
    own = node.meeting.result if node.meeting is not None else ""
    for result in (Result.JOB, Result.INTERVIEW):
        if own == result or result in found:
            node.leads_to = str(result)
            break
    return node.leads_to


def chain_counts(root: ChainNode) -> tuple[int, int]:
    """(meetings in the chain, contacts still to meet)."""
    meetings = pending = 0
    stack = list(root.children)
    while stack:
        node = stack.pop()
        if node.meeting is not None:
            meetings += 1
        else:
            pending += 1
        stack.extend(node.children)
    return meetings, pending


# --- The picture ------------------------------------------------------------------------------

COLUMN, ROW, MARGIN = 210, 56, 30


def chain_graph(root: ChainNode) -> Graph:
    """A tree from left to right: one column per step of the chain, one row per leaf."""
    positions: dict[str, tuple[float, float]] = {}
    next_row = [0]

    def place(node: ChainNode, depth: int) -> float:
        if node.children:
            rows = [place(child, depth + 1) for child in node.children]
            row = (rows[0] + rows[-1]) / 2
        else:
            row = next_row[0]
            next_row[0] += 1
        positions[node.key] = (MARGIN + 12 + depth * COLUMN, MARGIN + row * ROW)
        return row

    place(root, 0)
    depth = max(int((x - MARGIN - 12) // COLUMN) for x, _y in positions.values())
    nodes: list[GraphNode] = []
    edges: list[GraphEdge] = []

    def draw(node: ChainNode) -> None:
        x, y = positions[node.key]
        nodes.append(
            GraphNode(
                x=x,
                y=y,
                colour=COLOURS[node.status],
                label=node.name,
                label_anchor="start",
                label_dx=16,
                label_dy=5,
                title=node.text,
                is_dashed=node.meeting is None and node.key != "root",
                is_emphasised=bool(node.leads_to),
            )
        )
        for child in node.children:
            cx, cy = positions[child.key]
            edges.append(
                GraphEdge(
                    x1=x,
                    y1=y,
                    x2=cx,
                    y2=cy,
                    is_dashed=child.meeting is None,
                    is_emphasised=bool(child.leads_to),
                )
            )
            draw(child)

    draw(root)
    meetings, pending = chain_counts(root)
    description = ngettext(
        "%(count)d meeting in the chain",
        "%(count)d meetings in the chain",
        meetings,
    ) % {"count": meetings}
    description += "; " + ngettext(
        "%(count)d contact still to meet; the same facts are listed below the picture.",
        "%(count)d contacts still to meet; the same facts are listed below the picture.",
        pending,
    ) % {"count": pending}
    used = {n.status for n in _walk(root)}
    legend_labels = {
        "newcomer": _("Newcomer"),
        "held": _("Meeting held"),
        "planned": _("Meeting scheduled"),
        "waiting": _("Introduced, not met yet"),
        "declined": _("Declined"),
        "interview": _("Led to an interview"),
        "job": _("Led to a job"),
    }
    return Graph(
        width=MARGIN * 2 + (depth + 1) * COLUMN + 60,
        height=MARGIN * 2 + max(next_row[0] - 1, 0) * ROW + 10,
        title=_("Chain of meetings of %(name)s") % {"name": root.name},
        description=description,
        nodes=nodes,
        edges=edges,
        legend=[(str(legend_labels[k]), COLOURS[k]) for k in COLOURS if k in used],
        key="chain-graph",
    )


def _walk(root: ChainNode) -> Iterator[ChainNode]:
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(node.children)
