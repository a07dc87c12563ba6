"""Meetings of the connector program: requests, times offered, the calendar invitation, the
meeting recorded, introductions, feedback, results and the step into a one-to-one mentorship."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.connectors import calendar
from tandem.connectors.models import (
    INTRODUCTIONS_TARGET,
    OPEN_STATUSES,
    TIMES_OFFERED_MAX,
    Connector,
    ConnectorInvitation,
    ConnectorMeeting,
    DeclinedAddress,
    Introduction,
    InvitationStatus,
    MeetingStatus,
    OfferedTime,
    Result,
)
from tandem.connectors.services.common import (
    CANCELLED,
    FEEDBACK,
    HELD,
    INTRODUCED,
    MENTORSHIP_ASKED,
    MENTORSHIP_OPENED,
    OFFERED,
    REQUESTED,
    RESULT,
    SCHEDULED,
    ConnectorError,
    _normalise,
    _tell,
)
from tandem.connectors.services.figures import (
    chain_recount,
    connector_introductions_add,
    connector_results_move,
)
from tandem.connectors.services.joining import _check_connector_program, connector_invite
from tandem.core import audit
from tandem.core.calendar import attachment
from tandem.participants.models import Participant
from tandem.programs.access import program_staff
from tandem.programs.models import Enrolment, Program, Side

# --- Meetings --------------------------------------------------------------------------------


def _newcomer_enrolment(program: Program, newcomer: Participant) -> Enrolment:
    enrolment = Enrolment.objects.filter(
        program=program, participant=newcomer, side=Side.MENTEE
    ).first()
    if enrolment is None:
        raise ConnectorError(_("This person is not a newcomer of this program."))
    return enrolment


@transaction.atomic
def meeting_request(
    *,
    actor: Any,
    program: Program,
    newcomer: Participant,
    connector: Connector,
    message: str = "",
    introduction: Introduction | None = None,
) -> ConnectorMeeting:
    """A newcomer (or staff for them) asks a connector for a 30-minute meeting: a first meeting,
    or the follow-up of an introduction."""
    _check_connector_program(program)
    enrolment = _newcomer_enrolment(program, newcomer)
    # One request at a time per newcomer: two tabs must not make two meetings.
    Enrolment.objects.select_for_update().filter(pk=enrolment.pk).first()
    if connector.program_id != program.pk or not connector.is_active:
        raise ConnectorError(_("Choose a connector of this program."))
    if connector.participant.email.lower() == newcomer.email.lower():
        raise ConnectorError(_("A newcomer cannot meet themself."))
    depth = 1
    if introduction is not None:
        if introduction.newcomer_id != newcomer.pk or introduction.contact_id != connector.pk:
            raise ConnectorError(_("This introduction is for another person."))
        if ConnectorMeeting.objects.filter(introduction=introduction).exists():
            raise ConnectorError(_("A meeting for this introduction is already recorded."))
        depth = introduction.meeting.depth + 1
    else:
        if ConnectorMeeting.objects.filter(
            newcomer=newcomer, connector=connector, status__in=OPEN_STATUSES
        ).exists():
            raise ConnectorError(_("A meeting with this connector is already on its way."))
        _check_room(connector)
    meeting = ConnectorMeeting.objects.create(
        program=program,
        newcomer=newcomer,
        connector=connector,
        introduction=introduction,
        depth=depth,
        requested_by=actor if isinstance(actor, User) else None,
        message=message.strip(),
    )
    audit.record(REQUESTED, actor=actor, target=meeting, about=[newcomer, connector.participant])
    person = connector.participant
    _tell(
        person,
        "meeting_requested",
        {"meeting": meeting, "connector": person},
        page="connectors:meeting",
        connector_meeting_id=meeting.pk,
    )
    return meeting


def _check_room(connector: Connector) -> None:
    """A first meeting takes one of the meetings the connector offers this month. The
    connector's row is locked before the month is counted, so two newcomers (or two staff)
    asking at once cannot both take the last one: the second waits for the first to commit,
    then counts its meeting (tests/test_race.py, with its negative control). A follow-up of an
    introduction is not counted against it: the connector who named this contact asked for
    that meeting."""
    _lock_connector(connector)
    if _taken_this_month(connector) >= connector.meetings_per_month:
        raise ConnectorError(
            _("%(name)s has no room left for a meeting this month: choose another connector.")
            % {"name": connector.participant.full_name}
        )


def _lock_connector(connector: Connector) -> None:
    Connector.objects.select_for_update().filter(pk=connector.pk).first()


def _taken_this_month(connector: Connector) -> int:
    month = timezone.localdate().replace(day=1)
    start = timezone.make_aware(datetime.combine(month, datetime.min.time()))
    return (
        ConnectorMeeting.objects.filter(connector=connector, created_at__gte=start)
        .exclude(status=MeetingStatus.CANCELLED)
        .count()
    )


def _locked(meeting: ConnectorMeeting) -> ConnectorMeeting:
    return (
        ConnectorMeeting.objects.select_for_update(of=("self",))
        .select_related("program", "newcomer", "connector__participant")
        .get(pk=meeting.pk)
    )


@transaction.atomic
def meeting_offer_times(
    *, actor: Any, meeting: ConnectorMeeting, times: list[datetime], mode: str, where: str
) -> ConnectorMeeting:
    """The connector offers one to three times; the newcomer chooses one."""
    meeting = _locked(meeting)
    if meeting.status not in (MeetingStatus.REQUESTED, MeetingStatus.OFFERED):
        raise ConnectorError(_("Times can be offered only before the meeting is scheduled."))
    chosen = sorted(set(times))
    if not 1 <= len(chosen) <= TIMES_OFFERED_MAX:
        raise ConnectorError(_("Offer one, two or three different times."))
    if chosen[0] <= timezone.now():
        raise ConnectorError(_("Offer times in the future."))
    meeting.offered_times.all().delete()
    OfferedTime.objects.bulk_create(OfferedTime(meeting=meeting, starts_at=t) for t in chosen)
    meeting.status = MeetingStatus.OFFERED
    meeting.mode = mode
    meeting.where = where.strip()
    meeting.full_clean(exclude=["introduction", "requested_by"])
    meeting.save(update_fields=["status", "mode", "where"])
    audit.record(OFFERED, actor=actor, target=meeting, about=[meeting.newcomer])
    newcomer = meeting.newcomer
    _tell(
        newcomer,
        "times_offered",
        {"meeting": meeting, "times": chosen, "newcomer": newcomer},
        page="connectors:meeting",
        connector_meeting_id=meeting.pk,
    )
    return meeting


@transaction.atomic
def meeting_choose_time(
    *, actor: Any, meeting: ConnectorMeeting, offered_time_id: int
) -> ConnectorMeeting:
    """The newcomer takes one of the times: both receive a calendar invitation, each in their
    own language."""
    meeting = _locked(meeting)
    if meeting.status != MeetingStatus.OFFERED:
        raise ConnectorError(_("There is no time to choose for this meeting."))
    offered = meeting.offered_times.filter(pk=offered_time_id).first()
    if offered is None:
        raise ConnectorError(_("Choose one of the times offered."))
    meeting.starts_at = offered.starts_at
    meeting.status = MeetingStatus.SCHEDULED
    meeting.sequence += 1
    meeting.save(update_fields=["starts_at", "status", "sequence"])
    audit.record(SCHEDULED, actor=actor, target=meeting, about=[meeting.newcomer])
    for person in (meeting.newcomer, meeting.connector.participant):
        language = person.preferred_language
        _tell(
            person,
            "scheduled",
            {
                "meeting": meeting,
                "person": person,
                "facts": calendar.facts(meeting, language=language),
            },
            page="connectors:meeting",
            connector_meeting_id=meeting.pk,
            attachments=[
                attachment(
                    calendar.FILE_NAME,
                    calendar.invitation(meeting, language=language),
                    language=language,
                )
            ],
        )
    return meeting


@transaction.atomic
def meeting_cancel(*, actor: Any, meeting: ConnectorMeeting) -> ConnectorMeeting:
    meeting = _locked(meeting)
    if not meeting.is_open:
        raise ConnectorError(_("Only a meeting still to come can be cancelled."))
    meeting.status = MeetingStatus.CANCELLED
    meeting.sequence += 1
    meeting.save(update_fields=["status", "sequence"])
    audit.record(CANCELLED, actor=actor, target=meeting, about=[meeting.newcomer])
    return meeting


@transaction.atomic
def meeting_record_held(
    *, actor: Any, meeting: ConnectorMeeting, held_on: date
) -> ConnectorMeeting:
    meeting = _locked(meeting)
    if meeting.status == MeetingStatus.HELD:
        raise ConnectorError(_("This meeting is already recorded."))
    if meeting.status == MeetingStatus.CANCELLED:
        raise ConnectorError(_("This meeting was cancelled."))
    if held_on > timezone.localdate():
        raise ConnectorError(_("A meeting is recorded once it has taken place."))
    meeting.status = MeetingStatus.HELD
    meeting.held_on = held_on
    meeting.save(update_fields=["status", "held_on"])
    chain_recount(program=meeting.program, newcomer=meeting.newcomer)
    audit.record(HELD, actor=actor, target=meeting, about=[meeting.newcomer])
    return meeting


# --- Introductions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Contact:
    name: str
    email: str
    reason: str
    language: str = "en"


def _check_contacts(meeting: ConnectorMeeting, contacts: list[Contact]) -> None:
    """Every refusal says which contact and why; nothing is written unless all pass."""
    own = {_normalise(meeting.connector.participant.email)}
    user = meeting.connector.participant.user
    if user is not None:
        own.add(_normalise(user.email))
    newcomer = _normalise(meeting.newcomer.email)
    already = {
        _normalise(e)
        for e in Introduction.objects.filter(newcomer=meeting.newcomer).values_list(
            "contact_email", flat=True
        )
    }
    declined = set(
        DeclinedAddress.objects.filter(
            email__in=[_normalise(c.email) for c in contacts]
        ).values_list("email", flat=True)
    )
    seen: set[str] = set()
    for contact in contacts:
        email = _normalise(contact.email)
        if not contact.name.strip() or not email or not contact.reason.strip():
            raise ConnectorError(
                _("Give each contact a name, an e-mail address and a reason for the introduction.")
            )
        if email in own:
            raise ConnectorError(_("You cannot introduce the newcomer to yourself."))
        if email == newcomer:
            raise ConnectorError(
                _("This is the newcomer's own address: name one of your contacts.")
            )
        if email in seen:
            raise ConnectorError(
                _("%(email)s appears twice: name each contact once.") % {"email": email}
            )
        if email in already:
            raise ConnectorError(
                _("%(email)s was already introduced to this newcomer.") % {"email": email}
            )
        if email in declined:
            raise ConnectorError(
                _(
                    "The person at %(email)s declined a connector invitation: they are not "
                    "asked again. Name someone else."
                )
                % {"email": email}
            )
        seen.add(email)


@transaction.atomic
def introductions_record(
    *, actor: Any, meeting: ConnectorMeeting, contacts: list[Contact]
) -> list[Introduction]:
    """After the meeting, the connector names the people they introduce the newcomer to: at
    least three in all. A contact who is not a connector of the program yet receives an
    invitation saying who suggested them and why."""
    meeting = _locked(meeting)
    if meeting.status != MeetingStatus.HELD:
        raise ConnectorError(_("Record the meeting before naming your contacts."))
    _check_contacts(meeting, contacts)
    existing = meeting.introductions.count()
    if existing + len(contacts) < INTRODUCTIONS_TARGET:
        raise ConnectorError(
            _("Introduce the newcomer to at least %(count)d people.")
            % {"count": INTRODUCTIONS_TARGET}
        )
    connectors = {
        _normalise(c.participant.email): c
        for c in Connector.objects.filter(program=meeting.program, is_active=True).select_related(
            "participant"
        )
        if _normalise(c.participant.email) in {_normalise(x.email) for x in contacts}
    }
    created = []
    for contact in contacts:
        email = _normalise(contact.email)
        introduction = Introduction(
            meeting=meeting,
            made_by=meeting.connector,
            newcomer=meeting.newcomer,
            contact=connectors.get(email),
            contact_name=contact.name.strip(),
            contact_email=email,
            reason=contact.reason.strip(),
        )
        introduction.full_clean(exclude=["meeting", "made_by", "newcomer", "contact", "invitation"])
        if introduction.contact is None:
            pending = ConnectorInvitation.objects.filter(
                program=meeting.program,
                email=email,
                status=InvitationStatus.PENDING,
                expires_at__gt=timezone.now(),
            ).first()
            if pending is None:
                given, _space, family = contact.name.strip().partition(" ")
                pending, _token = connector_invite(
                    actor=actor,
                    program=meeting.program,
                    email=email,
                    given_name=given,
                    family_name=family,
                    language=contact.language,
                    reason=contact.reason,
                    suggested_by=meeting.connector,
                )
            introduction.invitation = pending
        try:
            with transaction.atomic():
                introduction.save()
        except IntegrityError as error:  # a second submission raced this one
            raise ConnectorError(
                _("%(email)s was already introduced to this newcomer.") % {"email": email}
            ) from error
        created.append(introduction)
    meeting.introductions_made = existing + len(created)
    meeting.save(update_fields=["introductions_made"])
    connector_introductions_add(connector=meeting.connector, count=len(created))
    chain_recount(program=meeting.program, newcomer=meeting.newcomer)
    audit.record(
        INTRODUCED,
        actor=actor,
        target=meeting,
        about=[meeting.newcomer, meeting.connector.participant],
        data={"count": len(created)},
    )
    newcomer = meeting.newcomer
    enrolment = _newcomer_enrolment(meeting.program, newcomer)
    _tell(
        newcomer,
        "introduced",
        {"newcomer": newcomer, "meeting": meeting, "introductions": created},
        page="connectors:newcomer",
        newcomer_id=enrolment.pk,
    )
    return created


# --- After the meeting -----------------------------------------------------------------------


def _held(meeting: ConnectorMeeting) -> ConnectorMeeting:
    meeting = _locked(meeting)
    if meeting.status != MeetingStatus.HELD:
        raise ConnectorError(_("This can be recorded once the meeting has taken place."))
    return meeting


@transaction.atomic
def feedback_give(
    *, actor: Any, meeting: ConnectorMeeting, side: str, text: str
) -> ConnectorMeeting:
    meeting = _held(meeting)
    field = "newcomer_feedback" if side == "newcomer" else "connector_feedback"
    setattr(meeting, field, text.strip())
    meeting.full_clean(exclude=["introduction", "requested_by"])
    meeting.save(update_fields=[field])
    audit.record(FEEDBACK, actor=actor, target=meeting, data={"side": side})
    return meeting


@transaction.atomic
def result_record(
    *, actor: Any, meeting: ConnectorMeeting, result: str, on: date | None
) -> ConnectorMeeting:
    """What the meeting led to (an interview, a job): drawn on the newcomer's chain and counted
    in the program's figures (time from the first meeting to a job)."""
    meeting = _held(meeting)
    if result not in Result.values:
        raise ConnectorError(_("Choose what the meeting led to."))
    if result and on is None:
        raise ConnectorError(_("Give the date."))
    if on is not None and (on > timezone.localdate() or (meeting.held_on and on < meeting.held_on)):
        raise ConnectorError(_("The date is between the meeting and today."))
    before = meeting.result
    meeting.result = result
    meeting.result_on = on if result else None
    meeting.save(update_fields=["result", "result_on"])
    connector_results_move(meeting=meeting, before=before, after=result)
    chain_recount(program=meeting.program, newcomer=meeting.newcomer)
    audit.record(
        RESULT, actor=actor, target=meeting, about=[meeting.newcomer], data={"result": result}
    )
    return meeting


@transaction.atomic
def mentorship_consent(
    *, actor: Any, meeting: ConnectorMeeting, side: str, wants: bool
) -> ConnectorMeeting:
    """Either person may ask to continue as a mentorship; it goes ahead only when both do, and
    then the program's staff are told, who propose the pair in the one-to-one flow."""
    meeting = _held(meeting)
    field = "newcomer_wants_mentorship" if side == "newcomer" else "connector_wants_mentorship"
    setattr(meeting, field, wants)
    meeting.save(update_fields=[field])
    audit.record(MENTORSHIP_ASKED, actor=actor, target=meeting, data={"side": side, "wants": wants})
    if meeting.wants_mentorship and meeting.mentorship_opened_at is None:
        for person in program_staff(meeting.program):
            _tell(
                person,
                "mentorship_wanted",
                {"meeting": meeting},
                page="connectors:meeting",
                connector_meeting_id=meeting.pk,
            )
    return meeting


@transaction.atomic
def mentorship_open(*, actor: User, meeting: ConnectorMeeting) -> Any:
    """Both agreed: staff open the one-to-one flow with a proposal of this pair on the desk
    (published to both from there, as any proposal)."""
    from tandem.matching.services.base import DeskError
    from tandem.matching.services.drafts import proposal_create_manual

    meeting = _held(meeting)
    if not meeting.wants_mentorship:
        raise ConnectorError(_("Both people must ask to continue before a mentorship is proposed."))
    if meeting.mentorship_opened_at is not None:
        raise ConnectorError(_("A mentorship was already proposed for this meeting."))
    try:
        proposal = proposal_create_manual(
            actor=actor,
            program=meeting.program,
            mentee=meeting.newcomer,
            mentor=meeting.connector.participant,
            reason=_("Both asked to continue after their connector meeting."),
        )
    except DeskError as error:
        raise ConnectorError(str(error)) from error
    meeting.mentorship_opened_at = timezone.now()
    meeting.save(update_fields=["mentorship_opened_at"])
    audit.record(
        MENTORSHIP_OPENED,
        actor=actor,
        target=meeting,
        about=[proposal],
        data={"proposal": proposal.pk},
    )
    return proposal
