"""A small community for tests: a host network, a member agency, an outside agency."""

from dataclasses import dataclass

from django.utils import timezone

from tandem.accounts.models import User
from tandem.community.models import Community, Membership, MembershipStatus, Space, SpaceKind
from tandem.core.tests.cast import make_member, make_organization
from tandem.organizations.models import Organization, OrganizationType, Role


@dataclass
class World:
    host: Organization
    agency: Organization
    outside: Organization
    community: Community
    moderator: User
    member: User
    outsider: User  # a leader of an organization that is not in the community
    colleague: User  # of a member organization, not (yet) a member
    open_space: Space
    province_space: Space


def add_member(
    community: Community, user: User, organization: Organization, **fields
) -> Membership:
    return Membership.objects.create(
        community=community,
        user=user,
        organization=organization,
        status=MembershipStatus.ACTIVE,
        terms_version=community.terms_version,
        agreed_at=timezone.now(),
        joined_at=timezone.now(),
        **fields,
    )


def make_world(prefix: str = "cop") -> World:
    host = make_organization(f"{prefix}-host", OrganizationType.LEAD_AGENCY)
    agency = make_organization(f"{prefix}-agency", OrganizationType.IMMIGRANT_NETWORK)
    outside = make_organization(f"{prefix}-outside", OrganizationType.IMMIGRANT_NETWORK)
    moderator = make_member(host, Role.NETWORK_LEADER, f"mod.{prefix}@example.org")
    member = make_member(agency, Role.NETWORK_LEADER, f"member.{prefix}@example.org", language="fr")
    colleague = make_member(agency, Role.PROGRAM_STAFF, f"colleague.{prefix}@example.org")
    outsider = make_member(outside, Role.NETWORK_LEADER, f"outsider.{prefix}@example.org")
    community = Community.objects.create(
        slug=f"{prefix}-national",
        name_en="National community of practice",
        name_fr="Communauté de pratique nationale",
        host=host,
        terms_en="Be kind. Share what works.",
        terms_fr="Soyez bienveillants. Partagez ce qui fonctionne.",
        created_by=moderator,
    )
    community.organizations.add(host, agency)
    add_member(community, moderator, host, is_moderator=True)
    add_member(community, member, agency)
    open_space = Space.objects.create(
        community=community, slug="general", name_en="General", name_fr="Général"
    )
    province_space = Space.objects.create(
        community=community,
        slug="ontario",
        name_en="Ontario hubs",
        name_fr="Carrefours de l'Ontario",
        kind=SpaceKind.PROVINCE,
        province="ON",
    )
    return World(
        host=host,
        agency=agency,
        outside=outside,
        community=community,
        moderator=moderator,
        member=member,
        outsider=outsider,
        colleague=colleague,
        open_space=open_space,
        province_space=province_space,
    )
