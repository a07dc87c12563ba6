"""Writes of the employers area: keyword-only, `actor=`, atomic, one named audit event each;
mail goes in the recipient's language once the transaction commits (`core.mail`)."""

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
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
from tandem.core import audit
from tandem.core.mail import send_to_person
from tandem.employers.models import (
    OPEN_STATUSES,
    ActivityStatus,
    CareerTrack,
    PartnerHire,
    PartnerInvitation,
    TrackPlacement,
    WorkplaceActivity,
    WorkplaceTerms,
)
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

# One paste at a time: a partner's whole department or a chapter's member list, not a mailing.
MAX_ADDRESSES = 500
# An address invited less than this long ago is not mailed again (a second paste of the same
# list must not flood anyone's mailbox).
REINVITE_AFTER = timedelta(days=7)
SEPARATORS = re.compile(r"[\n;]+")


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
            previous.save(update_fields=["sent_at", "language", "invited_by"])
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
        send_to_person(
            email=address,
            language=chosen,
            template="employers/mail/invitation",
            context={
                "partner": partner,
                "program": program,
                "inviter": actor.get_full_name() or actor.email,
                "url": application_link(program=program, partner=partner, language=chosen),
            },
        )
        result.invited.append(address)
    PartnerInvitation.objects.bulk_create(to_create)
    if result.invited:
        audit.record(
            MENTORS_INVITED,
            actor=actor,
            target=partner,
            about=[program],
            data={"invited": len(result.invited), "refused": len(result.refused)},
        )
    return result


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
