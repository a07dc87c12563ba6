"""Joining the connector program: the light profile, and invitations (from staff, or from a
connector who names a contact) answered by a single-use link: accept, decline, or pass it on."""

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.accounts.services import invitation_days, participants_invite, token_hash
from tandem.connectors.models import (
    Connector,
    ConnectorInvitation,
    DeclinedAddress,
    Introduction,
    InvitationStatus,
    JoinedVia,
)
from tandem.connectors.services.common import (
    DECLINED,
    INVITATION_LINK,
    INVITED,
    JOINED,
    PASSED_ON,
    PROFILE_CHANGED,
    ConnectorError,
    _link,
    _normalise,
    _tell,
)
from tandem.core import audit
from tandem.core.mail import send_to_person
from tandem.participants.models import Participant, Source
from tandem.programs.models import Enrolment, Program, ProgramType, Side
from tandem.programs.services import enrolment_create

# --- Connectors and their profile ------------------------------------------------------------


def _check_connector_program(program: Program) -> None:
    if program.kind != ProgramType.CONNECTOR or not program.is_active:
        raise ConnectorError(_("This is not an active connector program."))


@transaction.atomic
def connector_profile_save(
    *,
    actor: Any,
    program: Program,
    participant: Participant,
    city: str,
    meetings_per_month: int,
    joined_via: str = JoinedVia.APPLICATION,
    suggested_by: Connector | None = None,
) -> Connector:
    """Writes the connector's light profile; the first save makes them a connector of the
    program (an accepted application, a staff or a connector invitation)."""
    _check_connector_program(program)
    if participant.role != Side.MENTOR:
        raise ConnectorError(_("Only a connector's record can hold a connector profile."))
    if not 1 <= meetings_per_month <= 4:
        raise ConnectorError(_("Choose between one and four meetings a month."))
    connector = (
        Connector.objects.select_for_update()
        .filter(program=program, participant=participant)
        .first()
    )
    if connector is None:
        connector = Connector.objects.create(
            program=program,
            participant=participant,
            city=city.strip(),
            meetings_per_month=meetings_per_month,
            joined_via=joined_via,
            suggested_by=suggested_by,
        )
        audit.record(
            JOINED,
            actor=actor,
            target=connector,
            about=[participant, program],
            data={"joined_via": joined_via},
        )
        return connector
    connector.city = city.strip()
    connector.meetings_per_month = meetings_per_month
    connector.save(update_fields=["city", "meetings_per_month"])
    audit.record(PROFILE_CHANGED, actor=actor, target=connector, about=[participant])
    return connector


# --- Invitations -----------------------------------------------------------------------------


def _check_may_invite(program: Program, email: str) -> None:
    if DeclinedAddress.objects.filter(email=email).exists():
        raise ConnectorError(
            _("The person at %(email)s declined a connector invitation: they are not asked again.")
            % {"email": email}
        )
    if Connector.objects.filter(
        program=program, participant__email__iexact=email, is_active=True
    ).exists():
        raise ConnectorError(
            _("%(email)s is already a connector of this program.") % {"email": email}
        )


def _send_invitation(invitation: ConnectorInvitation, token: str) -> None:
    """The invitation is written in both languages, the chosen one first: the person does not
    know Tandem yet, and whoever named them may not know which language they prefer."""
    suggester = invitation.suggested_by
    context = {
        "invitation": invitation,
        "program": invitation.program,
        "suggester": suggester.participant.full_name if suggester else "",
        "passed_on_by": invitation.passed_on_by,
        "first": invitation.preferred_language,
        "second": "fr" if invitation.preferred_language == "en" else "en",
        "url_first": _link("connectors:invitation", invitation.preferred_language, token=token),
        "url_second": _link(
            "connectors:invitation",
            "fr" if invitation.preferred_language == "en" else "en",
            token=token,
        ),
        "days": invitation_days(),
    }
    send_to_person(
        email=invitation.email,
        language=invitation.preferred_language,
        template="connectors/mail/invitation",
        context=context,
    )


@transaction.atomic
def connector_invite(
    *,
    actor: Any,
    program: Program,
    email: str,
    given_name: str,
    family_name: str = "",
    language: str = "en",
    reason: str,
    suggested_by: Connector | None = None,
    passed_on_by: str = "",
    replaces: ConnectorInvitation | None = None,
) -> tuple[ConnectorInvitation, str]:
    """Invites a person to become a connector of the program and mails them a single-use link.
    Returns the invitation and the token (only ever mailed, and returned for tests)."""
    _check_connector_program(program)
    email = _normalise(email)
    _check_may_invite(program, email)
    if not reason.strip():
        raise ConnectorError(_("Say in a sentence why this person would be a good connector."))
    pending = ConnectorInvitation.objects.select_for_update().filter(
        program=program, email=email, status=InvitationStatus.PENDING
    )
    if pending.filter(expires_at__gt=timezone.now()).exists():
        raise ConnectorError(
            _("%(email)s already has an invitation waiting for an answer.") % {"email": email}
        )
    token = secrets.token_urlsafe(32)
    invitation = ConnectorInvitation(
        program=program,
        email=email,
        given_name=given_name.strip(),
        family_name=family_name.strip(),
        preferred_language=language if language in ("en", "fr") else "en",
        reason=reason.strip(),
        invited_by=actor if isinstance(actor, User) else None,
        suggested_by=suggested_by,
        passed_on_by=passed_on_by,
        replaces=replaces,
        token_hash=token_hash(token),
        expires_at=timezone.now() + timedelta(days=invitation_days()),
    )
    invitation.full_clean(exclude=["invited_by", "suggested_by", "replaces", "connector"])
    invitation.save()
    audit.record(
        INVITED,
        actor=actor,
        target=invitation,
        about=[program, suggested_by],
        data={"email": email, "by_connector": suggested_by.pk if suggested_by else None},
    )
    _send_invitation(invitation, token)
    return invitation, token


class LinkState:
    OPEN = "open"
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"


def invitation_by_token(*, token: str) -> tuple[ConnectorInvitation | None, str]:
    invitation = (
        ConnectorInvitation.objects.select_related(
            "program", "program__organization", "suggested_by__participant"
        )
        .filter(token_hash=token_hash(token))
        .first()
    )
    if invitation is None:
        return None, LinkState.UNKNOWN
    if invitation.status != InvitationStatus.PENDING:
        return invitation, LinkState.USED
    if invitation.expires_at <= timezone.now():
        return invitation, LinkState.EXPIRED
    return invitation, LinkState.OPEN


def _open_invitation(token: str) -> ConnectorInvitation:
    """The invitation behind the link, locked; a link used or expired is refused, so that a
    second click (or a second tab) writes nothing."""
    invitation = (
        # Only the invitation's row is locked: `suggested_by` may be empty (an outer join).
        ConnectorInvitation.objects.select_for_update(of=("self",))
        .select_related("program", "suggested_by")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if invitation is None:
        raise ConnectorError(_("This invitation link is not valid."))
    if invitation.status != InvitationStatus.PENDING:
        raise ConnectorError(_("This invitation has already been answered: the link works once."))
    if invitation.expires_at <= timezone.now():
        raise ConnectorError(_("This invitation link has expired."))
    return invitation


@dataclass(frozen=True)
class Profile:
    """What a person writes when they accept: the light profile."""

    given_name: str
    family_name: str
    preferred_language: str
    languages: str
    occupation_id: str
    industry_id: str | None
    employer: str
    city: str
    postal_code: str
    meetings_per_month: int


@transaction.atomic
def invitation_accept(*, token: str, profile: Profile) -> Connector:
    """The invited person joins: their record, their enrolment (ready at once: a connector has
    no intake steps), their connector profile, and an invitation to create an account."""
    invitation = _open_invitation(token)
    program = invitation.program
    _check_connector_program(program)
    participant = Participant(
        organization=program.organization,
        role=Side.MENTOR,
        external_id=f"CONNECTOR-{invitation.pk}",
        given_name=profile.given_name.strip(),
        family_name=profile.family_name.strip(),
        email=invitation.email,
        preferred_language=profile.preferred_language,
        languages=profile.languages,
        occupation_id=profile.occupation_id,
        industry_id=profile.industry_id or None,
        employer=profile.employer.strip(),
        postal_code=profile.postal_code.strip().upper(),
        source=Source.MENTOR_APPLICATION,
    )
    try:
        participant.full_clean(exclude=["last_import", "recruited_by"])
    except ValidationError as error:
        raise ConnectorError(" ".join(error.messages)) from error
    participant.user = User.objects.filter(email__iexact=invitation.email, is_active=True).first()
    participant.save()
    enrolment = enrolment_create(actor=INVITATION_LINK, program=program, participant=participant)  # type: ignore[arg-type]
    if enrolment.ready_at is None:
        enrolment.ready_at = timezone.now()
        enrolment.save(update_fields=["ready_at"])
    connector = connector_profile_save(
        actor=INVITATION_LINK,
        program=program,
        participant=participant,
        city=profile.city,
        meetings_per_month=profile.meetings_per_month,
        joined_via=JoinedVia.NAMED if invitation.suggested_by_id else JoinedVia.STAFF,
        suggested_by=invitation.suggested_by,
    )
    invitation.status = InvitationStatus.ACCEPTED
    invitation.answered_at = timezone.now()
    invitation.connector = connector
    invitation.save(update_fields=["status", "answered_at", "connector"])
    # The newcomers this person was introduced to can now ask them for a meeting.
    for introduction in invitation.introductions.select_related("newcomer", "made_by__participant"):
        introduction.contact = connector
        introduction.save(update_fields=["contact"])
        _tell_newcomer_contact_joined(introduction)
    if participant.user_id is None:
        participants_invite(actor=None, participants=[participant])
    return connector


def _tell_newcomer_contact_joined(introduction: Introduction) -> None:
    newcomer = introduction.newcomer
    enrolment = Enrolment.objects.filter(
        program=introduction.meeting.program_id, participant=newcomer
    ).first()
    if enrolment is None:
        return
    _tell(
        newcomer,
        "contact_joined",
        {"newcomer": newcomer, "introduction": introduction},
        page="connectors:newcomer",
        newcomer_id=enrolment.pk,
    )


def _decline(invitation: ConnectorInvitation) -> None:
    DeclinedAddress.objects.get_or_create(email=invitation.email)


@transaction.atomic
def invitation_decline(*, token: str) -> ConnectorInvitation:
    invitation = _open_invitation(token)
    invitation.status = InvitationStatus.DECLINED
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["status", "answered_at"])
    _decline(invitation)
    audit.record(DECLINED, actor=INVITATION_LINK, target=invitation, about=[invitation.program])
    return invitation


@transaction.atomic
def invitation_pass_on(
    *, token: str, given_name: str, family_name: str, email: str, language: str, reason: str
) -> ConnectorInvitation:
    """Declines and suggests someone else, who is invited in the same words ("X suggested you;
    Y, whom they asked first, passed it on to you")."""
    invitation = _open_invitation(token)
    email = _normalise(email)
    if email == invitation.email:
        raise ConnectorError(_("Suggest someone other than yourself."))
    newcomer_addresses = {
        _normalise(address)
        for address in invitation.introductions.values_list("newcomer__email", flat=True)
    }
    if email in newcomer_addresses:
        raise ConnectorError(_("This is the newcomer's own address: suggest one of your contacts."))
    suggester = invitation.suggested_by
    if suggester is not None and email == _normalise(suggester.participant.email):
        raise ConnectorError(_("This is the address of the connector who suggested you."))
    invitation.status = InvitationStatus.SUGGESTED_OTHER
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["status", "answered_at"])
    _decline(invitation)
    audit.record(PASSED_ON, actor=INVITATION_LINK, target=invitation, about=[invitation.program])
    replacement, _token = connector_invite(
        actor=INVITATION_LINK,
        program=invitation.program,
        email=email,
        given_name=given_name,
        family_name=family_name,
        language=language,
        reason=reason,
        suggested_by=suggester,
        passed_on_by=invitation.full_name,
        replaces=invitation,
    )
    # The newcomer's introduction now names the person suggested in their place.
    for introduction in invitation.introductions.all():
        introduction.contact_name = replacement.full_name
        introduction.contact_email = replacement.email
        introduction.invitation = replacement
        try:
            with transaction.atomic():
                introduction.save(update_fields=["contact_name", "contact_email", "invitation"])
        except IntegrityError as error:
            raise ConnectorError(
                _("This person was already introduced to the same newcomer.")
            ) from error
    return replacement
