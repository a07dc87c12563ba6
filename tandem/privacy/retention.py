"""Retention and deletion: anonymising a person's record past its organization's retention
period, or on an accepted deletion request, unless a legal hold stops it.

Anonymising keeps the rows that figures count (referrals, enrolments, mentorships, meetings,
outcomes) with their dates, statuses, occupation, program and organization, so that every
report, published or not, keeps its totals; what identifies the person goes: names, contact
details, date of birth, immigration status, account, and every free-text field of her rows
(notes, goals, topics), her accommodation needs, résumés and profile sharing, and the values of
the audit history about her. The rows are found as the access request finds them
(privacy.gather), so an area added later is covered.
"""

from datetime import datetime, timedelta
from typing import Any

from django.db import models, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from tandem.accounts.models import User
from tandem.core import audit, sweeps
from tandem.matching.models import ProfileSharing
from tandem.organizations.models import Organization
from tandem.participants.models import Accommodation, Participant, Resume
from tandem.privacy.gather import SKIPPED_MODELS, _foreign_keys_to, _Renderer
from tandem.privacy.models import (
    Anonymisation,
    LegalHold,
    PrivacyRequest,
    RequestKind,
    RequestStatus,
    RetentionKind,
    RetentionPeriod,
)

ANONYMISED = audit.event("privacy.anonymised", gettext_lazy("Record anonymised"))
HOLD_PLACED = audit.event("privacy.hold_placed", gettext_lazy("Legal hold placed"))
HOLD_RELEASED = audit.event("privacy.hold_released", gettext_lazy("Legal hold released"))
RETENTION_SET = audit.event("privacy.retention_set", gettext_lazy("Retention periods changed"))
DELETION_DECIDED = audit.event("privacy.deletion_decided", gettext_lazy("Deletion request decided"))

# Kept: what figures are counted by (their de-identified part).
KEPT_FIELDS = {
    "id",
    "organization",
    "role",
    "occupation",
    "industry",
    "province",
    "source",
    "recruited_by",
    "capacity",
    "clb_level",
    "years_experience",
    "is_internationally_educated",
    "completed_job_search_workshop",
    "preferred_language",
    "languages",
    "meeting_mode",
    "created_at",
    "updated_at",
    "last_import",
}


class HeldError(Exception):
    """A legal hold stops the anonymisation."""


def is_held(participant: Participant) -> bool:
    return LegalHold.objects.filter(participant=participant, released_at__isnull=True).exists()


def _blank_free_text(row: models.Model) -> list[str]:
    names = []
    for f in row._meta.concrete_fields:
        if isinstance(f, models.TextField) and getattr(row, f.attname):
            setattr(row, f.attname, "")
            names.append(f.attname)
    return names


def _her_rows(participant: Participant) -> list[models.Model]:
    """Her rows and those hanging off them, never another person's (as privacy.gather)."""
    render = _Renderer({participant.pk}, participant.user_id)
    found: list[models.Model] = []
    for relation in _foreign_keys_to(Participant):
        model = relation.model
        first = [
            r
            for r in model._base_manager.filter(**{relation.name: participant.pk})
            if not render.belongs_to_someone_else(r)
        ]
        found += first
        if not first:
            continue
        for child in _foreign_keys_to(model):
            if child.model is Participant or child.model._meta.label_lower in SKIPPED_MODELS:
                continue
            found += [
                r
                for r in child.model._base_manager.filter(
                    **{f"{child.name}__in": [r.pk for r in first]}
                )
                if not render.belongs_to_someone_else(r)
            ]
    return found


@transaction.atomic
def participant_anonymise(*, actor: Any, participant: Participant, reason: str) -> Anonymisation:
    found = Participant.objects.select_for_update().get(pk=participant.pk)
    if is_held(found):
        raise HeldError(str(found.pk))
    done = Anonymisation.objects.filter(participant=found).first()
    if done is not None:
        return done
    rows = _her_rows(found)
    cleared = 0
    for row in rows:
        blanked = _blank_free_text(row)
        if blanked:
            type(row)._base_manager.filter(pk=row.pk).update(**{name: "" for name in blanked})
            cleared += 1
    for resume in Resume.objects.filter(participant=found):
        resume.file.delete(save=False)
    Resume.objects.filter(participant=found).delete()
    Accommodation.objects.filter(participant=found).delete()
    ProfileSharing.objects.filter(participant=found).update(fields=[])
    audit.scrub_records([found, *rows])
    Participant.objects.filter(pk=found.pk).update(
        user=None,
        given_name="—",
        family_name=f"#{found.pk}",
        email=f"anonymised-{found.pk}@invalid.example",
        external_id=f"anonymised-{found.pk}",
        phone="",
        date_of_birth=None,
        postal_code="",
        goals="",
        availability="",
        employer="",
        immigration_status="",
    )
    record = Anonymisation.objects.create(
        participant=found,
        organization_id=found.organization_id,
        reason=reason,
        rows_cleared=cleared,
    )
    audit.record(ANONYMISED, actor=actor, target=found, data={"reason": reason})
    return record


def last_activity(participants: "models.QuerySet[Participant]") -> "models.QuerySet[Participant]":
    """Each record's last activity: its own last change, or the last change of what hangs off
    it that marks time (referrals, enrolments, mentorships)."""
    return participants.annotate(
        last_referral=Max("referrals__submitted_at"),
        last_mentorship=Max("mentorships_as_mentee__confirmed_at"),
        last_mentoring=Max("mentorships_as_mentor__confirmed_at"),
        last_ended=Max("mentorships_as_mentee__ended_on"),
    )


def _held() -> "models.QuerySet[LegalHold, int]":
    return LegalHold.objects.filter(released_at__isnull=True).values_list(
        "participant_id", flat=True
    )


def retention_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """The scheduled job: accepted deletions, records past retention, old résumés."""
    now = now or timezone.now()
    done = {"deletions": 0, "records": 0, "resumes": 0, "held": 0}
    for request in sweeps.each(
        PrivacyRequest.objects.filter(
            kind=RequestKind.DELETION, status=RequestStatus.ACCEPTED
        ).select_related("participant")
    ):
        try:
            # The record and its request together: a stop or a crash leaves neither half-done.
            with transaction.atomic():
                participant_anonymise(
                    actor=audit.SWEEPS, participant=request.participant, reason="deletion"
                )
                PrivacyRequest.objects.filter(pk=request.pk).update(
                    status=RequestStatus.ANSWERED, answered_at=now
                )
        except HeldError:
            done["held"] += 1
            continue
        done["deletions"] += 1
    for period in RetentionPeriod.objects.select_related("organization"):
        cutoff = now - timedelta(days=30 * period.months)
        if period.kind == RetentionKind.RESUME:
            for resume in sweeps.each(
                Resume.objects.filter(
                    participant__organization=period.organization, uploaded_at__lt=cutoff
                ).exclude(participant__in=_held())
            ):
                resume.file.delete(save=False)
                resume.delete()
                done["resumes"] += 1
            continue
        stale = (
            last_activity(
                Participant.objects.filter(organization=period.organization, updated_at__lt=cutoff)
            )
            .filter(
                Q(last_referral__isnull=True) | Q(last_referral__lt=cutoff),
                Q(last_mentorship__isnull=True) | Q(last_mentorship__lt=cutoff),
                Q(last_mentoring__isnull=True) | Q(last_mentoring__lt=cutoff),
                Q(last_ended__isnull=True) | Q(last_ended__lt=cutoff.date()),
            )
            .exclude(anonymisation__isnull=False)
        )
        for participant in sweeps.each(stale):
            try:
                participant_anonymise(
                    actor=audit.SWEEPS, participant=participant, reason="retention"
                )
            except HeldError:
                done["held"] += 1
                continue
            done["records"] += 1
    return done


@transaction.atomic
def retention_set(
    *, actor: User, organization: Organization, months: dict[str, int | None]
) -> None:
    for kind, value in months.items():
        if value:
            RetentionPeriod.objects.update_or_create(
                organization=organization, kind=kind, defaults={"months": value}
            )
        else:
            RetentionPeriod.objects.filter(organization=organization, kind=kind).delete()
    audit.record(
        RETENTION_SET,
        actor=actor,
        target=organization,
        data={k: v for k, v in months.items() if v},
    )


@transaction.atomic
def hold_place(*, actor: User, participant: Participant, reason: str) -> LegalHold:
    hold = LegalHold.objects.create(participant=participant, reason=reason[:300], placed_by=actor)
    audit.record(HOLD_PLACED, actor=actor, target=participant, data={"reason": hold.reason})
    return hold


@transaction.atomic
def hold_release(*, actor: User, participant: Participant) -> int:
    released = LegalHold.objects.filter(participant=participant, released_at__isnull=True).update(
        released_at=timezone.now()
    )
    if released:
        audit.record(HOLD_RELEASED, actor=actor, target=participant)
    return released


@transaction.atomic
def deletion_decide(
    *, actor: User, request: PrivacyRequest, accept: bool, answer: str
) -> PrivacyRequest:
    """The officer accepts (the sweep anonymises the record, at once if run now) or refuses
    with the reason (e.g. a legal hold, a legal duty to keep)."""
    found = PrivacyRequest.objects.select_for_update().get(pk=request.pk)
    found.status = RequestStatus.ACCEPTED if accept else RequestStatus.REFUSED
    found.answer = answer.strip()[:4000]
    found.answered_by = actor
    if not accept:
        found.answered_at = timezone.now()
    found.save(update_fields=["status", "answer", "answered_by", "answered_at"])
    audit.record(
        DELETION_DECIDED,
        actor=actor,
        target=found,
        about=[found.participant],
        data={"accept": accept},
    )
    return found
