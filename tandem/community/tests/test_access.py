import pytest
from django.http import Http404

from tandem.community import access
from tandem.community.models import MembershipStatus
from tandem.community.tests.factories import make_world
from tandem.core.access import Action
from tandem.organizations.models import Membership as OrganizationMembership

pytestmark = pytest.mark.django_db


def test_members_reach_their_community_and_outsiders_get_404():
    world = make_world()
    slug = world.community.slug
    assert access.community_or_404(world.member, slug) == world.community
    assert not access.access_community(world.member, slug).can_moderate
    assert access.access_community(world.moderator, slug, action=Action.MANAGE).can_moderate
    for person in [world.outsider, world.colleague]:
        with pytest.raises(Http404):
            access.community_or_404(person, slug)
    with pytest.raises(Http404):
        access.access_community(world.member, slug, action=Action.MANAGE)


def test_a_colleague_of_a_member_organization_may_ask_to_join_and_an_outsider_may_not():
    world = make_world()
    found = access.access_community_to_join(world.colleague, world.community.slug)
    assert list(found.organizations) == [world.agency]
    with pytest.raises(Http404):
        access.access_community_to_join(world.outsider, world.community.slug)


def test_targeted_spaces_open_to_their_members_and_moderators_only():
    world = make_world()
    assert set(access.spaces_of(world.member, world.community)) == {world.open_space}
    assert set(access.spaces_of(world.moderator, world.community)) == {
        world.open_space,
        world.province_space,
    }
    with pytest.raises(Http404):
        access.space_or_404(world.member, world.community, "ontario")
    membership = world.community.memberships.get(user=world.member)
    world.province_space.members.add(membership)
    assert access.space_or_404(world.member, world.community, "ontario") == world.province_space


@pytest.mark.parametrize("how", ["removed", "left_organization", "organization_left"])
def test_access_ends_at_once_however_the_membership_ends(how):
    world = make_world()
    if how == "removed":
        world.community.memberships.filter(user=world.member).update(
            status=MembershipStatus.REMOVED
        )
    elif how == "left_organization":
        OrganizationMembership.objects.filter(user=world.member).update(is_active=False)
    else:
        world.community.organizations.remove(world.agency)
    with pytest.raises(Http404):
        access.community_or_404(world.member, world.community.slug)
    assert not access.communities_of(world.member).exists()
    assert world.member.pk not in set(
        access.community_members(world.community).values_list("user_id", flat=True)
    )
