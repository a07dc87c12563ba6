"""Program events (seed 003, "additional program elements"): networking events, mock interviews,
panels, speed networking and information meetings, with who was invited, registered and came."""

from auditlog.registry import auditlog
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tandem.core.fields import bounded_text
from tandem.core.i18n import bilingual


class EventKind(models.TextChoices):
    NETWORKING = "networking", _("Networking event")
    MOCK_INTERVIEW = "mock_interview", _("Mock interviews")
    PANEL = "panel", _("Panel")
    SPEED_NETWORKING = "speed_networking", _("Speed networking")
    INFORMATION_MEETING = "information_meeting", _("Information meeting")
    # Sessions of a mentoring group or a peer circle (tandem/circles): they count as events
    # attended and appear on each person's history like any other event.
    GROUP_SESSION = "group_session", _("Group mentoring session")
    PEER_SESSION = "peer_session", _("Peer mentoring session")


class EventMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIRTUAL = "virtual", _("Virtual")


class Event(models.Model):
    program = models.ForeignKey(
        "programs.Program",
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("program"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=EventKind.choices)
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_fr = models.CharField(_("title (French)"), max_length=200)
    description_en = bounded_text(_("description (English)"), blank=True)
    description_fr = bounded_text(_("description (French)"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    mode = models.CharField(
        _("how"), max_length=20, choices=EventMode.choices, default=EventMode.IN_PERSON
    )
    place = models.CharField(_("place"), max_length=300, blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("places"), null=True, blank=True, help_text=_("Left empty, places are not limited.")
    )
    is_open = models.BooleanField(
        _("open to every participant of the program"),
        default=False,
        help_text=_("Otherwise only the people invited may register."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    title = bilingual("title")
    description = bilingual("description")

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="event_in_order"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class ParticipationStatus(models.TextChoices):
    INVITED = "invited", pgettext_lazy("event participation", "Invited")
    REGISTERED = "registered", pgettext_lazy("event participation", "Registered")
    CANCELLED = "cancelled", pgettext_lazy("event participation", "Registration cancelled")
    ATTENDED = "attended", pgettext_lazy("event participation", "Attended")
    ABSENT = "absent", pgettext_lazy("event participation", "Did not attend")


class Participation(models.Model):
    """One person and one event: invited, registered (or cancelled), and whether they came."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="participations")
    participant = models.ForeignKey(
        "participants.Participant",
        on_delete=models.CASCADE,
        related_name="event_participations",
        verbose_name=_("participant"),
    )
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("registration cancelled at"), null=True, blank=True)
    # None until staff record attendance.
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    attendance_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("event participation")
        verbose_name_plural = _("event participations")
        ordering = ["participant__family_name", "participant__given_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "participant"], name="event_participation_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} @ {self.event}"

    @property
    def is_registered(self) -> bool:
        return self.registered_at is not None and self.cancelled_at is None

    @property
    def status(self) -> str:
        if self.attended is True:
            return ParticipationStatus.ATTENDED
        if self.attended is False:
            return ParticipationStatus.ABSENT
        if self.is_registered:
            return ParticipationStatus.REGISTERED
        if self.cancelled_at is not None:
            return ParticipationStatus.CANCELLED
        return ParticipationStatus.INVITED

    def get_status_display(self) -> str:
        return str(ParticipationStatus(self.status).label)


auditlog.register(Event)
auditlog.register(Participation)
