"""Consent per purpose: the history, the purposes the privacy app keeps itself, and the
choices a person makes on their page or staff record for them.

Where each purpose's current choice lives is core.consent's table; this module appends every
change to the person's history (`Consent`) with the version of the notice they saw, whichever
page made it (the observer below), and keeps the choice itself for the purpose no other app holds
(peer-mentor invitations).
"""

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy

from tandem.accounts.models import User
from tandem.core import audit, consent
from tandem.participants.models import Participant
from tandem.privacy.models import Consent, ConsentChannel, Purpose

NOTICE_CHANGED = audit.event("privacy.notice_changed", gettext_lazy("Consent notice changed"))
CONSENT_RECORDED = audit.event("privacy.consent", gettext_lazy("Consent given or withdrawn"))

# The session key that holds "ask again" after sign-in (privacy.middleware).
REASK_KEY = "privacy_reask"

# Set while this module writes a choice itself, so that the observer does not log it twice.
_RECORDING: ContextVar[bool] = ContextVar("tandem_privacy_recording", default=False)


def _latest(purpose_code: str, ids: Collection[int]) -> dict[int, bool]:
    """The latest recorded choice of each of these people for a purpose."""
    latest = Consent.objects.filter(
        participant_id=OuterRef("participant_id"), purpose__code=purpose_code
    ).order_by("-at", "-pk")
    rows = (
        Consent.objects.filter(participant_id__in=list(ids), purpose__code=purpose_code)
        .filter(pk=Subquery(latest.values("pk")[:1]))
        .values_list("participant_id", "is_given")
    )
    return dict(rows)


def kept_here(purpose_code: str) -> consent.Store:
    """The store of a purpose whose choice is the latest entry of the history."""

    def refused(ids: Collection[int]) -> set[int]:
        default = (
            Purpose.objects.filter(code=purpose_code)
            .values_list("given_by_default", flat=True)
            .first()
        )
        latest = _latest(purpose_code, ids)
        return {pk for pk in ids if not latest.get(pk, True if default is None else default)}

    def give(participant: Participant, given: bool, actor: Any) -> None:
        consent.changed(purpose=purpose_code, participant=participant, given=given, actor=actor)

    def refused_all() -> set[int]:
        """The people whose latest answer is no (a purpose agreed until the person says no:
        everyone else agrees). One query over the answers, however many people there are."""
        latest = Consent.objects.filter(
            participant_id=OuterRef("participant_id"), purpose__code=purpose_code
        ).order_by("-at", "-pk")
        return set(
            Consent.objects.filter(purpose__code=purpose_code, is_given=False)
            .filter(pk=Subquery(latest.values("pk")[:1]))
            .values_list("participant_id", flat=True)
        )

    return consent.Store(refused=refused, give=give, refused_all=refused_all)


def _channel(participant: Participant, actor: Any, channel: str) -> str:
    if channel:
        return channel
    if isinstance(actor, User) and participant.user_id == actor.pk:
        return ConsentChannel.ONLINE
    return ConsentChannel.STAFF


def append(
    *, purpose: Purpose, participant: Participant, given: bool, actor: Any, channel: str
) -> Consent:
    recorder = actor if isinstance(actor, User) else None
    row = Consent.objects.create(
        participant=participant,
        purpose=purpose,
        is_given=given,
        version=purpose.version,
        channel=_channel(participant, actor, channel),
        recorded_by=recorder,
    )
    audit.record(
        CONSENT_RECORDED,
        actor=actor,
        target=participant,
        data={"purpose": purpose.code, "given": given, "version": purpose.version},
    )
    return row


def on_change(purpose_code: str, participant: Any, given: bool, actor: Any, channel: str) -> None:
    """core.consent's observer: a choice changed on another app's page (the accommodation
    form, the sharing form, the follow-up consent form)."""
    if _RECORDING.get():
        return
    from tandem.privacy.selectors import purpose_get

    purpose = purpose_get(purpose_code)
    if purpose is not None:
        append(purpose=purpose, participant=participant, given=given, actor=actor, channel=channel)


@contextmanager
def _recording() -> Iterator[None]:
    token = _RECORDING.set(True)
    try:
        yield
    finally:
        _RECORDING.reset(token)


@transaction.atomic
def consent_record(
    *, actor: User, participant: Participant, purpose: Purpose, given: bool, channel: str = ""
) -> Consent:
    """Gives or withdraws one consent, at once everywhere that depends on it: the choice is
    written where it lives (core.consent's store of the purpose), then appended to the history
    with the notice's version (also when it did not change: the person confirmed a new
    notice)."""
    with _recording(), consent.given_by(channel):
        consent.store(purpose.code).give(participant, given, actor)
    return append(
        purpose=purpose, participant=participant, given=given, actor=actor, channel=channel
    )


@dataclass(frozen=True)
class Choice:
    purpose: Purpose
    is_given: bool  # the choice now, read where it lives
    latest: Consent | None  # the last entry of the history
    needs_answer: bool  # agreed under an older notice (or never asked since it changed)


def choices_of(participant: Participant) -> list[Choice]:
    from tandem.privacy.selectors import purposes as all_purposes

    purposes = list(all_purposes())
    history: dict[int, Consent] = {}
    for row in Consent.objects.filter(participant=participant).order_by("at", "pk"):
        history[row.purpose_id] = row
    choices = []
    for purpose in purposes:
        given = participant.pk not in consent.refused(purpose.code, [participant.pk])
        latest = history.get(purpose.pk)
        seen_version = latest.version if latest else 1
        choices.append(
            Choice(
                purpose=purpose,
                is_given=given,
                latest=latest,
                needs_answer=given and seen_version < purpose.version,
            )
        )
    return choices


def history_of(participant: Participant) -> list[Consent]:
    return list(
        Consent.objects.filter(participant=participant).select_related("purpose", "recorded_by")
    )


def needs_answer(user: User) -> bool:
    """Whether a notice this person agreed to has changed since (asked at sign-in)."""
    return any(
        choice.needs_answer
        for participant in Participant.objects.filter(user=user)
        for choice in choices_of(participant)
    )


@transaction.atomic
def notice_change(*, actor: User, purpose: Purpose, fields: dict[str, str]) -> Purpose:
    """A new version of a notice: everyone who agreed to the old one is asked again."""
    for name, value in fields.items():
        setattr(purpose, name, value)
    purpose.version += 1
    purpose.changed_at = timezone.now()
    purpose.save()
    audit.record(NOTICE_CHANGED, actor=actor, target=purpose, data={"version": purpose.version})
    return purpose


def on_old_version(
    purpose: Purpose, *, organization: Any = None
) -> list[tuple[Participant, Consent]]:
    """People whose latest choice for the purpose was made under an older notice and who have
    not answered since: what depended on the old version, for staff (of one organization)."""
    latest = Consent.objects.filter(
        participant_id=OuterRef("participant_id"), purpose=purpose
    ).order_by("-at", "-pk")
    found = Consent.objects.filter(purpose=purpose, version__lt=purpose.version, is_given=True)
    if organization is not None:
        found = found.filter(participant__organization=organization)
    rows = (
        found.filter(pk=Subquery(latest.values("pk")[:1]))
        .select_related("participant", "participant__organization")
        .order_by("participant__family_name")
    )
    return [(row.participant, row) for row in rows[:500]]


def ask_again_at_sign_in(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    """`user_logged_in` receiver: a changed notice is asked again before anything else."""
    if needs_answer(user):
        request.session[REASK_KEY] = True
