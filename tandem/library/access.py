"""Who may see and do what in a community's repertoire, directory and gatherings.

Everything stands on the community's own policy (`community.access`): a record of the library
is reached only through a community the person belongs to *now* (an active membership, through
an organization they still work at, that is still a member organization). A person removed from
a community, a leaver, or an organization leaving the community loses every resource, review,
gathering and profile page of that community at once; nothing is cached. Anyone else gets 404,
platform admins included (members-only, as the community's pages are).

Within a community:
- a published resource is read by every member; a draft (never published) by its owner, the
  community's moderators, and the reviewers of its open round;
- the owner and the moderators manage a resource (edit the draft, open a round, publish);
- a member reviews when their community membership's organization is invited to the open round;
- gatherings are read by every member and managed by their organizer and the moderators;
- a network profile is kept by its organization's admins.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from tandem.accounts.models import User
from tandem.community.access import (
    CommunityAccess,
    access_community,
    active_community_memberships,
    communities_of,
)
from tandem.community.models import Membership
from tandem.core.access import Action, accepts, one_or_404
from tandem.library.models import (
    Gathering,
    Registration,
    Resource,
    ResourceFile,
    ResourceVersion,
    ReviewInvitation,
    ReviewRound,
    Spokesperson,
)
from tandem.organizations.access import access_organization
from tandem.organizations.models import Organization


def _membership_in(user: User, community_id: int) -> Membership | None:
    return (
        active_community_memberships(user)
        .filter(community_id=community_id)
        .select_related("community", "organization")
        .first()
    )


def resources_visible_to(user: User) -> QuerySet[Resource]:
    """Every resource this person may read now, in every community they belong to."""
    memberships = active_community_memberships(user)
    moderated = memberships.filter(is_moderator=True).values("community_id")
    reviewing = ReviewInvitation.objects.filter(
        round__closed_at__isnull=True,
        organization_id__in=memberships.values("organization_id"),
        round__resource__community_id__in=memberships.values("community_id"),
    ).values("round__resource_id")
    return Resource.objects.filter(community__in=communities_of(user)).filter(
        Q(published_version__isnull=False)
        | Q(owner=user)
        | Q(community_id__in=moderated)
        | Q(pk__in=reviewing)
    )


@dataclass(frozen=True)
class ResourceAccess:
    resource: Resource
    membership: Membership
    can_manage: bool  # the owner and the community's moderators
    open_round: ReviewRound | None
    can_review: bool  # their hub is invited to the open round


@accepts(Action.VIEW, Action.MANAGE)
def access_resource(
    user: User, resource_id: int, *, action: Action = Action.VIEW
) -> ResourceAccess:
    """A resource: `view` by whoever may read it (see the module's docstring), `manage` by its
    owner and the community's moderators."""
    found = one_or_404(
        resources_visible_to(user).select_related(
            "community", "organization", "owner", "published_version"
        ),
        resource_id,
    )
    membership = _membership_in(user, found.community_id)
    assert membership is not None  # resources_visible_to only reads the person's communities
    can_manage = found.owner_id == user.pk or membership.is_moderator
    if action is Action.MANAGE and not can_manage:
        raise Http404
    open_round = found.review_rounds.filter(closed_at__isnull=True).first()
    can_review = (
        open_round is not None
        and found.owner_id != user.pk
        and open_round.invitations.filter(organization_id=membership.organization_id).exists()
    )
    return ResourceAccess(
        resource=found,
        membership=membership,
        can_manage=can_manage,
        open_round=open_round,
        can_review=can_review,
    )


def access_version(user: User, version_id: int) -> tuple[ResourceAccess, ResourceVersion]:
    """A version of a resource this person reads: published ones for every reader, the draft
    for those who manage or review it."""
    version = one_or_404(
        ResourceVersion.objects.filter(resource__in=resources_visible_to(user)), version_id
    )
    found = access_resource(user, version.resource_id)
    if version.is_draft and not (found.can_manage or found.can_review):
        raise Http404
    return found, version


def access_resource_file(user: User, file_id: int) -> ResourceFile:
    """A version's file: whoever may read that version."""
    found = one_or_404(
        ResourceFile.objects.filter(version__resource__in=resources_visible_to(user)), file_id
    )
    access_version(user, found.version_id)
    return found


def access_review_round(user: User, round_id: int) -> tuple[ResourceAccess, ReviewRound]:
    """A review round, open or closed: the resource's managers and the reviewers of its hubs."""
    found = one_or_404(
        ReviewRound.objects.filter(resource__in=resources_visible_to(user)).select_related(
            "version"
        ),
        round_id,
    )
    resource = access_resource(user, found.resource_id)
    invited = found.invitations.filter(organization_id=resource.membership.organization_id)
    if not (resource.can_manage or invited.exists()):
        raise Http404
    return resource, found


# --- Gatherings -------------------------------------------------------------------------------


@dataclass(frozen=True)
class GatheringAccess:
    gathering: Gathering
    membership: Membership
    can_manage: bool  # the organizer and the community's moderators
    registration: Registration | None  # this person's, whatever its state


@accepts(Action.VIEW, Action.MANAGE)
def access_gathering(
    user: User, gathering_id: int, *, action: Action = Action.VIEW
) -> GatheringAccess:
    found = one_or_404(
        Gathering.objects.filter(community__in=communities_of(user)).select_related("community"),
        gathering_id,
    )
    membership = _membership_in(user, found.community_id)
    assert membership is not None
    can_manage = found.organizer_id == user.pk or membership.is_moderator
    if action is Action.MANAGE and not can_manage:
        raise Http404
    return GatheringAccess(
        gathering=found,
        membership=membership,
        can_manage=can_manage,
        registration=found.registrations.filter(user=user).first(),
    )


@accepts(Action.VIEW, Action.MANAGE)
def access_spokesperson(
    user: User, spokesperson_id: int, *, action: Action = Action.VIEW
) -> Spokesperson:
    """A roster entry: members read it; the person themself and the moderators change it."""
    found = one_or_404(
        Spokesperson.objects.filter(community__in=communities_of(user)).select_related(
            "community", "user", "organization"
        ),
        spokesperson_id,
    )
    if action is Action.MANAGE:
        membership = _membership_in(user, found.community_id)
        if found.user_id != user.pk and not (membership and membership.is_moderator):
            raise Http404
    return found


# --- The directory ----------------------------------------------------------------------------


def access_library(user: User, community_slug: str) -> CommunityAccess:
    """A community's repertoire, directory and gatherings: its members (`community.access`)."""
    return access_community(user, community_slug)


def access_profile(user: User, org_slug: str) -> Organization:
    """An organization's directory profile, kept by its admins (and platform admins)."""
    return access_organization(user, org_slug, action=Action.MANAGE).organization
