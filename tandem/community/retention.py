"""Retention of what people who left a community wrote there (core.retention; the privacy
app's sweep runs it). A thread stays readable for those who remain: the posts of a former member
stay, with no author, and the earlier versions of the posts they changed go; their private
messages, written to a few people, are emptied and their files deleted. Counts of threads, posts
and messages do not change."""

from datetime import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tandem.community.models import (
    Attachment,
    Membership,
    MembershipStatus,
    Mention,
    Message,
    Post,
    PostRevision,
    Thread,
)
from tandem.core import audit, retention

LEFT = [MembershipStatus.LEFT, MembershipStatus.REMOVED]


def memberships_due(organization_id: int, cutoff: datetime) -> QuerySet[Membership]:
    """The host organization runs the community: its period applies, from the day the person
    left or was removed (one membership row per person and community: someone who comes back
    is active again, no longer due)."""
    return Membership.objects.filter(
        community__host_id=organization_id, status__in=LEFT, ended_at__lt=cutoff
    )


def membership_anonymise(membership: Membership) -> None:
    community, user = membership.community_id, membership.user_id
    posts = Post.objects.filter(thread__space__community_id=community, author_id=user)
    messages = list(Message.objects.filter(conversation__community_id=community, author_id=user))
    audit.scrub_records([membership, *posts, *messages])
    # Their posts stay for those who remain; the texts they replaced were for the moderators,
    # and are counted nowhere: they go.
    retention.forget(PostRevision.objects.filter(post__in=posts))
    posts.update(author=None)
    Thread.objects.filter(space__community_id=community, author_id=user).update(author=None)
    Mention.objects.filter(post__thread__space__community_id=community, user_id=user).delete()
    for attachment in Attachment.objects.filter(message__in=messages):
        attachment.file.delete(save=False)
        attachment.delete()
    Message.objects.filter(pk__in=[m.pk for m in messages]).update(body="", text="", author=None)
    Membership.objects.filter(pk=membership.pk).update(handle="")


def register() -> None:
    retention.register(
        retention.Kind(
            code="community",
            label=_("What people who left a community wrote there"),
            starts=_("after the person left the community or was removed"),
            removes=_(
                "The name on their posts and threads (shown without a name), the earlier "
                "versions of their changed posts, mentions of them, their handle, and the text "
                "and files of their private messages."
            ),
            keeps=_(
                "The posts themselves, so threads stay readable for those who remain, and the "
                "number of threads, posts and messages."
            ),
            default_months=24,
            why=_(
                "Two years: long enough for a moderation report or a dispute about what was "
                "written to be settled."
            ),
            due=memberships_due,
            anonymise=membership_anonymise,
            position=50,
        )
    )
