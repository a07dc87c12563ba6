"""Reads of the board, the hubs and the national view: already scoped by access.py, with their
joins, and a fixed number of queries whatever the number of rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from tandem.organizations.models import Organization, OrganizationType
from tandem.reference.selectors import occupation_search

from .models import (
    Accessible,
    Application,
    ApplicationStatus,
    Feedback,
    FeedbackSide,
    Opportunity,
    OpportunityStatus,
)

PAGE = 20
TAKEN = Q(applications__place__isnull=False)
MATCHED = [ApplicationStatus.ACCEPTED, ApplicationStatus.HAPPENED]


def board_filter(
    opportunities: QuerySet[Opportunity], filters: dict[str, Any]
) -> QuerySet[Opportunity]:
    """`filters` are a BoardFilterForm's cleaned data (a saved search gives the same)."""
    if filters.get("province"):
        opportunities = opportunities.filter(province=filters["province"])
    if filters.get("mode"):
        opportunities = opportunities.filter(mode__in=[filters["mode"], "either"])
    if filters.get("kind"):
        opportunities = opportunities.filter(kind=filters["kind"])
    if filters.get("language"):
        opportunities = opportunities.filter(language__in=[filters["language"], "both"])
    code = filters.get("occupation") or ""
    typed = (filters.get("occupation_query") or "").strip()
    if code:
        opportunities = opportunities.filter(occupation__code__startswith=code)
    elif typed:
        # Without the combobox's choice, every unit group the words find.
        codes = [o.code for o, _title in occupation_search(query=typed, limit=50)]
        opportunities = opportunities.filter(occupation_id__in=codes)
    if filters.get("available_from"):
        opportunities = opportunities.filter(ends_on__gte=filters["available_from"])
    if filters.get("available_until"):
        opportunities = opportunities.filter(starts_on__lte=filters["available_until"])
    for accommodation in filters.get("accommodations") or ():
        opportunities = opportunities.filter(accommodations__contains=f";{accommodation};")
    return opportunities


def board_search(filters: dict[str, Any], *, page: int = 1) -> tuple[list[Opportunity], bool]:
    """One page of open opportunities, soonest first, each with its places taken; and whether
    another page follows. Two queries whatever the board's size."""
    found = board_filter(
        Opportunity.objects.filter(
            status=OpportunityStatus.OPEN, ends_on__gte=timezone.localdate()
        ),
        filters,
    ).select_related("employer", "occupation", "postal_area")
    start = (max(page, 1) - 1) * PAGE
    rows = list(found.order_by("starts_on", "pk")[start : start + PAGE + 1])
    shown = rows[:PAGE]
    taken = dict(
        Application.objects.filter(opportunity__in=[o.pk for o in shown], place__isnull=False)
        .values_list("opportunity")
        .annotate(n=Count("pk"))
        .values_list("opportunity", "n")
    )
    for opportunity in shown:
        opportunity.taken = taken.get(opportunity.pk, 0)
        opportunity.left = max(opportunity.places - opportunity.taken, 0)
    return shown, len(rows) > PAGE


def new_matches(
    filters: dict[str, Any], *, since: dt.datetime, until: dt.datetime
) -> list[Opportunity]:
    """Opportunities posted in (since, until] that a saved search finds: the digest's content."""
    found = board_filter(
        Opportunity.objects.filter(
            status=OpportunityStatus.OPEN, created_at__gt=since, created_at__lte=until
        ),
        filters,
    )
    return list(found.select_related("employer", "occupation").order_by("starts_on")[:50])


def applications_of_opportunity(opportunity: Opportunity) -> list[Application]:
    return list(
        opportunity.applications.select_related("participant", "referred_by").order_by(
            "status", "-created_at"
        )
    )


def opportunities_listed(opportunities: QuerySet[Opportunity]) -> QuerySet[Opportunity]:
    return (
        opportunities.select_related("employer", "occupation")
        .annotate(
            taken_places=Count("applications", filter=TAKEN),
            waiting=Count(
                "applications", filter=Q(applications__status=ApplicationStatus.SUBMITTED)
            ),
        )
        .order_by("-starts_on", "pk")
    )


def applications_listed(applications: QuerySet[Application]) -> QuerySet[Application]:
    return applications.select_related(
        "opportunity", "opportunity__employer", "participant"
    ).order_by("-created_at")


# --- Employers, hubs, the national view -------------------------------------------------------


def is_rural(postal_code: str) -> bool:
    """Canada Post: a 0 in the second place of a postal code marks a rural area."""
    return len(postal_code) >= 2 and postal_code[1] == "0"


RURAL = Q(participant__postal_code__regex=r"^[A-Za-z]0")


@dataclass
class EmployerPage:
    opportunities: list[Opportunity]
    hosted: list[Application]
    feedback: list[Feedback]


def employer_page(employer: Organization) -> EmployerPage:
    return EmployerPage(
        opportunities=list(opportunities_listed(employer.opportunities.all())[:200]),
        hosted=list(
            Application.objects.filter(
                opportunity__employer=employer, status=ApplicationStatus.HAPPENED
            )
            .select_related("opportunity", "participant")
            .order_by("-happened_on")[:200]
        ),
        feedback=list(
            Feedback.objects.filter(application__opportunity__employer=employer)
            .select_related("application__opportunity")
            .order_by("-written_at")[:200]
        ),
    )


@dataclass
class HubView:
    opportunities: list[Opportunity]
    applications: list[Application]
    employers: list[Organization]


def hub_view(hub: Organization) -> HubView:
    """A provincial hub's province: its opportunities, the job-seekers who applied to them or
    live there, and the employers that posted there."""
    in_province = Opportunity.objects.filter(province=hub.province)
    applications = Application.objects.filter(
        Q(opportunity__province=hub.province) | Q(participant__province=hub.province)
    )
    employers = (
        Organization.objects.filter(
            Q(opportunities__province=hub.province)
            | Q(kind=OrganizationType.EMPLOYER, province=hub.province)
        )
        .annotate(posted=Count("opportunities", filter=Q(opportunities__province=hub.province)))
        .order_by("name_en")
        .distinct()
    )
    return HubView(
        opportunities=list(opportunities_listed(in_province)[:200]),
        applications=list(applications_listed(applications)[:200]),
        employers=list(employers[:200]),
    )


def suppressed(value: int, threshold: int) -> int | None:
    """Small-cell suppression for figures shared outside a hub: a count from 1 to threshold-1
    is not published (None, shown as « x »). The national table publishes no totals and no
    column that is a sum of others, so no hidden cell can be worked back."""
    return None if 0 < value < threshold else value


@dataclass
class ProvinceRow:
    province: str
    label: str
    cells: list[int | None]


NATIONAL_COLUMNS = (
    "opportunities",
    "virtual",
    "applications",
    "matches",
    "employers",
    "rural_virtual",
    "said_accessible",
    "said_not_accessible",
    "host_again",
)


def national_view(team: Organization, *, threshold: int | None = None) -> list[ProvinceRow]:
    """Per province of the team's hubs: opportunities and matches, employers engaged, virtual
    opportunities taken up by rural and remote job-seekers, feedback on inclusion. Four grouped
    queries whatever the number of rows."""
    from tandem.reference.places import PROVINCES

    threshold = settings.TANDEM_SMALL_CELL_THRESHOLD if threshold is None else threshold
    provinces = list(
        Organization.objects.filter(
            parent=team, kind=OrganizationType.PROVINCIAL_HUB, is_active=True
        )
        .exclude(province="")
        .values_list("province", flat=True)
        .distinct()
    )
    posted = {
        row["province"]: row
        for row in Opportunity.objects.filter(province__in=provinces)
        .values("province")
        .annotate(
            opportunities=Count("pk"),
            virtual=Count("pk", filter=Q(mode__in=["virtual", "either"])),
            employers=Count("employer", distinct=True),
        )
    }
    applied = {
        row["opportunity__province"]: row
        for row in Application.objects.filter(opportunity__province__in=provinces)
        .values("opportunity__province")
        .annotate(
            applications=Count("pk"),
            matches=Count("pk", filter=Q(status__in=MATCHED)),
            rural_virtual=Count(
                "pk",
                filter=Q(status__in=MATCHED, opportunity__mode__in=["virtual", "either"]) & RURAL,
            ),
        )
    }
    feedback = {
        row["application__opportunity__province"]: row
        for row in Feedback.objects.filter(application__opportunity__province__in=provinces)
        .values("application__opportunity__province")
        .annotate(
            said_accessible=Count(
                "pk", filter=Q(side=FeedbackSide.JOB_SEEKER, accessible=Accessible.YES)
            ),
            said_not_accessible=Count(
                "pk",
                filter=Q(
                    side=FeedbackSide.JOB_SEEKER, accessible__in=[Accessible.PARTLY, Accessible.NO]
                ),
            ),
            host_again=Count("pk", filter=Q(side=FeedbackSide.EMPLOYER, would_host_again=True)),
        )
    }
    names = dict(PROVINCES)
    rows = []
    for province in sorted(provinces):
        merged: dict[str, Any] = {
            **posted.get(province, {}),
            **applied.get(province, {}),
            **feedback.get(province, {}),
        }
        rows.append(
            ProvinceRow(
                province=province,
                label=str(names.get(province, province)),
                cells=[
                    suppressed(int(merged.get(column) or 0), threshold)
                    for column in NATIONAL_COLUMNS
                ],
            )
        )
    return rows


@dataclass
class AreaRow:
    fsa: str
    place: str
    province: str  # the opportunities' province (the national table's row)
    province_label: str
    count: int | None  # None: suppressed


def rural_uptake_by_area(
    team: Organization, rows: list[ProvinceRow], *, threshold: int | None = None
) -> list[AreaRow]:
    """Virtual opportunities taken up by rural and remote job-seekers, by their postal area
    (the forward sortation area of the postal code on their record) within the province of
    the opportunity, for the provinces of the team's hubs: the breakdown of the national
    table's "Virtual, taken up by rural and remote job-seekers" column, so each province's
    areas add up to a figure the reader may know (`protect_breakdown`). One grouped query."""
    from tandem.reference.models import PostalArea

    threshold = settings.TANDEM_SMALL_CELL_THRESHOLD if threshold is None else threshold
    provinces = {row.province: row for row in rows}
    counts: dict[str, dict[str, int]] = {}
    taken = (
        Application.objects.filter(
            RURAL,
            status__in=MATCHED,
            opportunity__mode__in=["virtual", "either"],
            opportunity__province__in=list(provinces),
        )
        .values_list("participant__postal_code", "opportunity__province")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for postal_code, province, n in taken:
        areas = counts.setdefault(province, {})
        fsa = postal_code[:3].upper()
        areas[fsa] = areas.get(fsa, 0) + n
    column = NATIONAL_COLUMNS.index("rural_virtual")
    found: list[AreaRow] = []
    places = dict(
        PostalArea.objects.filter(
            fsa__in=[fsa for areas in counts.values() for fsa in areas]
        ).values_list("fsa", "place_name")
    )
    for province, areas in sorted(counts.items()):
        row = provinces[province]
        ordered = sorted(areas)
        hidden = protect_breakdown(
            [areas[fsa] for fsa in ordered],
            total_is_known=row.cells[column] is not None,
            threshold=threshold,
        )
        if hidden is None:
            continue  # no way to show this province's areas safely: none are listed
        found += [
            AreaRow(
                fsa,
                places.get(fsa, ""),
                province,
                row.label,
                None if i in hidden else areas[fsa],
            )
            for i, fsa in enumerate(ordered)
        ]
    return found


def protect_breakdown(
    counts: list[int], *, total_is_known: bool, threshold: int
) -> set[int] | None:
    """Which of a breakdown's counts (all above zero) to hide, when their sum is published
    elsewhere (`total_is_known`) or hidden there; None when no choice is safe.

    Counts from 1 to threshold - 1 are hidden. A reader who knows the total knows the sum of
    the hidden counts, S, and that each is at least 1: with k hidden, each lies between 1 and
    S - (k - 1). One hidden count is therefore exposed, and so are k counts that add up to k
    (each is 1). While that holds, the smallest count still shown is hidden too; if none is
    left, nothing can protect them. A hidden total gives no equation: hiding the small counts
    is enough (the rules of reports/suppression.py for one line of a table)."""
    hidden = {i for i, n in enumerate(counts) if 0 < n < threshold}
    if not total_is_known or not hidden:
        return hidden

    def exposed() -> bool:
        return len(hidden) == 1 or sum(counts[i] for i in hidden) == len(hidden)

    while exposed():
        shown = sorted((n, i) for i, n in enumerate(counts) if i not in hidden)
        if not shown:
            return None
        hidden.add(shown[0][1])
    return hidden


@dataclass
class Engagement:
    posted: int  # employers engaged: at least one opportunity, posted by them or for them
    hosted: int | None  # of those, employers who hosted at least one job-seeker (suppressed)


def employers_engaged(team: Organization, *, threshold: int | None = None) -> Engagement:
    """Employers engaged in the provinces of the team's hubs, each counted once (an employer
    posting in two provinces is one employer), whatever became of their opportunities.

    CASE "worked with more than 6,000 employers" and "facilitated hundreds of mentorship
    matches" (seed 000): engagement is far wider than hosting, so an employer counts from its
    first opportunity, posted by itself or by a hub on its behalf, even if nobody applied or it
    was closed. Hosting and feedback add nobody (both belong to an application to one of the
    employer's opportunities); they are the depth of that engagement, shown as the second
    figure. Employers are on the public board, so their count is not suppressed; hosting
    describes people hosted and is."""
    threshold = settings.TANDEM_SMALL_CELL_THRESHOLD if threshold is None else threshold
    provinces = Organization.objects.filter(
        parent=team, kind=OrganizationType.PROVINCIAL_HUB, is_active=True
    ).values("province")
    opportunities = Opportunity.objects.filter(province__in=provinces)
    hosted = (
        Application.objects.filter(opportunity__in=opportunities, status=ApplicationStatus.HAPPENED)
        .values("opportunity__employer")
        .distinct()
        .count()
    )
    return Engagement(
        posted=opportunities.values("employer").distinct().count(),
        hosted=suppressed(hosted, threshold),
    )


def feedback_of(application: Application) -> list[Feedback]:
    return list(application.feedback.all())


def applications_by_province(
    organization_ids: list[int], starts_on: dt.date, ends_on: dt.date
) -> list[dict[str, Any]]:
    """For a report: applications to the opportunities of the organizations' employer partners
    (or posted by the organizations themselves) that start in the period, by the opportunity's
    province and where each stands. One grouped query."""
    from tandem.organizations.models import Partnership

    partners = Partnership.objects.filter(organization__in=organization_ids).values("partner")
    opportunities = Opportunity.objects.filter(
        Q(employer__in=partners)
        | Q(employer__in=organization_ids)
        | Q(posted_by__in=organization_ids),
        starts_on__gte=starts_on,
        starts_on__lte=ends_on,
    )
    rows = (
        Application.objects.filter(opportunity__in=opportunities)
        .values("opportunity__province")
        .annotate(
            waiting=Count("pk", filter=Q(status=ApplicationStatus.SUBMITTED)),
            closed=Count(
                "pk", filter=Q(status__in=[ApplicationStatus.DECLINED, ApplicationStatus.WITHDRAWN])
            ),
            accepted=Count("pk", filter=Q(status=ApplicationStatus.ACCEPTED)),
            happened=Count("pk", filter=Q(status=ApplicationStatus.HAPPENED)),
        )
        .order_by("opportunity__province")
    )
    return [dict(row) for row in rows]
