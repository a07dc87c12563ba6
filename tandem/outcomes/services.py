"""Writes at and after the end of a mentorship: closure (or an extension), exit surveys, the
employment outcome history, consent to be contacted, and follow-ups with single-use links."""

import hashlib
import secrets
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.accounts.models import User
from tandem.core import audit, sweeps
from tandem.core import consent as consent_registry
from tandem.core.mail import send_to_person
from tandem.mentorships.models import ACTIVE_STATUSES, Mentorship, MentorshipStatus
from tandem.outcomes.models import (
    Closure,
    ClosureKind,
    ContactConsent,
    EmploymentOutcome,
    ExitSurvey,
    Extension,
    FollowUp,
    OutcomeSettings,
    OutcomeSource,
    default_followup_months,
)
from tandem.participants.models import BehalfAction, OnBehalf, Participant


class OutcomeError(Exception):
    """A rule of closure or follow-up was broken; the message is translated for the person."""


CLOSED = audit.event("mentorship.closed", gettext_lazy("Mentorship closed"))
EXTENDED = audit.event("mentorship.extended", gettext_lazy("Mentorship extended"))
SURVEY_DONE = audit.event("exit_survey.submitted", gettext_lazy("Exit survey completed"))
OUTCOME_RECORDED = audit.event("outcome.recorded", gettext_lazy("Employment status recorded"))
CONSENT_GIVEN = audit.event("consent.given", gettext_lazy("Agreed to be contacted for follow-ups"))
CONSENT_WITHDRAWN = audit.event("consent.withdrawn", gettext_lazy("Asked not to be contacted"))
FOLLOW_UP_SENT = audit.event("follow_up.sent", gettext_lazy("Follow-up sent"))
# Answers through a follow-up link: the person, who may have no account.
FOLLOW_UP_LINK = audit.SystemActor("follow-up link")


def _site_url() -> str:
    return settings.SITE_URL.rstrip("/")


def settings_for(program) -> OutcomeSettings:
    found = OutcomeSettings.objects.filter(program=program).first()
    return found or OutcomeSettings(program=program, followup_months=default_followup_months())


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day (31 January + 1 month = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def may_contact(participant: Participant) -> bool:
    consent = ContactConsent.objects.filter(participant=participant).first()
    return consent is None or consent.withdrawn_at is None


# --- Closure and extension -------------------------------------------------------------------


@transaction.atomic
def mentorship_close(
    *,
    actor: User,
    mentorship: Mentorship,
    kind: str,
    ended_on: date,
    early_reason: str = "",
    note: str = "",
) -> Closure:
    mentorship = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    if (
        mentorship.status not in ACTIVE_STATUSES
        or Closure.objects.filter(mentorship=mentorship).exists()
    ):
        raise OutcomeError(_("This mentorship is already closed."))
    if kind == ClosureKind.EARLY and not early_reason:
        raise OutcomeError(_("Choose the reason the mentorship ended early."))
    if kind != ClosureKind.EARLY:
        early_reason = ""
    if ended_on > timezone.localdate():
        raise OutcomeError(_("A mentorship is closed on or after its last day."))
    closure = Closure.objects.create(
        mentorship=mentorship,
        kind=kind,
        early_reason=early_reason,
        note=note,
        ended_on=ended_on,
        closed_by=actor,
    )
    mentorship.status = (
        MentorshipStatus.ENDED_EARLY if kind == ClosureKind.EARLY else MentorshipStatus.COMPLETED
    )
    mentorship.ended_on = ended_on
    mentorship.save(update_fields=["status", "ended_on"])
    audit.record(
        CLOSED,
        actor=actor,
        target=mentorship,
        about=[mentorship.mentee, mentorship.mentor],
        data={"kind": kind, "ended_on": ended_on.isoformat(), "early_reason": early_reason},
    )
    follow_ups = followups_schedule(mentorship=mentorship, ended_on=ended_on)
    for person in (mentorship.mentor, mentorship.mentee):
        send_to_person(
            email=person.email,
            language=person.preferred_language,
            template="outcomes/mail/closed",
            context={
                "person": person,
                "mentorship": mentorship,
                "closure": closure,
                "is_mentee": person.pk == mentorship.mentee_id,
                "site_url": _site_url(),
            },
        )
    _enqueue_followups(follow_ups)
    return closure


def followups_schedule(*, mentorship: Mentorship, ended_on: date) -> list[FollowUp]:
    """Follow-ups of the mentee at the program's intervals, at 10:00 local time on the day."""
    program_settings = settings_for(mentorship.program)
    created = []
    for months in sorted(set(program_settings.followup_months)):
        due = timezone.make_aware(datetime.combine(add_months(ended_on, months), time(10)))
        follow_up, was_created = FollowUp.objects.get_or_create(
            mentorship=mentorship,
            participant=mentorship.mentee,
            months=months,
            defaults={"due_at": due},
        )
        if was_created:
            created.append(follow_up)
    return created


def _enqueue_followups(follow_ups: list[FollowUp]) -> None:
    """Each follow-up waits in the queue for its day; the periodic sweep catches anything a
    stopped worker or a lost task missed. Either may run first: sending is idempotent."""
    from tandem.core.sweeps import can_defer, sweeps_ensure_scheduled
    from tandem.outcomes.tasks import followup_send_task

    def enqueue() -> None:
        if not can_defer():
            return
        for follow_up in follow_ups:
            followup_send_task.using(run_after=follow_up.due_at).enqueue(follow_up.pk)
        sweeps_ensure_scheduled()

    transaction.on_commit(enqueue)


@transaction.atomic
def mentorship_extend(
    *,
    actor: User,
    mentorship: Mentorship,
    new_end_on: date,
    mentor_agreed: bool,
    mentee_agreed: bool,
    note: str = "",
) -> Extension:
    from tandem.meetings.selectors import expected_end_of

    mentorship = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    if mentorship.status not in ACTIVE_STATUSES:
        raise OutcomeError(_("Only an ongoing mentorship can be extended."))
    if not (mentor_agreed and mentee_agreed):
        raise OutcomeError(_("An extension needs the agreement of both the mentor and the mentee."))
    previous = expected_end_of(mentorship) or timezone.localdate()
    if new_end_on <= previous:
        raise OutcomeError(
            _("The new end must be after the current expected end (%(end)s).")
            % {"end": previous.isoformat()}
        )
    extension = Extension.objects.create(
        mentorship=mentorship,
        previous_end_on=previous,
        new_end_on=new_end_on,
        note=note,
        mentor_agreed=mentor_agreed,
        mentee_agreed=mentee_agreed,
        recorded_by=actor,
    )
    # The agreement and the mentorship carry the expected end that every page reads; the
    # extension row keeps the history of what was agreed.
    mentorship.expected_end_on = new_end_on
    mentorship.attention_stale = True  # a longer term changes the pace it is measured against
    mentorship.save(update_fields=["expected_end_on", "attention_stale"])
    agreement = getattr(mentorship, "agreement", None)
    if agreement is not None:
        agreement.expected_end_on = new_end_on
        agreement.save(update_fields=["expected_end_on", "updated_at"])
    audit.record(
        EXTENDED,
        actor=actor,
        target=mentorship,
        about=[mentorship.mentee, mentorship.mentor],
        data={"from": previous.isoformat(), "to": new_end_on.isoformat()},
    )
    return extension


# --- Exit surveys and the employment outcome history ----------------------------------------


@transaction.atomic
def exit_survey_submit(
    *,
    actor: User,
    mentorship: Mentorship,
    participant: Participant,
    employment: dict[str, Any] | None = None,
    **answers: Any,
) -> ExitSurvey:
    if not Closure.objects.filter(mentorship=mentorship).exists():
        raise OutcomeError(_("The exit survey opens when the mentorship is closed."))
    try:
        with transaction.atomic():
            survey = ExitSurvey.objects.create(
                mentorship=mentorship, participant=participant, submitted_by=actor, **answers
            )
    except IntegrityError as error:
        raise OutcomeError(_("This exit survey was already completed.")) from error
    if participant.pk == mentorship.mentee_id and employment:
        outcome_record(
            actor=actor,
            participant=participant,
            mentorship=mentorship,
            source=OutcomeSource.EXIT,
            **employment,
        )
    audit.record(SURVEY_DONE, actor=actor, target=survey, about=[participant, mentorship])
    return survey


def outcome_record(
    *,
    actor: Any,
    participant: Participant,
    source: str,
    status: str,
    interviews_granted: int = 0,
    employed_on: date | None = None,
    job_title: str = "",
    mentorship: Mentorship | None = None,
    follow_up: FollowUp | None = None,
    now: datetime | None = None,
) -> EmploymentOutcome:
    """Appends an entry to the person's employment history; earlier entries stay as they were."""
    outcome = EmploymentOutcome.objects.create(
        participant=participant,
        mentorship=mentorship,
        source=source,
        follow_up=follow_up,
        status=status,
        interviews_granted=interviews_granted or 0,
        employed_on=employed_on,
        job_title=job_title,
        recorded_by=None if isinstance(actor, audit.SystemActor) else actor,
        recorded_at=now or timezone.now(),
    )
    audit.record(
        OUTCOME_RECORDED,
        actor=actor,
        target=outcome,
        about=[participant],
        data={"status": status, "source": source},
    )
    return outcome


@transaction.atomic
def consent_set(
    *, actor: Any, participant: Participant, may_contact: bool, now: datetime | None = None
) -> ContactConsent:
    """Withdrawing cancels every follow-up not yet sent; giving consent back does not revive
    them (staff may schedule new ones)."""
    now = now or timezone.now()
    consent, _created = ContactConsent.objects.select_for_update().get_or_create(
        participant=participant
    )
    consent.withdrawn_at = None if may_contact else (consent.withdrawn_at or now)
    consent.recorded_by = None if isinstance(actor, audit.SystemActor) else actor
    consent.save(update_fields=["withdrawn_at", "recorded_by", "updated_at"])
    audit.record(
        CONSENT_GIVEN if may_contact else CONSENT_WITHDRAWN,
        actor=actor,
        target=consent,
        about=[participant],
    )
    consent_registry.changed(
        purpose=consent_registry.FOLLOW_UPS, participant=participant, given=may_contact, actor=actor
    )
    if not may_contact:
        FollowUp.objects.filter(
            participant=participant, sent_at__isnull=True, cancelled_at__isnull=True
        ).update(cancelled_at=now)
    return consent


# --- Follow-ups ------------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def followup_send(*, follow_up_id: int, now: datetime | None = None) -> bool:
    """Sends one follow-up if it is due and was never sent. True when this call sent it.

    The conditional UPDATE is the guard: of two workers (or a task and the sweep) that reach the
    same follow-up, only the one whose update changes the row sends the mail.
    """
    now = now or timezone.now()
    follow_up = (
        FollowUp.objects.select_related("participant", "mentorship", "mentorship__program")
        .filter(pk=follow_up_id)
        .first()
    )
    if (
        follow_up is None
        or follow_up.sent_at
        or follow_up.cancelled_at
        or follow_up.answered_at  # answered by phone through staff before its mail went
        or follow_up.due_at > now
    ):
        return False
    person = follow_up.participant
    if not may_contact(person):
        FollowUp.objects.filter(pk=follow_up.pk, sent_at__isnull=True).update(cancelled_at=now)
        return False
    token = secrets.token_urlsafe(32)
    valid_days = settings_for(follow_up.mentorship.program).link_valid_days
    expires_at = now + timedelta(days=valid_days)
    claimed = FollowUp.objects.filter(
        pk=follow_up.pk, sent_at__isnull=True, cancelled_at__isnull=True, answered_at__isnull=True
    ).update(sent_at=now, token_hash=token_hash(token), expires_at=expires_at)
    if claimed != 1:
        return False
    audit.record(
        FOLLOW_UP_SENT,
        actor=audit.SWEEPS,
        target=follow_up,
        about=[person],
        data={"months": follow_up.months},
    )
    send_to_person(
        email=person.email,
        language=person.preferred_language,
        template="outcomes/mail/follow_up",
        context={
            "person": person,
            "follow_up": follow_up,
            "program": follow_up.mentorship.program,
            "token": token,
            "expires_at": expires_at,
            "site_url": _site_url(),
        },
    )
    return True


def followups_send_due(*, now: datetime | None = None) -> int:
    """Every follow-up whose day has come and that was never sent, however late (a worker that
    was down sends each missed one exactly once when it comes back)."""
    now = now or timezone.now()
    due = FollowUp.objects.filter(
        sent_at__isnull=True, cancelled_at__isnull=True, due_at__lte=now
    ).values_list("pk", flat=True)
    # sweeps.each: a stopping worker ends here; each one sent is committed, the rest wait.
    return sum(followup_send(follow_up_id=pk, now=now) for pk in sweeps.each(list(due)))


class LinkProblem(Exception):
    """Why a follow-up link cannot be used: `unknown`, `used` or `expired`."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def followup_for_token(token: str, *, now: datetime | None = None) -> FollowUp:
    now = now or timezone.now()
    follow_up = (
        FollowUp.objects.select_related("participant", "mentorship", "mentorship__program")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if follow_up is None or follow_up.cancelled_at:
        raise LinkProblem("unknown")
    if follow_up.answered_at:
        raise LinkProblem("used")
    if follow_up.expires_at is None or follow_up.expires_at <= now:
        raise LinkProblem("expired")
    return follow_up


@transaction.atomic
def followup_answer(
    *,
    token: str,
    status: str,
    interviews_granted: int = 0,
    employed_on: date | None = None,
    job_title: str = "",
    stop_contact: bool = False,
    now: datetime | None = None,
) -> EmploymentOutcome:
    """Records the answer once: the link is spent by the same conditional update that claims it."""
    now = now or timezone.now()
    follow_up = followup_for_token(token, now=now)
    outcome = _followup_claim(
        actor=FOLLOW_UP_LINK,
        follow_up=follow_up,
        stop_contact=stop_contact,
        now=now,
        status=status,
        interviews_granted=interviews_granted,
        employed_on=employed_on,
        job_title=job_title,
    )
    if outcome is None:
        raise LinkProblem("used")
    return outcome


def _followup_claim(
    *, actor: Any, follow_up: FollowUp, stop_contact: bool, now: datetime, **answer: Any
) -> EmploymentOutcome | None:
    """Records a follow-up's answer once, whoever brings it (the link, or staff by phone): the
    conditional update that claims the follow-up also spends its link. None when it was
    already answered or cancelled."""
    claimed = FollowUp.objects.filter(
        pk=follow_up.pk, answered_at__isnull=True, cancelled_at__isnull=True
    ).update(answered_at=now)
    if claimed != 1:
        return None
    outcome = outcome_record(
        actor=actor,
        participant=follow_up.participant,
        mentorship=follow_up.mentorship,
        follow_up=follow_up,
        source=OutcomeSource.FOLLOW_UP,
        now=now,
        **answer,
    )
    if stop_contact:
        consent_set(actor=actor, participant=follow_up.participant, may_contact=False, now=now)
    return outcome


# Staff may call a person about a follow-up this long before its day (a call in the same month).
BEHALF_EARLY_DAYS = 30


@transaction.atomic
def followup_answer_on_behalf(
    *,
    actor: User,
    follow_up: FollowUp,
    channel: str,
    stop_contact: bool = False,
    now: datetime | None = None,
    **answer: Any,
) -> OnBehalf:
    """Staff record the answer a person gave them to a follow-up (by phone, in person, on
    paper; `answer`: the link's questions, status, interviews_granted, employed_on and
    job_title): the same single claim as the link, so the link (if it was sent) is spent and
    a mail not yet sent is not sent; the entry says who recorded it, how and when."""
    from tandem.meetings.behalf import record_on_behalf

    now = now or timezone.now()

    def call() -> EmploymentOutcome:
        if follow_up.cancelled_at:
            raise OutcomeError(
                _("This follow-up was cancelled: the person asked not to be contacted.")
            )
        if follow_up.due_at > now + timedelta(days=BEHALF_EARLY_DAYS):
            raise OutcomeError(_("This follow-up is not due yet."))
        outcome = _followup_claim(
            actor=actor, follow_up=follow_up, stop_contact=stop_contact, now=now, **answer
        )
        if outcome is None:
            raise OutcomeError(_("This follow-up was already answered."))
        return outcome

    return record_on_behalf(
        actor=actor,
        participant=follow_up.participant,
        action=BehalfAction.FOLLOW_UP,
        channel=channel,
        call=call,
        errors=(OutcomeError,),
        detail=str(follow_up.months),
    )
