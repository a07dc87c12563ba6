"""The stored figures of the connector program: one `NewcomerChain` row per newcomer and three
counters per connector, kept by the services that change a held meeting, so that the program's
report adds up 20,000 rows instead of scanning 200,000 meetings.

A chain row is counted again from the newcomer's meetings (a few dozen at most) rather than
incremented: a result changed twice, or a job moved to an interview, leaves no drift. The
newcomer's enrolment row is locked first, as `meeting_request` does, so that two services
changing two meetings of one newcomer count one after the other, each seeing the other's
committed meeting. The connectors' counters are moved with `F()` updates (atomic in the
database) under the lock of the meeting that changes.

`figures_rebuild` counts every row of a program at once: for data written in bulk (the
benchmark, the migration that introduced these rows).
"""

from typing import Any

from django.apps import apps as django_apps
from django.db.models import Count, F, Max, Min, Q, Sum

from tandem.connectors.models import (
    INTRODUCTIONS_TARGET,
    Connector,
    ConnectorMeeting,
    MeetingStatus,
    NewcomerChain,
    Result,
)
from tandem.participants.models import Participant
from tandem.programs.models import Enrolment, Program, Side

COUNTERS = {"job": "jobs_led", "interview": "interviews_led"}


def _chain_aggregates() -> dict[str, Any]:
    """What a chain row holds, as aggregates over a newcomer's held meetings (named apart from
    the meeting's own fields: `depth` over `depth` would refer to itself)."""
    return {
        f"chain_{name}": aggregate
        for name, aggregate in {
            "meetings_held": Count("pk"),
            "depth": Max("depth"),
            "introductions": Sum("introductions_made"),
            "meetings_at_target": Count(
                "pk", filter=Q(introductions_made__gte=INTRODUCTIONS_TARGET)
            ),
            "followed_up": Count("pk", filter=Q(introduction__isnull=False)),
            "interviews": Count("pk", filter=Q(result=Result.INTERVIEW)),
            "first_met_on": Min("held_on", filter=Q(depth=1)),
            "first_job_on": Min("result_on", filter=Q(result=Result.JOB)),
        }.items()
    }


def _row_values(found: dict[str, Any]) -> dict[str, Any]:
    values = {name.removeprefix("chain_"): value for name, value in found.items()}
    dates = {"first_met_on", "first_job_on"}
    return {
        name: value if name in dates else value or 0
        for name, value in values.items()
        if name != "newcomer"
    }


def chain_recount(*, program: Program, newcomer: Participant) -> NewcomerChain:
    """Counts the newcomer's chain again. Called inside the service's transaction."""
    Enrolment.objects.select_for_update().filter(
        program=program, participant=newcomer, side=Side.MENTEE
    ).first()
    found = ConnectorMeeting.objects.filter(
        program=program, newcomer=newcomer, status=MeetingStatus.HELD
    ).aggregate(**_chain_aggregates())
    chain, _created = NewcomerChain.objects.update_or_create(
        program=program, newcomer=newcomer, defaults=_row_values(found)
    )
    return chain


def connector_results_move(*, meeting: ConnectorMeeting, before: str, after: str) -> None:
    """A follow-up meeting's result changed: the connector who made its introduction is
    credited with the new result and no longer with the old one."""
    if meeting.introduction_id is None or before == after:
        return
    made_by = Connector.objects.filter(introductions__follow_up=meeting)
    if before in COUNTERS:
        made_by.update(**{COUNTERS[before]: F(COUNTERS[before]) - 1})
    if after in COUNTERS:
        made_by.update(**{COUNTERS[after]: F(COUNTERS[after]) + 1})


def connector_introductions_add(*, connector: Connector, count: int) -> None:
    Connector.objects.filter(pk=connector.pk).update(
        introductions_count=F("introductions_count") + count
    )


def figures_rebuild(*, program_id: int, registry: Any = None) -> int:
    """Counts every chain row and connector counter of a program from its meetings, in a few
    grouped queries. `registry` is a migration's app registry (its historical models), or
    None for the running app's. Answers the number of chain rows written."""
    get = (registry or django_apps).get_model
    meeting_model = get("connectors", "ConnectorMeeting")
    chain_model = get("connectors", "NewcomerChain")
    connector_model = get("connectors", "Connector")
    introduction_model = get("connectors", "Introduction")
    held = meeting_model.objects.filter(program_id=program_id, status=MeetingStatus.HELD)
    rows = [
        chain_model(program_id=program_id, newcomer_id=found["newcomer"], **_row_values(found))
        for found in held.values("newcomer").annotate(**_chain_aggregates()).order_by()
    ]
    chain_model.objects.filter(program_id=program_id).delete()
    chain_model.objects.bulk_create(rows, batch_size=2000)
    made = dict(
        introduction_model.objects.filter(made_by__program_id=program_id)
        .values("made_by")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("made_by", "n")
    )
    led = {
        found["made_by"]: found
        for found in held.filter(
            introduction__isnull=False, result__in=[Result.JOB, Result.INTERVIEW]
        )
        .values(made_by=F("introduction__made_by"))
        .annotate(
            jobs=Count("pk", filter=Q(result=Result.JOB)),
            interviews=Count("pk", filter=Q(result=Result.INTERVIEW)),
        )
        .order_by()
    }
    connectors = list(connector_model.objects.filter(program_id=program_id).only("pk"))
    for connector in connectors:
        connector.introductions_count = made.get(connector.pk, 0)
        connector.jobs_led = led.get(connector.pk, {}).get("jobs", 0)
        connector.interviews_led = led.get(connector.pk, {}).get("interviews", 0)
    connector_model.objects.bulk_update(
        connectors, ["introductions_count", "jobs_led", "interviews_led"], batch_size=2000
    )
    return len(rows)
