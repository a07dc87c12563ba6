"""Retention and deletion: anonymising what an organization keeps past its retention period,
or a person's whole record on an accepted deletion request, unless a legal hold stops it.

The kinds of record are core.retention's registry: privacy declares a person's record and
résumés (below), each area the kinds it holds (referrals, mentorships, applications, what
former community members wrote). The sweep runs every kind for every organization with the
organization's period or the kind's default, and remembers each row it did (`Retired`).

Anonymising a person keeps the rows that figures count (referrals, enrolments, mentorships,
meetings, outcomes) with their dates, statuses, occupation, program and organization, so that
every report, published or not, keeps its totals; what identifies the person goes: names,
contact details, date of birth, immigration status, account, and every free-text field of her
rows (notes, goals, topics), her accommodation needs, résumés and profile sharing, and the
values of the audit history about her. The rows are found as the access request finds them
(privacy.gather), so an area added later is covered.
"""

import itertools
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Max, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy

from tandem.accounts.models import User
from tandem.core import appendonly, audit, retention, sweeps, taskrows
from tandem.matching.models import ProfileSharing
from tandem.meetings.models import Reminder
from tandem.organizations.models import Organization
from tandem.participants.locks import people_lock
from tandem.participants.models import Accommodation, Participant, Resume
from tandem.privacy.gather import SKIPPED_MODELS, _foreign_keys_to, _Renderer
from tandem.privacy.models import (
    Anonymisation,
    LegalHold,
    PrivacyRequest,
    RecordView,
    RequestKind,
    RequestStatus,
    RetentionKind,
    RetentionPeriod,
    Retired,
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
    resumes = list(Resume.objects.filter(participant=found))
    needs = list(Accommodation.objects.filter(participant=found))
    for resume in resumes:
        resume.file.delete(save=False)
    audit.scrub_records([found, *rows, *resumes, *needs])
    retention.forget(Resume.objects.filter(participant=found))
    retention.forget(Accommodation.objects.filter(participant=found))
    ProfileSharing.objects.filter(participant=found).update(fields=[])
    addresses, shared = _addresses_of(found)
    placeholder = f"anonymised-{found.pk}@invalid.example"
    # The pairs' reminders sent to her (an e-mail field, not free text): her placeholder keeps
    # each (kind, pair, recipient, period) row unique, so a reminder is still not sent twice.
    Reminder.objects.alias(to=Lower("recipient")).filter(
        Q(mentorship__mentee=found) | Q(mentorship__mentor=found), to__in=addresses
    ).update(recipient=placeholder)
    # The mail sent to her, and what waits for her alone, in the task table (core.taskrows).
    taskrows.tasks_forget(addresses, waiting=not shared)
    Participant.objects.filter(pk=found.pk).update(
        user=None,
        given_name="—",
        family_name=f"#{found.pk}",
        email=placeholder,
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


def _addresses_of(participant: Participant) -> tuple[set[str], bool]:
    """The record's addresses (its own and its account's), and whether another record still
    standing uses one of them (her record at another organization, which answers for it: mail
    it queued for her is still sent)."""
    found = {participant.email.lower()}
    if participant.user is not None:
        found.add(participant.user.email.lower())
    shared = (
        Participant.objects.alias(own=Lower("email"))
        .filter(Q(own__in=found) | Q(user_id=participant.user_id, user__isnull=False))
        .filter(anonymisation__isnull=True)
        .exclude(pk=participant.pk)
        .exists()
    )
    return found, shared


def held_addresses(addresses: set[str]) -> set[str]:
    """Among the addresses a batch of finished task rows names, those of people under a legal
    hold: their rows stay (core.taskrows). The people named are locked first, as `hold_place`
    locks them, so a hold placed at this very moment comes wholly before the batch (and keeps
    its rows) or wholly after it."""
    if not addresses:
        return set()
    named = Participant.objects.alias(own=Lower("email"), account=Lower("user__email")).filter(
        Q(own__in=addresses) | Q(account__in=addresses)
    )
    ids = list(named.values_list("pk", flat=True))
    if not ids:
        return set()
    _lock_people(ids)
    held = LegalHold.objects.filter(participant_id__in=ids, released_at__isnull=True)
    return {
        address.lower()
        for pair in held.values_list("participant__email", "participant__user__email")
        for address in pair
        if address
    } & addresses


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


# --- The two kinds privacy declares itself (the others: each area's retention.py) -----------


def _records_due(organization_id: int, cutoff: datetime) -> "models.QuerySet[Participant]":
    return (
        last_activity(
            Participant.objects.filter(organization_id=organization_id, updated_at__lt=cutoff)
        )
        .filter(
            Q(last_referral__isnull=True) | Q(last_referral__lt=cutoff),
            Q(last_mentorship__isnull=True) | Q(last_mentorship__lt=cutoff),
            Q(last_mentoring__isnull=True) | Q(last_mentoring__lt=cutoff),
            Q(last_ended__isnull=True) | Q(last_ended__lt=cutoff.date()),
        )
        .exclude(anonymisation__isnull=False)
    )


def _record_anonymise(participant: Participant) -> None:
    participant_anonymise(actor=audit.SWEEPS, participant=participant, reason="retention")


def _resumes_due(organization_id: int, cutoff: datetime) -> "models.QuerySet[Resume]":
    return Resume.objects.filter(
        participant__organization_id=organization_id, uploaded_at__lt=cutoff
    )


def _resume_delete(resume: Resume) -> None:
    audit.scrub_records([resume])
    resume.file.delete(save=False)
    retention.forget(Resume.objects.filter(pk=resume.pk))  # the trail would name the file


def register_kinds() -> None:
    retention.register(
        retention.Kind(
            code=RetentionKind.RECORD,
            label=RetentionKind.RECORD.label,
            starts=gettext_lazy(
                "after the last activity (a change, a referral, a mentorship, its end)"
            ),
            removes=gettext_lazy(
                "Names, contact details, date of birth, immigration status, the account, every "
                "free-text field of the person's rows, accommodation needs, résumés, what the "
                "person shared with a match, and the values of the audit history about them."
            ),
            keeps=gettext_lazy(
                "The rows reports count (referrals, enrolments, mentorships, meetings, outcomes) "
                "with their dates, statuses, occupation, program and organization, pointing to "
                "no one: every report keeps its totals."
            ),
            default_months=84,
            why=gettext_lazy(
                "Seven years after the last activity: what many agencies and funders ask of "
                "case files after closure; PIPEDA asks to keep them no longer than needed."
            ),
            due=_records_due,
            anonymise=_record_anonymise,
            people=("pk",),
            position=0,
        )
    )
    retention.register(
        retention.Kind(
            code=RetentionKind.RESUME,
            label=RetentionKind.RESUME.label,
            starts=gettext_lazy("after their upload"),
            removes=gettext_lazy("The file and its row."),
            keeps=gettext_lazy("No report counts résumés: nothing else changes."),
            default_months=24,
            why=gettext_lazy(
                "Two years: a résumé is out of date by then, and is needed only while the "
                "person looks for work."
            ),
            due=_resumes_due,
            anonymise=_resume_delete,
            people=("participant",),
            position=10,
        )
    )
    _register_views_kind()


# The view log's own entries. No law we know sets their period; a person's access request and
# an incident's investigation look back over them, and civil claims must be brought within two
# years in Ontario (Limitations Act, 2002) and three in Québec (Civil Code, art. 2925): three
# years by default, never less than two, which the database itself enforces (migration 0012:
# the append-only trigger lets the sweep delete, inside its transaction, only older rows).
VIEWS_MINIMUM_MONTHS = 24


@contextmanager
def _expiring_views() -> Iterator[None]:
    """One transaction in which the append-only log lets old rows go (PostgreSQL: a setting of
    this transaction the trigger reads; SQLite: a function the trigger asks)."""
    with transaction.atomic(), appendonly.expiring():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL tandem.expiring_views = 'on'")
        yield


def _views_purge(organization_id: int, cutoff: datetime) -> int:
    """Entries about the organization's people older than the cutoff (and than the minimum,
    whatever clock the sweep was given), in batches; those about someone under a legal hold
    stay. Nothing counts views: nothing to keep."""
    floor = retention.months_before(timezone.now(), VIEWS_MINIMUM_MONTHS)
    old = RecordView.objects.filter(
        participant__organization_id=organization_id, at__lt=min(cutoff, floor)
    ).exclude(participant_id__in=_held())
    deleted = 0
    for _batch in sweeps.each(itertools.count()):
        batch = list(old.order_by("pk").values_list("pk", flat=True)[:2000])
        if not batch:
            break
        with _expiring_views():
            rows = RecordView.objects.filter(pk__in=batch)
            # Their people locked, their holds read again (a hold placed since the batch was
            # read keeps its entries; the next batch's query leaves them out).
            _lock_people(set(rows.values_list("participant_id", flat=True)))
            deleted += rows.exclude(participant_id__in=_held()).delete()[0]
    return deleted


def _register_views_kind() -> None:
    retention.register(
        retention.Kind(
            code="views",
            label=gettext_lazy("Entries of the log of who viewed a record"),
            starts=gettext_lazy("after the view"),
            removes=gettext_lazy(
                "The entry: who viewed whose record, from which organization, when and on which "
                "page."
            ),
            keeps=gettext_lazy(
                "No report counts views; the entries about a person under a legal hold stay."
            ),
            default_months=36,
            minimum_months=VIEWS_MINIMUM_MONTHS,
            why=gettext_lazy(
                "Three years: an access request or an incident investigation looks back over "
                "them, and civil claims must be brought within two years in Ontario and three in "
                "Québec. Never less than two years: the database refuses it."
            ),
            purge=_views_purge,
            position=60,
        )
    )


# --- The sweep -------------------------------------------------------------------------------


def periods_of(organization_id: int, set_here: dict[tuple[int, str], int]) -> dict[str, int]:
    """Each kind's period in months for an organization: its own, else the kind's default;
    never below the kind's legal minimum."""
    return {
        found.code: max(
            set_here.get((organization_id, found.code), found.default_months),
            found.minimum_months,
        )
        for found in retention.kinds()
    }


def _holds_stop(found: retention.Kind, rows: "models.QuerySet[Any]") -> "models.QuerySet[Any]":
    """The rows among these about someone under a legal hold."""
    held = Q()
    for path in found.people:
        held |= Q(**{f"{path}__in": _held()})
    return rows.filter(held)


def _lock_people(ids: "Iterable[int | None]") -> None:
    """Locks these people's rows until the transaction ends (in id order, `participants.locks`,
    as a merge does: two sweeps, or a sweep and a merge, never wait on each other in a circle). `hold_place` locks the same row before it writes:
    a hold placed at the very moment a row of theirs is anonymised either committed first, and
    the check that follows the lock sees it, or waits until that row is done."""
    people_lock(ids)


def _kind_sweep(found: retention.Kind, organization_id: int, cutoff: datetime) -> tuple[int, int]:
    """(anonymised, held) for one kind at one organization: each row in its own transaction,
    the people it is about locked and their legal holds checked inside it, the row remembered
    (privacy.Retired); or the kind's own bulk purge."""
    if found.purge is not None:
        return found.purge(organization_id, cutoff), 0
    assert found.due is not None and found.anonymise is not None  # retention.register checks
    due = found.due(organization_id, cutoff).exclude(
        pk__in=Retired.objects.filter(kind=found.code).values("object_id")
    )
    held = _holds_stop(found, due).count() if found.people and _held().exists() else 0
    done = 0
    for row in sweeps.each(due.order_by("pk").iterator(chunk_size=500)):
        key = row.pk  # a kind may delete its row
        with transaction.atomic():
            one = type(row)._base_manager.filter(pk=key)
            if found.people:
                _lock_people(
                    itertools.chain.from_iterable(
                        one.values_list(path, flat=True) for path in found.people
                    )
                )
                if _holds_stop(found, one).exists():
                    continue  # placed since the rows were read
            try:
                found.anonymise(row)
            except HeldError:
                continue
            Retired.objects.create(kind=found.code, object_id=key, organization_id=organization_id)
        done += 1
    return done, held


def retention_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """The scheduled job: accepted deletions, then every registered kind of record past the
    period its organization set (or the kind's default), unless a legal hold stops it."""
    now = now or timezone.now()
    done = {"deletions": 0, "held": 0} | {found.code: 0 for found in retention.kinds()}
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
    set_here = {
        (organization_id, kind): months
        for organization_id, kind, months in RetentionPeriod.objects.values_list(
            "organization_id", "kind", "months"
        )
    }
    for organization_id in sweeps.each(
        list(Organization.objects.order_by("pk").values_list("pk", flat=True))
    ):
        for code, months in periods_of(organization_id, set_here).items():
            if sweeps.stop_requested():
                return done
            anonymised, held = _kind_sweep(
                retention.kind(code), organization_id, retention.months_before(now, months)
            )
            done[code] += anonymised
            done["held"] += held
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
    # The person's row first: a sweep anonymising a row about them holds the same lock (see
    # `_lock_people`), so the hold comes wholly before or wholly after that row.
    _lock_people([participant.pk])
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
