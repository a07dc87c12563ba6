"""A community with a repertoire, a directory, gatherings and a roster, for the library's tests
and for the route walks (`core/tests/url_arguments.py`)."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tandem.accounts.models import User
from tandem.community.models import Community, Membership
from tandem.community.tests.factories import add_member
from tandem.core.tests.cast import Side, make_member, make_organization
from tandem.library.models import Gathering, GatheringKind, Resource, ResourceKind
from tandem.library.services import gatherings as gathering_services
from tandem.library.services import resources as resource_services
from tandem.library.services import reviews as review_services
from tandem.library.services.resources import SectionText
from tandem.organizations.models import Organization, OrganizationType, Role

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "toolkit.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def sections(count: int = 2) -> list[SectionText]:
    return [
        SectionText(
            heading_en=f"Part {n}",
            heading_fr=f"Partie {n}",
            body_en=f"Recruiting newcomers, step {n}.",
            body_fr=f"Recruter des personnes nouvellement arrivées, étape {n}.",
        )
        for n in range(1, count + 1)
    ]


def make_community(slug: str, host: Organization, *members: Organization) -> Community:
    community = Community.objects.create(
        slug=slug,
        name_en=f"{slug} community",
        name_fr=f"Communauté {slug}",
        host=host,
        terms_en="Share what works.",
        terms_fr="Partagez ce qui fonctionne.",
    )
    community.organizations.add(host, *members)
    return community


def make_resource(
    owner: User,
    community: Community,
    organization: Organization,
    *,
    title: str = "HR Inclusive Policy Toolkit",
    title_fr: str = "Trousse de politiques RH inclusives",
    publish: bool = True,
    **fields: Any,
) -> Resource:
    resource = resource_services.resource_create(
        actor=owner,
        community=community,
        organization=organization,
        tags={"topic": ["hr_policy"], "audience": ["employers"]},
        sections=sections(),
        kind=fields.pop("kind", ResourceKind.TOOLKIT),
        title_en=title,
        title_fr=title_fr,
        description_en=fields.pop("description_en", "Policies that welcome everyone."),
        description_fr=fields.pop(
            "description_fr", "Des politiques qui accueillent tout le monde."
        ),
        **fields,
    )
    if publish:
        resource_services.version_publish(actor=owner, resource=resource)
    return resource


def make_gathering(
    organizer: User, community: Community, *, days: int = 7, **fields: Any
) -> Gathering:
    starts = timezone.now() + timedelta(days=days)
    return gathering_services.gathering_create(
        actor=organizer,
        community=community,
        kind=fields.pop("kind", GatheringKind.HUB_MEETING),
        title_en=fields.pop("title_en", "National hub meeting"),
        title_fr=fields.pop("title_fr", "Rencontre nationale des carrefours"),
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        **fields,
    )


def past_gathering(organizer: User, community: Community, **fields: Any) -> Gathering:
    """A gathering that took place last week (created upcoming, then moved: the services refuse
    nothing about the past, but a registration needs the gathering ahead)."""
    gathering = make_gathering(organizer, community, **fields)
    Gathering.objects.filter(pk=gathering.pk).update(
        starts_at=timezone.now() - timedelta(days=7),
        ends_at=timezone.now() - timedelta(days=7) + timedelta(hours=2),
    )
    gathering.refresh_from_db()
    return gathering


@dataclass
class Library:
    community: Community
    host: Organization
    hub: Organization  # a second member organization, invited to review
    owner: User  # moderator of the community, owner of the toolkit
    reviewer: User  # a member of the hub
    membership: Membership  # the reviewer's
    resource: Resource  # published v1, draft v2 under review by the hub
    review: Any
    gathering: Gathering  # past, with a material
    upcoming: Gathering


def make_library(prefix: str = "lib") -> Library:
    host = make_organization(f"{prefix}-host", OrganizationType.LEAD_AGENCY)
    hub = make_organization(f"{prefix}-hub", OrganizationType.PROVINCIAL_HUB)
    owner = make_member(host, Role.NETWORK_LEADER, f"owner.{prefix}@example.org")
    reviewer = make_member(
        hub, Role.NETWORK_LEADER, f"reviewer.{prefix}@example.org", language="fr"
    )
    community = make_community(f"{prefix}-cop", host, hub)
    add_member(community, owner, host, is_moderator=True)
    membership = add_member(community, reviewer, hub)
    resource = make_resource(owner, community, host)
    resource_services.draft_start(actor=owner, resource=resource)
    review = review_services.round_open(actor=owner, resource=resource, organizations=[hub])
    gathering = past_gathering(owner, community, kind=GatheringKind.LEARNING_EXCHANGE)
    upcoming = make_gathering(owner, community, capacity=10)
    return Library(
        community=community,
        host=host,
        hub=hub,
        owner=owner,
        reviewer=reviewer,
        membership=membership,
        resource=resource,
        review=review,
        gathering=gathering,
        upcoming=upcoming,
    )


def outsider_records(side: Side) -> dict[str, Any]:
    """A community hosted by the side's organization: its staff a moderator (and owner of a
    published toolkit with a file, a draft under review and a past gathering), its admin and
    caseworker members. Made once per organization."""
    from tandem.community.tests.factories import side_community

    # The route walks give one `community_slug` per side: the community's own walk community
    # (tandem/community), which this builds on (its admin moderates, its staff is a member).
    community = side_community(side)["community"]
    if community.resources.exists():
        return _records_of(community)
    community.memberships.filter(user=side.staff).update(is_moderator=True)
    if not community.memberships.filter(user=side.caseworker).exists():
        add_member(community, side.caseworker, side.organization)
    resource = make_resource(side.staff, community, side.organization, publish=False)
    resource_services.file_attach(actor=side.staff, resource=resource, language="en", upload=pdf())
    resource_services.version_publish(actor=side.staff, resource=resource)
    resource_services.draft_start(actor=side.staff, resource=resource)
    partner = make_organization(f"{side.organization.slug}-partner-hub")
    community.organizations.add(partner)
    review_services.round_open(actor=side.staff, resource=resource, organizations=[partner])
    past_gathering(side.staff, community)
    gathering_services.spokesperson_add(
        actor=side.admin,
        membership=community.memberships.get(user=side.admin),
        expertise_en="Hiring",
        expertise_fr="Embauche",
        languages="English",
    )
    return _records_of(community)


def _records_of(community: Community) -> dict[str, Any]:
    resource = community.resources.first()
    assert resource is not None and resource.published_version is not None
    return {
        "community": community,
        "resource": resource,
        "round": resource.review_rounds.get(),
        "version": resource.published_version,
        "file": resource.published_version.files.get(),
        "gathering": community.gatherings.first(),
        "spokesperson": community.spokespersons.get(),
    }
