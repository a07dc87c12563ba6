"""Writes for mentoring groups and peer mentors: create a group, add and remove members under the
capacity guard, schedule sessions (events with calendar invitations in each person's language),
record attendance and feedback, staff notes; invite alumni to be peer mentors, brief them and
propose short one-to-one conversations. Every write is atomic, takes `actor=` and records a named
audit event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from tandem.accounts.models import User
from tandem.core import audit, consent, dates
from tandem.events import services as events
from tandem.events.calendar import event_ics
from tandem.events.models import EventKind
from tandem.matching import notify
from tandem.organizations.models import Membership, Partnership
from tandem.outcomes.models import EmploymentOutcome
from tandem.participants.models import Participant, ParticipantRole
from tandem.programs.models import Program, ProgramType

from .models import (
    Circle,
    CircleKind,
    CircleMember,
    CircleNote,
    CircleSession,
    ConversationStatus,
    MemberRole,
    PeerConversation,
    PeerMentor,
    PeerStatus,
    SessionFeedback,
    side_of_role,
)

FORMED = audit.event("circle.formed", gettext_lazy("Mentoring group created"))
JOINED = audit.event("circle.member_added", gettext_lazy("Added to a mentoring group"))
LEFT = audit.event("circle.member_removed", gettext_lazy("Removed from a mentoring group"))
SCHEDULED = audit.event("circle.session_scheduled", gettext_lazy("Group session scheduled"))
ATTENDANCE = audit.event("circle.attendance", gettext_lazy("Group session attendance recorded"))
FEEDBACK = audit.event("circle.feedback", gettext_lazy("Group session feedback given"))
NOTED = audit.event("circle.noted", gettext_lazy("Staff note written on a group"))
NAME_SHOWN = audit.event("circle.name_consent", gettext_lazy("Name shown to the group changed"))
PEER_INVITED = audit.event("peer.invited", gettext_lazy("Invited to be a peer mentor"))
PEER_ANSWERED = audit.event("peer.answered", gettext_lazy("Peer mentor invitation answered"))
PEER_BRIEFED = audit.event("peer.briefed", gettext_lazy("Peer mentor briefing held"))
PEER_PROPOSED = audit.event(
    "peer.conversation_proposed", gettext_lazy("Short conversation with a peer mentor proposed")
)
SESSION_MOVED = audit.event("circle.session_changed", gettext_lazy("Group session changed"))
SESSION_CANCELLED = audit.event("circle.session_cancelled", gettext_lazy("Group session cancelled"))
ENDED = audit.event("circle.ended", gettext_lazy("Mentoring group ended"))
PEER_HELD = audit.event(
    "peer.conversation_recorded", gettext_lazy("Short conversation with a peer mentor recorded")
)

CIRCLE_FIELDS = (
    "name_en",
    "name_fr",
    "occupation",
    "industry",
    "language",
    "mode",
    "place",
    "link",
    "mentee_capacity",
    "mentor_capacity",
    "run_by",
    "coordinator",
)
KIND_OF_PROGRAM = {ProgramType.GROUP: CircleKind.GROUP, ProgramType.PEER: CircleKind.PEER}


class CircleError(Exception):
    """A rule of groups was broken; the message is translated for the person."""


class CircleFullError(CircleError):
    pass


# --- Groups ----------------------------------------------------------------------------------


def _check_coordinator(program: Program, run_by: Any, coordinator: User | None) -> None:
    if run_by is None:
        if coordinator is not None:
            raise CircleError(_("A coordinator belongs to the partner organization that runs it."))
        return
    if not Partnership.objects.filter(
        Q(organization=program.organization_id, partner=run_by)
        | Q(organization=run_by, partner=program.organization_id)
    ).exists():
        raise CircleError(
            _("%(partner)s is not a partner of %(organization)s.")
            % {"partner": run_by.name, "organization": program.organization.name}
        )
    if coordinator is None:
        raise CircleError(_("Name the coordinator of the partner organization."))
    if not Membership.objects.filter(
        user=coordinator, organization=run_by, is_active=True
    ).exists():
        raise CircleError(
            _("%(person)s is not a member of %(partner)s.")
            % {"person": coordinator.email, "partner": run_by.name}
        )


@transaction.atomic
def circle_create(*, actor: User, program: Program, **fields: Any) -> Circle:
    kind = KIND_OF_PROGRAM.get(ProgramType(program.kind))
    if kind is None:
        raise CircleError(_("Groups belong to a group mentoring or peer mentoring program."))
    if not fields.get("occupation") and not fields.get("industry"):
        raise CircleError(_("Choose the group's occupation group or industry."))
    _check_coordinator(program, fields.get("run_by"), fields.get("coordinator"))
    data = {name: fields[name] for name in CIRCLE_FIELDS if name in fields}
    circle = Circle.objects.create(program=program, kind=kind, created_by=actor, **data)
    audit.record(FORMED, actor=actor, target=circle, about=[program])
    return circle


# --- Members, under the capacity guard -------------------------------------------------------


def _same_person(person: Participant) -> Q:
    """The records of one person: several agencies may hold a record of her, and a mentor who is
    also someone's mentee has two records with one account or one address."""
    same = Q(pk=person.pk) | Q(email__iexact=person.email)
    if person.user_id:
        same |= Q(user_id=person.user_id)
    return same


def _free_seats(circle_id: int, side: str, capacity: int) -> list[int]:
    taken = set(
        CircleMember.objects.filter(
            circle_id=circle_id, side=side, left_at__isnull=True
        ).values_list("seat", flat=True)
    )
    return [seat for seat in range(1, capacity + 1) if seat not in taken]


def _windows(circle: Circle) -> list[tuple[dt.datetime, dt.datetime]]:
    return list(
        circle.sessions.filter(
            event__cancelled_at__isnull=True, event__ends_at__gt=timezone.now()
        ).values_list("event__starts_at", "event__ends_at")
    )


def _clash(person: Participant, circle: Circle, start: dt.datetime, end: dt.datetime):
    """A session of another group of this person at an overlapping time, or None."""
    return (
        CircleSession.objects.filter(
            circle__members__participant__in=Participant.objects.filter(_same_person(person)),
            circle__members__left_at__isnull=True,
            event__cancelled_at__isnull=True,
            event__starts_at__lt=end,
            event__ends_at__gt=start,
        )
        .exclude(circle=circle)
        .select_related("circle", "event")
        .first()
    )


def _clash_error(person: Participant, other: CircleSession) -> CircleError:
    return CircleError(
        _(
            "%(person)s is in the group %(group)s, which meets at the same hour (%(when)s). "
            "Choose another time or another person."
        )
        % {
            "person": person.full_name,
            "group": other.circle.name,
            "when": dates.when(other.event.starts_at),
        }
    )


def _check_role(circle: Circle, person: Participant, role: str) -> None:
    if role == MemberRole.MENTEE and person.role != ParticipantRole.MENTEE:
        raise CircleError(_("%(person)s is not a mentee.") % {"person": person.full_name})
    if role == MemberRole.MENTOR and (
        person.role != ParticipantRole.MENTOR or circle.kind != CircleKind.GROUP
    ):
        raise CircleError(
            _("%(person)s cannot be a mentor of this group.") % {"person": person.full_name}
        )
    if role == MemberRole.PEER_MENTOR and not any(
        peer.is_ready
        for peer in PeerMentor.objects.filter(program=circle.program, participant=person)
    ):
        raise CircleError(
            _(
                "%(person)s is not a peer mentor of this program yet (invitation accepted, briefing held)."
            )
            % {"person": person.full_name}
        )


def circle_member_add(
    *, actor: User, circle: Circle, participant: Participant, role: str
) -> CircleMember:
    """Adds one person to a side of the group.

    The place is a numbered seat guarded by a partial unique index (see models), and the circle's
    row is locked while the seats are counted. Two members of staff adding the last mentee at once
    are serialized by the lock; were it missing, the second insert would fail on the index. Either
    way the loser looks again and is told the group is full: never a server error.
    """
    side = side_of_role(role)
    capacity_seen = circle.capacity_of(side)
    for _attempt in range(6):
        try:
            with transaction.atomic():
                locked = Circle.objects.select_for_update().get(pk=circle.pk)
                if locked.ended_at is not None:
                    raise CircleError(_("This group has ended."))
                _check_role(locked, participant, role)
                present = locked.members.filter(left_at__isnull=True)
                twin = (
                    present.filter(
                        participant__in=Participant.objects.filter(_same_person(participant))
                    )
                    .select_related("participant")
                    .first()
                )
                if twin is not None:
                    if twin.side == side:
                        raise CircleError(
                            _("%(person)s is already in this group.")
                            % {"person": participant.full_name}
                        )
                    if twin.side == "mentee":
                        message = _(
                            "%(person)s is a mentee in this group: one person cannot be a "
                            "mentor and a mentee of the same group."
                        )
                    else:
                        message = _(
                            "%(person)s is a mentor in this group: one person cannot be a "
                            "mentor and a mentee of the same group."
                        )
                    raise CircleError(message % {"person": participant.full_name})
                for start, end in _windows(locked):
                    other = _clash(participant, locked, start, end)
                    if other is not None:
                        raise _clash_error(participant, other)
                capacity_seen = locked.capacity_of(side)
                free = _free_seats(locked.pk, side, capacity_seen)
                if not free:
                    raise CircleFullError(_full(locked, side))
                member = CircleMember.objects.create(
                    circle=locked,
                    participant=participant,
                    role=role,
                    side=side,
                    seat=free[0],
                    capacity=capacity_seen,
                    added_by=actor,
                )
                audit.record(
                    JOINED, actor=actor, target=locked, about=[participant], data={"role": role}
                )
                _welcome(member)
                _invite_to_coming_sessions(actor, member)
                return member
        except IntegrityError:
            # Another addition took this seat (or this person) first: look again.
            continue
    raise CircleFullError(_full(circle, side))


def _full(circle: Circle, side: str) -> str:
    if side == "mentee":
        return _(
            "This group is full: all %(capacity)d places for mentees are taken. Remove someone "
            "or raise the number of places."
        ) % {"capacity": circle.mentee_capacity}
    return _(
        "This group is full: all %(capacity)d places for mentors are taken. Remove someone or "
        "raise the number of places."
    ) % {"capacity": circle.mentor_capacity}


@transaction.atomic
def circle_member_remove(*, actor: User, member: CircleMember) -> None:
    if member.left_at is not None:
        return
    member.left_at = timezone.now()
    member.save(update_fields=["left_at"])
    audit.record(LEFT, actor=actor, target=member.circle, about=[member.participant])
    coming = member.circle.sessions.filter(event__starts_at__gt=timezone.now())
    for session in coming.select_related("event"):
        events.event_unregister(actor=actor, event=session.event, participant=member.participant)


@transaction.atomic
def circle_name_consent(*, actor: User, member: CircleMember, shows_name: bool) -> CircleMember:
    """The member chooses whether the other members see their name on the group page."""
    if member.shows_name != shows_name:
        member.shows_name = shows_name
        member.save(update_fields=["shows_name"])
        audit.record(
            NAME_SHOWN,
            actor=actor,
            target=member.circle,
            about=[member.participant],
            data={"shows_name": shows_name},
        )
    return member


def _keeps_place() -> str:
    return _(
        "If you are waiting for a one-to-one match, you keep your place and your waiting time on "
        "the list."
    )


def _active_people(circle: Circle) -> list[Participant]:
    return [
        m.participant
        for m in circle.members.filter(left_at__isnull=True).select_related("participant")
    ]


def _welcome(member: CircleMember) -> None:
    circle = member.circle

    def write(person: Participant) -> dict[str, Any]:
        return {
            "subject": _("You are in the group %(group)s") % {"group": circle.name},
            "paragraphs": [
                _(
                    "You are now a member of the group %(group)s of %(program)s. You will "
                    "receive an invitation for each session; the group page shows the next one."
                )
                % {"group": circle.name, "program": circle.program.name},
                _keeps_place() if member.role == MemberRole.MENTEE else "",
            ],
            "link": notify.absolute("circles:detail", circle_id=circle.pk),
            "link_label": _("See the group page"),
        }

    notify.notify_people([member.participant], write)


# --- Sessions --------------------------------------------------------------------------------


def _invite(actor: User, session: CircleSession, people: Iterable[Participant]) -> int:
    added = events.event_add_guests(actor=actor, event=session.event, participants=people)
    for participation in added:
        _send_invitation(session, participation.participant)
    return len(added)


def _invite_to_coming_sessions(actor: User, member: CircleMember) -> None:
    coming = member.circle.sessions.filter(
        event__starts_at__gt=timezone.now(), event__cancelled_at__isnull=True
    ).select_related("event", "circle", "circle__program")
    for session in coming:
        _invite(actor, session, [member.participant])


def _send_invitation(session: CircleSession, person: Participant) -> None:
    circle, event = session.circle, session.event

    def write() -> dict[str, Any]:
        facts = [(_("When"), dates.when(event.starts_at))]
        where = event.link if event.mode == "virtual" else event.place
        if where:
            facts.append((_("Link") if event.mode == "virtual" else _("Place"), where))
        return {
            "subject": _("Invitation: %(title)s, %(when)s")
            % {"title": event.title, "when": dates.when(event.starts_at)},
            "paragraphs": [
                _(
                    "Session %(number)d of the group %(group)s. The invitation is attached: open "
                    "it to add the session to your calendar."
                )
                % {"number": session.number, "group": circle.name}
            ],
            "facts": facts,
            "link": notify.absolute("circles:detail", circle_id=circle.pk),
            "link_label": _("See the group page"),
        }

    notify.notify(
        email=person.email,
        language=person.preferred_language,
        name=person.given_name,
        write=write,
        attachments=[
            (
                "invitation.ics",
                event_ics(event, language=person.preferred_language, sequence=session.revision),
                "text/calendar",
            )
        ],
    )


def _titles(circle: Circle, number: int) -> dict[str, str]:
    titles = {}
    for language in ("en", "fr"):
        with translation.override(language):
            titles[f"title_{language}"] = _("%(group)s: session %(number)d") % {
                "group": getattr(circle, f"name_{language}"),
                "number": number,
            }
    return titles


@transaction.atomic
def circle_session_add(
    *,
    actor: User,
    circle: Circle,
    starts_at: dt.datetime,
    duration_minutes: int,
    topic_en: str = "",
    topic_fr: str = "",
) -> CircleSession:
    """Schedules a session and invites every member, each in their language, with a calendar
    file. A session in the past, or one that would put a member in two groups at once, is
    refused with a message that says who and when."""
    circle = Circle.objects.select_for_update().get(pk=circle.pk)
    if circle.ended_at is not None:
        raise CircleError(_("This group has ended."))
    if starts_at <= timezone.now():
        raise CircleError(_("A session is scheduled in the future: this date has passed."))
    ends_at = starts_at + dt.timedelta(minutes=duration_minutes)
    members = _active_people(circle)
    for person in members:
        other = _clash(person, circle, starts_at, ends_at)
        if other is not None:
            raise _clash_error(person, other)
    number = (circle.sessions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    event = events.event_create(
        actor=actor,
        program=circle.program,
        kind=EventKind.GROUP_SESSION if circle.kind == CircleKind.GROUP else EventKind.PEER_SESSION,
        starts_at=starts_at,
        ends_at=ends_at,
        mode=circle.mode,
        place=circle.place,
        link=circle.link,
        description_en=topic_en,
        description_fr=topic_fr,
        **_titles(circle, number),
    )
    session = CircleSession.objects.create(circle=circle, event=event, number=number)
    audit.record(
        SCHEDULED,
        actor=actor,
        target=circle,
        about=[event],
        data={"starts_at": starts_at.isoformat()},
    )
    _invite(actor, session, members)
    return session


def weekly(starts_at: dt.datetime, weeks: int) -> list[dt.datetime]:
    """The same local hour each week: across a change to or from daylight saving time the
    session stays at 18:00 where the group meets, not at 17:00 or 19:00."""
    zone = timezone.get_current_timezone()
    local = timezone.localtime(starts_at, zone).replace(tzinfo=None)
    return [timezone.make_aware(local + dt.timedelta(weeks=week), zone) for week in range(weeks)]


@transaction.atomic
def circle_sessions_add(
    *,
    actor: User,
    circle: Circle,
    starts_at: dt.datetime,
    duration_minutes: int,
    weeks: int = 1,
    topic_en: str = "",
    topic_fr: str = "",
) -> list[CircleSession]:
    """Recurring sessions: one a week at the same hour, all or none (a clash on any week
    refuses the whole series with the message that names who and when)."""
    if not 1 <= weeks <= 12:
        raise CircleError(_("Schedule from 1 to 12 weekly sessions at a time."))
    return [
        circle_session_add(
            actor=actor,
            circle=circle,
            starts_at=when,
            duration_minutes=duration_minutes,
            topic_en=topic_en,
            topic_fr=topic_fr,
        )
        for when in weekly(starts_at, weeks)
    ]


def _guests(session: CircleSession) -> list[Participant]:
    """The people a session's invitation went to and who did not withdraw from it."""
    return list(
        Participant.objects.filter(
            event_participations__event=session.event,
            event_participations__cancelled_at__isnull=True,
        )
    )


def _tell_guests(
    session: CircleSession,
    people: Iterable[Participant],
    *,
    cancelled: bool,
    ended: bool = False,
) -> None:
    """A session moved or cancelled: each guest is told in their language, with the calendar
    entry of the same UID and a higher SEQUENCE (PUBLISH to move it, CANCEL to remove it)."""
    circle, event = session.circle, session.event

    def write() -> dict[str, Any]:
        values = {
            "number": session.number,
            "group": circle.name,
            "when": dates.when(event.starts_at),
        }
        if cancelled:
            subject = _("Cancelled: %(title)s, %(when)s") % {
                "title": event.title,
                "when": dates.when(event.starts_at),
            }
            first = (
                _(
                    "Session %(number)d of the group %(group)s, planned for %(when)s, is "
                    "cancelled. The attached file removes it from your calendar."
                )
                % values
            )
        else:
            subject = _("Changed: %(title)s, now %(when)s") % {
                "title": event.title,
                "when": dates.when(event.starts_at),
            }
            first = (
                _(
                    "Session %(number)d of the group %(group)s has changed: it now takes place "
                    "%(when)s. The attached file updates it in your calendar."
                )
                % values
            )
        facts = [] if cancelled else [(_("When"), dates.when(event.starts_at))]
        where = event.link if event.mode == "virtual" else event.place
        if where and not cancelled:
            facts.append((_("Link") if event.mode == "virtual" else _("Place"), where))
        return {
            "subject": subject,
            "paragraphs": [
                first,
                _("The group has ended: thank you for taking part.") if ended else "",
            ],
            "facts": facts,
            "link": notify.absolute("circles:detail", circle_id=circle.pk),
            "link_label": _("See the group page"),
        }

    for person in people:
        notify.notify(
            email=person.email,
            language=person.preferred_language,
            name=person.given_name,
            write=write,
            attachments=[
                (
                    "invitation.ics",
                    event_ics(
                        event,
                        language=person.preferred_language,
                        cancelled=cancelled,
                        sequence=session.revision,
                    ),
                    "text/calendar",
                )
            ],
        )


def _open_session(session: CircleSession) -> CircleSession:
    """The session locked for a change that is still allowed: not cancelled, not yet started,
    in a group that has not ended."""
    session = (
        CircleSession.objects.select_for_update()
        .select_related("event", "circle", "circle__program")
        .get(pk=session.pk)
    )
    if session.circle.ended_at is not None:
        raise CircleError(_("This group has ended."))
    if session.event.cancelled_at is not None:
        raise CircleError(_("This session is cancelled."))
    if session.event.starts_at <= timezone.now():
        raise CircleError(_("This session has started: it can no longer be changed."))
    return session


@transaction.atomic
def circle_session_update(
    *,
    actor: User,
    session: CircleSession,
    starts_at: dt.datetime,
    duration_minutes: int,
    topic_en: str = "",
    topic_fr: str = "",
) -> CircleSession:
    """Moves a session or changes its topic; every guest receives the updated calendar entry in
    their language. The same rules as scheduling: in the future, no member in another group at
    the new hour."""
    session = _open_session(session)
    if starts_at <= timezone.now():
        raise CircleError(_("A session is scheduled in the future: this date has passed."))
    ends_at = starts_at + dt.timedelta(minutes=duration_minutes)
    guests = _guests(session)
    for person in guests:
        other = _clash(person, session.circle, starts_at, ends_at)
        if other is not None:
            raise _clash_error(person, other)
    event = session.event
    moved = (event.starts_at, event.ends_at) != (starts_at, ends_at)
    retitled = (event.description_en, event.description_fr) != (topic_en, topic_fr)
    if not moved and not retitled:
        return session
    events.event_update(
        actor=actor,
        event=event,
        starts_at=starts_at,
        ends_at=ends_at,
        description_en=topic_en,
        description_fr=topic_fr,
    )
    session.revision += 1
    session.save(update_fields=["revision"])
    audit.record(
        SESSION_MOVED,
        actor=actor,
        target=session.circle,
        about=[event],
        data={"starts_at": starts_at.isoformat(), "revision": session.revision},
    )
    _tell_guests(session, guests, cancelled=False)
    return session


@transaction.atomic
def circle_session_cancel(
    *, actor: User, session: CircleSession, ended: bool = False
) -> CircleSession:
    """Cancels a session that has not started: every guest is told in their language and
    receives the calendar cancellation. It no longer counts as held, nor for clashes."""
    session = _open_session(session)
    guests = _guests(session)
    events.event_cancel(actor=actor, event=session.event, mail=False)
    session.revision += 1
    session.save(update_fields=["revision"])
    audit.record(SESSION_CANCELLED, actor=actor, target=session.circle, about=[session.event])
    _tell_guests(session, guests, cancelled=True, ended=ended)
    return session


@transaction.atomic
def circle_end(*, actor: User, circle: Circle) -> Circle:
    """Ends a group: its sessions to come are cancelled (members told, calendars updated), no
    one can join it and it leaves the members' home pages. Mentees keep their place and waiting
    time in the one-to-one pool, as they did all along; the figures keep what was held."""
    circle = Circle.objects.select_for_update().get(pk=circle.pk)
    if circle.ended_at is not None:
        return circle
    coming = circle.sessions.filter(
        event__starts_at__gt=timezone.now(), event__cancelled_at__isnull=True
    ).select_related("event", "circle", "circle__program")
    for session in coming:
        circle_session_cancel(actor=actor, session=session, ended=True)
    circle.ended_at = timezone.now()
    circle.save(update_fields=["ended_at"])
    audit.record(ENDED, actor=actor, target=circle, about=[circle.program])
    members = _active_people(circle)

    def write(person: Participant) -> dict[str, Any]:
        return {
            "subject": _("The group %(group)s has ended") % {"group": circle.name},
            "paragraphs": [
                _(
                    "The group %(group)s of %(program)s has ended. Thank you for taking part: "
                    "the sessions you attended stay on your history."
                )
                % {"group": circle.name, "program": circle.program.name},
                _keeps_place() if person.role == ParticipantRole.MENTEE else "",
            ],
        }

    notify.notify_people(members, write)
    return circle


@transaction.atomic
def circle_attendance_record(
    *, actor: User, session: CircleSession, present: Iterable[Participant]
) -> None:
    """Who came; everyone else invited did not. Counts as events attended on each history."""
    event = session.event
    if event.cancelled_at is not None:
        raise CircleError(_("This session is cancelled."))
    if event.starts_at > timezone.now():
        raise CircleError(_("Attendance is taken once the session has started."))
    guests = Participant.objects.filter(
        event_participations__event=event, event_participations__cancelled_at__isnull=True
    )
    came = [p for p in present]
    events.event_attendance_record(
        actor=actor, event=event, present=came, absent=guests.exclude(pk__in=[p.pk for p in came])
    )
    audit.record(
        ATTENDANCE, actor=actor, target=session.circle, about=[event], data={"came": len(came)}
    )


@transaction.atomic
def session_feedback_submit(
    *,
    actor: User,
    session: CircleSession,
    participant: Participant,
    usefulness: str,
    topics: str = "",
) -> SessionFeedback:
    if session.event.cancelled_at is not None:
        raise CircleError(_("This session is cancelled."))
    if session.event.starts_at > timezone.now():
        raise CircleError(_("Feedback opens once the session has taken place."))
    if SessionFeedback.objects.filter(session=session, participant=participant).exists():
        raise CircleError(_("You already answered for this session. Thank you!"))
    feedback = SessionFeedback.objects.create(
        session=session,
        participant=participant,
        usefulness=usefulness,
        topics=topics,
        submitted_by=actor,
    )
    audit.record(FEEDBACK, actor=actor, target=session.circle, about=[participant])
    return feedback


@transaction.atomic
def circle_note_add(*, actor: User, circle: Circle, text: str) -> CircleNote:
    note = CircleNote.objects.create(circle=circle, text=text, author=actor)
    audit.record(NOTED, actor=actor, target=circle)
    return note


# --- Peer mentors ----------------------------------------------------------------------------


def is_alumnus_in_field(person: Participant) -> bool:
    from .selectors import IN_FIELD

    latest = (
        EmploymentOutcome.objects.filter(participant=person).order_by("-recorded_at", "-pk").first()
    )
    # The person may refuse peer-mentor invitations, or any contact after the program.
    withdrawn = bool(
        consent.refused(consent.PEER_MENTORING, [person.pk])
        or consent.refused(consent.FOLLOW_UPS, [person.pk])
    )
    return latest is not None and latest.status in IN_FIELD and not withdrawn


@transaction.atomic
def peer_invite(*, actor: User, program: Program, participant: Participant) -> PeerMentor:
    """Invites an alumnus, in their language, to be a peer mentor of the program."""
    if program.kind != ProgramType.PEER:
        raise CircleError(_("Peer mentors are invited to a peer mentoring program."))
    if not is_alumnus_in_field(participant):
        raise CircleError(
            _(
                "%(person)s cannot be invited: their latest outcome is not employment in their "
                "field or a related one, or they withdrew their consent to be contacted."
            )
            % {"person": participant.full_name}
        )
    peer, created = PeerMentor.objects.get_or_create(
        program=program, participant=participant, defaults={"invited_by": actor}
    )
    if not created:
        raise CircleError(_("%(person)s was already invited.") % {"person": participant.full_name})
    audit.record(PEER_INVITED, actor=actor, target=peer, about=[participant, program])

    def write(person: Participant) -> dict[str, Any]:
        return {
            "subject": _("Would you share your experience with newcomers?"),
            "paragraphs": [
                _(
                    "You found work in your field. %(program)s invites you to be a peer mentor: "
                    "meet job-seekers of a similar background in small groups, or for one or two "
                    "conversations, and tell them how you got there."
                )
                % {"program": program.name},
                _("No mentor training is needed, only a short briefing with the program staff."),
                "" if person.user_id else _("To answer, reply to the program staff."),
            ],
            "link": notify.absolute("circles:peer", peer_mentor_id=peer.pk)
            if person.user_id
            else "",
            "link_label": _("Answer the invitation"),
        }

    notify.notify_people([participant], write)
    return peer


@transaction.atomic
def peer_answer(*, actor: User, peer: PeerMentor, accept: bool) -> PeerMentor:
    """The alumnus answers (or staff record the answer they gave by phone)."""
    peer = PeerMentor.objects.select_for_update().get(pk=peer.pk)
    peer.status = PeerStatus.ACCEPTED if accept else PeerStatus.DECLINED
    peer.answered_at = timezone.now()
    peer.save(update_fields=["status", "answered_at"])
    audit.record(
        PEER_ANSWERED, actor=actor, target=peer, about=[peer.participant], data={"accept": accept}
    )
    return peer


@transaction.atomic
def peer_brief(*, actor: User, peer: PeerMentor) -> PeerMentor:
    if peer.status != PeerStatus.ACCEPTED:
        raise CircleError(_("The briefing comes after the person accepts the invitation."))
    if peer.briefed_at is None:
        peer.briefed_at = timezone.now()
        peer.save(update_fields=["briefed_at"])
        audit.record(PEER_BRIEFED, actor=actor, target=peer, about=[peer.participant])
    return peer


@transaction.atomic
def peer_conversation_propose(
    *, actor: User, peer: PeerMentor, mentee: Participant, conversations: int
) -> PeerConversation:
    """The short one-to-one format; the job-seeker keeps their place in the one-to-one pool."""
    if not peer.is_ready:
        raise CircleError(_("A peer mentor is proposed once briefed."))
    if conversations not in (1, 2):
        raise CircleError(_("Plan one or two conversations."))
    if PeerConversation.objects.filter(
        peer=peer, mentee=mentee, status=ConversationStatus.PROPOSED
    ).exists():
        raise CircleError(
            _("%(person)s is already proposed to this peer mentor.") % {"person": mentee.full_name}
        )
    conversation = PeerConversation.objects.create(
        peer=peer, mentee=mentee, conversations=conversations, proposed_by=actor
    )
    audit.record(PEER_PROPOSED, actor=actor, target=peer, about=[mentee, peer.participant])
    mentor = peer.participant

    def write(person: Participant) -> dict[str, Any]:
        other = mentor if person.pk == mentee.pk else mentee
        return {
            "subject": _("A short conversation with %(name)s") % {"name": other.full_name},
            "paragraphs": [
                ngettext(
                    "Program staff propose a short conversation with %(name)s, %(role)s. Reply "
                    "to this message to choose a time with the staff.",
                    "Program staff propose %(count)d short conversations with %(name)s, "
                    "%(role)s. Reply to this message to choose times with the staff.",
                    conversations,
                )
                % {
                    "count": conversations,
                    "name": other.full_name,
                    "role": _("a newcomer who found work in their field")
                    if other.pk == mentor.pk
                    else _("a job-seeker in your field"),
                },
            ],
        }

    notify.notify_people([mentee, mentor], write)
    return conversation


@transaction.atomic
def peer_conversation_record(
    *, actor: User, conversation: PeerConversation, held: int
) -> PeerConversation:
    """Staff record what took place: how many of the planned conversations were held (none:
    the conversation is marked cancelled). The figures count the job-seekers who met a peer
    mentor this way."""
    conversation = PeerConversation.objects.select_for_update().get(pk=conversation.pk)
    if not 0 <= held <= conversation.conversations:
        raise CircleError(
            ngettext(
                "%(count)d conversation was planned: record at most that many.",
                "%(count)d conversations were planned: record at most that many.",
                conversation.conversations,
            )
            % {"count": conversation.conversations}
        )
    conversation.held = held
    conversation.status = ConversationStatus.HELD if held else ConversationStatus.CANCELLED
    conversation.recorded_at = timezone.now()
    conversation.save(update_fields=["held", "status", "recorded_at"])
    audit.record(
        PEER_HELD,
        actor=actor,
        target=conversation.peer,
        about=[conversation.mentee, conversation.peer.participant],
        data={"held": held},
    )
    return conversation
