"""Writes for mentorships: confirmation under the capacity guard, the introduction meeting with
its calendar invitations, the agreement and each person's acknowledgement."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.accounts.models import User
from tandem.core import audit
from tandem.core.calendar import attachment
from tandem.matching import notify
from tandem.matching.models import Proposal, ProposalStatus
from tandem.mentorships import calendar
from tandem.mentorships.models import (
    ACTIVE_STATUSES,
    Acknowledgement,
    Agreement,
    IntroductionMeeting,
    Mentorship,
    MentorshipStatus,
)

if TYPE_CHECKING:
    from tandem.participants.models import Participant


class MentorshipError(Exception):
    """A rule of mentorships was broken; the message is translated for the person."""


class MentorFullError(MentorshipError):
    pass


CONFIRMED = audit.event("mentorship.confirmed", gettext_lazy("Match confirmed: mentorship created"))
MEETING_SCHEDULED = audit.event(
    "introduction.scheduled", gettext_lazy("Introduction meeting scheduled")
)
MEETING_HELD = audit.event("introduction.held", gettext_lazy("Introduction meeting held"))
CANCELLED = audit.event(
    "mentorship.cancelled", gettext_lazy("Mentorship ended after the introduction")
)
AGREEMENT_SAVED = audit.event("agreement.saved", gettext_lazy("Mentorship agreement written"))
ACKNOWLEDGED = audit.event("agreement.acknowledged", gettext_lazy("Agreement acknowledged"))
STARTED = audit.event("mentorship.started", gettext_lazy("Mentorship started"))


def _record(name: str, actor: Any, mentorship: Mentorship, **data: Any) -> None:
    audit.record(
        name,
        actor=actor,
        target=mentorship,
        about=[mentorship.mentee, mentorship.mentor],
        data=data,
    )


def _free_slots(mentor_id: int, capacity: int) -> list[int]:
    taken = set(
        Mentorship.objects.filter(mentor_id=mentor_id, status__in=ACTIVE_STATUSES).values_list(
            "mentor_slot", flat=True
        )
    )
    return [slot for slot in range(1, capacity + 1) if slot not in taken]


def mentorship_confirm(*, actor: User, proposal: Proposal) -> Mentorship:
    """Staff confirm a match both people accepted: the mentorship takes a place of the mentor.

    The place is a numbered slot guarded by a partial unique index (see models). Two members of
    staff confirming for the mentor's last place at once both pick the same free slot; the
    second insert waits for the first transaction and then fails on the index. It then looks
    again and tries the next free slot, and when none is left it says so: never a server error.
    """
    capacity_seen = None
    for _attempt in range(6):
        try:
            with transaction.atomic():
                locked = (
                    Proposal.objects.select_for_update()
                    .select_related("program", "mentee", "mentor")
                    .get(pk=proposal.pk)
                )
                if locked.status != ProposalStatus.ACCEPTED:
                    raise MentorshipError(
                        _("Only a proposal both people accepted can be confirmed.")
                    )
                mentor, mentee = locked.mentor, locked.mentee
                if Mentorship.objects.filter(
                    program_id=locked.program_id, mentee=mentee, status__in=ACTIVE_STATUSES
                ).exists():
                    raise MentorshipError(
                        _("%(mentee)s already has an active mentorship in this program.")
                        % {"mentee": mentee.full_name}
                    )
                capacity_seen = mentor.capacity
                free = _free_slots(mentor.pk, mentor.capacity)
                if not free:
                    raise MentorFullError(_no_room(mentor.capacity))
                mentorship = Mentorship.objects.create(
                    program_id=locked.program_id,
                    mentor=mentor,
                    mentee=mentee,
                    proposal=locked,
                    mentor_slot=free[0],
                    mentor_capacity=mentor.capacity,
                    confirmed_by=actor,
                )
                locked.status = ProposalStatus.CONFIRMED
                locked.closed_at = timezone.now()
                locked.save(update_fields=["status", "closed_at"])
                _record(CONFIRMED, actor, mentorship, proposal=locked.pk, slot=free[0])
                _tell_confirmed(mentorship)
                return mentorship
        except IntegrityError:
            # Another confirmation took this slot (or this mentee) first: look again.
            continue
    raise MentorFullError(_no_room(capacity_seen))


def _no_room(capacity: int | None) -> str:
    return _(
        "This mentor has no room left: all %(capacity)d places are taken. Withdraw the "
        "proposal or ask the mentor whether they can take one more mentee."
    ) % {"capacity": capacity or 0}


def _tell_confirmed(mentorship: Mentorship) -> None:
    program = mentorship.program

    def write(person) -> dict[str, Any]:
        return {
            "subject": _("Your match in %(program)s is confirmed") % {"program": program.name},
            "paragraphs": [
                _(
                    "You both accepted, and the match is confirmed. Staff will invite you to a "
                    "short introduction meeting with the three of you."
                )
            ],
            "link": notify.absolute("mentorships:detail", mentorship_id=mentorship.pk),
            "link_label": _("See your mentorship"),
        }

    notify.notify_people([mentorship.mentee, mentorship.mentor], write)


# --- The introduction meeting ----------------------------------------------------------------


@transaction.atomic
def meeting_schedule(
    *,
    actor: User,
    mentorship: Mentorship,
    starts_at: datetime,
    duration_minutes: int,
    mode: str,
    place: str = "",
    link: str = "",
    phone: str = "",
) -> IntroductionMeeting:
    """Schedules (or moves) the three-way meeting and sends everyone an .ics invitation."""
    if mentorship.status != MentorshipStatus.INTRODUCTION:
        raise MentorshipError(
            _("The introduction meeting is scheduled before the mentorship starts.")
        )
    meeting = IntroductionMeeting.objects.filter(mentorship=mentorship).first()
    if meeting is None:
        meeting = IntroductionMeeting(mentorship=mentorship)
    else:
        meeting.sequence += 1
        meeting.held_at = None
    meeting.starts_at = starts_at
    meeting.duration_minutes = duration_minutes
    meeting.mode = mode
    meeting.place, meeting.link, meeting.phone = place, link, phone
    meeting.scheduled_by = actor
    meeting.save()
    _record(MEETING_SCHEDULED, actor, mentorship, starts_at=starts_at.isoformat(), mode=str(mode))
    _send_invitations(meeting, organizer=actor)
    return meeting


def _send_invitations(meeting: IntroductionMeeting, *, organizer: User) -> None:
    mentorship = meeting.mentorship
    people = [
        (
            mentorship.mentee.email,
            mentorship.mentee.preferred_language,
            mentorship.mentee.given_name,
        ),
        (
            mentorship.mentor.email,
            mentorship.mentor.preferred_language,
            mentorship.mentor.given_name,
        ),
        (
            organizer.email,
            organizer.preferred_language or "en",
            organizer.first_name or organizer.email,
        ),
    ]
    for email, language, name in people:

        def write(language=language) -> dict[str, Any]:
            return {
                "subject": _("Invitation: introduction meeting, %(when)s")
                % {"when": calendar.when_text(meeting)},
                "paragraphs": [
                    _(
                        "You are invited to the introduction meeting of %(mentee)s and "
                        "%(mentor)s with program staff. The invitation is attached: open it to "
                        "add the meeting to your calendar."
                    )
                    % {
                        "mentee": mentorship.mentee.full_name,
                        "mentor": mentorship.mentor.full_name,
                    }
                ],
                "facts": calendar.meeting_facts(meeting),
                "link": notify.absolute("mentorships:detail", mentorship_id=mentorship.pk),
                "link_label": _("See the mentorship"),
            }

        invitation = calendar.invitation(meeting, language=language, organizer=organizer)
        notify.notify(
            email=email,
            language=language,
            name=name,
            write=write,
            attachments=[attachment(calendar.FILE_NAME, invitation, language=language)],
        )


@transaction.atomic
def meeting_record(
    *, actor: User, mentorship: Mentorship, proceed: bool, notes: str = ""
) -> Mentorship:
    """After the meeting: go on to the agreement, or end here and return both to the pool."""
    meeting = IntroductionMeeting.objects.select_for_update().filter(mentorship=mentorship).first()
    if meeting is None:
        raise MentorshipError(_("Schedule the introduction meeting first."))
    if mentorship.status != MentorshipStatus.INTRODUCTION:
        raise MentorshipError(_("This mentorship is past its introduction."))
    meeting.held_at = timezone.now()
    meeting.notes = notes
    meeting.save(update_fields=["held_at", "notes", "updated_at"])
    _record(MEETING_HELD, actor, mentorship, proceed=proceed)
    if not proceed:
        mentorship.status = MentorshipStatus.CANCELLED
        mentorship.ended_on = timezone.localdate()
        mentorship.save(update_fields=["status", "ended_on"])
        _record(CANCELLED, actor, mentorship)
    return mentorship


# --- The agreement ---------------------------------------------------------------------------


def agreement_defaults(mentorship: Mentorship) -> dict[str, Any]:
    """Start next Monday; the program's length and weekly time; the mentee's action plan."""
    from tandem.matching.services.base import settings_for

    current = settings_for(mentorship.program)
    today = timezone.localdate()
    starts = today + timedelta(days=(7 - today.weekday()) % 7 or 7)
    goals = ""
    enrolment = mentorship.mentee.enrolments.filter(program=mentorship.program).first()
    plan = getattr(enrolment, "action_plan", None) if enrolment else None
    if plan is not None:
        steps = [f"- {step.description}" for step in plan.steps.all()]
        goals = "\n".join([plan.objective, *steps])
    return {
        "starts_on": starts,
        "expected_end_on": starts + timedelta(weeks=current.mentorship_weeks),
        "hours_target": current.hours_target,
        "minutes_per_week": current.minutes_per_week,
        "goals": goals or mentorship.mentee.goals,
        "confidentiality": _(
            "What we share in our meetings stays between us. Staff of the program may ask each "
            "of us how the mentorship is going; neither of us shares the other's personal "
            "information with anyone else without their agreement."
        ),
    }


@transaction.atomic
def agreement_save(*, actor: User, mentorship: Mentorship, **fields: Any) -> Agreement:
    """Writes the agreement; a change asks both people to acknowledge it again."""
    meeting = IntroductionMeeting.objects.filter(mentorship=mentorship).first()
    if meeting is None or meeting.held_at is None:
        raise MentorshipError(_("Record the introduction meeting before the agreement."))
    if mentorship.status != MentorshipStatus.INTRODUCTION:
        raise MentorshipError(_("The agreement of an active mentorship cannot change here."))
    if fields["expected_end_on"] <= fields["starts_on"]:
        raise MentorshipError(_("The expected end must come after the start date."))
    agreement = Agreement.objects.filter(mentorship=mentorship).first()
    if agreement is None:
        agreement = Agreement(mentorship=mentorship, created_by=actor)
    changed = agreement.pk is None or any(getattr(agreement, k) != v for k, v in fields.items())
    for name, value in fields.items():
        setattr(agreement, name, value)
    agreement.save()
    if changed:  # its dates and hours decide when the pair falls behind (meetings.selectors)
        Mentorship.objects.filter(pk=mentorship.pk).update(attention_stale=True)
        _record(AGREEMENT_SAVED, actor, mentorship)
        agreement.acknowledgements.all().delete()

        def write(person) -> dict[str, Any]:
            return {
                "subject": _("Your mentorship agreement is ready"),
                "paragraphs": [
                    _(
                        "Read the agreement of your mentorship in %(program)s and acknowledge "
                        "it. The mentorship starts once you both have."
                    )
                    % {"program": mentorship.program.name}
                ],
                "link": notify.absolute("mentorships:detail", mentorship_id=mentorship.pk),
                "link_label": _("Read the agreement"),
            }

        notify.notify_people([mentorship.mentee, mentorship.mentor], write)
    return agreement


@transaction.atomic
def agreement_acknowledge(
    *, actor: User, mentorship: Mentorship, on_behalf_of: Participant | None = None
) -> Mentorship:
    """The mentor or the mentee acknowledges; when both have, the mentorship starts.

    `on_behalf_of`: staff record the acknowledgement a person gave them (by phone, on paper;
    see tandem/meetings/behalf.py)."""
    mentorship = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    if not mentorship.is_active:
        raise MentorshipError(_("This mentorship is over: there is nothing left to acknowledge."))
    agreement = Agreement.objects.filter(mentorship=mentorship).first()
    if agreement is None:
        raise MentorshipError(_("There is no agreement to acknowledge yet."))
    person = next(
        (
            p
            for p in (mentorship.mentee, mentorship.mentor)
            if (p.pk == on_behalf_of.pk if on_behalf_of is not None else p.user_id == actor.pk)
        ),
        None,
    )
    if person is None:
        raise MentorshipError(_("Only the mentor and the mentee acknowledge the agreement."))
    _ack, created = Acknowledgement.objects.get_or_create(agreement=agreement, participant=person)
    if created:
        _record(ACKNOWLEDGED, actor, mentorship, participant=person.pk)
    acknowledged = set(agreement.acknowledgements.values_list("participant_id", flat=True))
    if {
        mentorship.mentee_id,
        mentorship.mentor_id,
    } <= acknowledged and mentorship.status == MentorshipStatus.INTRODUCTION:
        mentorship.status = MentorshipStatus.ACTIVE
        mentorship.started_on = agreement.starts_on
        mentorship.expected_end_on = agreement.expected_end_on
        mentorship.attention_stale = True  # the term starts: its "needs attention" dates too
        mentorship.save(
            update_fields=["status", "started_on", "expected_end_on", "attention_stale"]
        )
        _record(STARTED, actor, mentorship)
    return mentorship


def default_meeting_start() -> datetime:
    """Next weekday at 10:00 local time, a suggestion for the form."""
    day: date = timezone.localdate() + timedelta(days=2)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=timezone.get_current_timezone())
