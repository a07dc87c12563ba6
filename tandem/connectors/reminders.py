"""Reminders of the connector program, sent by the periodic sweep (tandem/core/sweeps.py; this
app registers it in apps.py) on the worker: a connector who has not named contacts a week after a meeting, and a newcomer with
introductions to connectors not yet followed up a week later. Each is sent at most once a week
per meeting or per newcomer: the unique reminder row makes a second run a no-op."""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from tandem.connectors.models import (
    INTRODUCTIONS_TARGET,
    ConnectorMeeting,
    ConnectorReminder,
    Introduction,
    MeetingStatus,
    ReminderKind,
)
from tandem.connectors.services import REMINDED, _tell
from tandem.core import audit, sweeps
from tandem.participants.models import Participant
from tandem.programs.models import Enrolment, Side

WAIT = timedelta(days=7)


def _week(moment: datetime) -> str:
    year, week, _day = timezone.localdate(moment).isocalendar()
    return f"{year}-W{week:02d}"


def _once(kind: str, subject_id: int, period: str) -> bool:
    """True the first time (kind, subject, period) is claimed."""
    try:
        with transaction.atomic():
            ConnectorReminder.objects.create(kind=kind, subject_id=subject_id, period=period)
    except IntegrityError:
        return False
    return True


def reminders_send_due(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    period = _week(now)
    cutoff = timezone.localdate(now - WAIT)
    sent = 0
    quiet = (
        ConnectorMeeting.objects.filter(status=MeetingStatus.HELD, held_on__lte=cutoff)
        .annotate(named=Count("introductions"))
        .filter(named__lt=INTRODUCTIONS_TARGET)
        .select_related("connector__participant", "newcomer")
    )
    for meeting in sweeps.each(quiet.iterator(chunk_size=500)):
        person = meeting.connector.participant
        with transaction.atomic():
            if not _once(ReminderKind.NAME_CONTACTS, meeting.pk, period):
                continue
            _tell(
                person,
                "reminder_name_contacts",
                {"person": person, "meeting": meeting},
                page="connectors:meeting",
                connector_meeting_id=meeting.pk,
            )
            audit.record(REMINDED, actor=audit.SWEEPS, target=meeting, data={"kind": "name"})
        sent += 1
    waiting = (
        Introduction.objects.filter(contact__isnull=False, created_at__lte=now - WAIT)
        .filter(Q(follow_up__isnull=True) | Q(follow_up__status=MeetingStatus.CANCELLED))
        .values("newcomer", "meeting__program")
        .annotate(n=Count("pk"))
    )
    rows = list(waiting)
    # Everyone's record and enrolment (one per program) in two queries, not two per newcomer.
    newcomers = Participant.objects.in_bulk({row["newcomer"] for row in rows})
    enrolments = {
        (e.program_id, e.participant_id): e
        for e in Enrolment.objects.filter(participant__in=list(newcomers), side=Side.MENTEE)
    }
    for row in sweeps.each(rows):
        newcomer = newcomers[row["newcomer"]]
        enrolment = enrolments.get((row["meeting__program"], newcomer.pk))
        if enrolment is None:
            continue
        with transaction.atomic():
            if not _once(ReminderKind.FOLLOW_UP, enrolment.pk, period):
                continue
            _tell(
                newcomer,
                "reminder_follow_up",
                {"person": newcomer, "count": row["n"]},
                page="connectors:newcomer",
                newcomer_id=enrolment.pk,
            )
            audit.record(REMINDED, actor=audit.SWEEPS, target=enrolment, data={"kind": "follow_up"})
        sent += 1
    return sent
