"""The shared repertoire, the directory of networks and the gatherings of a community of practice
(issue 23; seeds 000 CASE, 001 CPC, 002 TRIEC's PINs).

*Resources* (documents, links, toolkits) belong to one community and are written in English and
French side by side. Each has versions: at most one *draft* (not yet published) and the
published ones, numbered. A version holds the text by *section* and a file per language. The
owner may open a *review round* on the draft and invite hubs (member organizations of the
community); members of the community who joined through an invited hub comment section by
section; when the owner publishes the draft, everyone who commented is *credited* on that
version (CASE's HR Inclusive Policy Toolkit, which every hub reviewed).

*Network profiles* describe each organization for the directory (seed 002's directory of
professional immigrant networks). *Gatherings* are a community's learning-exchange sessions,
national hub meetings and leadership workshops, with registration under a numbered-place guard
(as opportunities and groups do: a partial unique index, so two people can never hold the same
place), attendance, materials filed into the repertoire afterwards, and the community's roster of
*spokespersons*.

Everything here is members-only: it is read through `library/access.py`, on the community's own
access functions, so a person removed from a community loses it at once.
"""

from typing import Any

from auditlog.registry import auditlog
from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tandem.core import fulltext
from tandem.core.fields import bounded_text
from tandem.core.fulltext import Weighted
from tandem.core.i18n import bilingual, refuse_control_characters
from tandem.reference.places import PROVINCES

# The searchable text of a published version (every section, one language): long enough for a
# toolkit, short enough that a search document stays small.
TEXT_MAX_LENGTH = 60000
SECTION_MAX_LENGTH = 20000
MOST_SECTIONS = 40
MOST_PLACES = 2000


class ResourceKind(models.TextChoices):
    DOCUMENT = "document", _("Document")
    LINK = "link", _("Link")
    TOOLKIT = "toolkit", _("Toolkit")


class Topic(models.TextChoices):
    INCLUSIVE_HIRING = "inclusive_hiring", _("Inclusive hiring")
    HR_POLICY = "hr_policy", _("Human resources policy")
    ACCESSIBILITY = "accessibility", _("Accessibility and accommodation")
    MENTORING = "mentoring", _("Mentoring practice")
    EMPLOYER_ENGAGEMENT = "employer_engagement", _("Employer engagement")
    GOVERNANCE = "governance", _("Governance")
    COMMUNICATIONS = "communications", _("Communications")
    STRATEGIC_PLANNING = "strategic_planning", _("Strategic planning")
    EVALUATION = "evaluation", _("Evaluation and reporting")
    FUNDING = "funding", _("Funding and partnerships")


class Audience(models.TextChoices):
    EMPLOYERS = "employers", _("Employers")
    HUB_STAFF = "hub_staff", _("Hub and agency staff")
    NETWORK_LEADERS = "network_leaders", _("Network leaders")
    CAREER_PRACTITIONERS = "career_practitioners", _("Career practitioners")
    MENTORS = "mentors", _("Mentors")
    JOB_SEEKERS = "job_seekers", _("Job seekers")


class TagKind(models.TextChoices):
    TOPIC = "topic", _("Topic")
    AUDIENCE = "audience", pgettext_lazy("who a resource is for", "Audience")
    PROVINCE = "province", _("Province")


TAG_CHOICES: dict[str, list[tuple[str, Any]]] = {
    TagKind.TOPIC: list(Topic.choices),
    TagKind.AUDIENCE: list(Audience.choices),
    TagKind.PROVINCE: list(PROVINCES),
}


class Resource(models.Model):
    community = models.ForeignKey(
        "community.Community",
        on_delete=models.PROTECT,
        related_name="resources",
        verbose_name=_("community"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ResourceKind.choices)
    title_en = models.CharField(
        _("title (English)"), max_length=200, validators=[refuse_control_characters]
    )
    title_fr = models.CharField(
        _("title (French)"), max_length=200, validators=[refuse_control_characters]
    )
    description_en = bounded_text(_("description (English)"), max_length=2000)
    description_fr = bounded_text(_("description (French)"), max_length=2000)
    link_en = models.URLField(_("link (English)"), max_length=500, blank=True)
    link_fr = models.URLField(_("link (French)"), max_length=500, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="library_resources",
        verbose_name=_("owner"),
    )
    # The hub the owner shares it for (one of the community's member organizations).
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="library_resources",
        verbose_name=_("organization"),
    )
    # Materials of a gathering, filed into the repertoire after it took place.
    gathering = models.ForeignKey(
        "library.Gathering",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="materials",
        verbose_name=_("material of the gathering"),
    )
    published_version = models.ForeignKey(
        "library.ResourceVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("published version"),
    )
    # The published version's sections, one language each: what the search reads (kept by
    # services.version_publish; a generated column cannot read another table).
    text_en = bounded_text(blank=True, max_length=TEXT_MAX_LENGTH)
    text_fr = bounded_text(blank=True, max_length=TEXT_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    search_document = fulltext.document(
        Weighted("title_en", "A", "en"),
        Weighted("title_fr", "A", "fr"),
        Weighted("description_en", "B", "en"),
        Weighted("description_fr", "B", "fr"),
        Weighted("text_en", "C", "en"),
        Weighted("text_fr", "C", "fr"),
    )
    # The title and description alone: what a results page ranks and "similar" compares
    # (fulltext.search_page: ranking every full document a common word matches is too slow).
    search_head = fulltext.document(
        Weighted("title_en", "A", "en"),
        Weighted("title_fr", "A", "fr"),
        Weighted("description_en", "B", "en"),
        Weighted("description_fr", "B", "fr"),
    )

    title = bilingual("title")
    description = bilingual("description")
    link = bilingual("link")
    # Set by selectors that rank (fulltext.search).
    rank: float

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["-updated_at"]
        indexes = [
            fulltext.SearchIndex(fields=["search_document"], name="library_resource_search"),
            fulltext.SearchIndex(fields=["search_head"], name="library_resource_head"),
            models.Index(fields=["community", "-updated_at"], name="library_resource_recent"),
        ]

    def __str__(self) -> str:
        return str(self.title)

    @property
    def is_published(self) -> bool:
        return self.published_version_id is not None


class ResourceTag(models.Model):
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="tags")
    kind = models.CharField(_("kind"), max_length=12, choices=TagKind.choices)
    value = models.CharField(_("tag"), max_length=40)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["kind", "value"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "kind", "value"], name="library_tag_once"),
        ]
        indexes = [models.Index(fields=["kind", "value"], name="library_tag_lookup")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return str(dict(TAG_CHOICES.get(self.kind, [])).get(self.value, self.value))


class ResourceVersion(models.Model):
    """Version `number` of a resource: a draft until `published_at` is set, then frozen."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    note_en = bounded_text(_("what changed (English)"), blank=True, max_length=2000)
    note_fr = bounded_text(_("what changed (French)"), blank=True, max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(_("published on"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    note = bilingual("note")

    class Meta:
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        ordering = ["resource_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "number"], name="library_version_number"),
            # One draft at a time: reviewers comment on the one the owner will publish.
            models.UniqueConstraint(
                fields=["resource"],
                condition=Q(published_at__isnull=True),
                name="library_one_draft",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resource} v{self.number}"

    @property
    def is_draft(self) -> bool:
        return self.published_at is None


class Section(models.Model):
    version = models.ForeignKey(ResourceVersion, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(_("position"))
    heading_en = models.CharField(
        _("heading (English)"), max_length=200, validators=[refuse_control_characters]
    )
    heading_fr = models.CharField(
        _("heading (French)"), max_length=200, validators=[refuse_control_characters]
    )
    body_en = bounded_text(_("text (English)"), blank=True, max_length=SECTION_MAX_LENGTH)
    body_fr = bounded_text(_("text (French)"), blank=True, max_length=SECTION_MAX_LENGTH)

    heading = bilingual("heading")
    body = bilingual("body")

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["version_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="library_section_order"),
        ]

    def __str__(self) -> str:
        return str(self.heading)


class ResourceFile(models.Model):
    """A version's file in one language, served only through an access-checked view."""

    version = models.ForeignKey(ResourceVersion, on_delete=models.CASCADE, related_name="files")
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES)
    file = models.FileField(upload_to="library/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("file")
        verbose_name_plural = _("files")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "language"], name="library_file_per_language"
            )
        ]

    def __str__(self) -> str:
        return self.original_name


class ReviewRound(models.Model):
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="review_rounds")
    version = models.ForeignKey(
        ResourceVersion, on_delete=models.CASCADE, related_name="review_rounds"
    )
    message = bounded_text(_("message to the reviewers"), blank=True, max_length=2000)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(_("closed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("review round")
        verbose_name_plural = _("review rounds")
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["resource"], condition=Q(closed_at__isnull=True), name="library_one_round"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version} · {self.opened_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class ReviewInvitation(models.Model):
    """A hub invited to a round: its people who are members of the community may comment."""

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="invitations")
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("hub"),
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("review invitation")
        verbose_name_plural = _("review invitations")
        constraints = [
            models.UniqueConstraint(fields=["round", "organization"], name="library_invited_once"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.round}"


class ReviewComment(models.Model):
    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="comments")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+"
    )
    body = bounded_text(_("comment"), max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("review comment")
        verbose_name_plural = _("review comments")
        ordering = ["section_id", "created_at"]

    def __str__(self) -> str:
        return f"{self.author} · {self.section}"


class Credit(models.Model):
    """A reviewer credited on the version their comments helped shape."""

    version = models.ForeignKey(ResourceVersion, on_delete=models.CASCADE, related_name="credits")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("credit")
        verbose_name_plural = _("credits")
        ordering = ["organization__name_en", "user__last_name", "user__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["version", "user"], name="library_credited_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.version}"


# --- The directory of networks -----------------------------------------------------------------


class NetworkProfile(models.Model):
    """What an organization tells the other networks about itself (its admins keep it)."""

    organization = models.OneToOneField(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="network_profile",
        verbose_name=_("organization"),
    )
    focus_en = bounded_text(_("focus (English)"), blank=True, max_length=1000)
    focus_fr = bounded_text(_("focus (French)"), blank=True, max_length=1000)
    served_en = models.CharField(
        _("community served (English)"),
        max_length=200,
        blank=True,
        help_text=_("An ethno-cultural or professional community, e.g. Filipino engineers."),
        validators=[refuse_control_characters],
    )
    served_fr = models.CharField(
        _("community served (French)"),
        max_length=200,
        blank=True,
        validators=[refuse_control_characters],
    )
    members_count = models.PositiveIntegerField(
        _("members"), null=True, blank=True, validators=[MaxValueValidator(10_000_000)]
    )
    languages = models.CharField(
        _("languages"),
        max_length=200,
        blank=True,
        help_text=_("The languages its activities are held in, separated by commas."),
        validators=[refuse_control_characters],
    )
    offers_mentoring = models.BooleanField(_("mentoring"), default=False)
    offers_job_board = models.BooleanField(_("job board"), default=False)
    offers_professional_development = models.BooleanField(
        _("professional development"), default=False
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    # The organization's names at the last save, so that the directory's search reads one table.
    name_en = models.CharField(max_length=200, blank=True)
    name_fr = models.CharField(max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    search_document = fulltext.document(
        Weighted("name_en", "A", "en"),
        Weighted("name_fr", "A", "fr"),
        Weighted("served_en", "A", "en"),
        Weighted("served_fr", "A", "fr"),
        Weighted("focus_en", "B", "en"),
        Weighted("focus_fr", "B", "fr"),
        Weighted("languages", "C"),
    )

    focus = bilingual("focus")
    served = bilingual("served")

    class Meta:
        verbose_name = _("network profile")
        verbose_name_plural = _("network profiles")
        indexes = [fulltext.SearchIndex(fields=["search_document"], name="library_profile_search")]

    def __str__(self) -> str:
        return str(self.organization)

    @property
    def offers(self) -> list[str]:
        labels = [
            (self.offers_mentoring, _("mentoring")),
            (self.offers_job_board, _("job board")),
            (self.offers_professional_development, _("professional development")),
        ]
        return [str(label) for offered, label in labels if offered]


# --- Gatherings ------------------------------------------------------------------------------------


class GatheringKind(models.TextChoices):
    LEARNING_EXCHANGE = "learning_exchange", _("Learning-exchange session")
    HUB_MEETING = "hub_meeting", _("National hub meeting")
    LEADERSHIP_WORKSHOP = "leadership_workshop", _("Leadership workshop")


class WorkshopTheme(models.TextChoices):
    COMMUNICATIONS = "communications", _("Communications")
    GOVERNANCE = "governance", _("Governance")
    STRATEGIC_PLANNING = "strategic_planning", _("Strategic planning")


class GatheringMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIRTUAL = "virtual", _("Virtual")


class Spokesperson(models.Model):
    """A member who speaks for the network (seed 002's roster): at gatherings, to the media."""

    community = models.ForeignKey(
        "community.Community", on_delete=models.CASCADE, related_name="spokespersons"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+"
    )
    expertise_en = bounded_text(_("speaks on (English)"), max_length=500)
    expertise_fr = bounded_text(_("speaks on (French)"), max_length=500)
    languages = models.CharField(
        _("languages"), max_length=100, blank=True, validators=[refuse_control_characters]
    )
    is_available = models.BooleanField(_("available for new requests"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    expertise = bilingual("expertise")

    class Meta:
        verbose_name = _("spokesperson")
        verbose_name_plural = _("spokespersons")
        ordering = ["community_id", "user__last_name", "user__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "user"], name="library_spokesperson_once"),
        ]

    def __str__(self) -> str:
        return str(self.user)


class Gathering(models.Model):
    community = models.ForeignKey(
        "community.Community",
        on_delete=models.PROTECT,
        related_name="gatherings",
        verbose_name=_("community"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=GatheringKind.choices)
    theme = models.CharField(
        _("workshop theme"), max_length=30, choices=WorkshopTheme.choices, blank=True
    )
    title_en = models.CharField(
        _("title (English)"), max_length=200, validators=[refuse_control_characters]
    )
    title_fr = models.CharField(
        _("title (French)"), max_length=200, validators=[refuse_control_characters]
    )
    description_en = bounded_text(_("description (English)"), blank=True, max_length=4000)
    description_fr = bounded_text(_("description (French)"), blank=True, max_length=4000)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    mode = models.CharField(
        _("how"), max_length=20, choices=GatheringMode.choices, default=GatheringMode.VIRTUAL
    )
    place = models.CharField(
        _("place"), max_length=300, blank=True, validators=[refuse_control_characters]
    )
    link = models.URLField(_("link"), max_length=500, blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("places"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MOST_PLACES)],
        help_text=_("Left empty, places are not limited."),
    )
    speakers = models.ManyToManyField(
        Spokesperson, blank=True, related_name="gatherings", verbose_name=_("speakers")
    )
    organizer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The space it was announced in: its readers were mailed (none: listed on its page only).
    space = models.ForeignKey(
        "community.Space",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="gatherings",
        verbose_name=_("announced in"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled on"), null=True, blank=True)
    # The calendar files' SEQUENCE: raised when the date, times or place change and when it is
    # cancelled, so that calendars update (or remove) the entry the announcement added.
    sequence = models.PositiveIntegerField(default=0)

    title = bilingual("title")
    description = bilingual("description")

    class Meta:
        verbose_name = _("gathering")
        verbose_name_plural = _("gatherings")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="library_gathering_in_order"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1, capacity__lte=MOST_PLACES),
                name="library_gathering_places",
            ),
        ]

    def __str__(self) -> str:
        return str(self.title)

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class Registration(models.Model):
    """One person registered for a gathering (or no longer), and whether they came.

    With limited places, a registration holds a numbered place 1..capacity; the partial unique
    index on (gathering, place) means two registrations can never hold the same one, whatever
    the interleaving (services.gathering_register also locks the gathering's row)."""

    gathering = models.ForeignKey(Gathering, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+"
    )
    place = models.PositiveSmallIntegerField(null=True, blank=True)
    registered_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    attendance_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["gathering_id", "registered_at"]
        constraints = [
            models.UniqueConstraint(fields=["gathering", "user"], name="library_registered_once"),
            models.UniqueConstraint(
                fields=["gathering", "place"],
                condition=Q(place__isnull=False),
                name="library_one_person_per_place",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.gathering}"

    @property
    def is_registered(self) -> bool:
        return self.registered_at is not None and self.cancelled_at is None


for model in (
    Resource,
    ResourceVersion,
    Section,
    ReviewRound,
    ReviewInvitation,
    Credit,
    NetworkProfile,
    Spokesperson,
    Gathering,
    Registration,
):
    auditlog.register(model)
