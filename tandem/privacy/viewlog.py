"""Who viewed a person's record: the observer of `core.access.disclosed`.

`core.access.one_or_404` tells every registered observer of each record a guarded view fetched
by its id, and exports tell it of every record they wrote; this module decides which of those
records are about a person, and appends one `RecordView` per person and kind of record to the
log (once per request), unless the viewer is the person themself.
"""

from collections.abc import Iterator, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from tandem.core.access import Disclosure, register_subject, subject_of
from tandem.meetings.models import SharedDocument
from tandem.organizations.models import Membership, Organization
from tandem.participants.models import Participant, Resume
from tandem.privacy.models import PrivacyRequest, RecordView, ViewKind
from tandem.programs.models import Enrolment
from tandem.referrals.models import Referral

# (participant, what of theirs was shown)
type Subject = tuple[Participant, str]


def register_subjects() -> None:
    """The records the privacy app logs for the floors below it, which it knew first (an app
    added since registers its own: core.access.register_subject in its ready())."""
    register_subject(Participant, kind=ViewKind.RECORD, label=ViewKind.RECORD.label, people=_self)
    register_subject(Resume, kind=ViewKind.RESUME, label=ViewKind.RESUME.label, people=_owner)
    register_subject(Referral, kind=ViewKind.REFERRAL, label=ViewKind.REFERRAL.label, people=_owner)
    register_subject(
        Enrolment, kind=ViewKind.ENROLMENT, label=ViewKind.ENROLMENT.label, people=_owner
    )
    register_subject(
        PrivacyRequest,
        kind=ViewKind.ACCESS_REQUEST,
        label=ViewKind.ACCESS_REQUEST.label,
        people=_owner,
    )
    register_subject(
        SharedDocument, kind=ViewKind.DOCUMENT, label=ViewKind.DOCUMENT.label, people=_pair
    )


def _self(person: Participant) -> list[Participant]:
    return [person]


def _owner(record: Any) -> list[Participant]:
    return [record.participant]


def _pair(document: SharedDocument) -> list[Participant]:
    return [document.mentorship.mentee, document.mentorship.mentor]


def subjects(record: Any, how: Disclosure) -> Iterator[Subject]:
    """The people a fetched record is about (core.access's registry). Records about no one
    person (a program, an organization, a report of counts) answer nothing."""
    found = subject_of(record)
    if found is None:
        return
    kind = (
        ViewKind.EXPORT
        if how is Disclosure.EXPORT and isinstance(record, Participant)
        else found.kind
    )
    for person in found.people(record):
        yield person, kind


def _viewer_organizations(request: HttpRequest) -> list[int]:
    cached: list[int] | None = getattr(request, "_privacy_organizations", None)
    if cached is None:
        cached = list(
            Membership.objects.filter(
                user_id=int(request.user.pk or 0), is_active=True, organization__is_active=True
            )
            .order_by("pk")
            .values_list("organization_id", flat=True)
        )
        request._privacy_organizations = cached  # type: ignore[attr-defined]
    return cached


def viewer_organization(request: HttpRequest, holder_id: int) -> int | None:
    """The viewer's organization that holds the record, else their first one (a partner's
    caseworker, a mentor's employer); None for someone with no membership (a mentor, a
    platform admin)."""
    mine = _viewer_organizations(request)
    if holder_id in mine:
        return holder_id
    return mine[0] if mine else None


def note_disclosure(
    request: HttpRequest, records: Sequence[Any] | QuerySet[Any], how: Disclosure
) -> None:
    user: Any = request.user
    if not user.is_authenticated:
        return
    if isinstance(records, QuerySet):
        note_export(request, records)
        return
    seen: set[tuple[int, str]] = request.__dict__.setdefault("_privacy_seen", set())
    match = request.resolver_match
    page = (match.view_name if match is not None else "")[:100]
    new: list[Subject] = []
    for record in records:
        for person, kind in subjects(record, how):
            if person.user_id == user.pk or (person.pk, kind) in seen:
                continue
            seen.add((person.pk, kind))
            new.append((person, kind))
    path, method = request.path[:300], (request.method or "GET")[:8]
    if len(new) == 1:  # a record's page: one statement (see append_view)
        person, kind = new[0]
        append_view(
            participant_id=person.pk,
            holder_id=person.organization_id,
            viewer=user,
            kind=kind,
            page=page,
            path=path,
            method=method,
        )
    elif new:  # a page naming several people (a group, a guest list): one INSERT for all
        RecordView.objects.bulk_create(
            RecordView(
                participant_id=person.pk,
                viewer_id=user.pk,
                viewer_label=user.email[:254],
                organization_id=viewer_organization(request, person.organization_id),
                kind=kind,
                page=page,
                path=path,
                method=method,
            )
            for person, kind in new
        )


def append_view(
    *,
    participant_id: int,
    holder_id: int,
    viewer: Any,
    kind: str,
    page: str,
    path: str,
    method: str,
) -> None:
    """One row, in one statement: the viewer's organization (the one holding the record, else
    their first active membership) is read inside the INSERT.

    A page that only reads would otherwise wait for the disk for its log alone (8 ms of WAL
    flush, measured by benchmarks/privacy.py): on PostgreSQL the log row's own transaction
    commits without waiting for the flush (`synchronous_commit = off`, for this transaction
    only). A crash of the database server may lose the last fraction of a second of views;
    it never reorders or corrupts them. Inside a larger transaction (a page that also saves
    something) the row commits with it, durably."""
    table = RecordView._meta.db_table
    memberships = Membership._meta.db_table
    organizations = Organization._meta.db_table
    outer = connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not outer:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        cursor.execute(
            f"""INSERT INTO {table}
                (participant_id, viewer_id, viewer_label, organization_id, kind, page, path,
                 method, at)
            SELECT %s, %s, %s, (
                SELECT m.organization_id FROM {memberships} m
                JOIN {organizations} o ON o.id = m.organization_id
                WHERE m.user_id = %s AND m.is_active AND o.is_active
                ORDER BY CASE WHEN m.organization_id = %s THEN 0 ELSE 1 END, m.id
                LIMIT 1
            ), %s, %s, %s, %s, %s""",  # noqa: S608 (table names from the models, values bound)
            [
                participant_id,
                viewer.pk,
                viewer.email[:254],
                viewer.pk,
                holder_id,
                kind,
                page,
                path,
                method,
                timezone.now(),
            ],
        )


def note_export(request: HttpRequest, records: QuerySet[Any]) -> None:
    """One row per person an export wrote, read as ids only (an export may hold 50,000)."""
    if records.model is not Participant:
        raise TypeError(f"an export of {records.model.__name__} names no person to log")
    user: Any = request.user
    match = request.resolver_match
    page = (match.view_name if match is not None else "")[:100]
    people = records.exclude(user_id=user.pk).order_by().values_list("pk", "organization_id")
    batch: list[RecordView] = []
    for person_id, holder_id in people.iterator(chunk_size=2000):
        batch.append(
            RecordView(
                participant_id=person_id,
                viewer_id=user.pk,
                viewer_label=user.email,
                organization_id=viewer_organization(request, holder_id),
                kind=ViewKind.EXPORT,
                page=page,
                path=request.path[:300],
                method=(request.method or "GET")[:8],
            )
        )
        if len(batch) >= 2000:
            RecordView.objects.bulk_create(batch)
            batch = []
    RecordView.objects.bulk_create(batch)
