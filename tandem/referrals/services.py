"""Writes for referrals: submit, decide (accept or return with reasons), resubmit, withdraw,
and the public self-referral and mentor application with e-mail verification."""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.accounts.models import User
from tandem.accounts.services import participants_invite
from tandem.core import audit
from tandem.core.mail import send_to_person
from tandem.organizations.models import Organization
from tandem.participants.models import Participant, Source
from tandem.programs import eligibility
from tandem.programs.access import program_staff
from tandem.programs.models import CriteriaVersion, Criterion, Program
from tandem.programs.services import criteria_current, enrolment_create
from tandem.referrals.models import (
    ApplicationKind,
    DecisionOutcome,
    PublicApplication,
    Referral,
    ReferralDecision,
    ReferralSource,
    ReferralStatus,
)

VERIFICATION_DAYS = 7

SUBMITTED = audit.event("referral.submitted", gettext_lazy("Referral sent"))
RESUBMITTED = audit.event("referral.resubmitted", gettext_lazy("Referral sent again"))
WITHDRAWN = audit.event("referral.withdrawn", gettext_lazy("Referral withdrawn"))
ACCEPTED = audit.event("referral.accepted", gettext_lazy("Referral accepted"))
RETURNED = audit.event("referral.returned", gettext_lazy("Referral returned to the agency"))


class ReferralError(Exception):
    """A referral rule was broken; the message is translated for the person who acted."""


def _link(name: str, language: str, **kwargs: Any) -> str:
    with translation.override(language):
        return settings.SITE_URL.rstrip("/") + reverse(name, kwargs=kwargs)


def _notify_program_staff(referral: Referral) -> None:
    """The staff named on the program, else every program-staff member of its organization."""
    for person in program_staff(referral.program):
        send_to_person(
            email=person.email,
            language=person.preferred_language,
            template="referrals/mail/referral_received",
            context={
                "referral": referral,
                "program": referral.program,
                "url": _link(
                    "referrals:detail", person.preferred_language, referral_id=referral.pk
                ),
            },
        )


def _check_can_submit(participant: Participant, program: Program) -> None:
    if not program.is_active:
        raise ReferralError(_("This program does not take referrals any more."))
    if not program.is_open_for_intake():
        raise ReferralError(_("This program's intake is closed today."))
    if Referral.objects.filter(
        participant=participant, program=program, status__in=["submitted", "accepted"]
    ).exists():
        raise ReferralError(_("This client already has an open referral to this program."))


@transaction.atomic
def referral_submit(
    *,
    actor: User,
    participant: Participant,
    program: Program,
    note: str,
    answers: dict[str, bool],
    has_consent: bool,
) -> Referral:
    if not has_consent:
        raise ReferralError(_("The client must agree to share their information with the program."))
    _check_can_submit(participant, program)
    try:
        with transaction.atomic():
            referral = Referral.objects.create(
                participant=participant,
                program=program,
                source=ReferralSource.AGENCY,
                referring_organization=participant.organization,
                referred_by=actor,
                note=note,
                answers=answers,
                has_consent=True,
            )
    except IntegrityError as error:  # a second submit raced the first
        raise ReferralError(
            _("This client already has an open referral to this program.")
        ) from error
    audit.record(
        SUBMITTED,
        actor=actor,
        target=referral,
        about=[participant],
        data={"program": program.pk},
    )
    _notify_program_staff(referral)
    return referral


@transaction.atomic
def referral_resubmit(
    *, actor: User, referral: Referral, note: str, answers: dict[str, bool]
) -> Referral:
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status != ReferralStatus.RETURNED:
        raise ReferralError(_("Only a returned referral can be sent again."))
    _check_can_submit(referral.participant, referral.program)
    referral.status = ReferralStatus.SUBMITTED
    referral.note = note
    referral.answers = answers
    referral.submitted_at = timezone.now()
    referral.submission_count += 1
    if referral.referred_by is None:
        referral.referred_by = actor
    referral.save(
        update_fields=[
            "status",
            "note",
            "answers",
            "submitted_at",
            "submission_count",
            "referred_by",
        ]
    )
    audit.record(
        RESUBMITTED,
        actor=actor,
        target=referral,
        about=[referral.participant],
        data={"submission": referral.submission_count},
    )
    _notify_program_staff(referral)
    return referral


@transaction.atomic
def referral_withdraw(*, actor: User, referral: Referral) -> Referral:
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status != ReferralStatus.SUBMITTED:
        raise ReferralError(_("Only a referral waiting for a decision can be withdrawn."))
    referral.status = ReferralStatus.WITHDRAWN
    referral.save(update_fields=["status"])
    audit.record(WITHDRAWN, actor=actor, target=referral, about=[referral.participant])
    return referral


def referral_criteria(referral: Referral) -> CriteriaVersion:
    """The version a decision on this referral is judged on: the side's current one."""
    return criteria_current(program=referral.program, side=referral.participant.role)


@transaction.atomic
def referral_decide(
    *,
    actor: User,
    referral: Referral,
    outcome: str,
    unmet_criteria: list[Criterion],
    note: str,
    version: CriteriaVersion | None = None,
) -> ReferralDecision:
    """Accepts the referral, or returns it naming the criteria not met, and tells the agency.

    `version` is the one staff saw on the decision page; a decision made while someone else
    published new criteria is refused rather than silently judged on rules nobody looked at.
    """
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("participant", "program", "referred_by")
        .get(pk=referral.pk)
    )
    if referral.status != ReferralStatus.SUBMITTED:
        raise ReferralError(_("This referral has already been decided."))
    current = referral_criteria(referral)
    if version is not None and version.pk != current.pk:
        raise ReferralError(
            _("The criteria changed while you were deciding. Review them again and decide.")
        )
    criteria = list(current.criteria.all())
    if any(c.version_id != current.pk for c in unmet_criteria):
        raise ReferralError(_("Choose criteria of the program's current version."))
    if outcome == DecisionOutcome.ACCEPTED and unmet_criteria:
        raise ReferralError(_("A referral with criteria not met cannot be accepted."))
    if outcome == DecisionOutcome.RETURNED and not (unmet_criteria or note.strip()):
        raise ReferralError(
            _("Say why the referral is returned: tick the criteria not met or write a note.")
        )
    results = eligibility.evaluate(criteria, referral.participant, referral.answers)
    decision = ReferralDecision.objects.create(
        referral=referral,
        outcome=outcome,
        criteria_version=current,
        evaluation={str(r.criterion.key): str(r.outcome) for r in results},
        note=note.strip(),
        decided_by=actor,
    )
    decision.unmet_criteria.set(unmet_criteria)
    referral.status = (
        ReferralStatus.ACCEPTED if outcome == DecisionOutcome.ACCEPTED else ReferralStatus.RETURNED
    )
    referral.save(update_fields=["status"])
    audit.record(
        ACCEPTED if outcome == DecisionOutcome.ACCEPTED else RETURNED,
        actor=actor,
        target=referral,
        about=[referral.participant],
        data={
            "unmet_criteria": sorted(str(c.key) for c in unmet_criteria),
            "criteria_version": current.pk,
        },
    )
    if outcome == DecisionOutcome.ACCEPTED:
        enrolment_create(actor=actor, program=referral.program, participant=referral.participant)
        # An accepted mentee or mentor needs their own account to answer a proposal: they are
        # invited now (or linked to the account their address already has).
        participants_invite(actor=actor, participants=[referral.participant])
    _mail_decision(referral, decision)
    return decision


def _mail_decision(referral: Referral, decision: ReferralDecision) -> None:
    accepted = decision.outcome == DecisionOutcome.ACCEPTED
    name = "referral_accepted" if accepted else "referral_returned"
    caseworker = referral.referred_by
    if caseworker is not None and caseworker.is_active and referral.source == ReferralSource.AGENCY:
        send_to_person(
            email=caseworker.email,
            language=caseworker.preferred_language,
            template=f"referrals/mail/{name}",
            context={
                "referral": referral,
                "decision": decision,
                "url": _link(
                    "referrals:detail", caseworker.preferred_language, referral_id=referral.pk
                ),
            },
        )
    # The person hears directly when they applied themself, and always when accepted.
    if accepted or referral.source != ReferralSource.AGENCY:
        person = referral.participant
        send_to_person(
            email=person.email,
            language=person.preferred_language,
            template=f"referrals/mail/person_{name}",
            context={"referral": referral, "decision": decision, "participant": person},
        )


# --- Public applications ---------------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# Anyone may apply without an account, so the form must not become a way to mail-bomb an
# address with text the sender chose: an address receives at most this many verification mails
# an hour, one network address may send this many applications an hour, and an address has at
# most one application waiting for verification per program.
APPLICATIONS_PER_ADDRESS_PER_HOUR = 3
APPLICATIONS_PER_CLIENT_PER_HOUR = 10


class TooManyApplications(Exception):
    """The sender's network address applied too often; the message is for them."""


def client_hash(remote_address: str) -> str:
    """The network address, hashed with the secret key: enough to count, not to locate."""
    return hmac.new(
        settings.SECRET_KEY.encode(), remote_address.encode(), hashlib.sha256
    ).hexdigest()


@transaction.atomic
def application_start(
    *,
    kind: str,
    program: Program,
    data: dict[str, Any],
    recruited_by: Organization | None = None,
    client: str = "",
) -> str | None:
    """Stores the form and mails a verification link. Returns the token (only ever mailed), or
    None when the address already has an application waiting for this program or has had its
    share of mails this hour: nothing is stored or sent, and the sender sees the same page as
    for a new application (the form must not tell who has applied). Raises TooManyApplications
    when the sender's network address (`client`, hashed) applied too often."""
    # One at a time per program: the count and the insert below cannot interleave.
    Program.objects.select_for_update().filter(pk=program.pk).first()
    hour_ago = timezone.now() - timedelta(hours=1)
    hashed = client_hash(client) if client else ""
    if (
        hashed
        and PublicApplication.objects.filter(client_hash=hashed, created_at__gte=hour_ago).count()
        >= APPLICATIONS_PER_CLIENT_PER_HOUR
    ):
        raise TooManyApplications(
            _("Too many applications were sent from your connection. Try again in an hour.")
        )
    email = data["email"]
    pending = PublicApplication.objects.filter(
        program=program,
        email__iexact=email,
        verified_at__isnull=True,
        created_at__gte=timezone.now() - timedelta(days=VERIFICATION_DAYS),
    )
    recent = PublicApplication.objects.filter(email__iexact=email, created_at__gte=hour_ago)
    if pending.exists() or recent.count() >= APPLICATIONS_PER_ADDRESS_PER_HOUR:
        return None
    token = secrets.token_urlsafe(32)
    language = data.get("preferred_language") or "en"
    PublicApplication.objects.create(
        kind=kind,
        program=program,
        data=data,
        email=email,
        preferred_language=language,
        token_hash=_hash(token),
        recruited_by=recruited_by,
        client_hash=hashed,
    )
    send_to_person(
        email=data["email"],
        language=language,
        template="referrals/mail/application_verify",
        context={
            "program": program,
            "given_name": data.get("given_name", ""),
            "url": _link("referrals:verify", language, token=token),
            "days": VERIFICATION_DAYS,
        },
    )
    return token


FORM_FIELDS = (
    "role",
    "given_name",
    "family_name",
    "email",
    "preferred_language",
    "languages",
    "postal_code",
    "goals",
    "immigration_status",
    "is_internationally_educated",
    "province",
    "clb_level",
    "completed_job_search_workshop",
    "years_experience",
    "employer",
    "capacity",
)


@transaction.atomic
def application_verify(*, token: str) -> PublicApplication | None:
    """Confirms the address: the application becomes a participant and a referral. Returns None
    for an unknown or expired link; a second click returns the already verified application."""
    application = (
        PublicApplication.objects.select_for_update(of=("self",))
        .select_related("program", "program__organization")
        .filter(token_hash=_hash(token))
        .first()
    )
    if application is None:
        return None
    if application.verified_at is not None:
        return application
    if application.created_at < timezone.now() - timedelta(days=VERIFICATION_DAYS):
        return None
    program, data = application.program, application.data
    is_mentor = application.kind == ApplicationKind.MENTOR
    fields = {name: data[name] for name in FORM_FIELDS if name in data}
    fields["role"] = "mentor" if is_mentor else "mentee"
    participant = Participant(
        organization=program.organization,
        external_id=f"WEB-{application.pk}",
        occupation_id=data["noc_code"],
        source=Source.MENTOR_APPLICATION if is_mentor else Source.SELF_REFERRAL,
        recruited_by=application.recruited_by,
        **fields,
    )
    participant.full_clean(exclude=["last_import"])
    # The address was just verified: a person who already has an account gets this record on it.
    participant.user = User.objects.filter(email__iexact=participant.email, is_active=True).first()
    participant.save()
    referral = Referral.objects.create(
        participant=participant,
        program=program,
        source=ReferralSource.MENTOR_APPLICATION if is_mentor else ReferralSource.SELF,
        answers=data.get("answers", {}),
        has_consent=True,
        note=data.get("goals", ""),
    )
    application.verified_at = timezone.now()
    application.referral = referral
    application.save(update_fields=["verified_at", "referral"])
    send_to_person(
        email=participant.email,
        language=participant.preferred_language,
        template="referrals/mail/application_received",
        context={"program": program, "participant": participant, "is_mentor": is_mentor},
    )
    _notify_program_staff(referral)
    return application


@transaction.atomic
def applications_purge_unverified(
    *, older_than_days: int = VERIFICATION_DAYS, now: datetime | None = None
) -> int:
    """Erases applications whose address was never confirmed: their link has expired, and what
    a stranger typed about themself is not kept. Also one of the periodic sweeps."""
    cutoff = (now or timezone.now()) - timedelta(days=older_than_days)
    deleted, _by_model = PublicApplication.objects.filter(
        verified_at__isnull=True, created_at__lt=cutoff
    ).delete()
    return deleted


def referral_hand_over(referral: Referral, leaver: User, colleague: User) -> None:
    """One referral of a leaver's caseload goes to a colleague (run inside
    `organizations.services.caseload_hand_over`, which locks the row and records the event).
    Saved one by one so that the referral's history names it and the actor."""
    referral.referred_by = colleague
    referral.save(update_fields=["referred_by"])
