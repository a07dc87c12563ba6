"""Who may see and do what in a community of practice.

Members-only: a community's spaces, threads, people and messages open to its *active members*
and to nobody else (not platform admins, not search engines); everyone else gets 404, so that
nobody learns what a community holds. A membership counts only while it is active **and** the
person still holds an active membership in the organization they joined through **and** that
organization is still one of the community's member organizations: removal by a moderator, a
leaver, or an organization leaving the community all take access away at once, with nothing
cached.

Moderators are members with `is_moderator`; they manage the community (members, spaces, terms)
and moderate its posts. Targeted spaces open to their own members and to the moderators.

Who may start a community: the organization admins and network leaders of an active
organization (a lead agency, a provincial hub, a network); it is hosted by that organization and
its creator is its first moderator.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from tandem.accounts.models import User
from tandem.community.models import (
    Attachment,
    Community,
    Conversation,
    Membership,
    MembershipStatus,
    Post,
    Report,
    Space,
    Thread,
)
from tandem.core.access import Action, accepts, one_or_404
from tandem.organizations.access import organizations_of
from tandem.organizations.models import Organization, Role

HOST_ROLES = [Role.ORG_ADMIN, Role.NETWORK_LEADER]


def _still_in_member_organization() -> Exists:
    """The membership's organization is still one of its community's member organizations."""
    return Exists(
        Community.organizations.through.objects.filter(
            community_id=OuterRef("community_id"), organization_id=OuterRef("organization_id")
        )
    )


def active_community_memberships(user: User) -> QuerySet[Membership]:
    """This person's memberships that grant anything right now (see the module's docstring)."""
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(
        _still_in_member_organization(),
        user=user,
        status=MembershipStatus.ACTIVE,
        community__is_active=True,
        organization__in=organizations_of(user),
    )


def communities_of(user: User) -> QuerySet[Community]:
    """The communities this person belongs to now."""
    return Community.objects.filter(
        pk__in=active_community_memberships(user).values("community_id")
    )


def members_with_access() -> QuerySet[Membership]:
    """Every membership that grants access now, in every community (the same three conditions
    as `active_community_memberships`, for everyone at once): digests and notices."""
    from tandem.organizations.models import Membership as OrganizationMembership

    in_organization = Exists(
        OrganizationMembership.objects.filter(
            user_id=OuterRef("user_id"),
            organization_id=OuterRef("organization_id"),
            is_active=True,
            organization__is_active=True,
        )
    )
    return Membership.objects.filter(
        _still_in_member_organization(),
        in_organization,
        status=MembershipStatus.ACTIVE,
        community__is_active=True,
        user__is_active=True,
    )


def community_members(community: Community) -> QuerySet[Membership]:
    """The community's members who hold access now: who may be mentioned, messaged,
    notified."""
    return members_with_access().filter(community=community)


def readers_of(space: Space) -> QuerySet[Membership]:
    """The members who may read a space: all members for an open space; its own members and
    the moderators for a targeted one."""
    members = community_members(space.community)
    if space.is_open:
        return members
    return members.filter(Q(is_moderator=True) | Q(spaces=space)).distinct()


def communities_open_to(user: User) -> QuerySet[Community]:
    """Communities this person may see the card of and ask to join (or answer an invitation
    to): one of their organizations is a member organization."""
    return Community.objects.filter(
        is_active=True, organizations__in=organizations_of(user)
    ).distinct()


def organizations_that_may_host(user: User) -> QuerySet[Organization]:
    """Where this person may start a community: their organizations where they are an admin or
    a network leader."""
    return organizations_of(user, roles=HOST_ROLES)


@dataclass(frozen=True)
class CommunityAccess:
    community: Community
    membership: Membership
    can_moderate: bool  # a moderator of this community


@accepts(Action.VIEW, Action.MANAGE)
def access_community(user: User, slug: str, *, action: Action = Action.VIEW) -> CommunityAccess:
    """A community's members-only area: `view` by its members, `manage` (members, spaces,
    terms, moderation) by its moderators."""
    memberships = active_community_memberships(user).select_related("community", "organization")
    if action is Action.MANAGE:
        memberships = memberships.filter(is_moderator=True)
    found = one_or_404(memberships, slug, field="community__slug")
    return CommunityAccess(
        community=found.community, membership=found, can_moderate=found.is_moderator
    )


def community_or_404(user: User, slug: str) -> Community:
    """A community this person belongs to (members only; everyone else: 404)."""
    return access_community(user, slug).community


@dataclass(frozen=True)
class JoinAccess:
    community: Community
    membership: Membership | None  # their row, whatever its status, if they have one
    organizations: QuerySet[Organization]  # their organizations that are member organizations


def access_community_to_join(user: User, slug: str) -> JoinAccess:
    """A community's card and terms, to ask to join or answer an invitation: people of its
    member organizations."""
    found = one_or_404(communities_open_to(user), slug, field="slug")
    return JoinAccess(
        community=found,
        membership=Membership.objects.filter(community=found, user=user).first(),
        organizations=organizations_of(user).filter(communities=found),
    )


def spaces_of(user: User, community: Community) -> QuerySet[Space]:
    """The spaces of a community this member takes part in: open ones, targeted ones they are
    a member of; moderators see every space. (The community was reached through
    `access_community`.)"""
    membership = active_community_memberships(user).filter(community=community).first()
    if membership is None:
        return Space.objects.none()
    spaces = Space.objects.filter(community=community)
    if membership.is_moderator:
        return spaces
    # A subquery rather than a join: counts annotated on these spaces stay right.
    own = Space.members.through.objects.filter(membership=membership).values("space_id")
    return spaces.filter(Q(kind="open") | Q(pk__in=own))


def space_or_404(user: User, community: Community, slug: str) -> Space:
    """A space of this community that the person takes part in (else 404)."""
    return one_or_404(spaces_of(user, community), slug, field="slug")


@dataclass(frozen=True)
class SpaceAccess:
    space: Space
    community: Community
    membership: Membership
    can_moderate: bool


@accepts(Action.VIEW, Action.MANAGE)
def access_space(
    user: User, community_slug: str, space_slug: str, *, action: Action = Action.VIEW
) -> SpaceAccess:
    """A space: `view` (read and post) by the members who take part, `manage` by moderators."""
    found = access_community(user, community_slug, action=action)
    space = space_or_404(user, found.community, space_slug)
    return SpaceAccess(
        space=space,
        community=found.community,
        membership=found.membership,
        can_moderate=found.can_moderate,
    )


def access_community_membership(
    user: User, community_slug: str, community_membership_id: int
) -> tuple[CommunityAccess, Membership]:
    """One membership row of a community, for its moderators (admit, decline, remove, make
    moderator)."""
    found = access_community(user, community_slug, action=Action.MANAGE)
    row = one_or_404(
        found.community.memberships.select_related("user", "organization"),
        community_membership_id,
    )
    return found, row


# --- Threads, posts, attachments, reports, conversations -------------------------------------


@dataclass(frozen=True)
class ThreadAccess:
    thread: Thread
    community: Community
    membership: Membership
    can_moderate: bool
    is_author: bool


def threads_of(user: User, community: Community) -> QuerySet[Thread]:
    """Threads of the spaces this member takes part in; hidden ones for moderators only."""
    threads = Thread.objects.filter(space__in=spaces_of(user, community))
    membership = active_community_memberships(user).filter(community=community).first()
    if membership is None or not membership.is_moderator:
        threads = threads.filter(is_hidden=False)
    return threads


@accepts(Action.VIEW, Action.MANAGE)
def access_thread(
    user: User, community_slug: str, thread_id: int, *, action: Action = Action.VIEW
) -> ThreadAccess:
    """A thread: `view` (read, reply, react, report) by the readers of its space, `manage`
    (hide, lock, move) by moderators."""
    found = access_community(user, community_slug, action=action)
    thread = one_or_404(
        threads_of(user, found.community).select_related("space", "author", "answer"), thread_id
    )
    return ThreadAccess(
        thread=thread,
        community=found.community,
        membership=found.membership,
        can_moderate=found.can_moderate,
        is_author=thread.author_id == user.pk,
    )


@dataclass(frozen=True)
class PostAccess:
    post: Post
    thread: ThreadAccess
    is_author: bool  # who may change it (community.services.threads.post_edit)


@accepts(Action.VIEW, Action.MANAGE)
def access_post(
    user: User, community_slug: str, post_id: int, *, action: Action = Action.VIEW
) -> PostAccess:
    """A post, through its thread: readers react and report; moderators hide."""
    found = access_community(user, community_slug, action=action)
    posts = Post.objects.filter(thread__in=threads_of(user, found.community))
    if not found.can_moderate:
        posts = posts.filter(is_hidden=False)
    post = one_or_404(posts.select_related("thread", "author"), post_id)
    thread = access_thread(user, community_slug, post.thread_id, action=action)
    return PostAccess(post=post, thread=thread, is_author=post.author_id == user.pk)


def conversations_of(user: User, community: Community) -> QuerySet[Conversation]:
    """The private conversations this member takes part in (nobody else reads them, not even
    moderators)."""
    if not active_community_memberships(user).filter(community=community).exists():
        return Conversation.objects.none()
    return Conversation.objects.filter(community=community, members__user=user)


@dataclass(frozen=True)
class ConversationAccess:
    conversation: Conversation
    community: Community
    membership: Membership


def access_conversation(
    user: User, community_slug: str, conversation_id: int
) -> ConversationAccess:
    found = access_community(user, community_slug)
    conversation = one_or_404(conversations_of(user, found.community), conversation_id)
    return ConversationAccess(
        conversation=conversation, community=found.community, membership=found.membership
    )


def access_attachment(user: User, community_slug: str, attachment_id: int) -> Attachment:
    """An attached file: the readers of its post (hidden posts: moderators) or the members of
    its conversation."""
    found = access_community(user, community_slug)
    posts = Post.objects.filter(thread__in=threads_of(user, found.community))
    if not found.can_moderate:
        posts = posts.filter(is_hidden=False)
    attachments = Attachment.objects.filter(
        Q(post__in=posts) | Q(message__conversation__in=conversations_of(user, found.community))
    )
    return one_or_404(attachments, attachment_id)


def access_report(
    user: User, community_slug: str, report_id: int
) -> tuple[CommunityAccess, Report]:
    """A member's report of a post: the community's moderators."""
    found = access_community(user, community_slug, action=Action.MANAGE)
    report = one_or_404(
        Report.objects.filter(post__thread__space__community=found.community).select_related(
            "post", "post__thread"
        ),
        report_id,
    )
    return found, report
