"""A group's sessions: scheduled once or weekly (events with a calendar invitation in each person's
language), moved or cancelled (guests told, calendars updated), attendance and feedback."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from tandem.accounts.models import User
from tandem.circles.models import (
    Circle,
    CircleKind,
    CircleMember,
    CircleSession,
    SessionFeedback,
)
from tandem.circles.services.base import CircleError, active_people, clash, clash_error
from tandem.core import audit, dates
from tandem.core.calendar import attachment
from tandem.events import services as events
from tandem.events.calendar import event_ics
from tandem.events.models import EventKind
from tandem.matching import notify
from tandem.participants.models import Participant

SCHEDULED = audit.event("circle.session_scheduled", gettext_lazy("Group session scheduled"))
SESSION_MOVED = audit.event("circle.session_changed", gettext_lazy("Group session changed"))
SESSION_CANCELLED = audit.event("circle.session_cancelled", gettext_lazy("Group session cancelled"))
ATTENDANCE = audit.event("circle.attendance", gettext_lazy("Group session attendance recorded"))
FEEDBACK = audit.event("circle.feedback", gettext_lazy("Group session feedback given"))
# The invitation's calendar file, named in each member's language (a slug: plain ASCII).
FILE_NAME = pgettext_lazy("file name", "group-session")


def _invite(actor: User, session: CircleSession, people: Iterable[Participant]) -> int:
    added = events.event_add_guests(actor=actor, event=session.event, participants=people)
    for participation in added:
        _send_invitation(session, participation.participant)
    return len(added)


def invite_to_coming_sessions(actor: User, member: CircleMember) -> None:
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
            attachment(
                FILE_NAME,
                event_ics(event, language=person.preferred_language, sequence=session.revision),
                language=person.preferred_language,
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
    members = active_people(circle)
    for person in members:
        other = clash(person, circle, starts_at, ends_at)
        if other is not None:
            raise clash_error(person, other)
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
                attachment(
                    FILE_NAME,
                    event_ics(
                        event,
                        language=person.preferred_language,
                        cancelled=cancelled,
                        sequence=session.revision,
                    ),
                    language=person.preferred_language,
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
        other = clash(person, session.circle, starts_at, ends_at)
        if other is not None:
            raise clash_error(person, other)
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
