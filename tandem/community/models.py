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
