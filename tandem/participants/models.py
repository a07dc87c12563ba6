from auditlog.registry import auditlog
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class ParticipantRole(models.TextChoices):
    MENTEE = "mentee", _("Mentee")
    MENTOR = "mentor", _("Mentor")


class MeetingMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIRTUAL = "virtual", _("Virtual")
    EITHER = "either", _("In person or virtual")


class Participant(models.Model):
    """A mentee or a mentor, as recorded by the organization that holds their file.

    The fields follow the participants CSV format (docs/participants-csv.md). A participant may
    have an account of their own (`user`) to review matches, log meetings and answer follow-ups.
    """

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="participants",
        verbose_name=_("organization"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="participant_records",
        verbose_name=_("account"),
    )
    role = models.CharField(_("role"), max_length=10, choices=ParticipantRole.choices)
    external_id = models.CharField(_("agency's own id"), max_length=64)
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100)
    email = models.EmailField(_("e-mail address"))
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=settings.LANGUAGES, default="en"
    )
    languages = models.CharField(
        _("working languages"),
        max_length=100,
        help_text=_("ISO 639-1 codes separated by ';', e.g. en;fr;ar"),
    )
    occupation = models.ForeignKey(
        "reference.Occupation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("occupation (NOC)"),
    )
    industry = models.ForeignKey(
        "reference.Industry",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("industry (NAICS)"),
    )
    postal_code = models.CharField(_("postal code"), max_length=7, blank=True)
    meeting_mode = models.CharField(
        _("meeting mode"), max_length=10, choices=MeetingMode.choices, default=MeetingMode.EITHER
    )
    availability = models.CharField(
        _("availability"),
        max_length=300,
        blank=True,
        help_text=_("Weekly slots such as tue-evening;sat-morning"),
    )
    goals = models.TextField(_("goals"), blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("capacity"), default=1, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    clb_level = models.PositiveSmallIntegerField(
        _("CLB level"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    years_experience = models.PositiveSmallIntegerField(
        _("years of experience in the region"), null=True, blank=True
    )
    employer = models.CharField(_("employer"), max_length=200, blank=True)
    recruited_by = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recruited_participants",
        verbose_name=_("recruited by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["family_name", "given_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "external_id"], name="participant_unique_external_id"
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__gte=1, capacity__lte=5),
                name="participant_capacity_1_5",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def language_codes(self) -> list[str]:
        return [code for code in self.languages.split(";") if code]


auditlog.register(Participant)
