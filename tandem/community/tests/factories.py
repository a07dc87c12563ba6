"""A small community for tests: a host network, a member agency, an outside agency."""

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from tandem.accounts.models import User
from tandem.community.models import (
    Community,
    Membership,
    MembershipStatus,
    Space,
    SpaceKind,
    Thread,
)
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
    from tandem.community.services.communities import _unique_handle

    fields.setdefault("handle", _unique_handle(community, user))
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


def side_community(side: Any) -> dict[str, Any]:
    """For the route walks: a community of `side.organization` (made once per organization),
    built through the services: its admin creates it and is the moderator, its staff joins;
    a province space (the walk opens it as the moderator), a question with a reply carrying a
    PDF, a report, and a private conversation."""
    from django.core.files.base import ContentFile

    from tandem.community.models import Attachment, Report
    from tandem.community.services import communities, conversations, threads

    slug = f"cop-{side.organization.slug}"[:60]
    found = Community.objects.filter(slug=slug).first()
    if found is None:
        found = communities.community_create(
            actor=side.admin,
            host=side.organization,
            slug=slug,
            name_en="Community",
            name_fr="Communauté",
            terms_en="Be kind.",
            terms_fr="Soyez bienveillants.",
        )
        communities.member_request(
            actor=side.staff, community=found, organization=side.organization, note="", agree=True
        )
        staff = found.memberships.get(user=side.staff)
        communities.request_decide(actor=side.admin, membership=staff, admit=True)
        space = communities.space_create(
            actor=side.admin,
            community=found,
            slug="ontario",
            name_en="Ontario",
            name_fr="Ontario",
            kind=SpaceKind.PROVINCE,
            province="ON",
        )
        moderator = found.memberships.get(user=side.admin)
        thread = threads.thread_start(
            actor=side.staff,
            membership=staff,
            space=space,
            title="How do you recruit mentors?",
            body="Any advice?",
            kind="question",
        )
        pdf = ContentFile(b"%PDF-1.4 test", name="guide.pdf")
        threads.reply(
            actor=side.admin, membership=moderator, thread=thread, body="See the guide.", upload=pdf
        )
        post = thread.posts.get(is_first=False)
        threads.post_report(actor=side.staff, post=post, reason="Test report")
        conversations.conversation_start(
            actor=side.admin, community=found, recipients=[side.staff], subject="Hi", body="Hello"
        )
    space = found.spaces.get(slug="ontario")
    thread = Thread.objects.get(space=space)
    post = thread.posts.get(is_first=False)
    return {
        "community": found,
        "space": space,
        "thread": thread,
        "post": post,
        "attachment": Attachment.objects.get(post=post),
        "conversation": found.conversations.get(),
        "membership": found.memberships.get(user=side.staff),
        "report": Report.objects.get(post=post),
    }
