"""Reads of the community area, already scoped by the access functions' querysets."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from tandem.accounts.models import User
from tandem.community import access
from tandem.community.models import (
    DEFAULT_FREQUENCY,
    Attachment,
    Community,
    Conversation,
    ConversationMember,
    Membership,
    MembershipStatus,
    Mention,
    Message,
    Post,
    Reaction,
    ReactionKind,
    Report,
    ReportStatus,
    Space,
    SpacePreference,
    Thread,
)
from tandem.core import fulltext
from tandem.organizations.models import Organization

THREADS_PER_PAGE = 30
RESULTS = 30
# At most this many of them found by their thread's title (see post_search).
TITLE_RESULTS = 15
# How many of the most recent matches a search ranks (see post_search).
CANDIDATES = 300


def communities_for(user: User) -> dict[str, Any]:
    """The index: communities the person belongs to, those they may join (with their own
    invitation or request, if any), and where they may start one."""
    mine = list(access.communities_of(user).order_by("name_en"))
    open_to = access.communities_open_to(user).exclude(pk__in=[c.pk for c in mine])
    rows = {
        m.community_id: m
        for m in Membership.objects.filter(user=user, community__in=open_to).select_related(
            "community"
        )
    }
    return {
        "mine": mine,
        "others": [(c, rows.get(c.pk)) for c in open_to.order_by("name_en")],
        "hosts": list(access.organizations_that_may_host(user).order_by("name_en")),
    }


def space_list(user: User, community: Community) -> list[Space]:
    return list(
        access.spaces_of(user, community)
        .filter(is_archived=False)
        .annotate(thread_count=Count("threads", filter=Q(threads__is_hidden=False)))
        .order_by("kind", "name_en")
    )


def space_threads(
    space: Space, *, language: str = "", page: int = 1, moderator: bool = False
) -> Page:
    """A space's threads, most recent activity first, a page at a time (the index on
    (space, -last_post_at) serves it at thousands of threads); optionally in one language."""
    threads = Thread.objects.filter(space=space)
    if not moderator:
        threads = threads.filter(is_hidden=False)
    if language in ("en", "fr"):
        threads = threads.filter(language=language)
    threads = threads.select_related("author").order_by("-last_post_at", "-pk")
    return Paginator(threads, THREADS_PER_PAGE).get_page(page)


def thread_posts(thread: Thread, *, user: User, moderator: bool, language: str = "") -> list[Post]:
    """A thread's posts with their attachments, reactions (counts and the reader's own) and,
    for moderators, open reports and earlier versions. Hidden posts stay in place (their text only for moderators).
    """
    posts = (
        Post.objects.filter(thread=thread)
        .select_related("author", "hidden_by")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("pk")))
        .annotate(
            thanks=Count("reactions", filter=Q(reactions__kind=ReactionKind.THANKS), distinct=True),
            helpful=Count(
                "reactions", filter=Q(reactions__kind=ReactionKind.HELPFUL), distinct=True
            ),
            agree=Count("reactions", filter=Q(reactions__kind=ReactionKind.AGREE), distinct=True),
        )
        .order_by("created_at", "pk")
    )
    if language in ("en", "fr"):
        posts = posts.filter(Q(language=language) | Q(is_first=True))
    if moderator:
        # The earlier versions of changed posts are for the moderators only.
        posts = posts.annotate(
            open_reports=Count(
                "reports", filter=Q(reports__status=ReportStatus.OPEN), distinct=True
            )
        ).prefetch_related("revisions")
    rows: list[Post] = list(posts)
    mine = set(Reaction.objects.filter(post__in=rows, user=user).values_list("post_id", "kind"))
    for post in rows:
        post.my_reactions = {kind for pk, kind in mine if pk == post.pk}
    return rows


def similar_threads(
    user: User, community: Community, title: str, *, limit: int = 5
) -> list[Thread]:
    """Threads already in the community (in spaces the person reads) whose titles share words
    with a new thread's title: "has this been asked already?"."""
    if not title.strip():
        return []
    found = fulltext.similar(access.threads_of(user, community), title, limit=limit)
    return list(Thread.objects.filter(pk__in=[t.pk for t in found]).select_related("space"))


def post_search(user: User, community: Community, query: str, *, language: str = "") -> list[Post]:
    """Posts of the community the person may read that match `query` in their thread's title or
    in their text (PostgreSQL full-text in English and French; a simple match on SQLite), at
    most RESULTS, title matches first.

    - Titles: the threads whose title matches, ranked among *all* the threads the person reads
      (a title is a few words: ranking every match is cheap), each shown by its opening post;
      at most TITLE_RESULTS of them, so that the text matches always keep half the page.
    - Text: ranking every post a common word matches ("mentor" is in most posts) reads every
      matching post's document: seconds at 200,000 posts. So the CANDIDATES most recent
      matches are found by walking the posts' date index (or, for a rare word, the search
      index) and only those are ranked. An old post is still found by its thread's title; an
      old reply whose thread's title does not match is found only among the recent ones
      (docs/community.md, "Search")."""
    # The spaces as a list of ids (a handful): as a subquery, PostgreSQL guessed a few hundred
    # threads where there were 20,000 and read every thread's posts one by one.
    spaces = list(access.spaces_of(user, community).values_list("pk", flat=True))
    threads = Thread.objects.filter(space_id__in=spaces, is_hidden=False)
    posts = Post.objects.filter(
        thread__space_id__in=spaces, thread__is_hidden=False, is_hidden=False
    )
    if language in ("en", "fr"):
        threads = threads.filter(language=language)
        posts = posts.filter(language=language)
    titled = list(fulltext.search(threads, query).values_list("pk", flat=True)[:TITLE_RESULTS])
    openers = dict(
        Post.objects.filter(thread_id__in=titled, is_first=True, is_hidden=False).values_list(
            "thread_id", "pk"
        )
    )
    order = [openers[pk] for pk in titled if pk in openers]
    recent = fulltext.search(posts, query).order_by("-created_at", "-pk")
    ids = list(recent.values_list("pk", flat=True)[:CANDIDATES])
    ranked = fulltext.search(Post.objects.filter(pk__in=ids), query).values_list("pk", flat=True)
    for pk in ranked[:RESULTS]:
        if len(order) >= RESULTS:
            break
        if pk not in order:
            order.append(pk)
    found = {
        p.pk: p
        for p in Post.objects.filter(pk__in=order).select_related(
            "thread", "thread__space", "author"
        )
    }
    return [found[pk] for pk in order if pk in found]


def members_of(community: Community) -> list[Membership]:
    return list(
        access.community_members(community)
        .select_related("user", "organization")
        .order_by("user__last_name", "user__first_name")
    )


def requests_and_invitations(community: Community) -> list[Membership]:
    return list(
        community.memberships.filter(
            status__in=[MembershipStatus.REQUESTED, MembershipStatus.INVITED]
        )
        .select_related("user", "organization")
        .order_by("status", "created_at")
    )


def open_reports(community: Community) -> list[Report]:
    return list(
        Report.objects.filter(post__thread__space__community=community, status=ReportStatus.OPEN)
        .select_related("post", "post__thread", "post__author", "reporter")
        .order_by("created_at")
    )


EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def with_unread(conversations: QuerySet[Conversation], user: User) -> QuerySet[Any]:
    """Each conversation's `is_unread`: a message by someone else after the person last read."""
    last_read = ConversationMember.objects.filter(conversation=OuterRef("pk"), user=user).values(
        "last_read_at"
    )[:1]
    return conversations.annotate(my_last_read=Subquery(last_read)).annotate(
        is_unread=Exists(
            Message.objects.filter(
                conversation=OuterRef("pk"),
                created_at__gt=Coalesce(OuterRef("my_last_read"), Value(EPOCH)),
            ).exclude(author=user)
        )
    )


def conversation_list(user: User, community: Community) -> list[Conversation]:
    rows = (
        with_unread(access.conversations_of(user, community), user)
        .prefetch_related(
            Prefetch("members", queryset=ConversationMember.objects.select_related("user"))
        )
        .order_by("-last_message_at")
    )
    return list(rows)


def conversation_messages(conversation: Conversation) -> list[Message]:
    return list(
        conversation.messages.select_related("author")
        .prefetch_related("attachments")
        .order_by("created_at", "pk")
    )


def preferences_of(membership: Membership, spaces: list[Space]) -> list[tuple[Space, str]]:
    chosen = dict(
        SpacePreference.objects.filter(membership=membership).values_list("space_id", "frequency")
    )
    return [(s, chosen.get(s.pk, DEFAULT_FREQUENCY)) for s in spaces]


@dataclass(frozen=True)
class Unread:
    mentions: list[Mention]
    conversations: int

    @property
    def is_empty(self) -> bool:
        return not self.mentions and not self.conversations


def unread_for(user: User) -> Unread:
    """Unread mentions and conversations with unread messages, in the communities the person
    still belongs to (for the home page)."""
    communities = access.communities_of(user)
    # Only in spaces they still read: a thread moved to a targeted space, or a member taken
    # out of one, no longer shows its title here (a person belongs to a few communities).
    readable = [
        pk
        for community in communities
        for pk in access.spaces_of(user, community).values_list("pk", flat=True)
    ]
    mentions = list(
        Mention.objects.filter(
            user=user,
            seen_at__isnull=True,
            post__is_hidden=False,
            post__thread__is_hidden=False,
            post__thread__space_id__in=readable,
        )
        .select_related("post__thread__space__community", "post__author")
        .order_by("-created_at")[:10]
    )
    conversations = (
        with_unread(
            Conversation.objects.filter(community__in=communities, members__user=user), user
        )
        .filter(is_unread=True)
        .count()
    )
    return Unread(mentions=mentions, conversations=conversations)


def organizations_to_choose() -> QuerySet[Organization]:
    """Every active organization of the network: a community's member organizations are
    chosen among them (the directory of the network is public to its members)."""
    return Organization.objects.filter(is_active=True).order_by("name_en")
