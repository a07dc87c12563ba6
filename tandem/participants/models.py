import uuid
from datetime import date

import phonenumbers
from auditlog.registry import auditlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tandem.core import audit
from tandem.core.fields import bounded_text
from tandem.core.i18n import refuse_control_characters
from tandem.reference.places import PROVINCES


class ParticipantRole(models.TextChoices):
    MENTEE = "mentee", _("Mentee")
    MENTOR = "mentor", _("Mentor")


class MeetingMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIRTUAL = "virtual", _("Virtual")
    EITHER = "either", _("In person or virtual")


class ImmigrationStatus(models.TextChoices):
    PERMANENT_RESIDENT = "permanent_resident", _("Permanent resident (landed immigrant)")
    CONVENTION_REFUGEE = "convention_refugee", _("Convention refugee or protected person")
    CITIZEN = "citizen", _("Canadian citizen")
    TEMPORARY_RESIDENT = "temporary_resident", _("Temporary resident (work or study permit)")
    REFUGEE_CLAIMANT = "refugee_claimant", _("Refugee claimant")
    OTHER = "other", pgettext_lazy("immigration status", "Other")


class Source(models.TextChoices):
    AGENCY_REFERRAL = "agency", _("Recorded by an agency")
    SELF_REFERRAL = "self_referral", _("Self-referral")
    MENTOR_APPLICATION = "mentor_application", _("Mentor application")
    IMPORT = "import", _("Spreadsheet import")


# The first letter of a postal code names its province (Canada Post); X is shared by NT and NU.
POSTAL_LETTER_PROVINCE = {
    "A": "NL",
    "B": "NS",
    "C": "PE",
    "E": "NB",
    "G": "QC",
    "H": "QC",
    "J": "QC",
    "K": "ON",
    "L": "ON",
    "M": "ON",
    "N": "ON",
    "P": "ON",
    "R": "MB",
    "S": "SK",
    "T": "AB",
    "V": "BC",
    "Y": "YT",
}


def normalise_phone(value: str) -> str:
    """A phone number as typed ("613 555-0123", "+33 1 23 45 67 89") in its one stored form
    (E.164, "+16135550123"), so that two records of one person compare equal. Numbers without a
    country code are read as Canadian. Raises ValidationError for what is not a phone number."""
    value = value.strip()
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "CA")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("Write a phone number such as 613 555-0123, or +33 1 23 45 67 89 from abroad."),
            code="phone",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_phone(value: str) -> None:
    if value and normalise_phone(value) != value:
        raise ValidationError(
            _("Write a phone number such as 613 555-0123, or +33 1 23 45 67 89 from abroad."),
            code="phone",
        )


def validate_date_of_birth(value: date) -> None:
    # Mentoring to employment: a person of working age; anything else is a typing mistake.
    today = timezone.localdate()
    if not (date(today.year - 110, 1, 1) <= value <= date(today.year - 14, today.month, 1)):
        raise ValidationError(
            _("Check the date of birth: the person must be between 14 and 110 years old."),
            code="date_of_birth",
        )


# Goals are read on the desk and shown to a mentor: a paragraph or two, not a document.
GOALS_MAX_LENGTH = 2000


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
    given_name = models.CharField(
        _("given name"), max_length=100, validators=[refuse_control_characters]
    )
    family_name = models.CharField(
        _("family name"), max_length=100, validators=[refuse_control_characters]
    )
    email = models.EmailField(_("e-mail address"))
    # Optional, and asked only to tell two records of one person apart (probable duplicates,
    # tandem/participants/duplicates.py); the phone is stored in one form (normalise_phone).
    phone = models.CharField(
        _("phone number"), max_length=20, blank=True, validators=[validate_phone]
    )
    date_of_birth = models.DateField(
        _("date of birth"), null=True, blank=True, validators=[validate_date_of_birth]
    )
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
    goals = bounded_text(_("goals"), blank=True, max_length=GOALS_MAX_LENGTH)
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
    # What program eligibility is judged on (criteria are data: tandem/programs/eligibility.py).
    immigration_status = models.CharField(
        _("immigration status"), max_length=30, choices=ImmigrationStatus.choices, blank=True
    )
    is_internationally_educated = models.BooleanField(
        _("internationally educated"), null=True, blank=True
    )
    province = models.CharField(
        _("province of residence"),
        max_length=2,
        choices=PROVINCES,
        blank=True,
        help_text=_("Left empty, it is read from the postal code."),
    )
    completed_job_search_workshop = models.BooleanField(
        _("completed a job-search workshop or equivalent"), null=True, blank=True
    )
    source = models.CharField(
        _("source"), max_length=30, choices=Source.choices, default=Source.AGENCY_REFERRAL
    )
    # A row written by a spreadsheet import points to it: the job names who imported what, when
    # (bulk writes bypass the per-row audit log, see services.participants_import).
    last_import = models.ForeignKey(
        "participants.ImportJob",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("last written by import"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["family_name", "given_name"]
        # An organization's list, in name order, read a page at a time from the index.
        indexes = [
            models.Index(
                fields=["organization", "family_name", "given_name"], name="participant_list_order"
            )
        ]
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

    @property
    def languages_display(self) -> str:
        """The working languages in words, in the reader's language ("English, Arabic")."""
        from tandem.participants.labels import languages_display

        return languages_display(self.languages)

    @property
    def availability_display(self) -> str:
        """The availability in words ("Tuesday evening, Saturday morning")."""
        from tandem.participants.labels import availability_display

        return availability_display(self.availability)

    @property
    def province_of_residence(self) -> str:
        """The recorded province, else the one the postal code names ("" when unknown)."""
        if self.province:
            return self.province
        return POSTAL_LETTER_PROVINCE.get(self.postal_code[:1].upper(), "")


class Accommodation(models.Model):
    """What a person needs to take part, recorded only with their consent.

    Shown to the person, to the staff of the organization that holds their record and, when the
    person agreed to share it, to the staff of programs that accepted them; never to funders,
    employers, mentors or other agencies.
    """

    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="accommodation"
    )
    needs = bounded_text(_("accommodation needs"))
    has_consent = models.BooleanField(
        _("the person consents to record these needs"),
        default=False,
    )
    share_with_programs = models.BooleanField(
        _("the person agrees to share them with the staff of the programs that accept them"),
        default=False,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    consent_at = models.DateTimeField(_("consent given at"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("accommodation")
        verbose_name_plural = _("accommodations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(has_consent=True), name="accommodation_needs_consent"
            )
        ]

    def __str__(self) -> str:
        return str(self.participant)


def resume_path(instance: "Resume", filename: str) -> str:
    # Never the uploaded name: it is kept apart and only sent back as the download name.
    return f"resumes/{instance.participant.organization_id}/{uuid.uuid4().hex}"


class Resume(models.Model):
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="resumes")
    file = models.FileField(_("file"), upload_to=resume_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("résumé")
        verbose_name_plural = _("résumés")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    VALIDATING = "validating", _("Checking rows")
    SAVING = "saving", _("Saving")
    DONE = "done", _("Done")
    REJECTED = "rejected", _("Rejected: the file has broken rows")
    FAILED = "failed", _("Failed")


def import_path(instance: "ImportJob", filename: str) -> str:
    return f"imports/{instance.organization_id}/{uuid.uuid4().hex}.csv"


class ImportJob(models.Model):
    """One participants CSV import: its file, its progress, and every problem found, as codes.

    Problems are stored as a code with parameters, not as text, so that each reader sees them in
    their own language.
    """

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="import_jobs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(upload_to=import_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    is_dry_run = models.BooleanField(_("check only, write nothing"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    # The first problems only (services.MAX_STORED_PROBLEMS), with how many of each kind there
    # were: 150,000 broken rows once stored a million problems in one field.
    errors = models.JSONField(default=list, blank=True)
    error_total = models.PositiveIntegerField(default=0)
    error_counts = models.JSONField(default=dict, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("participants import")
        verbose_name_plural = _("participants imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in {ImportStatus.DONE, ImportStatus.REJECTED, ImportStatus.FAILED}

    @property
    def percent(self) -> int:
        if self.is_finished:
            return 100
        if not self.total_rows:
            return 0
        return min(99, 100 * self.processed_rows // self.total_rows)


# What the audit history keeps out (core.audit.sensitive): read by more people, for longer.
audit.sensitive(Participant, "immigration_status", "date_of_birth")
audit.sensitive(Accommodation, "needs")
auditlog.register(Resume)
auditlog.register(ImportJob, exclude_fields=["processed_rows"])


class Channel(models.TextChoices):
    PHONE = "phone", _("by phone")
    IN_PERSON = "in_person", _("in person")
    PAPER = "paper", _("on a paper form")
    EMAIL = "email", _("by e-mail")


class BehalfAction(models.TextChoices):
    PROPOSAL_ANSWER = "proposal_answer", _("Answer to a proposed match")
    AGREEMENT = "agreement", _("Acknowledgement of the agreement")
    MEETING = "meeting", _("Meeting logged")
    FOLLOW_UP = "follow_up", _("Answer to a follow-up")


class OnBehalf(models.Model):
    """A person's answer that staff recorded for them (no e-mail, or they prefer not to use the
    platform). It points to what was recorded, so that every page can say who recorded it, how
    the person gave it and when."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="on_behalf", verbose_name=_("person")
    )
    action = models.CharField(_("what"), max_length=30, choices=BehalfAction.choices)
    channel = models.CharField(_("how the person answered"), max_length=20, choices=Channel.choices)
    subject_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField()
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("answer recorded on a person's behalf")
        verbose_name_plural = _("answers recorded on a person's behalf")
        ordering = ["-recorded_at"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        return f"{self.participant} · {self.get_action_display()}"


auditlog.register(OnBehalf)
