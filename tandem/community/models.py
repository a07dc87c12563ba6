"""Communities of practice (seeds 000-002): a network of networks whose members talk in spaces.

A *community* is hosted by one organization (a lead agency or a national network) and gathers
people from its *member organizations*. A person belongs once their membership is active: they
were invited by a moderator, or asked and were admitted, and in both cases they agreed to the
community's terms of reference (the version they agreed to is kept; a new version asks again).

Every grant still goes through an active membership in an active organization
(`organizations.access`): a person who leaves the organization they joined through, or whose
organization leaves the community, loses the community at once, whatever their community
membership row says (`community.access`). Removal by a moderator does the same.

A *space* is open to every member, or targeted (a province, a topic, a working group) with its
own members; moderators see every space of their community.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tandem.core import fulltext
from tandem.core.fields import bounded_text
from tandem.core.i18n import bilingual, refuse_control_characters
from tandem.reference.places import PROVINCES


class Community(models.Model):
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    name_en = models.CharField(
        _("name (English)"), max_length=200, validators=[refuse_control_characters]
    )
    name_fr = models.CharField(
        _("name (French)"), max_length=200, validators=[refuse_control_characters]
    )
    description_en = bounded_text(_("description (English)"), blank=True)
    description_fr = bounded_text(_("description (French)"), blank=True)
    host = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="hosted_communities",
        verbose_name=_("host organization"),
    )
    # People of these organizations may be invited or ask to join (the host is one of them).
    organizations = models.ManyToManyField(
        "organizations.Organization",
        blank=True,
        related_name="communities",
        verbose_name=_("member organizations"),
    )
    terms_en = bounded_text(_("terms of reference (English)"), max_length=20000)
    terms_fr = bounded_text(_("terms of reference (French)"), max_length=20000)
    # Raised each time the terms change: members who agreed to an older version agree again.
    terms_version = models.PositiveIntegerField(_("terms of reference version"), default=1)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    name = bilingual("name")
    description = bilingual("description")
    terms = bilingual("terms")

    class Meta:
        verbose_name = _("community of practice")
        verbose_name_plural = _("communities of practice")
        ordering = ["name_en"]

    def __str__(self) -> str:
        return str(self.name)


class MembershipStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    REQUESTED = "requested", _("Asked to join")
    ACTIVE = "active", _("Member")
    DECLINED = "declined", _("Request declined")
    REMOVED = "removed", _("Removed")
    LEFT = "left", _("Left")


class Membership(models.Model):
    """One person in one community (one row per pair; its status says where it stands)."""

    community = models.ForeignKey(
        Community,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("community"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="community_memberships",
        verbose_name=_("person"),
    )
    # The member organization the person joined through: leaving it ends the community too.
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="community_memberships",
        verbose_name=_("organization"),
    )
    status = models.CharField(_("status"), max_length=12, choices=MembershipStatus.choices)
    is_moderator = models.BooleanField(_("moderator"), default=False)
    note = bounded_text(_("note"), blank=True, max_length=1000)
    terms_version = models.PositiveIntegerField(
        _("terms of reference version agreed to"), null=True, blank=True
    )
    agreed_at = models.DateTimeField(_("agreed to the terms on"), null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("invited by"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("admitted, declined or removed by"),
    )
    joined_at = models.DateTimeField(_("joined on"), null=True, blank=True)
    # How others mention this member in a post (`@handle`), unique in the community; set when
    # they join.
    handle = models.SlugField(_("handle"), max_length=60, blank=True)
    # The last digests sent (tandem/community/digests.py): the next one covers what came after.
    daily_digest_at = models.DateTimeField(null=True, blank=True)
    weekly_digest_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(_("ended on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("community membership")
        verbose_name_plural = _("community memberships")
        ordering = ["community_id", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "user"], name="community_membership_one_per_person"
            ),
            # An active member agreed to the terms (the version is what they agreed to).
            models.CheckConstraint(
                condition=~Q(status="active") | Q(terms_version__isnull=False),
                name="community_member_agreed_to_terms",
            ),
            models.UniqueConstraint(
                fields=["community", "handle"],
                condition=~Q(handle=""),
                name="community_handle_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.community}"

    @property
    def is_active(self) -> bool:
        return self.status == MembershipStatus.ACTIVE


class SpaceKind(models.TextChoices):
    OPEN = "open", _("Open to all members")
    PROVINCE = "province", _("A province")
    TOPIC = "topic", _("A topic")
    WORKING_GROUP = "working_group", _("A working group")


class Space(models.Model):
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="spaces", verbose_name=_("community")
    )
    slug = models.SlugField(_("short name"), max_length=60)
    name_en = models.CharField(
        _("name (English)"), max_length=200, validators=[refuse_control_characters]
    )
    name_fr = models.CharField(
        _("name (French)"), max_length=200, validators=[refuse_control_characters]
    )
    description_en = bounded_text(_("description (English)"), blank=True, max_length=2000)
    description_fr = bounded_text(_("description (French)"), blank=True, max_length=2000)
    kind = models.CharField(
        _("who takes part"), max_length=20, choices=SpaceKind.choices, default=SpaceKind.OPEN
    )
    province = models.CharField(_("province"), max_length=2, choices=PROVINCES, blank=True)
    # The members of a targeted space (an open space needs none: every member takes part).
    members = models.ManyToManyField(
        Membership, blank=True, related_name="spaces", verbose_name=_("members of the space")
    )
    is_archived = models.BooleanField(_("archived"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    name = bilingual("name")
    description = bilingual("description")

    class Meta:
        verbose_name = _("space")
        verbose_name_plural = _("spaces")
        ordering = ["community_id", "kind", "name_en"]
        constraints = [
            models.UniqueConstraint(fields=["community", "slug"], name="space_slug_per_community"),
            models.CheckConstraint(
                condition=~Q(kind="province") | ~Q(province=""), name="space_province_named"
            ),
        ]

    def __str__(self) -> str:
        return str(self.name)

    @property
    def is_open(self) -> bool:
        return self.kind == SpaceKind.OPEN


LANGUAGES = [("en", _("English")), ("fr", _("French"))]


class ThreadKind(models.TextChoices):
    DISCUSSION = "discussion", _("Discussion")
    QUESTION = "question", _("Question")


class Thread(models.Model):
    """A conversation in a space; its first post is the opening message (every post, the first
    included, is a `Post`, so search and moderation treat them alike)."""

    space = models.ForeignKey(
        Space, on_delete=models.CASCADE, related_name="threads", verbose_name=_("space")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="community_threads",
        verbose_name=_("started by"),
    )
    title = models.CharField(_("title"), max_length=200, validators=[refuse_control_characters])
    kind = models.CharField(
        _("kind"), max_length=12, choices=ThreadKind.choices, default=ThreadKind.DISCUSSION
    )
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGES, default="en")
    # The reply that answered a question (set by its author or a moderator).
    answer = models.ForeignKey(
        "Post",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("answer"),
    )
    is_locked = models.BooleanField(_("locked"), default=False)
    is_hidden = models.BooleanField(_("hidden"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Moves with every reply: a space lists its threads by it (indexed with the space).
    last_post_at = models.DateTimeField(_("last post"))
    reply_count = models.PositiveIntegerField(_("replies"), default=0)
    # Titles, in both languages' configurations (a title's language is the thread's, but a
    # reader searches in either): "similar existing threads" (tandem/core/fulltext.py).
    search_document = fulltext.document(fulltext.Weighted("title", "A"))

    class Meta:
        verbose_name = _("thread")
        verbose_name_plural = _("threads")
        ordering = ["-last_post_at"]
        indexes = [
            models.Index(fields=["space", "-last_post_at"], name="thread_space_recent"),
            fulltext.SearchIndex(fields=["search_document"], name="thread_search"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_question(self) -> bool:
        return self.kind == ThreadKind.QUESTION

    @property
    def is_answered(self) -> bool:
        return self.answer_id is not None


class Post(models.Model):
    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, related_name="posts", verbose_name=_("thread")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="community_posts",
        verbose_name=_("author"),
    )
    # HTML cleaned by nh3 when written (tandem/community/text.py), and cleaned again when shown.
    body = bounded_text(_("message"), max_length=40000)
    # The same text without markup: search, digests and the text part of mail.
    text = bounded_text(_("text"), max_length=20000)
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGES, default="en")
    is_first = models.BooleanField(default=False)
    is_hidden = models.BooleanField(_("hidden"), default=False)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("hidden by"),
    )
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    # The post's text in English and French configurations: members search in either language.
    search_document = fulltext.document(fulltext.Weighted("text", "C"))
    # Set by selectors.thread_posts: the reader's own reactions.
    my_reactions: set[str]

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["thread", "created_at"], name="post_thread_time"),
            models.Index(fields=["author", "created_at"], name="post_author_time"),
            fulltext.SearchIndex(fields=["search_document"], name="post_search"),
        ]

    def __str__(self) -> str:
        return f"{self.thread} #{self.pk}"


class PostRevision(models.Model):
    """A post's text as it stood before its author changed it, one row per change: moderators
    read what a post said before (a report judged against the text reported, a dispute about
    what was written). Members see only the current text and "changed on"."""

    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("post")
    )
    body = bounded_text(_("message"), max_length=40000)
    text = bounded_text(_("text"), max_length=20000)
    # When this text was written (the post's creation or its previous change) and replaced.
    written_at = models.DateTimeField(_("written on"))
    replaced_at = models.DateTimeField(_("replaced on"))

    class Meta:
        verbose_name = _("earlier version of a post")
        verbose_name_plural = _("earlier versions of posts")
        ordering = ["post_id", "-replaced_at", "-pk"]
        indexes = [models.Index(fields=["post", "replaced_at"], name="post_revision_time")]

    def __str__(self) -> str:
        return f"{self.post} (before {self.replaced_at:%Y-%m-%d %H:%M})"


class ReactionKind(models.TextChoices):
    THANKS = "thanks", _("Thanks")
    HELPFUL = "helpful", _("Helpful")
    AGREE = "agree", _("I agree")


class Reaction(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("reaction"), max_length=10, choices=ReactionKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reaction")
        verbose_name_plural = _("reactions")
        constraints = [
            models.UniqueConstraint(fields=["post", "user", "kind"], name="reaction_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.post_id}"


class Mention(models.Model):
    """A member named in a post (`@handle`); unread until they open the thread."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="mentions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="community_mentions"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")
        constraints = [
            models.UniqueConstraint(fields=["post", "user"], name="mention_once_per_post")
        ]

    def __str__(self) -> str:
        return f"@{self.user_id} #{self.post_id}"


def attachment_path(instance: "Attachment", filename: str) -> str:
    import uuid

    # Never the uploaded name (kept apart, sent back only as the download name), and outside
    # any public URL: files are served by an access-checked view.
    return f"community/{uuid.uuid4().hex}"


class Attachment(models.Model):
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    message = models.ForeignKey(
        "Message", null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            # Attached to a post or to a private message, exactly one.
            models.CheckConstraint(
                condition=Q(post__isnull=True) ^ Q(message__isnull=True),
                name="attachment_post_or_message",
            )
        ]

    def __str__(self) -> str:
        return self.original_name


class ReportStatus(models.TextChoices):
    OPEN = "open", _("To review")
    HIDDEN = "hidden", _("Post hidden")
    DISMISSED = "dismissed", _("Dismissed")


class Report(models.Model):
    """A member's report of a post to the community's moderators."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = bounded_text(_("what is wrong"), max_length=1000)
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "reporter"],
                condition=Q(status="open"),
                name="report_open_once_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"report #{self.pk}"


class Frequency(models.TextChoices):
    IMMEDIATELY = "immediately", _("Immediately")
    DAILY = "daily", _("Daily digest")
    WEEKLY = "weekly", _("Weekly digest")
    NONE = "none", _("None")


# What a member who chose nothing receives from a space.
DEFAULT_FREQUENCY = Frequency.WEEKLY


class SpacePreference(models.Model):
    """How a member hears of new posts in one space (mentions and private messages are sent at
    once unless the space is set to "none")."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="preferences")
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="preferences")
    frequency = models.CharField(_("e-mail"), max_length=12, choices=Frequency.choices)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["membership", "space"], name="preference_once")
        ]

    def __str__(self) -> str:
        return f"{self.membership_id}/{self.space_id}: {self.frequency}"


class Conversation(models.Model):
    """A private conversation between members of one community (one-to-one or a small group),
    in the members-only area: only its participants read it, moderators included."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="conversations")
    subject = models.CharField(_("subject"), max_length=200, validators=[refuse_control_characters])
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_message_at = models.DateTimeField()

    class Meta:
        verbose_name = _("private conversation")
        verbose_name_plural = _("private conversations")
        ordering = ["-last_message_at"]

    def __str__(self) -> str:
        return self.subject


class ConversationMember(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="community_conversations"
    )
    last_read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("participant in a conversation")
        verbose_name_plural = _("participants in a conversation")
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "user"], name="conversation_participant_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.conversation_id}"


class Message(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = bounded_text(_("message"), max_length=40000)
    text = bounded_text(_("text"), max_length=20000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("private message")
        verbose_name_plural = _("private messages")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["author", "created_at"], name="message_author_time")]

    def __str__(self) -> str:
        return f"message #{self.pk}"
