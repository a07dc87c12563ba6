"""During the mentorship: meetings the pair logs, the next meeting, documents they share, and
what staff record (monthly check-ins, case meetings). Reminders keep one row per mail sent."""

from auditlog.registry import auditlog
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tandem.core import audit
from tandem.core.fields import bounded_text
from tandem.mentorships.models import MeetingMode


class MeetingLog(models.Model):
    """One meeting of the pair. Either person may log it, once: the other sees it on the page,
    so that the hours are never counted twice."""

    mentorship = models.ForeignKey(
        "mentorships.Mentorship", on_delete=models.CASCADE, related_name="meeting_logs"
    )
    met_on = models.DateField(_("date"))
    minutes = models.PositiveSmallIntegerField(
        _("length (minutes)"), validators=[MinValueValidator(5), MaxValueValidator(600)]
    )
    mode = models.CharField(_("how"), max_length=20, choices=MeetingMode.choices)
    topics = bounded_text(_("topics discussed"))
    steps_advanced = models.ManyToManyField(
        "programs.ActionStep",
        blank=True,
        related_name="meeting_logs",
        verbose_name=_("action-plan steps advanced"),
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-met_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["mentorship", "met_on"], name="meeting_once_a_day"),
            models.CheckConstraint(
                condition=Q(minutes__gte=5, minutes__lte=600), name="meeting_length_sensible"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentorship} · {self.met_on}"

    @property
    def hours(self) -> float:
        return self.minutes / 60


class NextMeeting(models.Model):
    mentorship = models.OneToOneField(
        "mentorships.Mentorship", on_delete=models.CASCADE, related_name="next_meeting"
    )
    starts_at = models.DateTimeField(_("date and time"))
    mode = models.CharField(_("how"), max_length=20, choices=MeetingMode.choices)
    place = models.CharField(_("place, link or phone number"), max_length=300, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("next meeting")
        verbose_name_plural = _("next meetings")

    def __str__(self) -> str:
        return f"{self.mentorship} · {self.starts_at:%Y-%m-%d %H:%M}"


def document_path(instance: "SharedDocument", filename: str) -> str:
    import uuid

    # Never the uploaded name: it is kept apart and only sent back as the download name.
    return f"mentoring/{instance.mentorship_id}/{uuid.uuid4().hex}"


class SharedDocument(models.Model):
    """A file or a link the pair shares: a résumé draft, a cover letter, a job posting."""

    mentorship = models.ForeignKey(
        "mentorships.Mentorship", on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=document_path, max_length=200, blank=True)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(_("size"), default=0)
    link = models.URLField(_("link"), max_length=500, blank=True)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    shared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("shared document")
        verbose_name_plural = _("shared documents")
        ordering = ["-shared_at"]
        constraints = [
            # A file or a link, never both and never neither.
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(link="")) | (~Q(file="") & Q(link="")),
                name="document_is_a_file_or_a_link",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Satisfaction(models.IntegerChoices):
    VERY_LOW = 1, _("1 — very dissatisfied")
    LOW = 2, _("2 — dissatisfied")
    NEUTRAL = 3, _("3 — neither")
    HIGH = 4, _("4 — satisfied")
    VERY_HIGH = 5, _("5 — very satisfied")


class CheckIn(models.Model):
    """Staff's monthly check-in with one of the two people (confidential to staff)."""

    mentorship = models.ForeignKey(
        "mentorships.Mentorship", on_delete=models.CASCADE, related_name="check_ins"
    )
    participant = models.ForeignKey(
        "participants.Participant",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("with"),
    )
    held_on = models.DateField(_("date"))
    how_it_is_going = bounded_text(_("how it is going"))
    concerns = bounded_text(_("concerns"), blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction"), choices=Satisfaction.choices)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("staff"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__gte=1, satisfaction__lte=5),
                name="check_in_satisfaction_1_5",
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant} · {self.held_on}"


class CaseMeeting(models.Model):
    """A meeting staff hold when something needs attention (confidential to staff)."""

    mentorship = models.ForeignKey(
        "mentorships.Mentorship", on_delete=models.CASCADE, related_name="case_meetings"
    )
    held_on = models.DateField(_("date"))
    attendees = models.CharField(
        _("who took part"), max_length=300, help_text=_("Names and roles.")
    )
    reason = bounded_text(_("why the meeting was needed"))
    notes = bounded_text(_("what was discussed"), blank=True)
    decisions = bounded_text(_("decisions and next steps"), blank=True)
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("case meeting")
        verbose_name_plural = _("case meetings")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.mentorship} · {self.held_on}"


class ReminderKind(models.TextChoices):
    LOG_MEETING = "log_meeting", _("Log your meeting")
    CHECK_IN_DUE = "check_in_due", _("Check-in due")
    AGREEMENT_UNACKNOWLEDGED = "agreement_unacknowledged", _("Agreement not acknowledged")


class Reminder(models.Model):
    """One reminder mail sent. The unique constraint is what makes a second sweep over the same
    period (two workers, a restart) send nothing."""

    kind = models.CharField(_("kind"), max_length=30, choices=ReminderKind.choices)
    mentorship = models.ForeignKey(
        "mentorships.Mentorship", on_delete=models.CASCADE, related_name="reminders"
    )
    recipient = models.EmailField(_("sent to"))
    # The period the reminder is about: an ISO week ("2026-W07") or a month ("2026-02").
    period = models.CharField(max_length=10)
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "mentorship", "recipient", "period"], name="reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.recipient} · {self.period}"


auditlog.register(MeetingLog, m2m_fields={"steps_advanced"})
auditlog.register(NextMeeting)
auditlog.register(SharedDocument)
# Case notes stay out of the trail (core.audit.sensitive).
audit.sensitive(CheckIn, "how_it_is_going", "concerns")
audit.sensitive(CaseMeeting, "reason", "notes", "decisions")
