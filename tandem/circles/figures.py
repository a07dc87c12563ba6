"""Report figures of group and peer mentoring, for a program's page and for the reports' section.

Counts of people follow the reports' small-cell rule (settings.TANDEM_SMALL_CELL_THRESHOLD): a
count between 1 and threshold - 1 is not published, and neither is a count whose complement in a
published total would be (employed 9 of 10 tells that 1 person is not). Counts of groups and of
sessions count no person and are published as they are.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import statistics
from collections.abc import Collection
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from tandem.mentorships.models import Mentorship
from tandem.outcomes.models import EMPLOYED, EmploymentOutcome
from tandem.programs.models import Program

from .models import CircleMember, CircleSession, PeerConversation, PeerMentor, PeerStatus

IN_FIELD = ["employed_in_field", "employed_related"]


def threshold() -> int:
    return settings.TANDEM_SMALL_CELL_THRESHOLD


def publish(count: int, *, limit: int) -> int | None:
    """The count, or None when it would point at fewer than `limit` people."""
    return None if 0 < count < limit else count


def publish_part(part: int, whole: int, *, limit: int) -> int | None:
    if publish(part, limit=limit) is None or publish(whole - part, limit=limit) is None:
        return None
    return part


@dataclass(frozen=True)
class CircleFigures:
    groups_run: int
    sessions_held: int
    attendance_rate: int | None  # percent of the people expected who came
    mentees_served: int | None  # mentees who took part while waiting for a one-to-one match
    matched_after: int | None  # of them, later matched one-to-one
    days_to_match: int | None  # median days from joining a group to the one-to-one match
    with_outcome: int | None  # people who took part with a recorded outcome
    employed: int | None
    employed_in_field: int | None
    peer_mentors: int | None  # alumni who accepted to be peer mentors
    met_a_peer: int | None  # job-seekers who held a short conversation with a peer mentor
    threshold: int
    # Names of the figures withheld by the small-cell rule (None above also means "no data").
    hidden: frozenset[str] = frozenset()


def figures_for(
    programs: QuerySet[Program],
    *,
    limit: int | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    left_out: Collection[int] = (),
) -> CircleFigures:
    """The figures over a period (a report's: sessions held in it, people who joined a group
    before its end and had not left before its start, peer mentors who accepted in it), or
    over all time. Outcomes are each person's latest, whenever recorded, as the reports'
    employment tables read them."""
    limit = threshold() if limit is None else limit
    end = min(end or timezone.now(), timezone.now())
    held = CircleSession.objects.filter(
        circle__program__in=programs, event__starts_at__lte=end, event__cancelled_at__isnull=True
    )
    # People left out (a funder report: they said no to being counted) count nowhere; the
    # groups and sessions, which count no one, stay.
    out = sorted(left_out)
    members = CircleMember.objects.filter(circle__program__in=programs, joined_at__lt=end).exclude(
        participant_id__in=out
    )
    peers = PeerMentor.objects.filter(
        program__in=programs, status=PeerStatus.ACCEPTED, answered_at__lt=end
    ).exclude(participant_id__in=out)
    talks = (
        PeerConversation.objects.filter(
            peer__program__in=programs, held__gte=1, recorded_at__lt=end
        )
        .exclude(mentee_id__in=out)
        .exclude(peer__participant_id__in=out)
    )

    def kept(condition: Q) -> Q:
        """A participation's condition, without the people left out (on the joined row)."""
        return condition & ~Q(event__participations__participant_id__in=out) if out else condition

    if start is not None:
        held = held.filter(event__starts_at__gte=start)
        members = members.exclude(left_at__lt=start)
        peers = peers.filter(answered_at__gte=start)
        talks = talks.filter(recorded_at__gte=start)
    groups_run = held.values("circle_id").distinct().count()
    attendance = held.aggregate(
        came=Count("event__participations", filter=kept(Q(event__participations__attended=True))),
        recorded=Count(
            "event__participations", filter=kept(Q(event__participations__attended__isnull=False))
        ),
        people=Count(
            "event__participations__participant",
            filter=kept(Q(event__participations__attended__isnull=False)),
            distinct=True,
        ),
    )
    rate = None
    hidden: set[str] = set()
    if attendance["recorded"]:
        if publish(attendance["people"], limit=limit) is not None:
            rate = round(100 * attendance["came"] / attendance["recorded"])
        else:
            hidden.add("attendance_rate")

    # Mentees of the groups, each once, with the day they first joined one.
    joined = dict(
        members.filter(side="mentee")
        .values("participant_id")
        .annotate(first=Min("joined_at"))
        .values_list("participant_id", "first")
    )
    # Served while waiting: not in a one-to-one mentorship on the day they joined.
    pairs = list(
        Mentorship.objects.filter(mentee_id__in=joined.keys()).values_list(
            "mentee_id", "confirmed_at", "ended_on"
        )
    )
    matched_before = {
        pk
        for pk, confirmed, ended in pairs
        if confirmed < joined[pk] and (ended is None or ended >= joined[pk].date())
    }
    served = [pk for pk in joined if pk not in matched_before]
    firsts: dict[int, dt.datetime] = {}
    for pk, confirmed, _ended in sorted(pairs, key=lambda row: row[1]):
        if pk not in matched_before and confirmed >= joined[pk]:
            firsts.setdefault(pk, confirmed)
    waits = [(firsts[pk] - joined[pk]).days for pk in served if pk in firsts]
    took_part = set(members.values_list("participant_id", flat=True))
    latest = (
        EmploymentOutcome.objects.filter(participant_id__in=took_part)
        .order_by("participant_id", "-recorded_at", "-pk")
        .values_list("participant_id", "status")
    )
    status_of: dict[int, str] = {}
    for pk, status in latest:
        status_of.setdefault(pk, status)
    with_outcome = len(status_of)
    employed = sum(1 for s in status_of.values() if s in EMPLOYED)
    in_field = sum(1 for s in status_of.values() if s in IN_FIELD)
    # In their field is a part of the employed as well as of those with an outcome: both
    # differences (not employed, employed in another job) must stay unpublishably small or
    # large enough, or "employed 10, in field 9" gives the one person in another job.
    in_field_shown = publish_part(in_field, with_outcome, limit=limit)
    if publish_part(in_field, employed, limit=limit) is None:
        in_field_shown = None
    days = None
    if waits:
        if publish(len(waits), limit=limit) is not None:
            days = round(statistics.median(waits))
        else:
            hidden.add("days_to_match")
    counted = CircleFigures(
        groups_run=groups_run,
        sessions_held=held.count(),
        attendance_rate=rate,
        mentees_served=publish(len(served), limit=limit),
        matched_after=publish_part(len(waits), len(served), limit=limit),
        days_to_match=days,
        with_outcome=publish(with_outcome, limit=limit),
        employed=publish_part(employed, with_outcome, limit=limit),
        employed_in_field=in_field_shown,
        peer_mentors=publish(peers.count(), limit=limit),
        met_a_peer=publish(talks.values("mentee_id").distinct().count(), limit=limit),
        threshold=limit,
    )
    # Every count of people that is None was withheld (a count is never missing).
    hidden |= {name for name in PEOPLE if getattr(counted, name) is None}
    return dataclasses.replace(counted, hidden=frozenset(hidden))


# The figures that count people: withheld below the threshold.
PEOPLE = (
    "mentees_served",
    "matched_after",
    "with_outcome",
    "employed",
    "employed_in_field",
    "peer_mentors",
    "met_a_peer",
)


def program_figures(program: Program) -> CircleFigures:
    return figures_for(Program.objects.filter(pk=program.pk))


# (field, label, kind) of each figure, in the order of the page and the report's table. Kind is
# "count" for a count of people (withheld below the threshold), "number" for groups and
# sessions (no person), "percent" and "days".
FIGURES = [
    ("groups_run", gettext_lazy("Groups run"), "number"),
    ("sessions_held", gettext_lazy("Sessions held"), "number"),
    ("attendance_rate", gettext_lazy("Attendance rate"), "percent"),
    ("mentees_served", gettext_lazy("Mentees served while waiting for a match"), "count"),
    ("matched_after", gettext_lazy("Of them, matched one-to-one since"), "count"),
    (
        "days_to_match",
        gettext_lazy("Median days from joining a group to a one-to-one match"),
        "days",
    ),
    ("with_outcome", gettext_lazy("People who took part with a recorded outcome"), "count"),
    ("employed", gettext_lazy("Employed"), "count"),
    ("employed_in_field", gettext_lazy("Employed in their field or a related one"), "count"),
    ("peer_mentors", gettext_lazy("Peer mentors recruited from alumni"), "count"),
    ("met_a_peer", gettext_lazy("Job-seekers who met a peer mentor one-to-one"), "count"),
]


def figure_rows(figures: CircleFigures) -> list[tuple[str, int | None, str]]:
    """The figures as (label, value, kind) rows, in the reader's language."""
    return [(str(label), getattr(figures, name), kind) for name, label, kind in FIGURES]


def figure_cells(figures: CircleFigures) -> list[tuple[str, int | None, str, bool]]:
    """(label, value, kind, withheld) for the program page: a withheld figure reads "x"."""
    return [
        (str(label), getattr(figures, name), kind, name in figures.hidden)
        for name, label, kind in FIGURES
    ]
