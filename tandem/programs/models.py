"""Programs, their eligibility criteria (data, versioned) and the intake steps before matching."""

import uuid

from auditlog.registry import auditlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tandem.core import audit
from tandem.core.fields import bounded_text
from tandem.core.i18n import bilingual


class ProgramType(models.TextChoices):
    OPEN_ACCESS = "open_access", _("Open access")
    EMBEDDED = "embedded", _("Embedded in a broader program")
    INTERNAL = "internal", _("Internal (members or employees only)")
    EMPLOYER_HOSTED = "employer_hosted", _("Employer-hosted")
    CONNECTOR = "connector", _("Connector")
    GROUP = "group", _("Group mentoring")
    PEER = "peer", _("Peer mentoring")


class Side(models.TextChoices):
    MENTEE = "mentee", _("Mentees")
    MENTOR = "mentor", _("Mentors")


class Step(models.TextChoices):
    """Intake steps a program may require before a person is ready to be matched."""

    NEEDS_ASSESSMENT = "needs_assessment", _("One-on-one needs assessment")
    MENTEE_ORIENTATION = "mentee_orientation", _("Mentee orientation session")
    ACTION_PLAN = "action_plan", _("Action plan")
    MENTOR_MEETING = "mentor_meeting", _("One-on-one meeting with the mentor")
    MENTOR_ORIENTATION = "mentor_orientation", _("Mentor orientation training")
    MENTOR_WORKSHOP = "mentor_workshop", _("Two half-day mentor workshops")


MENTEE_STEPS = [Step.NEEDS_ASSESSMENT, Step.MENTEE_ORIENTATION, Step.ACTION_PLAN]
MENTOR_STEPS = [Step.MENTOR_MEETING, Step.MENTOR_ORIENTATION, Step.MENTOR_WORKSHOP]


def default_mentee_steps() -> list[str]:
    return [str(step) for step in MENTEE_STEPS]


def default_mentor_steps() -> list[str]:
    # The two half-day workshops are optional in the Career Mentoring Program.
    return [str(Step.MENTOR_MEETING), str(Step.MENTOR_ORIENTATION)]


class Program(models.Model):
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="programs",
        verbose_name=_("run by"),
    )
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    kind = models.CharField(
        _("type"), max_length=20, choices=ProgramType.choices, default=ProgramType.OPEN_ACCESS
    )
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    description_en = bounded_text(_("description (English)"), blank=True)
    description_fr = bounded_text(_("description (French)"), blank=True)
    mentee_materials_en = bounded_text(_("information for mentees (English)"), blank=True)
    mentee_materials_fr = bounded_text(_("information for mentees (French)"), blank=True)
    mentor_materials_en = bounded_text(_("information for mentors (English)"), blank=True)
    mentor_materials_fr = bounded_text(_("information for mentors (French)"), blank=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="embedded_programs",
        verbose_name=_("parent program"),
        help_text=_("For an embedded program: the broader program whose participants qualify."),
    )
    locations = models.ManyToManyField(
        "organizations.ServiceLocation",
        blank=True,
        related_name="programs",
        verbose_name=_("service locations"),
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="programs_staffed",
        verbose_name=_("program staff"),
        help_text=_(
            "They receive new referrals. Program staff of the organization also manage it."
        ),
    )
    referring_partners = models.ManyToManyField(
        "organizations.Organization",
        blank=True,
        related_name="programs_referred_to",
        verbose_name=_("partner organizations that may refer"),
        help_text=_("Left empty, every service-delivery partner of the organization may refer."),
    )
    accepts_self_referrals = models.BooleanField(_("accepts self-referrals"), default=True)
    accepts_mentor_applications = models.BooleanField(
        _("accepts mentor applications"), default=True
    )
    mentee_steps = models.JSONField(
        _("steps required of mentees"), default=default_mentee_steps, blank=True
    )
    mentor_steps = models.JSONField(
        _("steps required of mentors"), default=default_mentor_steps, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    name = bilingual("name")
    description = bilingual("description")
    mentee_materials = bilingual("mentee_materials")
    mentor_materials = bilingual("mentor_materials")

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        ordering = ["name_en"]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="program_not_its_own_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.kind == ProgramType.EMBEDDED and not self.parent_id:
            raise ValidationError(
                {"parent": _("An embedded program names the program whose participants qualify.")}
            )

    def required_steps(self, side: str) -> list[str]:
        return list(self.mentee_steps if side == Side.MENTEE else self.mentor_steps)

    def is_open_for_intake(self, on=None) -> bool:
        """True when no intake period is recorded (continuous intake) or today is inside one."""
        on = on or timezone.localdate()
        periods = list(self.intake_periods.all())
        return not periods or any(p.opens_on <= on <= p.closes_on for p in periods)


class IntakePeriod(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="intake_periods")
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))

    class Meta:
        verbose_name = _("intake period")
        verbose_name_plural = _("intake periods")
        ordering = ["opens_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")), name="intake_period_in_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.opens_on} – {self.closes_on}"


# --- Eligibility: criteria are data, and every edit publishes a new version -----------------


class CriteriaVersion(models.Model):
    """One published list of criteria for one side of a program. Never edited once published:
    a change publishes the next version, so every decision keeps the rules it was judged on."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="criteria_versions")
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)
    number = models.PositiveIntegerField(_("version"))
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("criteria version")
        verbose_name_plural = _("criteria versions")
        ordering = ["program_id", "side", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "side", "number"], name="criteria_version_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.program} · {self.get_side_display()} · v{self.number}"


class CriterionKind(models.TextChoices):
    IMMIGRATION_STATUS = "immigration_status", _("Immigration status in a set")
    INTERNATIONALLY_EDUCATED = "internationally_educated", _("Internationally educated")
    CLB_AT_LEAST = "clb_at_least", _("CLB level at least N")
    PROVINCE = "province", _("Province of residence")
    JOB_SEARCH_WORKSHOP = "job_search_workshop", _("Job-search workshop completed")
    YEARS_EXPERIENCE_AT_LEAST = (
        "years_experience_at_least",
        _("Years of experience in the region at least N"),
    )
    MEMBER_OF_ORGANIZATION = "member_of_organization", _("Member or employee of an organization")
    PARENT_PROGRAM_PARTICIPANT = "parent_program_participant", _("Participant of a program")
    YES_NO = "yes_no", pgettext_lazy("criterion kind", "Yes/no question")


class Criterion(models.Model):
    version = models.ForeignKey(CriteriaVersion, on_delete=models.CASCADE, related_name="criteria")
    # Stays the same when a criterion is carried into the next version, so that answers to a
    # yes/no question survive edits of other criteria.
    key = models.UUIDField(default=uuid.uuid4)
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=40, choices=CriterionKind.choices)
    statuses = models.JSONField(_("immigration statuses"), default=list, blank=True)
    provinces = models.JSONField(_("provinces"), default=list, blank=True)
    number = models.PositiveSmallIntegerField(_("at least"), null=True, blank=True)
    organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organization"),
    )
    program = models.ForeignKey(
        Program,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("program"),
    )
    question_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    question_fr = models.CharField(_("question (French)"), max_length=300, blank=True)

    question = bilingual("question")

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["version_id", "position", "pk"]

    def __str__(self) -> str:
        from tandem.programs.eligibility import describe

        return describe(self)


# --- Orientation and readiness ---------------------------------------------------------------


class Enrolment(models.Model):
    """A person accepted into a program, on their way to being matched."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="enrolments")
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="enrolments"
    )
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)
    accepted_at = models.DateTimeField(_("accepted at"), default=timezone.now)
    ready_at = models.DateTimeField(_("ready to match since"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["-accepted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "participant"], name="enrolment_once_per_program"
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant} · {self.program}"

    @property
    def is_ready(self) -> bool:
        return self.ready_at is not None


class NotesVisibility(models.TextChoices):
    """Who reads the notes of a one-on-one meeting besides the program's staff. Staff only
    unless staff choose otherwise: a needs assessment says things a person may not want read
    back to them or to an agency that only referred them."""

    STAFF = "staff", _("Program staff only")
    PERSON = "person", _("Program staff and the person met")
    AGENCY = "agency", _("Program staff, the person met and their agency's caseworkers")


INTAKE_NOTES_MAX_LENGTH = 5000


class IntakeMeeting(models.Model):
    """The one-on-one meeting: a mentee's needs assessment or a mentor's first meeting."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="meetings")
    met_on = models.DateField(_("date"))
    notes = models.TextField(
        _("notes"),
        blank=True,
        max_length=INTAKE_NOTES_MAX_LENGTH,
        validators=[MaxLengthValidator(INTAKE_NOTES_MAX_LENGTH)],
    )
    notes_visibility = models.CharField(
        _("who may read the notes"),
        max_length=10,
        choices=NotesVisibility.choices,
        default=NotesVisibility.STAFF,
    )
    # The form's one-time token: a second press of "Record a meeting" (or a resent POST)
    # finds the meeting the first one made instead of making another.
    submission = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("met with"),
    )

    class Meta:
        verbose_name = _("one-on-one meeting")
        verbose_name_plural = _("one-on-one meetings")
        ordering = ["-met_on"]
        constraints = [
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("notes"), INTAKE_NOTES_MAX_LENGTH),
                name="intake_notes_length",
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrolment} · {self.met_on}"


class SessionKind(models.TextChoices):
    MENTEE_ORIENTATION = "mentee_orientation", _("Mentee orientation session")
    MENTOR_ORIENTATION = "mentor_orientation", _("Mentor orientation training")
    MENTOR_WORKSHOP = "mentor_workshop", _("Mentor half-day workshop")


class OrientationSession(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="sessions")
    kind = models.CharField(_("kind"), max_length=30, choices=SessionKind.choices)
    starts_at = models.DateTimeField(_("starts at"))
    location = models.ForeignKey(
        "organizations.ServiceLocation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("location"),
        help_text=_("Empty for a virtual session."),
    )

    class Meta:
        verbose_name = _("orientation session")
        verbose_name_plural = _("orientation sessions")
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.starts_at:%Y-%m-%d}"


class Attendance(models.Model):
    session = models.ForeignKey(
        OrientationSession, on_delete=models.CASCADE, related_name="attendances"
    )
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendances")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(fields=["session", "enrolment"], name="attendance_once")
        ]

    def __str__(self) -> str:
        return f"{self.enrolment} @ {self.session}"


class ActionPlan(models.Model):
    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.CASCADE, related_name="action_plan"
    )
    objective = bounded_text(_("objective"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")

    def __str__(self) -> str:
        return self.objective[:60]


class ActionStep(models.Model):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="steps")
    description = models.CharField(_("step"), max_length=300)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("action step")
        verbose_name_plural = _("action steps")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.description


auditlog.register(Program, m2m_fields={"staff", "referring_partners", "locations"})
auditlog.register(IntakePeriod)
auditlog.register(CriteriaVersion)
auditlog.register(Criterion)
auditlog.register(Enrolment)
audit.sensitive(IntakeMeeting, "notes")  # needs assessment: kept out of the trail
auditlog.register(Attendance)
auditlog.register(ActionPlan)
auditlog.register(ActionStep)
