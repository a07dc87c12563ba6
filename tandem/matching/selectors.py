"""Reads of the matching desk, scoped to one program and with a constant number of queries."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from tandem.matching.models import PENDING_STATUSES, Proposal, ProposalRun, ProposalStatus
from tandem.programs.models import Enrolment, Program
from tandem.referrals.selectors import enrolments_in_pool

PAGE_SIZE = 50


def _count(queryset: QuerySet, field: str) -> Subquery:
    return Coalesce(
        Subquery(
            queryset.filter(**{field: OuterRef("participant_id")})
            .order_by()
            .values(field)
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def pool_queryset(*, program: Program, side: str) -> QuerySet[Enrolment]:
    """Ready people of one side, not already waiting for answers or matched in the program."""
    from tandem.mentorships.models import ACTIVE_STATUSES, Mentorship

    enrolments = enrolments_in_pool(Enrolment.objects.filter(program=program, side=side))
    if side == "mentee":
        enrolments = (
            enrolments.exclude(
                Exists(
                    Proposal.objects.filter(
                        program=program,
                        mentee_id=OuterRef("participant_id"),
                        status__in=PENDING_STATUSES,
                    )
                )
            )
            .exclude(
                Exists(
                    Mentorship.objects.filter(
                        program=program,
                        mentee_id=OuterRef("participant_id"),
                        status__in=ACTIVE_STATUSES,
                    )
                )
            )
            .annotate(
                draft_mentor=Subquery(
                    Proposal.objects.filter(
                        program=program,
                        mentee_id=OuterRef("participant_id"),
                        status=ProposalStatus.DRAFT,
                    ).values("mentor_id")[:1]
                )
            )
        )
    else:
        active = Mentorship.objects.filter(status__in=ACTIVE_STATUSES)
        pending = Proposal.objects.filter(status__in=PENDING_STATUSES)
        enrolments = enrolments.annotate(
            places_left=F("participant__capacity")
            - _count(active, "mentor_id")
            - _count(pending, "mentor_id")
        )
    return enrolments.select_related(
        "participant", "participant__occupation", "participant__accommodation"
    )


def pool_filtered(*, program: Program, side: str, filters: dict[str, Any]) -> QuerySet[Enrolment]:
    enrolments = pool_queryset(program=program, side=side)
    occupation = (filters.get("occupation") or "").strip()
    if occupation:
        if occupation.isdigit():
            enrolments = enrolments.filter(participant__occupation_id__startswith=occupation)
        else:
            enrolments = enrolments.filter(
                Q(participant__occupation__title_en__icontains=occupation)
                | Q(participant__occupation__title_fr__icontains=occupation)
            )
    language = filters.get("language")
    if language:
        enrolments = enrolments.filter(
            Q(participant__languages=language)
            | Q(participant__languages__startswith=f"{language};")
            | Q(participant__languages__endswith=f";{language}")
            | Q(participant__languages__contains=f";{language};")
        )
    area = (filters.get("area") or "").strip().upper()
    if area:
        enrolments = enrolments.filter(participant__postal_code__istartswith=area)
    if filters.get("waiting"):
        since = timezone.now() - timedelta(days=int(filters["waiting"]))
        enrolments = enrolments.filter(ready_at__lte=since)
    if filters.get("accommodations"):
        # Only needs the person agreed to share with the programs that accept them.
        enrolments = enrolments.filter(participant__accommodation__share_with_programs=True)
    sort = filters.get("sort") or "waiting"
    order = {
        "waiting": ["ready_at", "pk"],
        "-waiting": ["-ready_at", "-pk"],
        "name": ["participant__family_name", "participant__given_name", "pk"],
    }.get(sort, ["ready_at", "pk"])
    return enrolments.order_by(*order)


def pool_page(
    *, program: Program, side: str, filters: dict[str, Any], page: int | str | None
) -> Page:
    paginator = Paginator(pool_filtered(program=program, side=side, filters=filters), PAGE_SIZE)
    return paginator.get_page(page)


def desk_summary(*, program: Program) -> dict[str, int]:
    """Counts shown at the top of the desk, in one query."""
    counts = Proposal.objects.filter(program=program).aggregate(
        drafts=Count("pk", filter=Q(status=ProposalStatus.DRAFT)),
        accepted_drafts=Count("pk", filter=Q(status=ProposalStatus.DRAFT, is_accepted=True)),
        waiting=Count("pk", filter=Q(status=ProposalStatus.PUBLISHED)),
        to_confirm=Count("pk", filter=Q(status=ProposalStatus.ACCEPTED)),
    )
    return counts


def latest_run(*, program: Program, preview: bool = False) -> ProposalRun | None:
    return ProposalRun.objects.filter(program=program, is_preview=preview).first()


def proposal_list(*, program: Program, statuses: list[str], page: int | str | None = None) -> Page:
    proposals = (
        Proposal.objects.filter(program=program, status__in=statuses)
        .select_related("mentee", "mentor", "mentee__occupation", "mentor__occupation")
        .order_by("mentee__family_name", "mentee__given_name", "pk")
    )
    return Paginator(proposals, PAGE_SIZE).get_page(page)


def drafts_by_mentor(*, program: Program, mentor_ids: list[int]) -> dict[int, Proposal]:
    """The draft of each of these mentors (the first, when a mentor has several)."""
    found: dict[int, Proposal] = {}
    for proposal in Proposal.objects.filter(
        program=program, status=ProposalStatus.DRAFT, mentor_id__in=mentor_ids
    ).select_related("mentee"):
        found.setdefault(proposal.mentor_id, proposal)
    return found
