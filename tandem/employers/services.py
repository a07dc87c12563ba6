"""Writes of the employers area: keyword-only, `actor=`, atomic, one named audit event each;
mail goes in the recipient's language once the transaction commits (`core.mail`)."""

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.accounts.models import User
from tandem.core import audit, consent, sweeps
from tandem.core.mail import render_message, send_to_person
from tandem.employers.models import (
    OPEN_HELP,
    OPEN_STATUSES,
    ActivityStatus,
    CareerTrack,
    EmployerSharing,
    HelpStatus,
    LeadHelp,
    PartnerHire,
    PartnerInvitation,
    TrackPlacement,
    WorkplaceActivity,
    WorkplaceTerms,
)
from tandem.employers.sharing import EMPLOYER_SHARING
from tandem.mentorships.models import Mentorship
from tandem.organizations.models import Organization
from tandem.outcomes.models import EmploymentOutcome
from tandem.participants.models import Participant
from tandem.programs.models import Enrolment, Program

MENTORS_INVITED = audit.event(
    "employers.mentors_invited", gettext_lazy("Colleagues or members invited to mentor")
)
TERMS_RECORDED = audit.event(
    "employers.terms_recorded", gettext_lazy("Work-hours mentoring and workplace hosting recorded")
)
ACTIVITY_PROPOSED = audit.event(
    "employers.activity_proposed", gettext_lazy("Workplace activity offered or requested")
)
ACTIVITY_CHANGED = audit.event(
    "employers.activity_changed", gettext_lazy("Workplace activity agreed, held or cancelled")
)
HIRE_RECORDED = audit.event("employers.hire_recorded", gettext_lazy("Hire by a partner recorded"))
TRACKS_CHANGED = audit.event("employers.tracks_changed", gettext_lazy("Career tracks changed"))
TRACK_PLACED = audit.event("employers.track_placed", gettext_lazy("Placed on a career track"))
SHARING_CHANGED = audit.event(
    "employers.sharing_changed",
    gettext_lazy("Sharing with the mentor's employer given or withdrawn"),
)
HELP_OFFERED = audit.event(
    "employers.help_offered", gettext_lazy("Lead agency offered help on an employer's program")
)
HELP_ANSWERED = audit.event(
    "employers.help_answered", gettext_lazy("Employer accepted or declined a lead agency's help")
)
HELP_ENDED = audit.event(
    "employers.help_ended", gettext_lazy("Lead agency's help withdrawn or ended")
)

# One paste at a time: a partner's whole department or a chapter's member list, not a mailing.
MAX_ADDRESSES = 500
# An address invited less than this long ago is not mailed again (a second paste of the same
# list must not flood anyone's mailbox).
REINVITE_AFTER = timedelta(days=7)
SEPARATORS = re.compile(r"[\n;]+")
# How many invitations one worker task mails: small enough that a retry repeats little.
MAIL_CHUNK = 100


class EmployersError(Exception):
    """A refused write; the message is translated for the person acting."""


@dataclass
class Refusal:
    line: str
    reason: str


@dataclass
class InviteResult:
    invited: list[str] = field(default_factory=list)
    skipped: list[Refusal] = field(default_factory=list)  # well-formed, not mailed, and why
    refused: list[Refusal] = field(default_factory=list)  # malformed, with the reason


def parse_addresses(text: str, *, language: str) -> tuple[list[tuple[str, str]], list[Refusal]]:
    """One address a line (or separated by ";"), optionally followed by ", fr" or ", en" for
    the person's language. Returns the (address, language) pairs and the lines refused, each
    with its reason. Raises EmployersError over MAX_ADDRESSES lines."""
    lines = [line.strip() for line in SEPARATORS.split(text) if line.strip()]
    if len(lines) > MAX_ADDRESSES:
        raise EmployersError(
            _("Paste at most %(limit)s addresses at a time (this list has %(count)s).")
            % {"limit": MAX_ADDRESSES, "count": len(lines)}
        )
    languages = dict(settings.LANGUAGES)
    valid: list[tuple[str, str]] = []
    refused: list[Refusal] = []
    seen: set[str] = set()
    for line in lines:
        address, _comma, chosen = line.partition(",")
        address = address.strip().strip("<>").lower()
        chosen = chosen.strip().lower() or language
        if len(line) > 300:
            refused.append(Refusal(line[:60] + "…", _("This line is too long.")))
            continue
        try:
            validate_email(address)
        except ValidationError:
            refused.append(Refusal(line, _("This is not an e-mail address.")))
            continue
        if chosen not in languages:
            refused.append(
                Refusal(line, _("Write the language as “en” or “fr” after a comma, or leave it."))
            )
            continue
        if address in seen:
            refused.append(Refusal(line, _("This address is already in the list.")))
            continue
        seen.add(address)
        valid.append((address, chosen))
    return valid, refused


def application_link(*, program: Program, partner: Organization, language: str) -> str:
    """The program's mentor application, with the partner already chosen."""
    with translation.override(language):
        path = reverse("referrals:mentor_application", kwargs={"program_slug": program.slug})
    return settings.SITE_URL.rstrip("/") + path + "?" + urlencode({"partner": partner.slug})


@transaction.atomic
def mentors_invite(
    *, actor: User, partner: Organization, program: Program, text: str, language: str
) -> InviteResult:
    """Invites a partner's colleagues or members to apply as mentors of `program`.

    Valid addresses are mailed, each in its own language, by the worker once this commits;
    malformed lines come back with their reason and nothing else is lost. People already
    recruited by the partner for this program's organization, and addresses invited in the
    last week, are listed and not mailed again."""
    valid, refused = parse_addresses(text, language=language)
    result = InviteResult(refused=refused)
    if not valid:
        return result
    # One paste at a time per partner: two colleagues pasting the same list at once cannot
    # both insert the same invitation (the unique index would refuse the second whole).
    Organization.objects.select_for_update().filter(pk=partner.pk).first()
    addresses = [address for address, _language in valid]
    mentors = set(
        Participant.objects.filter(
            organization=program.organization,
            role="mentor",
            recruited_by=partner,
            email__in=addresses,
        ).values_list("email", flat=True)
    )
    earlier = {
        row.email: row
        for row in PartnerInvitation.objects.select_for_update().filter(
            partner=partner, program=program, email__in=addresses
        )
    }
    now = timezone.now()
    to_create = []
    again: list[int] = []
    for address, chosen in valid:
        if address in mentors:
            result.skipped.append(Refusal(address, _("Already a mentor recruited by you.")))
            continue
        previous = earlier.get(address)
        if previous is not None and previous.sent_at > now - REINVITE_AFTER:
            result.skipped.append(Refusal(address, _("Already invited in the last seven days.")))
            continue
        if previous is not None:
            previous.sent_at, previous.language, previous.invited_by = now, chosen, actor
            previous.mailed_at = None
            previous.save(update_fields=["sent_at", "language", "invited_by", "mailed_at"])
            again.append(previous.pk)
        else:
            to_create.append(
                PartnerInvitation(
                    partner=partner,
                    program=program,
                    email=address,
                    language=chosen,
                    invited_by=actor,
                    sent_at=now,
                )
            )
        result.invited.append(address)
    created = PartnerInvitation.objects.bulk_create(to_create)
    _mail_later(again + [invitation.pk for invitation in created])
    if result.invited:
        audit.record(
            MENTORS_INVITED,
            actor=actor,
            target=partner,
            about=[program],
            data={"invited": len(result.invited), "refused": len(result.refused)},
        )
    return result


def _mail_later(ids: list[int]) -> None:
    from tandem.employers.tasks import partner_invitations_send

    for start in range(0, len(ids), MAIL_CHUNK):
        chunk = ids[start : start + MAIL_CHUNK]
        transaction.on_commit(partial(partner_invitations_send.enqueue, chunk))


def invitations_send(*, invitation_ids: list[int]) -> int:
    """The worker: writes and mails each invitation not yet mailed, in its language; returns how
    many were mailed. Each is marked in the transaction that hands it to the mail backend, so a
    retried task never mails one twice and a failure leaves it for the retry.

    A chunk is up to MAIL_CHUNK mails through SMTP: a worker told to stop (a deploy's SIGTERM)
    leaves after the invitation in hand (`sweeps.each`) instead of holding the stop, and the
    rest go back to the queue as a task of their own (no sweep would find them again)."""
    mailed = 0
    done = 0
    for pk in sweeps.each(invitation_ids):
        done += 1
        with transaction.atomic():
            invitation = (
                PartnerInvitation.objects.select_for_update(of=("self",))
                .filter(pk=pk, mailed_at__isnull=True)
                .select_related("partner", "program", "program__organization", "invited_by")
                .first()
            )
            if invitation is None:
                continue
            inviter = invitation.invited_by
            message = render_message(
                email=invitation.email,
                language=invitation.language,
                template="employers/mail/invitation",
                context={
                    "partner": invitation.partner,
                    "program": invitation.program,
                    "inviter": (inviter.get_full_name() or inviter.email) if inviter else "",
                    "url": application_link(
                        program=invitation.program,
                        partner=invitation.partner,
                        language=invitation.language,
                    ),
                },
            )
            message.send()
            invitation.mailed_at = timezone.now()
            invitation.save(update_fields=["mailed_at"])
            mailed += 1
    rest = list(invitation_ids[done:])
    if rest:
        # Stopped early: whichever worker takes the task mails the rest (each once: the
        # `mailed_at` guard above).
        from tandem.employers.tasks import partner_invitations_send

        partner_invitations_send.enqueue(rest)
    return mailed


# --- What a recruited mentor's employer allows ----------------------------------------------


@transaction.atomic
def terms_record(
    *, actor: User, participant: Participant, in_work_hours: bool, hosts_activities: bool
) -> WorkplaceTerms:
    terms, _created = WorkplaceTerms.objects.select_for_update().get_or_create(
        participant=participant
    )
    terms.mentors_in_work_hours = in_work_hours
    terms.hosts_activities = hosts_activities
    terms.updated_by = actor
    terms.save()
    audit.record(
        TERMS_RECORDED,
        actor=actor,
        target=terms,
        about=[participant],
        data={"in_work_hours": in_work_hours, "hosts_activities": hosts_activities},
    )
    return terms


def can_host(mentorship: Mentorship) -> bool:
    terms = WorkplaceTerms.objects.filter(participant=mentorship.mentor_id).first()
    return terms is not None and terms.hosts_activities


# --- Workplace activities -------------------------------------------------------------------


@transaction.atomic
def activity_propose(
    *,
    actor: User,
    mentorship: Mentorship,
    side: str | None,
    kind: str,
    planned_on: date,
    host_detail: str = "",
    note: str = "",
) -> WorkplaceActivity:
    """The mentor offers, or the mentee requests, a workplace activity (staff may write either
    for them: `side` is whose proposal it is). Only a mentor who can host receives one."""
    # The pair's row: two proposals at once cannot both pass the checks below unseen.
    Mentorship.objects.select_for_update().filter(pk=mentorship.pk).first()
    if not mentorship.is_active:
        raise EmployersError(_("This mentorship has ended."))
    if not can_host(mentorship):
        raise EmployersError(_("The mentor has not said that they can host workplace activities."))
    if planned_on < timezone.localdate():
        raise EmployersError(_("Choose a day from today on."))
    if planned_on > timezone.localdate() + timedelta(days=366):
        raise EmployersError(_("Choose a day within the next year."))
    status = ActivityStatus.OFFERED if side == "mentor" else ActivityStatus.REQUESTED
    activity = WorkplaceActivity(
        mentorship=mentorship,
        kind=kind,
        status=status,
        planned_on=planned_on,
        host=mentorship.mentor.recruited_by,
        host_detail=host_detail,
        note=note,
        created_by=actor,
    )
    activity.full_clean()
    activity.save()
    audit.record(
        ACTIVITY_PROPOSED,
        actor=actor,
        target=activity,
        about=[mentorship, mentorship.mentor, mentorship.mentee],
        data={"kind": kind, "status": status},
    )
    return activity


@transaction.atomic
def activity_answer(
    *,
    actor: User,
    activity: WorkplaceActivity,
    side: str | None,
    what: str,
    held_on: date | None = None,
) -> WorkplaceActivity:
    """`agree` (the other side of the pair, or staff), `held` (either side or staff, with the
    day it was held) or `cancel` (either side or staff)."""
    activity = WorkplaceActivity.objects.select_for_update().get(pk=activity.pk)
    if activity.status not in OPEN_STATUSES:
        raise EmployersError(_("This activity is already held or cancelled."))
    if what == "agree":
        proposer = "mentor" if activity.status == ActivityStatus.OFFERED else "mentee"
        if activity.status == ActivityStatus.AGREED:
            raise EmployersError(_("This activity is already agreed."))
        if side == proposer:
            raise EmployersError(_("The other person of the pair agrees to it."))
        activity.status = ActivityStatus.AGREED
    elif what == "held":
        if held_on is None:
            raise EmployersError(_("Write the day it was held."))
        if held_on > timezone.localdate():
            raise EmployersError(_("An activity is recorded once it is held: not a future day."))
        activity.status, activity.held_on, activity.recorded_by = (
            ActivityStatus.HELD,
            held_on,
            actor,
        )
    elif what == "cancel":
        activity.status = ActivityStatus.CANCELLED
    else:
        raise EmployersError(_("Choose what to do with this activity."))
    activity.save(update_fields=["status", "held_on", "recorded_by"])
    audit.record(
        ACTIVITY_CHANGED,
        actor=actor,
        target=activity,
        about=[activity.mentorship],
        data={"status": activity.status},
    )
    return activity


# --- What a mentee shares with their mentor's employer ---------------------------------------


@transaction.atomic
def sharing_set(*, actor: Any, participant: Participant, given: bool) -> EmployerSharing:
    """Gives or withdraws the consent; the partner's next page reads it (nothing is copied to
    the employer, so a withdrawal takes effect at once). core.consent's store writes through
    here, and the privacy app appends the change to the person's consent history."""
    sharing, _created = EmployerSharing.objects.select_for_update().get_or_create(
        participant=participant
    )
    sharing.is_given = given
    sharing.updated_by = actor if isinstance(actor, User) else None
    sharing.save(update_fields=["is_given", "updated_by", "updated_at"])
    audit.record(
        SHARING_CHANGED, actor=actor, target=sharing, about=[participant], data={"given": given}
    )
    consent.changed(purpose=EMPLOYER_SHARING, participant=participant, given=given, actor=actor)
    return sharing


def sharing_refused(ids: Collection[int]) -> set[int]:
    """core.consent's store: who among these has not agreed (no answer is a no)."""
    agreed = set(
        EmployerSharing.objects.filter(participant_id__in=list(ids), is_given=True).values_list(
            "participant_id", flat=True
        )
    )
    return set(ids) - agreed


# --- Hires and tracks -----------------------------------------------------------------------


@transaction.atomic
def hire_record(*, actor: User, outcome: EmploymentOutcome, employer: Organization) -> PartnerHire:
    """Staff name the partner employer that hired a mentee (on an employed outcome)."""
    if not outcome.is_employed:
        raise EmployersError(_("Only an outcome where the person is employed names an employer."))
    hire, _created = PartnerHire.objects.update_or_create(
        outcome=outcome, defaults={"employer": employer, "recorded_by": actor}
    )
    audit.record(
        HIRE_RECORDED,
        actor=actor,
        target=hire,
        about=[outcome.participant, employer],
        data={"employer": employer.pk},
    )
    return hire


@transaction.atomic
def tracks_set(*, actor: User, program: Program, stages: list[str]) -> list[CareerTrack]:
    """The career stages a program offers; a stage removed takes its placements with it."""
    CareerTrack.objects.filter(program=program).exclude(stage__in=stages).delete()
    for stage in stages:
        CareerTrack.objects.get_or_create(program=program, stage=stage)
    audit.record(TRACKS_CHANGED, actor=actor, target=program, data={"stages": sorted(stages)})
    return list(CareerTrack.objects.filter(program=program))


@transaction.atomic
def track_place(*, actor: User, enrolment: Enrolment, track: CareerTrack | None) -> None:
    if track is None:
        TrackPlacement.objects.filter(enrolment=enrolment).delete()
    else:
        if track.program_id != enrolment.program_id:
            raise EmployersError(_("Choose a track of this person's program."))
        TrackPlacement.objects.update_or_create(
            enrolment=enrolment, defaults={"track": track, "placed_by": actor}
        )
    audit.record(
        TRACK_PLACED,
        actor=actor,
        target=enrolment,
        about=[enrolment.participant],
        data={"track": track.stage if track else None},
    )


# --- A lead agency helps on an employer-hosted program --------------------------------------


@transaction.atomic
def help_offer(*, actor: User, program: Program, lead: Organization, note: str = "") -> LeadHelp:
    """A lead agency's staff member offers to help run an employer-hosted program of its
    network; the program's own staff hear of it (in their language) and decide."""
    from tandem.programs.access import program_staff

    # The program's row: two clicks at once make one offer (the unique index would refuse the
    # second with an error page).
    Program.objects.select_for_update().filter(pk=program.pk).first()
    if LeadHelp.objects.filter(program=program, helper=actor, status__in=OPEN_HELP).exists():
        raise EmployersError(_("You have already offered to help on this program."))
    offer = LeadHelp.objects.create(
        program=program,
        lead=lead,
        helper=actor,
        status=HelpStatus.OFFERED,
        note=note,
        offered_at=timezone.now(),
    )
    audit.record(HELP_OFFERED, actor=actor, target=offer, about=[program, lead])
    for person in program_staff(program):
        if person.pk == actor.pk:
            continue
        send_to_person(
            email=person.email,
            language=person.preferred_language,
            template="employers/mail/help",
            context={
                "help": offer,
                "program": program,
                "lead": lead,
                "helper": actor.get_full_name() or actor.email,
                "url": _page("employers:help", person.preferred_language, program.pk),
            },
        )
    return offer


@transaction.atomic
def help_answer(*, actor: User, offer: LeadHelp, accept: bool) -> LeadHelp:
    """The employer's coordinator accepts an offer (the helper runs the program from their next
    page) or declines it; the helper hears of it in their language."""
    offer = LeadHelp.objects.select_for_update().select_related("program", "lead").get(pk=offer.pk)
    if offer.status != HelpStatus.OFFERED:
        raise EmployersError(_("This offer has already been answered or withdrawn."))
    offer.status = HelpStatus.ACTIVE if accept else HelpStatus.DECLINED
    offer.answered_at, offer.answered_by = timezone.now(), actor
    offer.save(update_fields=["status", "answered_at", "answered_by"])
    audit.record(
        HELP_ANSWERED,
        actor=actor,
        target=offer,
        about=[offer.program, offer.helper],
        data={"status": offer.status},
    )
    _tell_helper(offer)
    return offer


@transaction.atomic
def help_end(*, actor: User, offer: LeadHelp) -> LeadHelp:
    """Ends an offer or a help: the employer's coordinator, or the helper stepping away (an
    offer not yet answered is withdrawn). Immediate: the helper's next page is a 404."""
    offer = LeadHelp.objects.select_for_update().select_related("program", "lead").get(pk=offer.pk)
    if offer.status not in OPEN_HELP:
        raise EmployersError(_("This help has already ended."))
    was_active = offer.status == HelpStatus.ACTIVE
    offer.status = HelpStatus.ENDED if was_active else HelpStatus.WITHDRAWN
    offer.ended_at, offer.ended_by = timezone.now(), actor
    offer.save(update_fields=["status", "ended_at", "ended_by"])
    audit.record(
        HELP_ENDED,
        actor=actor,
        target=offer,
        about=[offer.program, offer.helper],
        data={"status": offer.status},
    )
    if actor.pk != offer.helper_id:
        _tell_helper(offer)
    return offer


def _tell_helper(offer: LeadHelp) -> None:
    helper = offer.helper
    send_to_person(
        email=helper.email,
        language=helper.preferred_language,
        template="employers/mail/help_answer",
        context={
            "help": offer,
            "program": offer.program,
            "is_active": offer.status == HelpStatus.ACTIVE,
            "url": _page("employers:offer", helper.preferred_language, offer.program_id),
        },
    )


def _page(name: str, language: str, hosted_program_id: int) -> str:
    with translation.override(language):
        path = reverse(name, kwargs={"hosted_program_id": hosted_program_id})
    return settings.SITE_URL.rstrip("/") + path
