"""Mail about a community, each in its recipient's language and sent by the worker.

- A new post: at once to the readers of its space who chose "immediately" for it; members
  mentioned in it get a mention notice instead (unless they chose "none" for the space).
- A private message: at once to the conversation's other members (without its text: a mailbox
  is not the members-only area).
- Daily and weekly digests (`digests_send`, a sweep of `core.sweeps`): what was posted since the
  last digest in the spaces set to that frequency (weekly when the member chose nothing).
- Invitations, requests to join (to the moderators) and their answers.
"""

from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import translation

from tandem.accounts.models import User
from tandem.community.access import community_members, members_with_access, readers_of
from tandem.community.models import (
    DEFAULT_FREQUENCY,
    Community,
    Frequency,
    Membership,
    Message,
    Post,
    Space,
    SpacePreference,
)
from tandem.core import sweeps
from tandem.core.mail import send_to_person

# A digest waits for its whole period, less this margin: the hourly sweep runs a little later
# each time, and a daily digest must not slip to every 25 hours.
DIGEST_MARGIN = timedelta(minutes=30)
PERIODS = {Frequency.DAILY: timedelta(days=1), Frequency.WEEKLY: timedelta(days=7)}
# A digest lists at most this many posts (then "and N more").
DIGEST_POSTS = 30


def _url(name: str, language: str, **kwargs: object) -> str:
    with translation.override(language):
        return settings.SITE_URL.rstrip("/") + reverse(name, kwargs=kwargs)


def _send(user: User, template: str, context: dict[str, object]) -> None:
    send_to_person(
        email=user.email,
        language=user.preferred_language,
        template=f"community/mail/{template}",
        context={"person": user, **context},
    )


def _name(user: User | None) -> str:
    return (user.get_full_name() or user.email) if user else ""


# --- Right after a write (queued for the worker once the transaction commits) ---------------


def post_written(post: Post) -> None:
    from tandem.community.tasks import post_notify

    transaction.on_commit(partial(post_notify.enqueue, post.pk))


def message_written(message: Message) -> None:
    from tandem.community.tasks import message_notify

    transaction.on_commit(partial(message_notify.enqueue, message.pk))


def frequencies(space: Space, memberships: list[Membership]) -> dict[int, str]:
    """Each membership's frequency for `space` (the default when they chose nothing)."""
    chosen = dict(
        SpacePreference.objects.filter(space=space, membership__in=memberships).values_list(
            "membership_id", "frequency"
        )
    )
    return {m.pk: chosen.get(m.pk, DEFAULT_FREQUENCY) for m in memberships}


def post_mail(*, post_id: int) -> int:
    """The worker: mails the post's mentions and the readers who asked for every post at once.
    Returns how many were mailed."""
    post = (
        Post.objects.filter(pk=post_id, is_hidden=False)
        .select_related("thread", "thread__space", "thread__space__community", "author")
        .first()
    )
    if post is None or post.thread.is_hidden:
        return 0
    space = post.thread.space
    readers = list(readers_of(space).select_related("user").exclude(user_id=post.author_id or 0))
    chosen = frequencies(space, readers)
    mentioned = set(post.mentions.values_list("user_id", flat=True))
    sent = 0
    for membership in readers:
        frequency = chosen[membership.pk]
        user = membership.user
        if membership.user_id in mentioned and frequency != Frequency.NONE:
            template = "mention"
        elif frequency == Frequency.IMMEDIATELY:
            template = "post"
        else:
            continue
        _send(
            user,
            template,
            {
                "author": _name(post.author),
                "thread": post.thread,
                "space": space,
                "community": space.community,
                "excerpt": post.text[:600],
                "url": _url(
                    "community:thread",
                    user.preferred_language,
                    community_slug=space.community.slug,
                    thread_id=post.thread_id,
                )
                + f"#post-{post.pk}",
            },
        )
        sent += 1
    return sent


def message_mail(*, message_id: int) -> int:
    message = (
        Message.objects.filter(pk=message_id)
        .select_related("conversation", "conversation__community", "author")
        .first()
    )
    if message is None:
        return 0
    conversation = message.conversation
    members = community_members(conversation.community)
    others = User.objects.filter(
        community_conversations__conversation=conversation,
        pk__in=members.values("user_id"),
    ).exclude(pk=message.author_id or 0)
    for user in others:
        _send(
            user,
            "message",
            {
                "author": _name(message.author),
                "community": conversation.community,
                "url": _url(
                    "community:conversation",
                    user.preferred_language,
                    community_slug=conversation.community.slug,
                    conversation_id=conversation.pk,
                ),
            },
        )
    return len(others)


def invitation(membership: Membership) -> None:
    _send(
        membership.user,
        "invitation",
        {
            "community": membership.community,
            "inviter": _name(membership.invited_by),
            "note": membership.note,
            "url": _url(
                "community:join",
                membership.user.preferred_language,
                community_slug=membership.community.slug,
            ),
        },
    )


def request_to_moderators(membership: Membership) -> None:
    community = membership.community
    for moderator in community_members(community).filter(is_moderator=True).select_related("user"):
        _send(
            moderator.user,
            "request",
            {
                "community": community,
                "requester": _name(membership.user),
                "organization": membership.organization,
                "note": membership.note,
                "url": _url(
                    "community:members",
                    moderator.user.preferred_language,
                    community_slug=community.slug,
                ),
            },
        )


def request_answered(membership: Membership, *, admitted: bool) -> None:
    community = membership.community
    _send(
        membership.user,
        "admitted" if admitted else "declined",
        {
            "community": community,
            "url": _url(
                "community:detail" if admitted else "community:index",
                membership.user.preferred_language,
                **({"community_slug": community.slug} if admitted else {}),
            ),
        },
    )


# --- Digests (a sweep) -----------------------------------------------------------------------


def _digest_spaces(membership: Membership, frequency: str) -> list[Space]:
    spaces = list(Space.objects.filter(community_id=membership.community_id, is_archived=False))
    if not membership.is_moderator:
        mine = set(membership.spaces.values_list("pk", flat=True))
        spaces = [s for s in spaces if s.is_open or s.pk in mine]
    chosen = dict(membership.preferences.values_list("space_id", "frequency"))
    return [s for s in spaces if chosen.get(s.pk, DEFAULT_FREQUENCY) == frequency]


def digest_for(membership: Membership, frequency: str, *, since: datetime, now: datetime) -> bool:
    """Mails one member's digest of what was posted in (since, now]; False when there was
    nothing to tell."""
    spaces = _digest_spaces(membership, frequency)
    if not spaces:
        return False
    posts = (
        Post.objects.filter(
            thread__space__in=spaces,
            created_at__gt=since,
            created_at__lte=now,
            is_hidden=False,
            thread__is_hidden=False,
        )
        .exclude(author_id=membership.user_id)
        .select_related("thread", "thread__space", "author")
        .order_by("thread__space_id", "thread_id", "created_at")
    )
    total = posts.count()
    if not total:
        return False
    user = membership.user
    community = membership.community
    rows = [
        {
            "space": post.thread.space,
            "thread": post.thread,
            "author": _name(post.author),
            "excerpt": post.text[:300],
            "url": _url(
                "community:thread",
                user.preferred_language,
                community_slug=community.slug,
                thread_id=post.thread_id,
            )
            + f"#post-{post.pk}",
        }
        for post in posts[:DIGEST_POSTS]
    ]
    _send(
        user,
        "digest",
        {
            "community": community,
            "weekly": frequency == Frequency.WEEKLY,
            "rows": rows,
            "more": total - len(rows),
            "url": _url(
                "community:preferences", user.preferred_language, community_slug=community.slug
            ),
        },
    )
    return True


def digests_send(*, now: datetime) -> dict[str, int]:
    """The sweep: each member's daily and weekly digests that are due. Idempotent: a digest
    sent moves the member's mark to `now`, under a row lock and in the transaction that queues
    its mail, so two workers never send one twice and a stop between members loses none."""
    sent = {"daily": 0, "weekly": 0}
    for frequency, field in (
        (Frequency.DAILY, "daily_digest_at"),
        (Frequency.WEEKLY, "weekly_digest_at"),
    ):
        period = PERIODS[frequency]
        due = members_with_access().filter(
            Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lte": now - period + DIGEST_MARGIN})
        )
        # sweeps.each: a stopping worker leaves after the member in hand; each digest sent is
        # committed with its mark, the rest go at the next run.
        for pk in sweeps.each(list(due.order_by("pk").values_list("pk", flat=True))):
            with transaction.atomic():
                membership = (
                    Membership.objects.select_for_update(of=("self",))
                    .select_related("user", "community")
                    .filter(pk=pk)
                    .first()
                )
                if membership is None:
                    continue
                last = getattr(membership, field)
                if last is not None and last > now - period + DIGEST_MARGIN:
                    continue  # another worker sent it meanwhile
                # A first digest covers one period back, never a new member's whole past.
                since = max(last or now - period, membership.joined_at or now - period)
                if digest_for(membership, frequency, since=since, now=now):
                    sent[str(frequency)] += 1
                setattr(membership, field, now)
                membership.save(update_fields=[field])
    return sent


def community_digest_url(community: Community, language: str) -> str:
    return _url("community:detail", language, community_slug=community.slug)
