"""Who viewed a person's record: the observer of `core.access.disclosed`.

`core.access.one_or_404` tells every registered observer of each record a guarded view fetched
by its id, and exports tell it of every record they wrote; this module decides which of those
records are about a person, and appends one `RecordView` per person and kind of record to the
log (once per request), unless the viewer is the person themself.
"""

from collections.abc import Iterator, Sequence
from typing import Any

from django.db.models import Model
from django.http import HttpRequest

from tandem.core.access import Disclosure
from tandem.meetings.models import SharedDocument
from tandem.organizations.models import Membership
from tandem.participants.models import Participant, Resume
from tandem.privacy.models import RecordView, ViewKind
from tandem.programs.models import Enrolment
from tandem.referrals.models import Referral

# (participant, what of theirs was shown)
type Subject = tuple[Participant, str]


def subjects(record: Model, how: Disclosure) -> Iterator[Subject]:
    """The people a fetched record is about. Records about no one person (a program, an
    organization, a report of counts) answer nothing."""
    if isinstance(record, Participant):
        yield record, ViewKind.EXPORT if how is Disclosure.EXPORT else ViewKind.RECORD
    elif isinstance(record, Resume):
        yield record.participant, ViewKind.RESUME
    elif isinstance(record, Referral):
        yield record.participant, ViewKind.REFERRAL
    elif isinstance(record, Enrolment):
        yield record.participant, ViewKind.ENROLMENT
    elif isinstance(record, SharedDocument):
        pair = record.mentorship
        yield pair.mentee, ViewKind.DOCUMENT
        yield pair.mentor, ViewKind.DOCUMENT


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


def note_disclosure(request: HttpRequest, records: Sequence[Model], how: Disclosure) -> None:
    user: Any = request.user
    if not user.is_authenticated:
        return
    seen: set[tuple[int, str]] = request.__dict__.setdefault("_privacy_seen", set())
    match = request.resolver_match
    page = match.view_name if match is not None else ""
    rows = []
    for record in records:
        for person, kind in subjects(record, how):
            if person.user_id == user.pk or (person.pk, kind) in seen:
                continue
            seen.add((person.pk, kind))
            rows.append(
                RecordView(
                    participant_id=person.pk,
                    viewer_id=user.pk,
                    viewer_label=user.email,
                    organization_id=viewer_organization(request, person.organization_id),
                    kind=kind,
                    page=page[:100],
                    path=request.path[:300],
                    method=(request.method or "GET")[:8],
                )
            )
    if rows:
        RecordView.objects.bulk_create(rows, batch_size=1000)
