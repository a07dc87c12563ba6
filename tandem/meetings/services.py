"""Writes during the mentorship: meetings, the next meeting, shared documents, staff check-ins
and case meetings; and the reminders sweep."""

import logging
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.accounts.models import User
from tandem.core import audit, files, sweeps
from tandem.core.mail import send_to_person
from tandem.meetings import selectors
from tandem.meetings.models import (
    CaseMeeting,
    CheckIn,
    MeetingLog,
    NextMeeting,
    Reminder,
    ReminderKind,
    SharedDocument,
)
from tandem.mentorships.models import ACTIVE_STATUSES, Mentorship, MentorshipStatus
from tandem.participants.models import Participant
from tandem.programs.access import programs_named_staff
from tandem.programs.models import ActionStep, Program

logger = logging.getLogger(__name__)


class MentoringError(Exception):
    """A rule of the mentorship was broken; the message is translated for the person."""


def _check_open(mentorship: Mentorship) -> None:
    if mentorship.status not in ACTIVE_STATUSES:
        raise MentoringError(_("This mentorship is closed."))


MEETING_LOGGED = audit.event("meeting.logged", gettext_lazy("Mentoring meeting logged"))
DOCUMENT_SHARED = audit.event("document.shared", gettext_lazy("Document shared with the pair"))
CHECK_IN = audit.event("check_in.recorded", gettext_lazy("Check-in recorded"))
CASE_MEETING = audit.event("case_meeting.recorded", gettext_lazy("Case meeting recorded"))


def _record(name: str, actor: User, mentorship: Mentorship, target: Any, **data: Any) -> None:
    audit.record(
        name,
        actor=actor,
        target=target,
        about=[mentorship, mentorship.mentee, mentorship.mentor],
        data=data,
    )


@transaction.atomic
def meeting_log_create(
    *,
    actor: User,
    mentorship: Mentorship,
    met_on: date,
    minutes: int,
    mode: str,
    topics: str,
    steps_advanced: Iterable[ActionStep] = (),
) -> MeetingLog:
    _check_open(mentorship)
    if met_on > timezone.localdate():
        raise MentoringError(_("A meeting is logged once it has taken place."))
    try:
        with transaction.atomic():
            log = MeetingLog.objects.create(
                mentorship=mentorship,
                met_on=met_on,
                minutes=minutes,
                mode=mode,
                topics=topics,
                logged_by=actor,
            )
    except IntegrityError as error:
        raise MentoringError(
            _("A meeting on this date is already logged. Either of you may log a meeting, once.")
        ) from error
    steps = list(steps_advanced)
    if steps:
        log.steps_advanced.set(steps)
    _record(MEETING_LOGGED, actor, mentorship, log, minutes=minutes)
    _attention_store([mentorship.pk])
    return log


@transaction.atomic
def next_meeting_set(
    *, actor: User, mentorship: Mentorship, starts_at: datetime, mode: str, place: str = ""
) -> NextMeeting:
    _check_open(mentorship)
    next_meeting, _created = NextMeeting.objects.update_or_create(
        mentorship=mentorship,
        defaults={"starts_at": starts_at, "mode": mode, "place": place, "updated_by": actor},
    )
    return next_meeting


@transaction.atomic
def document_share(
    *,
    actor: User,
    mentorship: Mentorship,
    title: str,
    upload: File | None = None,
    link: str = "",
) -> SharedDocument:
    _check_open(mentorship)
    if bool(upload) == bool(link):
        raise MentoringError(_("Share either a file or a link."))
    document = SharedDocument(mentorship=mentorship, title=title, link=link, shared_by=actor)
    if upload is not None:
        kind = files.check(
            upload,
            allowed=(files.PDF, files.DOCX),
            limit=settings.TANDEM_RESUME_MAX_BYTES,
            refusal=_("Share a PDF or a Word (.docx) document, or a link."),
            error=MentoringError,
        )
        document.original_name = files.stored_name(upload, kind, default="document")
        document.content_type, document.size = kind.content_type, upload.size
        document.file.save("upload", upload, save=False)
    document.save()
    _record(DOCUMENT_SHARED, actor, mentorship, document)
    return document


@transaction.atomic
def check_in_record(
    *, actor: User, mentorship: Mentorship, participant: Participant, **fields: Any
) -> CheckIn:
    if participant.pk not in (mentorship.mentor_id, mentorship.mentee_id):
        raise MentoringError(_("A check-in is held with the mentor or the mentee."))
    check_in = CheckIn.objects.create(
        mentorship=mentorship, participant=participant, staff=actor, **fields
    )
    _record(CHECK_IN, actor, mentorship, check_in, participant=participant.pk)
    _attention_store([mentorship.pk])
    return check_in


def _attention_store(ids: list[int], *, skip_locked: bool = False) -> int:
    """Stores the "needs attention" dates of these mentorships (see Mentorship.attention_from).

    The rows are locked before their meetings are read, in a statement of their own: a meeting
    or check-in written meanwhile by another request either committed before (and is read) or
    waits for this lock and stores the dates again after; an agreement or extension marks the
    row stale after this commit. Either way no stored date misses a write."""
    locked = list(
        Mentorship.objects.select_for_update(skip_locked=skip_locked)
        .filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    found = selectors.attention_dates(Mentorship.objects.filter(pk__in=locked))
    # One UPDATE per pair of dates (a few hundred for a thousand rows): bulk_update's CASE over
    # every row cost 4 ms a row to build in Python.
    by_dates: dict[tuple[date | None, date | None], list[int]] = {}
    for pk, pair in found.items():
        by_dates.setdefault(pair, []).append(pk)
    for (since, until), pks in by_dates.items():
        Mentorship.objects.filter(pk__in=pks).update(
            attention_from=since, low_satisfaction_until=until, attention_stale=False
        )
    return len(found)


ATTENTION_BATCH = 1000


def attention_sweep(*, now: datetime | None = None) -> int:
    """Stores the dates of every mentorship marked stale (new rows, agreements, extensions), a
    batch per transaction; rows another request holds are left to it (it stores them itself)
    or to the next sweep."""
    stored = 0
    while True:
        with transaction.atomic():
            ids = list(
                Mentorship.objects.filter(attention_stale=True)
                .order_by("pk")
                .values_list("pk", flat=True)[:ATTENTION_BATCH]
            )
            done = _attention_store(ids, skip_locked=True) if ids else 0
        stored += done
        if not done or sweeps.stop_requested():
            return stored


@transaction.atomic
def case_meeting_record(*, actor: User, mentorship: Mentorship, **fields: Any) -> CaseMeeting:
    meeting = CaseMeeting.objects.create(mentorship=mentorship, staff=actor, **fields)
    _record(CASE_MEETING, actor, mentorship, meeting)
    return meeting


# --- Reminders -------------------------------------------------------------------------------

LOG_AFTER_DAYS = 7  # the agreement asks for at least an hour a week
ACKNOWLEDGE_AFTER_DAYS = 2


def _week(day: date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def _may_contact(participant: Participant) -> bool:
    consent = getattr(participant, "contact_consent", None)
    return consent is None or consent.withdrawn_at is None


def _remind(
    *,
    kind: str,
    mentorship: Mentorship,
    email: str,
    language: str,
    period: str,
    now: datetime,
    context: dict[str, Any],
) -> bool:
    """Sends one reminder unless this one was already sent: the row is written first, under a
    unique constraint, and the mail leaves only when the transaction commits."""
    try:
        with transaction.atomic():
            Reminder.objects.create(
                kind=kind, mentorship=mentorship, recipient=email, period=period, sent_at=now
            )
    except IntegrityError:
        return False
    send_to_person(
        email=email,
        language=language,
        template=f"meetings/mail/{kind}",
        context={
            **context,
            "mentorship": mentorship,
            "site_url": settings.SITE_URL.rstrip("/"),
        },
    )
    return True


REMINDER_BATCH = 200  # mentorships read at a time, with their check-ins
# What a pair's reminders read: the program, both people and their consent, the agreement.
_PAIR_RELATED = (
    "program",
    "mentor",
    "mentee",
    "agreement",
    "mentor__contact_consent",
    "mentee__contact_consent",
)


class RemindersFailed(Exception):
    """Some pairs' reminders raised; the others' were sent and recorded (the message counts)."""


class _Due(NamedTuple):
    mentorship: Mentorship
    last_met_on: date | None
    last_check_ins: dict[int, date]  # by participant


def _active_in_batches(ids: list[int]) -> Iterator[_Due]:
    """The active mentorships of `ids` with each one's last check-in per person, a batch of
    queries per REMINDER_BATCH pairs (not three per pair). Read lazily: a sweep that stops
    reads no further batch."""
    for start in range(0, len(ids), REMINDER_BATCH):
        chunk = ids[start : start + REMINDER_BATCH]
        pairs = (
            Mentorship.objects.filter(pk__in=chunk, status=MentorshipStatus.ACTIVE)
            .select_related(*_PAIR_RELATED)
            .annotate(last_met_on=Max("meeting_logs__met_on"))
            .order_by("pk")
        )
        last_check_ins: dict[int, dict[int, date]] = {}
        for row in (
            CheckIn.objects.filter(mentorship__in=chunk)
            .values("mentorship", "participant")
            .annotate(last=Max("held_on"))
        ):
            last_check_ins.setdefault(row["mentorship"], {})[row["participant"]] = row["last"]
        for mentorship in pairs:
            yield _Due(mentorship, mentorship.last_met_on, last_check_ins.get(mentorship.pk, {}))


def _each_apart[T](
    items: Iterable[T], remind: Callable[[T], int], failed: list[int], key: Callable[[T], int]
) -> int:
    """Runs `remind` on each item (`sweeps.each`: a stopping worker leaves after the one in
    hand), each in a transaction of its own: what one pair sent is committed, mails included
    (they leave on commit), whatever happens to the next. A pair whose reminders raise is
    logged and skipped (its rows roll back, so the next sweep tries it again); the database
    going away is no pair's fault and stops the sweep (the worker waits and runs it again)."""
    sent = 0
    for item in sweeps.each(items):
        try:
            with transaction.atomic():
                sent += remind(item)
        except (OperationalError, InterfaceError):
            raise
        except Exception:
            logger.exception("reminders failed for mentorship %s", key(item))
            failed.append(key(item))
    return sent


def reminders_send_due(*, now: datetime | None = None) -> int:
    """Log-your-meeting, check-in-due and agreement-not-acknowledged reminders. Safe to run any
    number of times, and to stop at any pair: each reminder is sent once per person and period
    (a unique row written in the pair's transaction, the mail leaving when it commits).

    A check-in reminder goes to the staff named on the pair's program. A program with nobody
    named reminds nobody, and its page says so to those who run it: falling back on every
    program staff member of the organization sent each of them every pair's reminder."""
    from tandem.meetings.selectors import CHECK_IN_DAYS, start_of

    now = now or timezone.now()
    today = timezone.localdate(now)
    failed: list[int] = []
    active = Mentorship.objects.filter(status=MentorshipStatus.ACTIVE)
    ids = list(active.order_by("pk").values_list("pk", flat=True))
    staff_of = programs_named_staff(Program.objects.filter(pk__in=active.values("program_id")))

    def monthly(found: _Due) -> int:
        mentorship, last_met_on, last_check_ins = found
        sent = 0
        since = last_met_on or start_of(mentorship)
        if (today - since).days >= LOG_AFTER_DAYS:
            for person in (mentorship.mentor, mentorship.mentee):
                if _may_contact(person):
                    sent += _remind(
                        kind=ReminderKind.LOG_MEETING,
                        mentorship=mentorship,
                        email=person.email,
                        language=person.preferred_language,
                        period=_week(today),
                        now=now,
                        context={"person": person, "last_met_on": last_met_on},
                    )
        overdue = [
            person
            for person in (mentorship.mentor, mentorship.mentee)
            if (today - last_check_ins.get(person.pk, start_of(mentorship))).days >= CHECK_IN_DAYS
        ]
        for staff in staff_of.get(mentorship.program_id, []) if overdue else []:
            sent += _remind(
                kind=ReminderKind.CHECK_IN_DUE,
                mentorship=mentorship,
                email=staff.email,
                language=staff.preferred_language,
                period=f"{today:%Y-%m}",
                now=now,
                context={"staff": staff, "people": overdue},
            )
        return sent

    def agreement(pair: Mentorship) -> int:
        sent = 0
        done = {a.participant_id for a in pair.agreement.acknowledgements.all()}
        for person in (pair.mentor, pair.mentee):
            if person.pk not in done and _may_contact(person):
                sent += _remind(
                    kind=ReminderKind.AGREEMENT_UNACKNOWLEDGED,
                    mentorship=pair,
                    email=person.email,
                    language=person.preferred_language,
                    period=_week(today),
                    now=now,
                    context={"person": person},
                )
        return sent

    sent = _each_apart(
        _active_in_batches(ids), monthly, failed, key=lambda found: found.mentorship.pk
    )
    unacknowledged = (
        Mentorship.objects.filter(
            status__in=ACTIVE_STATUSES,
            agreement__isnull=False,
            agreement__created_at__lte=now - timedelta(days=ACKNOWLEDGE_AFTER_DAYS),
        )
        .select_related(*_PAIR_RELATED)
        .prefetch_related("agreement__acknowledgements")
        .order_by("pk")
    )
    sent += _each_apart(
        unacknowledged.iterator(chunk_size=500), agreement, failed, key=lambda pair: pair.pk
    )
    if failed:
        # Visible as a failed sweep (its log line and the task's record); the rest were sent.
        raise RemindersFailed(f"reminders failed for mentorships {failed}; {sent} sent")
    return sent
