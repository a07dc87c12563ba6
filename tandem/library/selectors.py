"""Reads of the library, already scoped by `library.access` and ready for their pages."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import User
from tandem.community.access import communities_of
from tandem.community.models import Community, Space
from tandem.community.search import Found
from tandem.core import fulltext
from tandem.library.access import resources_visible_to
from tandem.library.models import (
    Gathering,
    NetworkProfile,
    Registration,
    Resource,
    ResourceTag,
    ResourceVersion,
    ReviewComment,
    ReviewRound,
    Section,
    Spokesperson,
)
from tandem.organizations.models import Organization, Partnership

PAGE_SIZE = 25
SUGGESTIONS = 5


@dataclass(frozen=True)
class ResourceFilters:
    text: str = ""
    kind: str = ""
    topic: str = ""
    audience: str = ""
    province: str = ""


def _tagged(kind: str, value: str) -> Exists:
    return Exists(ResourceTag.objects.filter(resource=OuterRef("pk"), kind=kind, value=value))


def resources_search(
    user: User, community: Community, filters: ResourceFilters, *, limit: int = PAGE_SIZE
) -> list[Resource]:
    """The first `limit` published resources of the community matching the filters: ranked by
    relevance when there is a text (fulltext.search_page), newest first otherwise."""
    # Published resources are read by every member, and the view reached `community` through
    # access_library: no need for the per-person visibility of drafts (a cheaper plan).
    found = Resource.objects.filter(community=community, published_version__isnull=False)
    if filters.kind:
        found = found.filter(kind=filters.kind)
    for kind in ("topic", "audience", "province"):
        value = getattr(filters, kind)
        if value:
            found = found.filter(_tagged(kind, value))
    if filters.text.strip():
        # The page is found on the resources table alone, then its rows are read with what
        # the list shows: joined to the organization and the version, PostgreSQL walked the
        # whole table backwards for a word no resource has (170 ms at 10,000 resources)
        # where the search index answers at once (benchmarks/community.py).
        page = fulltext.search_page(found.only("pk"), filters.text, limit=limit)
        ranks = {row.pk: row.rank for row in page}
        rows = {row.pk: row for row in _listed(found.filter(pk__in=list(ranks)))}
        for pk, rank in ranks.items():
            rows[pk].rank = rank
        return [rows[pk] for pk in ranks]
    return list(_listed(found).order_by("-updated_at", "-pk")[:limit])


def _listed(resources: QuerySet[Resource]) -> QuerySet[Resource]:
    """What a list shows: titles and summaries (the texts and search documents stay in the
    database), the organization, the version, the tags."""
    return (
        resources.select_related("organization", "published_version")
        .prefetch_related("tags")
        .defer("text_en", "text_fr", "search_document", "search_head")
    )


def resources_found(user: User, community: Community, text: str, limit: int) -> list[Found]:
    """The community search's rows for the repertoire (community/search.py): the best
    published resources for `text`, searched in their titles, descriptions and text."""
    return [
        Found(
            title=str(resource.title),
            url=reverse("library:resource", args=[resource.pk]),
            excerpt=str(resource.description),
            kind=resource.get_kind_display(),
        )
        for resource in resources_search(user, community, ResourceFilters(text=text), limit=limit)
    ]


def resources_similar(user: User, community: Community, text: str) -> list[Resource]:
    """Published resources most like a draft's title and description: "this may already
    exist" (any word counts; common words do not)."""
    found = Resource.objects.filter(community=community, published_version__isnull=False)
    return fulltext.similar(
        found.select_related("organization"), text, vector="search_head", limit=SUGGESTIONS
    )


def drafts_of(user: User, community: Community) -> QuerySet[Resource]:
    """Resources not yet published that this person owns or is asked to review."""
    return (
        resources_visible_to(user)
        .filter(community=community, published_version__isnull=True)
        .select_related("organization")
        .order_by("-updated_at")
    )


def reviews_waiting_for(user: User, community: Community) -> QuerySet[ReviewRound]:
    """Open review rounds this person's hub is invited to (not on their own resources)."""
    from tandem.community.access import active_community_memberships

    hubs = active_community_memberships(user).filter(community=community)
    return (
        ReviewRound.objects.filter(
            closed_at__isnull=True,
            resource__community=community,
            invitations__organization_id__in=hubs.values("organization_id"),
        )
        .exclude(resource__owner=user)
        .select_related("resource", "version")
        .distinct()
    )


def versions_of(resource: Resource, *, with_draft: bool) -> QuerySet[ResourceVersion]:
    versions = resource.versions.prefetch_related(Prefetch("credits", queryset=_credits()), "files")
    return versions if with_draft else versions.filter(published_at__isnull=False)


def _credits() -> QuerySet:
    from tandem.library.models import Credit

    return Credit.objects.select_related("user", "organization")


def sections_with_comments(version: ResourceVersion, review: ReviewRound | None) -> list[Section]:
    """The version's sections, each with `.review_comments` (those of `review`)."""
    comments = (
        ReviewComment.objects.filter(round=review).select_related("author", "organization")
        if review is not None
        else ReviewComment.objects.none()
    )
    return list(
        version.sections.prefetch_related(
            Prefetch("comments", queryset=comments, to_attr="review_comments")
        )
    )


# --- The directory ----------------------------------------------------------------------------


def directory_of(community: Community, text: str = "") -> list[Organization]:
    """The community's member organizations with their profile (or none yet) and partnerships,
    matching `text` (the profile's words, or the organization's live name)."""
    organizations = community.organizations.filter(is_active=True)
    if text.strip():
        words = fulltext.words_of(text)
        if not words:
            return []
        profiles = fulltext.search(
            NetworkProfile.objects.filter(organization__in=organizations), text
        ).values("organization_id")
        by_name = Q()
        for word in words:
            by_name &= Q(name_en__icontains=word) | Q(name_fr__icontains=word)
        organizations = organizations.filter(Q(pk__in=profiles) | by_name)
    return list(
        organizations.select_related("network_profile")
        .prefetch_related(
            Prefetch(
                "partnerships",
                queryset=Partnership.objects.filter(
                    partner__in=community.organizations.all()
                ).select_related("partner"),
            )
        )
        .order_by("name_en")
    )


# --- Gatherings -------------------------------------------------------------------------------


def gatherings_of(community: Community, *, past: bool) -> QuerySet[Gathering]:
    now = timezone.now()
    gatherings = community.gatherings.annotate(
        taken=Count(
            "registrations",
            filter=Q(
                registrations__registered_at__isnull=False,
                registrations__cancelled_at__isnull=True,
            ),
        )
    )
    if past:
        return gatherings.filter(ends_at__lte=now).order_by("-starts_at")
    return gatherings.filter(ends_at__gt=now).order_by("starts_at")


def registrations_of(gathering: Gathering) -> QuerySet[Registration]:
    return (
        gathering.registrations.filter(registered_at__isnull=False)
        .select_related("user", "organization")
        .order_by("user__last_name", "user__first_name")
    )


def roster_of(community: Community) -> QuerySet[Spokesperson]:
    return community.spokespersons.select_related("user", "organization")


def announcement_spaces(community: Community) -> QuerySet[Space]:
    """Where a moderator may announce a gathering: the community's spaces in use (moderators
    read every one of them)."""
    return community.spaces.filter(is_archived=False).order_by("kind", "name_en")


def library_communities(user: User) -> QuerySet[Community]:
    """The communities whose repertoire this person opens."""
    return communities_of(user).order_by("name_en")


def reviewers_of(draft: ResourceVersion) -> list[ReviewComment]:
    """One comment per person who commented on the draft (who publishing will credit)."""
    seen: dict[int, ReviewComment] = {}
    comments = ReviewComment.objects.filter(round__version=draft).exclude(
        author_id=draft.resource.owner_id
    )
    for comment in comments.select_related("author", "organization").order_by("created_at"):
        seen.setdefault(comment.author_id, comment)
    return list(seen.values())


def hubs_to_invite(resource: Resource, review: ReviewRound | None = None) -> QuerySet[Organization]:
    """Member organizations of the community not yet invited (the owner's own hub left out)."""
    hubs = resource.community.organizations.filter(is_active=True).exclude(
        pk=resource.organization_id
    )
    if review is not None:
        hubs = hubs.exclude(pk__in=review.invitations.values("organization_id"))
    return hubs.order_by("name_en")


def credits_of(version: ResourceVersion) -> QuerySet:
    return _credits().filter(version=version)


def profile_of(organization: Organization) -> NetworkProfile:
    """The organization's profile, or a new unsaved one."""
    return NetworkProfile.objects.filter(organization=organization).first() or NetworkProfile(
        organization=organization
    )


def profiles_kept_by(user: User, community: Community) -> QuerySet[Organization]:
    """The community's member organizations whose profile this person keeps (their admins)."""
    from tandem.organizations.access import organizations_of
    from tandem.organizations.models import Role

    return community.organizations.filter(
        pk__in=organizations_of(user, roles=[Role.ORG_ADMIN]).values("pk")
    )


def places_taken(gathering: Gathering) -> int:
    return gathering.registrations.filter(
        registered_at__isnull=False, cancelled_at__isnull=True
    ).count()


def materials_of(user: User, gathering: Gathering) -> QuerySet[Resource]:
    return resources_visible_to(user).filter(gathering=gathering).order_by("title_en")
