"""Closure, exit surveys, the employment outcome history (append-only), follow-ups at 3, 6 and 12
months with single-use links, and the person's consent to be contacted after the program."""

from auditlog.registry import auditlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tandem.core.fields import bounded_text


def default_followup_months() -> list[int]:
    return [3, 6, 12]  # seed 003, recommendation 4


class OutcomeSettings(models.Model):
    """Per program: when follow-ups are sent and how long their links stay valid. A program
    without a row uses the defaults."""

    program = models.OneToOneField(
        "programs.Program", on_delete=models.CASCADE, related_name="outcome_settings"
    )
    followup_months = models.JSONField(
        _("follow-up after (months)"), default=default_followup_months
    )
    link_valid_days = models.PositiveSmallIntegerField(
        _("follow-up links stay valid (days)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )

    class Meta:
        verbose_name = _("outcome settings")
        verbose_name_plural = _("outcome settings")

    def __str__(self) -> str:
        return str(self.program)

    def clean(self) -> None:
        months = self.followup_months
        if not isinstance(months, list) or not all(
            isinstance(m, int) and 1 <= m <= 60 for m in months
        ):
            raise ValidationError(
                {"followup_months": _("A list of whole months between 1 and 60.")}
            )


class ClosureKind(models.TextChoices):
    MUTUAL_AGREEMENT = "mutual_agreement", _("By mutual agreement: the objectives are met")
    END_OF_TERM = "end_of_term", _("At the end of the term")
    EARLY = "early", _("Early")


class EarlyReason(models.TextChoices):
    MENTEE_EMPLOYED = "mentee_employed", _("The mentee found work and no longer needs it")
    MENTEE_UNAVAILABLE = "mentee_unavailable", _("The mentee is no longer available")
    MENTOR_UNAVAILABLE = "mentor_unavailable", _("The mentor is no longer available")
    RELOCATION = "relocation", _("One of them moved away")
    HEALTH_OR_FAMILY = "health_or_family", _("Health or family reasons")
    NOT_A_GOOD_FIT = "not_a_good_fit", _("Not a good fit")
    NO_CONTACT = "no_contact", _("No contact: one of them stopped answering")
    CONDUCT = "conduct", _("The agreement or the code of conduct was not respected")
    OTHER = "other", pgettext_lazy("early closure reason", "Other")


class Closure(models.Model):
    mentorship = models.OneToOneField(
        "mentorships.Mentorship", on_delete=models.PROTECT, related_name="closure"
    )
    kind = models.CharField(_("how it ended"), max_length=30, choices=ClosureKind.choices)
    early_reason = models.CharField(
        _("reason"), max_length=30, choices=EarlyReason.choices, blank=True
    )
    note = bounded_text(_("note"), blank=True)
    ended_on = models.DateField(_("ended on"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="early") & ~Q(early_reason=""))
                | (~Q(kind="early") & Q(early_reason="")),
                name="closure_reason_only_when_early",
            )
        ]

    def __str__(self) -> str:
        return f"{self.mentorship} · {self.get_kind_display()}"

    @property
    def earns_certificate(self) -> bool:
        """A mentee's certificate of completion: not for a pair that stopped early, except when
        the mentee stopped because they found work."""
        return self.kind != ClosureKind.EARLY or self.early_reason == EarlyReason.MENTEE_EMPLOYED


class Extension(models.Model):
    """An extension of the term, agreed by both people."""

    mentorship = models.ForeignKey(
        "mentorships.Mentorship", on_delete=models.CASCADE, related_name="extensions"
    )
    previous_end_on = models.DateField(_("previous expected end"))
    new_end_on = models.DateField(_("new expected end"))
    note = bounded_text(_("why"), blank=True)
    mentor_agreed = models.BooleanField(_("the mentor agreed"))
    mentee_agreed = models.BooleanField(_("the mentee agreed"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        ordering = ["-recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(mentor_agreed=True, mentee_agreed=True),
                name="extension_by_agreement_of_both",
            ),
            models.CheckConstraint(
                condition=Q(new_end_on__gt=models.F("previous_end_on")),
                name="extension_ends_later",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentorship} → {self.new_end_on}"


class ObjectivesMet(models.TextChoices):
    YES = "yes", pgettext_lazy("objectives met", "Yes")
    PARTLY = "partly", pgettext_lazy("objectives met", "Partly")
    NO = "no", pgettext_lazy("objectives met", "No")


class ExitSurvey(models.Model):
    mentorship = models.ForeignKey(
        "mentorships.Mentorship", on_delete=models.CASCADE, related_name="exit_surveys"
    )
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="exit_surveys"
    )
    satisfaction = models.PositiveSmallIntegerField(
        _("overall, how satisfied are you with the mentorship?"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    objectives_met = models.CharField(
        _("were the objectives of the action plan met?"),
        max_length=10,
        choices=ObjectivesMet.choices,
    )
    would_recommend = models.BooleanField(_("would you recommend the program to a friend?"))
    what_helped = bounded_text(_("what helped most?"), blank=True)
    what_to_improve = bounded_text(_("what could we do better?"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("exit survey")
        verbose_name_plural = _("exit surveys")
        constraints = [
            models.UniqueConstraint(
                fields=["mentorship", "participant"], name="exit_survey_once_per_person"
            ),
            models.CheckConstraint(
                condition=Q(satisfaction__gte=1, satisfaction__lte=5),
                name="exit_survey_satisfaction_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} · {self.mentorship}"


class EmploymentStatus(models.TextChoices):
    EMPLOYED_IN_FIELD = "employed_in_field", _("Employed in their field")
    EMPLOYED_RELATED = "employed_related", _("Employed in a related field")
    OTHER_JOB = "other_job", _("Employed in another job")
    SCHOOL = "school", _("In school or training")
    SEARCHING = "searching", _("Still searching")


EMPLOYED = [
    EmploymentStatus.EMPLOYED_IN_FIELD,
    EmploymentStatus.EMPLOYED_RELATED,
    EmploymentStatus.OTHER_JOB,
]


class OutcomeSource(models.TextChoices):
    EXIT = "exit", _("Exit survey")
    FOLLOW_UP = "follow_up", _("Follow-up")
    STAFF = "staff", _("Recorded by staff")


class EmploymentOutcome(models.Model):
    """One entry of a person's employment history. Never changed once written: a later answer is
    a new entry, so that time to employment and the 3/6/12-month picture stay measurable."""

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="employment_outcomes"
    )
    mentorship = models.ForeignKey(
        "mentorships.Mentorship",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="employment_outcomes",
    )
    source = models.CharField(_("source"), max_length=20, choices=OutcomeSource.choices)
    follow_up = models.OneToOneField(
        "outcomes.FollowUp",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outcome",
    )
    status = models.CharField(
        _("employment status"), max_length=30, choices=EmploymentStatus.choices
    )
    interviews_granted = models.PositiveSmallIntegerField(
        _("job interviews granted"), default=0, validators=[MaxValueValidator(500)]
    )
    employed_on = models.DateField(_("date of employment"), null=True, blank=True)
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("employment outcome")
        verbose_name_plural = _("employment outcomes")
        ordering = ["-recorded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.participant} · {self.get_status_display()} · {self.recorded_at:%Y-%m-%d}"

    def save(self, *args, **kwargs) -> None:
        # The invariant of an append-only history, held below every service and the admin.
        if self.pk is not None:
            raise ValidationError(_("An employment outcome is never changed; record a new one."))
        super().save(*args, **kwargs)

    @property
    def is_employed(self) -> bool:
        return self.status in EMPLOYED


class ContactConsent(models.Model):
    """Whether the person may be contacted after the program (follow-ups, reminders). Contact is
    allowed until the person withdraws; withdrawing stops every mail not yet sent."""

    participant = models.OneToOneField(
        "participants.Participant", on_delete=models.CASCADE, related_name="contact_consent"
    )
    withdrawn_at = models.DateTimeField(_("consent withdrawn at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("consent to be contacted")
        verbose_name_plural = _("consents to be contacted")

    def __str__(self) -> str:
        return str(self.participant)

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class FollowUp(models.Model):
    """A follow-up survey due some months after closure. `sent_at` is set exactly once, by a
    conditional update, so two workers (or a task and the sweep) never send it twice. Only a
    hash of the link's token is stored: the link itself exists only in the mail."""

    mentorship = models.ForeignKey(
        "mentorships.Mentorship", on_delete=models.CASCADE, related_name="follow_ups"
    )
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="follow_ups"
    )
    months = models.PositiveSmallIntegerField(_("months after closure"))
    due_at = models.DateTimeField(_("due at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("link expires at"), null=True, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentorship", "participant", "months"], name="follow_up_once"
            )
        ]
        indexes = [
            # The staff home's "follow-ups due": the oldest open ones first, read from the
            # index (without it, 44 ms of joining and sorting 20k due rows at 50k people).
            models.Index(
                fields=["due_at", "id"],
                condition=Q(answered_at__isnull=True, cancelled_at__isnull=True),
                name="follow_up_open_by_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant} · {self.months}"

    @property
    def state(self) -> str:
        if self.answered_at:
            return "answered"
        if self.cancelled_at:
            return "cancelled"
        if self.sent_at:
            return "sent"
        return "scheduled"


auditlog.register(OutcomeSettings)
auditlog.register(Closure)
auditlog.register(Extension)
auditlog.register(ExitSurvey)
auditlog.register(EmploymentOutcome)
auditlog.register(ContactConsent)
auditlog.register(FollowUp, exclude_fields=["token_hash"])
