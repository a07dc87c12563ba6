from auditlog.registry import auditlog
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tandem.core.fields import bounded_text
from tandem.core.i18n import bilingual, refuse_control_characters
from tandem.reference.places import PROVINCES


class OrganizationType(models.TextChoices):
    LEAD_AGENCY = "lead_agency", _("Lead agency")
    SERVICE_AGENCY = "service_agency", _("Immigrant or employment service agency")
    EMPLOYER = "employer", _("Employer")
    ASSOCIATION = "association", _("Business or professional association")
    COLLEGE = "college", _("College")
    FUNDER = "funder", _("Funder")
    IMMIGRANT_NETWORK = "immigrant_network", _("Professional immigrant network")
    PROVINCIAL_HUB = "provincial_hub", _("Provincial hub")


class Organization(models.Model):
    """The tenant: every record belongs to one organization or names every party it involves."""

    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    name_en = models.CharField(
        _("name (English)"), max_length=200, validators=[refuse_control_characters]
    )
    name_fr = models.CharField(
        _("name (French)"), max_length=200, validators=[refuse_control_characters]
    )
    kind = models.CharField(_("type"), max_length=30, choices=OrganizationType.choices)
    description_en = bounded_text(_("description (English)"), blank=True)
    description_fr = bounded_text(_("description (French)"), blank=True)
    website = models.URLField(_("website"), blank=True)
    province = models.CharField(_("province"), max_length=2, choices=PROVINCES, blank=True)
    # A professional immigrant network or a provincial hub that this organization belongs to: its
    # leaders see aggregate figures for the people referred by the organizations under it.
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members_of_network",
        verbose_name=_("parent network or hub"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    name = bilingual("name")
    description = bilingual("description")

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name_en"]

    def __str__(self) -> str:
        return self.name


class ServiceLocation(models.Model):
    """A place where an organization's staff serve clients (seed 003, recommendation 6)."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="locations",
        verbose_name=_("organization"),
    )
    name_en = models.CharField(
        _("name (English)"), max_length=200, validators=[refuse_control_characters]
    )
    name_fr = models.CharField(
        _("name (French)"), max_length=200, validators=[refuse_control_characters]
    )
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100)
    province = models.CharField(_("province"), max_length=2, default="ON")
    postal_code = models.CharField(_("postal code"), max_length=7, blank=True)

    name = bilingual("name")

    class Meta:
        verbose_name = _("service location")
        verbose_name_plural = _("service locations")
        ordering = ["organization_id", "name_en"]

    def __str__(self) -> str:
        return f"{self.name} ({self.city})"


class PartnershipKind(models.TextChoices):
    SERVICE_DELIVERY = "service_delivery", _("Service-delivery partner")
    EMPLOYER = "employer", _("Employer partner")
    ASSOCIATION = "association", _("Association partner")
    ACADEMIC = "academic", _("Academic partner")
    FUNDING = "funding", _("Funder")
    NETWORK = "network", _("Network member")
    PROGRAM_DELIVERY = "program_delivery", _("Delivers the program with")


class Partnership(models.Model):
    """`partner` works with `organization` (usually the lead agency) in the given capacity."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="partnerships",
        verbose_name=_("organization"),
    )
    partner = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="partner_of", verbose_name=_("partner")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=PartnershipKind.choices)
    since = models.DateField(_("since"), null=True, blank=True)

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "partner", "kind"], name="partnership_unique"
            ),
            models.CheckConstraint(
                condition=~Q(organization=F("partner")), name="partnership_not_with_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} → {self.organization} ({self.get_kind_display()})"


class Role(models.TextChoices):
    PROGRAM_STAFF = "program_staff", _("Program staff")
    CASEWORKER = "caseworker", _("Caseworker")
    ORG_ADMIN = "org_admin", _("Organization admin")
    EMPLOYER_PARTNER = "employer_partner", _("Employer partner")
    FUNDER = "funder", pgettext_lazy("role", "Funder")
    NETWORK_LEADER = "network_leader", _("Network leader")


class Membership(models.Model):
    """What a person does at one organization. A person may have several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("person"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organization"),
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    locations = models.ManyToManyField(
        ServiceLocation, blank=True, related_name="staff", verbose_name=_("service locations")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "role"], name="membership_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organization}"


auditlog.register(Organization)
auditlog.register(Membership)
auditlog.register(Partnership)
auditlog.register(ServiceLocation)
