"""Invitations: how every account in a real network begins.

A platform admin invites the first organizations' admins and staff, organization admins invite
their people, program staff invite a partner's coach onto one program's team, and a mentee or a
mentor is invited when a program accepts them. Accepting sets a password and grants exactly what
the invitation names. Every function is keyword-only and takes `actor=` (None for the command
line and the worker); each set-up change records a named audit event (sent, re-sent, withdrawn,
accepted) with its actor.
"""

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.accounts import hooks
from tandem.accounts.models import Invitation, InvitationKind, User
from tandem.core import audit

INVITATION_SENT = audit.event("invitation.sent", gettext_lazy("Invitation sent"))
INVITATION_RESENT = audit.event("invitation.resent", gettext_lazy("Invitation sent again"))
INVITATION_WITHDRAWN = audit.event("invitation.withdrawn", gettext_lazy("Invitation withdrawn"))
INVITATION_ACCEPTED = audit.event("invitation.accepted", gettext_lazy("Invitation accepted"))
# Who acts when no signed-in person does: the first admin's command, a person asking for a link.
COMMAND_LINE = audit.SystemActor("command line")
ASKED_BY_LINK = audit.SystemActor("invitation request")

# How many invitations one worker task sends: small enough that a retry repeats little.
DELIVERY_CHUNK = 100


class InvitationError(Exception):
    """An invitation cannot be made or used; the message is translated for the person acting."""


def invitation_days() -> int:
    return settings.TANDEM_INVITATION_DAYS


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_link(token: str, language: str) -> str:
    with translation.override(language):
        path = reverse("accounts:invitation", kwargs={"token": token})
    return settings.SITE_URL.rstrip("/") + path


def _normalise(email: str) -> str:
    return email.strip().lower()


def _issue_token(invitation: Invitation) -> str:
    """Draws a new token, stores its hash and the expiry. The token is returned, never stored."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation.token_hash = token_hash(token)
    invitation.sent_at = now
    invitation.expires_at = now + timedelta(days=invitation_days())
    invitation.save(update_fields=["token_hash", "sent_at", "expires_at"])
    return token


def _deliver_later(ids: list[int]) -> None:
    from tandem.accounts.tasks import invitations_deliver

    for start in range(0, len(ids), DELIVERY_CHUNK):
        chunk = ids[start : start + DELIVERY_CHUNK]
        transaction.on_commit(partial(invitations_deliver.enqueue, chunk))


def _record(name: str, *, actor: object, invitation: Invitation) -> None:
    """The event of a set-up invitation, on the histories of its organization and program."""
    audit.record(
        name,
        actor=actor,
        target=invitation,
        about=[invitation.organization, invitation.program, invitation.participant],
        data={"kind": invitation.kind, "email": invitation.email, "role": invitation.role},
    )


def _withdraw_pending(invitations) -> None:
    invitations.filter(accepted_at__isnull=True, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now(), token_hash=None
    )


# --- Making invitations ---------------------------------------------------------------------


@transaction.atomic
def platform_admin_invite(*, actor: User | None, email: str, language: str = "en") -> str:
    """The first platform admin (from the command line) or another one. Returns the link, which
    the command prints: there is nobody to mail it from before the first admin exists."""
    email = _normalise(email)
    if User.objects.filter(email=email, is_superuser=True, is_active=True).exists():
        raise InvitationError(_("This person is already a platform admin."))
    _withdraw_pending(Invitation.objects.filter(kind=InvitationKind.PLATFORM_ADMIN, email=email))
    invitation = Invitation.objects.create(
        kind=InvitationKind.PLATFORM_ADMIN, email=email, language=language, invited_by=actor
    )
    _record(INVITATION_SENT, actor=actor or COMMAND_LINE, invitation=invitation)
    return invitation_link(_issue_token(invitation), language)


@transaction.atomic
def staff_invite(
    *,
    actor: User,
    organization: Any,
    email: str,
    role: str,
    language: str,
) -> Invitation:
    """Invites a person to work at an organization (an `organizations.Organization`) with a
    role. Someone who already holds that role there is not invited again: the form says so."""
    email = _normalise(email)
    roles = hooks.roles()
    if role not in roles.labels():
        raise InvitationError(_("Choose one of the roles."))
    if roles.holds_role(email, organization, role):
        raise InvitationError(
            _("%(email)s is already a member of %(organization)s with this role.")
            % {"email": email, "organization": organization.name}
        )
    _withdraw_pending(
        Invitation.objects.filter(
            kind=InvitationKind.STAFF, email=email, organization=organization, role=role
        )
    )
    invitation = Invitation.objects.create(
        kind=InvitationKind.STAFF,
        email=email,
        language=language,
        organization=organization,
        role=role,
        invited_by=actor,
    )
    _record(INVITATION_SENT, actor=actor, invitation=invitation)
    _deliver_later([invitation.pk])
    return invitation


@transaction.atomic
def program_team_invite(*, actor: User, program: Any, email: str, language: str) -> Invitation:
    """A partner organization's coach joins one program's team without becoming staff of the
    organization that runs it (TRIEC's model)."""
    email = _normalise(email)
    if program.staff.filter(email=email).exists():
        raise InvitationError(
            _("%(email)s is already on the team of %(program)s.")
            % {"email": email, "program": program.name}
        )
    _withdraw_pending(
        Invitation.objects.filter(kind=InvitationKind.PROGRAM_TEAM, email=email, program=program)
    )
    invitation = Invitation.objects.create(
        kind=InvitationKind.PROGRAM_TEAM,
        email=email,
        language=language,
        program=program,
        organization=program.organization,
        invited_by=actor,
    )
    _record(INVITATION_SENT, actor=actor, invitation=invitation)
    _deliver_later([invitation.pk])
    return invitation


@dataclass
class BulkResult:
    invited: int = 0
    linked: int = 0
    already: int = 0


@transaction.atomic
def participants_invite(
    *, actor: User | None, participants: Iterable[Any], resend: bool = False
) -> BulkResult:
    """Invites mentees and mentors to create their own account, in bulk.

    One person, one account: a record whose e-mail already has an account is linked to it at
    once; records sharing an address get one invitation. People already invited are skipped
    unless `resend`, which withdraws the old link. The mails are written by the worker.
    """
    from django.db.models import QuerySet

    result = BulkResult()
    # Plain tuples, not model instances: a bulk action over thousands of people must answer
    # within two seconds (benchmarks/invitations.py).
    fields = ("pk", "email", "preferred_language", "organization_id", "user_id")
    if isinstance(participants, QuerySet):
        rows = list(participants.values_list(*fields))
    else:
        rows = [tuple(getattr(p, f) for f in fields) for p in participants]
    by_email: dict[str, list[tuple]] = {}
    for row in rows:
        if row[4] is None and row[1]:
            by_email.setdefault(_normalise(row[1]), []).append(row)
    if not by_email:
        return result
    accounts = dict(
        User.objects.filter(email__in=list(by_email), is_active=True).values_list("email", "pk")
    )
    for email, user_id in accounts.items():
        result.linked += hooks.records().link([row[0] for row in by_email.pop(email)], user_id)
    pending = Invitation.objects.filter(
        kind=InvitationKind.PARTICIPANT,
        email__in=list(by_email),
        accepted_at__isnull=True,
        withdrawn_at__isnull=True,
    )
    if resend:
        _withdraw_pending(pending)
    else:
        for email in set(pending.values_list("email", flat=True)):
            result.already += len(by_email.pop(email))
    result.invited = len(by_email)
    ids = _insert_participant_invitations(
        [(email, people[0][2], people[0][0], people[0][3]) for email, people in by_email.items()],
        actor=actor,
    )
    _deliver_later(ids)
    return result


def _insert_participant_invitations(
    rows: list[tuple[str, str, int, int]], *, actor: User | None
) -> list[int]:
    """Inserts (email, language, participant id, organization id) rows in one executemany.

    `bulk_create` spends most of its time preparing each of the model's fields for each row;
    these rows have four values, so they go straight to the driver. The ids are read back by
    the batch's own creation time."""
    if not rows:
        return []
    from django.db import connection

    now = timezone.now()
    table = connection.ops.quote_name(Invitation._meta.db_table)
    columns = ["kind", "email", "language", "participant_id", "organization_id", "role"]
    columns += ["invited_by_id", "created_at"]
    # Table and column names come from the model, values go as parameters.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        table,
        ", ".join(connection.ops.quote_name(c) for c in columns),
        ", ".join(["%s"] * len(columns)),
    )
    created = connection.ops.adapt_datetimefield_value(now)
    actor_id = actor.pk if actor is not None else None
    with connection.cursor() as cursor:
        cursor.executemany(
            sql,
            [
                (InvitationKind.PARTICIPANT.value, email, language, pk, org, "", actor_id, created)
                for email, language, pk, org in rows
            ],
        )
    return list(
        Invitation.objects.filter(
            kind=InvitationKind.PARTICIPANT, created_at=now, sent_at__isnull=True
        ).values_list("pk", flat=True)
    )


@transaction.atomic
def invitation_resend(*, actor: User | None, invitation: Invitation) -> Invitation:
    """A new link for the same invitation; the old link stops working at once."""
    invitation = Invitation.objects.select_for_update(of=("self",)).get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise InvitationError(_("This invitation was already accepted."))
    invitation.token_hash = None
    invitation.sent_at = None
    invitation.withdrawn_at = None
    invitation.save(update_fields=["token_hash", "sent_at", "withdrawn_at"])
    _record(INVITATION_RESENT, actor=actor or ASKED_BY_LINK, invitation=invitation)
    _deliver_later([invitation.pk])
    return invitation


@transaction.atomic
def invitation_withdraw(*, actor: User, invitation: Invitation) -> None:
    _withdraw_pending(Invitation.objects.filter(pk=invitation.pk))
    _record(INVITATION_WITHDRAWN, actor=actor, invitation=invitation)


# --- Delivering (the worker) ----------------------------------------------------------------


def invitations_deliver(*, actor: User | None = None, invitation_ids: list[int]) -> int:
    """Writes and sends each invitation not yet sent; returns how many were sent.

    Each one is marked sent in the same transaction that draws its token and hands the mail to
    the backend, so a retried task never sends an invitation twice, and a failure leaves it
    unsent for the retry.
    """
    from tandem.core.mail import render_message

    sent = 0
    for pk in invitation_ids:
        with transaction.atomic():
            invitation = (
                Invitation.objects.select_for_update(of=("self",))
                .filter(
                    pk=pk,
                    sent_at__isnull=True,
                    accepted_at__isnull=True,
                    withdrawn_at__isnull=True,
                )
                .select_related("organization", "program", "participant", "invited_by")
                .first()
            )
            if invitation is None:
                continue
            token = _issue_token(invitation)
            message = render_message(
                email=invitation.email,
                language=invitation.language,
                template="accounts/mail/invitation",
                context={
                    "invitation": invitation,
                    "url": invitation_link(token, invitation.language),
                    "days": invitation_days(),
                },
            )
            message.send()
            sent += 1
    return sent


# --- Using an invitation --------------------------------------------------------------------


class LinkState:
    VALID = "valid"
    USED = "used"
    EXPIRED = "expired"
    UNKNOWN = "unknown"


def invitation_by_token(*, token: str) -> tuple[Invitation | None, str]:
    """The invitation a link names and whether it can still be used."""
    invitation = (
        Invitation.objects.select_related("organization", "program", "participant")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if invitation is None:
        # A used link keeps its hash, so this is a link never issued or since replaced.
        return None, LinkState.UNKNOWN
    if invitation.accepted_at is not None:
        return invitation, LinkState.USED
    if invitation.withdrawn_at is not None:
        return invitation, LinkState.UNKNOWN
    if invitation.expires_at is None or invitation.expires_at < timezone.now():
        return invitation, LinkState.EXPIRED
    return invitation, LinkState.VALID


@transaction.atomic
def invitation_accept(
    *,
    token: str,
    actor: User | None = None,
    given_name: str = "",
    family_name: str = "",
    password: str | None = None,
) -> User:
    """Uses the link once: creates the account (or takes the signed-in person's, whose address
    must be the invited one), marks the address verified and grants what the invitation names."""
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .filter(token_hash=token_hash(token))
        .select_related("organization", "program", "participant")
        .first()
    )
    if invitation is None or invitation_by_token(token=token)[1] != LinkState.VALID:
        raise InvitationError(_("This invitation link can no longer be used."))
    user = User.objects.filter(email=invitation.email).first()
    if user is not None and user.has_usable_password():
        if actor is None or actor.pk != user.pk:
            raise InvitationError(_("Sign in with the invited address to accept."))
    else:
        if not password:
            raise InvitationError(_("Choose a password."))
        if user is None:
            user = User(email=invitation.email, preferred_language=invitation.language)
        user.first_name = given_name.strip()[:150] or user.first_name
        user.last_name = family_name.strip()[:150] or user.last_name
        user.set_password(password)
        user.is_active = True
        user.save()
    EmailAddress.objects.filter(user=user).exclude(email__iexact=invitation.email).update(
        primary=False
    )
    address, _created = EmailAddress.objects.get_or_create(
        user=user, email=invitation.email, defaults={"verified": True, "primary": True}
    )
    if not (address.verified and address.primary):
        address.verified = address.primary = True
        address.save(update_fields=["verified", "primary"])
    _grant(invitation, user)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    # The person who accepted is the actor: the role, the team or the admin right is theirs now.
    _record(INVITATION_ACCEPTED, actor=user, invitation=invitation)
    return user


def _grant(invitation: Invitation, user: User) -> None:
    """What the invitation names: a platform admin here; a membership, a place on a program's
    team or one's own mentee and mentor records through what those floors registered
    (`accounts/hooks.py`)."""
    if invitation.kind == InvitationKind.PLATFORM_ADMIN:
        user.is_superuser = user.is_staff = True
        user.save(update_fields=["is_superuser", "is_staff"])
    else:
        hooks.grant_for(invitation.kind)(invitation, user)


# --- Asking for an invitation ---------------------------------------------------------------


@transaction.atomic
def invitation_request(*, email: str, language: str) -> None:
    """Someone asks for a link. The answer on the page is always the same; what happens is told
    only to the mailbox: a person with an account is reminded how to sign in or reset their
    password, a person a program already knows gets an invitation, anyone else hears nothing
    (so that the form cannot be used to learn who is in a program)."""
    email = _normalise(email)
    user = User.objects.filter(email=email, is_active=True).first()
    if user is not None and user.has_usable_password():
        from tandem.core.mail import send_to_person

        with translation.override(user.preferred_language):
            login = settings.SITE_URL.rstrip("/") + reverse("account_login")
            reset = settings.SITE_URL.rstrip("/") + reverse("account_reset_password")
        send_to_person(
            email=email,
            language=user.preferred_language,
            template="accounts/mail/already_have_account",
            context={"login_url": login, "reset_url": reset},
        )
        return
    pending = Invitation.objects.filter(
        email=email, accepted_at__isnull=True, withdrawn_at__isnull=True
    ).exclude(kind=InvitationKind.PARTICIPANT)
    for invitation in pending[:5]:
        invitation_resend(actor=None, invitation=invitation)
    records = hooks.records().unclaimed(email)
    if records:
        # A second ask re-sends: the person may have lost the first mail.
        participants_invite(actor=None, participants=records, resend=True)
