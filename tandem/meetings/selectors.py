"""Reads for the mentorship page and the staff's "needs attention" list."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.core import dates
from tandem.meetings.access import mentoring_visible_to
from tandem.meetings.models import CaseMeeting, CheckIn, MeetingLog, SharedDocument
from tandem.mentorships.access import mentorships_of_person
from tandem.mentorships.models import Mentorship, MentorshipStatus
from tandem.programs.access import programs_managed_by
from tandem.programs.models import ActionPlan

if TYPE_CHECKING:  # django-stubs' type of an annotated row (a development dependency)
    from django_stubs_ext import WithAnnotations


class Activity(TypedDict):
    """What `with_activity` adds to each mentorship."""

    last_met_on: date | None
    minutes_total: int
    lowest_recent_satisfaction: int | None


# What "needs attention" means (issue 6): no meeting in two weeks, low satisfaction, hours behind.
NO_MEETING_DAYS = 14
LOW_SATISFACTION = 2  # a check-in at or below this score in the last RECENT_DAYS
RECENT_DAYS = 45
BEHIND_RATIO = 0.75  # fewer hours than this share of what the agreement expects by now
CHECK_IN_DAYS = 31


def _agreement(mentorship: Mentorship):
    return getattr(mentorship, "agreement", None)


def start_of(mentorship: Mentorship) -> date:
    agreement = _agreement(mentorship)
    if agreement is not None:
        return agreement.starts_on
    return mentorship.started_on or timezone.localdate(mentorship.confirmed_at)


def expected_end_of(mentorship: Mentorship) -> date | None:
    agreement = _agreement(mentorship)
    if agreement is not None:
        return agreement.expected_end_on
    return mentorship.expected_end_on


def target_hours_of(mentorship: Mentorship) -> float | None:
    """The agreement's hours, else its weekly cadence over the term (at least an hour a week)."""
    agreement = _agreement(mentorship)
    if agreement is None:
        return None
    if agreement.hours_target:
        return float(agreement.hours_target)
    weeks = max((agreement.expected_end_on - agreement.starts_on).days / 7, 1)
    return round(weeks * agreement.minutes_per_week / 60, 1)


@dataclass
class Progress:
    logged_hours: float
    target_hours: float | None
    expected_by_now: float | None
    start: date
    end: date | None
    is_over: bool = False  # completed, ended early or did not proceed: no pace to keep

    @property
    def percent(self) -> int:
        if not self.target_hours:
            return 0
        return min(100, round(100 * self.logged_hours / self.target_hours))

    @property
    def is_behind(self) -> bool:
        return (
            not self.is_over
            and self.expected_by_now is not None
            and self.expected_by_now >= 2
            and self.logged_hours < BEHIND_RATIO * self.expected_by_now
        )


def progress_of(mentorship: Mentorship, *, minutes: int, today: date | None = None) -> Progress:
    today = today or timezone.localdate()
    start, end = start_of(mentorship), expected_end_of(mentorship)
    target = target_hours_of(mentorship)
    if not mentorship.is_active:
        # Over: what was done stands on its own; the pace no longer applies.
        return Progress(
            round(minutes / 60, 1), target, None, start, mentorship.ended_on or end, is_over=True
        )
    expected = None
    if target and end and end > start:
        elapsed = min(max((today - start).days, 0), (end - start).days)
        expected = round(target * elapsed / (end - start).days, 1)
    return Progress(round(minutes / 60, 1), target, expected, start, end)


def mentorship_list(*, user: User) -> QuerySet[Mentorship]:
    return (
        mentoring_visible_to(user)
        .select_related("program", "mentor", "mentee")
        .order_by("status", "-confirmed_at")
    )


def meeting_list(*, mentorship: Mentorship) -> QuerySet[MeetingLog]:
    return mentorship.meeting_logs.select_related("logged_by").prefetch_related("steps_advanced")


def action_plan_of(mentorship: Mentorship) -> ActionPlan | None:
    return (
        ActionPlan.objects.filter(
            enrolment__participant=mentorship.mentee, enrolment__program=mentorship.program
        )
        .prefetch_related("steps")
        .first()
    )


def steps_advanced_of(mentorship: Mentorship) -> set[int]:
    """Action-plan steps that at least one logged meeting advanced."""
    return set(
        MeetingLog.steps_advanced.through.objects.filter(
            meetinglog__mentorship=mentorship
        ).values_list("actionstep_id", flat=True)
    )


def documents_of(mentorship: Mentorship) -> QuerySet[SharedDocument]:
    return mentorship.documents.select_related("shared_by")


def check_ins_of(mentorship: Mentorship) -> QuerySet[CheckIn]:
    return mentorship.check_ins.select_related("participant", "staff")


def case_meetings_of(mentorship: Mentorship) -> QuerySet[CaseMeeting]:
    return mentorship.case_meetings.select_related("staff")


def minutes_logged(mentorship: Mentorship) -> int:
    return mentorship.meeting_logs.aggregate(total=Coalesce(Sum("minutes"), 0))["total"]


@dataclass
class Attention:
    mentorship: Mentorship
    progress: Progress
    last_met_on: date | None
    lowest_recent_satisfaction: int | None
    reasons: list[str] = field(default_factory=list)


def with_activity(
    mentorships: QuerySet[Mentorship], *, now: datetime
) -> "QuerySet[WithAnnotations[Mentorship, Activity]]":
    """Adds the last meeting, the minutes logged and the lowest recent satisfaction, in one query."""
    logs = MeetingLog.objects.filter(mentorship=OuterRef("pk")).order_by()
    # The local day, as everywhere else the rule reads "today" (and as the stored dates do).
    recent = timezone.localdate(now) - timedelta(days=RECENT_DAYS)
    return mentorships.annotate(
        last_met_on=Subquery(logs.order_by("-met_on").values("met_on")[:1]),
        minutes_total=Coalesce(
            Subquery(logs.values("mentorship").annotate(total=Sum("minutes")).values("total")[:1]),
            0,
        ),
        lowest_recent_satisfaction=Subquery(
            CheckIn.objects.filter(mentorship=OuterRef("pk"), held_on__gte=recent)
            .order_by()
            .values("mentorship")
            .annotate(lowest=Min("satisfaction"))
            .values("lowest")[:1]
        ),
    )


def _active_in_programs_run_by(user: User) -> QuerySet[Mentorship]:
    return Mentorship.objects.filter(
        program__in=programs_managed_by(user), status=MentorshipStatus.ACTIVE
    )


def attention_list(*, user: User, now: datetime | None = None) -> list[Attention]:
    """Active mentorships of the programs this person runs that need a look, most urgent first."""
    return _needing_attention(
        _active_in_programs_run_by(user).select_related("program", "mentor", "mentee", "agreement"),
        now=now or timezone.now(),
    )


_ATTENTION_COLUMNS = (
    "status",
    "started_on",
    "confirmed_at",
    "expected_end_on",
    "ended_on",
    "agreement__starts_on",
    "agreement__expected_end_on",
    "agreement__hours_target",
    "agreement__minutes_per_week",
)


def attention_count(*, user: User, now: datetime | None = None) -> int:
    """How many mentorships `attention_list` shows. The home page of every staff member asks,
    and working it out from the meetings of every active mentorship cost 0.2-0.5 s a page at
    50k participants (benchmarks/load.py): the stored dates answer with an index, and only the
    rows whose inputs changed since the last "attention" sweep are worked out as the list does."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    active = _active_in_programs_run_by(user)
    stored = (
        active.filter(attention_stale=False)
        .filter(Q(attention_from__lte=today) | Q(low_satisfaction_until__gte=today))
        .count()
    )
    stale = active.filter(attention_stale=True).select_related("agreement")
    return stored + len(_needing_attention(stale.only(*_ATTENTION_COLUMNS), now=now, words=False))


def attention_dates_of(
    mentorship: Mentorship, *, last_met_on: date | None, minutes: int, last_low_on: date | None
) -> tuple[date | None, date | None]:
    """The dates stored on the mentorship for the count (see Mentorship.attention_from): the
    same rule as `_needing_attention`, turned from "on this day?" into "from which day?".

    Both tests grow with time until something is written: the days since the last meeting, and
    the hours expected by now (the pace only rises, then stays at the target), so the first day
    each holds is found once, the pace by bisection over the term with `progress_of` itself."""
    start = start_of(mentorship)
    quiet_from = (last_met_on or start) + timedelta(days=NO_MEETING_DAYS)

    def behind_on(day: date) -> bool:
        return progress_of(mentorship, minutes=minutes, today=day).is_behind

    behind_from = None
    end = expected_end_of(mentorship)
    if end is not None and end > start and behind_on(end):
        low, high = start, end  # behind on `high`; find the first such day
        while low < high:
            middle = low + (high - low) // 2
            if behind_on(middle):
                high = middle
            else:
                low = middle + timedelta(days=1)
        behind_from = low
    low_until = last_low_on + timedelta(days=RECENT_DAYS) if last_low_on else None
    return min(quiet_from, behind_from or quiet_from), low_until


def attention_dates(
    mentorships: QuerySet[Mentorship],
) -> dict[int, tuple[date | None, date | None]]:
    """`attention_dates_of` for each of these mentorships, reading their meetings in one query."""
    logs = MeetingLog.objects.filter(mentorship=OuterRef("pk")).order_by()
    rows = (
        mentorships.select_related("agreement")
        .only(*_ATTENTION_COLUMNS)
        .annotate(
            last_met_on=Subquery(logs.order_by("-met_on").values("met_on")[:1]),
            minutes_total=Coalesce(
                Subquery(
                    logs.values("mentorship").annotate(total=Sum("minutes")).values("total")[:1]
                ),
                0,
            ),
            last_low_on=Subquery(
                CheckIn.objects.filter(
                    mentorship=OuterRef("pk"), satisfaction__lte=LOW_SATISFACTION
                )
                .order_by("-held_on")
                .values("held_on")[:1]
            ),
        )
    )
    return {
        row.pk: attention_dates_of(
            row, last_met_on=row.last_met_on, minutes=row.minutes_total, last_low_on=row.last_low_on
        )
        for row in rows
    }


def _needing_attention(
    mentorships: QuerySet[Mentorship], *, now: datetime, words: bool = True
) -> list[Attention]:
    """The mentorships that need a look; `words=False` leaves the reasons as codes (the count
    on the home page shows none of them)."""
    today = timezone.localdate(now)
    found = []
    for mentorship in with_activity(mentorships, now=now):
        progress = progress_of(mentorship, minutes=mentorship.minutes_total, today=today)
        item = Attention(
            mentorship,
            progress,
            mentorship.last_met_on,
            mentorship.lowest_recent_satisfaction,
        )
        since = mentorship.last_met_on or progress.start
        if (today - since).days >= NO_MEETING_DAYS:
            item.reasons.append("no_meeting")
        low = mentorship.lowest_recent_satisfaction
        if low is not None and low <= LOW_SATISFACTION:
            item.reasons.append("low_satisfaction")
        if progress.is_behind:
            item.reasons.append("hours_behind")
        if item.reasons:
            if words:
                item.reasons = [_reason(code, item) for code in item.reasons]
            found.append(item)
    if words:  # a count needs no order
        found.sort(key=lambda a: (-len(a.reasons), a.last_met_on or date.min))
    return found


def _reason(code: str, item: Attention) -> str:
    if code == "no_meeting":
        return (
            _("No meeting logged in two weeks")
            if item.last_met_on
            else _("No meeting logged since the start")
        )
    if code == "low_satisfaction":
        return _("Low satisfaction at a check-in (%(score)s/5)") % {
            "score": item.lowest_recent_satisfaction
        }
    return _("Hours behind: %(logged)s logged, %(expected)s expected by now") % {
        "logged": dates.hours(item.progress.logged_hours),
        "expected": dates.hours(item.progress.expected_by_now),
    }


# --- The home page's work lists (tandem/home/selectors.py) ----------------------------------------


@dataclass
class OwnMentorship:
    """One of this person's own mentorships, as their home shows it."""

    mentorship: Mentorship
    side: str  # "mentee" or "mentor"
    progress: Progress | None
    next_meeting_at: datetime | None
    introduction_at: datetime | None
    must_acknowledge: bool
    exit_survey_due: bool


def own_mentorships(*, user: User, now: datetime | None = None) -> list[OwnMentorship]:
    """The mentorships where this person is the mentor or the mentee, newest first, with what
    each asks of them now. A constant number of queries, whatever the number of mentorships."""
    from tandem.mentorships.models import ACTIVE_STATUSES

    now = now or timezone.now()
    mentorships = list(
        with_activity(mentorships_of_person(user), now=now)
        .exclude(status=MentorshipStatus.CANCELLED)
        .select_related("program", "mentor", "mentee", "agreement", "next_meeting", "introduction")
        .prefetch_related("agreement__acknowledgements", "exit_surveys")
        .order_by("-confirmed_at")
    )
    found = []
    for mentorship in mentorships:
        side = "mentee" if mentorship.mentee.user_id == user.pk else "mentor"
        me = getattr(mentorship, side)
        agreement = _agreement(mentorship)
        next_meeting = getattr(mentorship, "next_meeting", None)
        introduction = getattr(mentorship, "introduction", None)
        found.append(
            OwnMentorship(
                mentorship=mentorship,
                side=side,
                progress=progress_of(
                    mentorship, minutes=mentorship.minutes_total, today=timezone.localdate(now)
                )
                if agreement is not None
                else None,
                next_meeting_at=next_meeting.starts_at
                if next_meeting is not None and next_meeting.starts_at >= now
                else None,
                introduction_at=introduction.starts_at
                if introduction is not None
                and introduction.held_at is None
                and mentorship.status in ACTIVE_STATUSES
                else None,
                must_acknowledge=agreement is not None
                and mentorship.status in ACTIVE_STATUSES
                and all(a.participant_id != me.pk for a in agreement.acknowledgements.all()),
                exit_survey_due=mentorship.status
                in (MentorshipStatus.COMPLETED, MentorshipStatus.ENDED_EARLY)
                and all(s.participant_id != me.pk for s in mentorship.exit_surveys.all()),
            )
        )
    return found


def exit_surveys_of(mentorship: Mentorship) -> dict[int, Any]:
    """The exit surveys answered about this mentorship, by participant. They belong to the floor
    above (outcomes); they are read through the relation it declares on the mentorship, so
    meetings does not import outcomes."""
    return {s.participant_id: s for s in mentorship.exit_surveys.all()}
