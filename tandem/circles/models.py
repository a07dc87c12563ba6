"""Group and peer mentoring (seed 003's London model, seed 002's PINs pilot): a *circle* brings
8 to 10 mentees and 2 to 3 mentors of one industry together, usually while the mentees wait for a
one-to-one match; a peer circle brings job-seekers and newcomers who already found work together.

A circle's places are guarded by the database, as a mentor's are (tandem/mentorships/models.py):
every active member holds one numbered seat of their side, 1..capacity, and a partial unique
index forbids two active members on the same seat. Two members of staff adding the last mentee
at the same moment therefore cannot both succeed: the second insert waits for the first and then
fails on the index (services.circle_member_add then looks for the next free seat, and says so
when none is left).

Sessions are events (tandem/events) of the circle's program: invitations with calendar files,
attendance and "events attended" on each person's history come from there unchanged.
"""

from auditlog.registry import auditlog
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tandem.core import audit
from tandem.core.fields import bounded_text
from tandem.core.i18n import bilingual


class CircleKind(models.TextChoices):
    GROUP = "group", _("Group mentoring")
    PEER = "peer", _("Peer mentoring")


class CircleMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIRTUAL = "virtual", _("Virtual")


class Circle(models.Model):
    program = models.ForeignKey(
        "programs.Program",
        on_delete=models.PROTECT,
        related_name="circles",
        verbose_name=_("program"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=CircleKind.choices)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    # The group's field: an occupation group of NOC 2021 at any level (a broad category, a major
    # group ... a unit group) and/or a NAICS industry; members' codes fall under it.
    occupation = models.ForeignKey(
        "reference.Occupation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("occupation group (NOC)"),
    )
    industry = models.ForeignKey(
        "reference.Industry",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("industry (NAICS)"),
    )
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES)
    mode = models.CharField(
        _("how"), max_length=20, choices=CircleMode.choices, default=CircleMode.IN_PERSON
    )
    place = models.CharField(_("place"), max_length=300, blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    mentee_capacity = models.PositiveSmallIntegerField(_("places for mentees"), default=10)
    mentor_capacity = models.PositiveSmallIntegerField(_("places for mentors"), default=3)
    # A partner organization may run the circle with its own trained coordinator (the PINs
    # pilot: one coordinator per professional immigrant network, trained by the lead agency).
    run_by = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="circles_run",
        verbose_name=_("run by a partner organization"),
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="circles_coordinated",
        verbose_name=_("coordinator"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    name = bilingual("name")

    class Meta:
        verbose_name = _("mentoring group")
        verbose_name_plural = _("mentoring groups")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(mentee_capacity__gte=1, mentee_capacity__lte=30),
                name="circle_mentee_capacity_in_range",
            ),
            models.CheckConstraint(
                condition=Q(mentor_capacity__gte=1, mentor_capacity__lte=10),
                name="circle_mentor_capacity_in_range",
            ),
            models.CheckConstraint(
                condition=Q(occupation__isnull=False) | Q(industry__isnull=False),
                name="circle_has_a_field",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def capacity_of(self, side: str) -> int:
        return self.mentee_capacity if side == Side.MENTEE else self.mentor_capacity


class Side(models.TextChoices):
    MENTEE = "mentee", _("Mentees")
    MENTOR = "mentor", _("Mentors")


class MemberRole(models.TextChoices):
    MENTEE = "mentee", pgettext_lazy("group member", "Mentee")
    MENTOR = "mentor", pgettext_lazy("group member", "Mentor")
    PEER_MENTOR = "peer_mentor", pgettext_lazy("group member", "Peer mentor")


def side_of_role(role: str) -> str:
    return Side.MENTEE if role == MemberRole.MENTEE else Side.MENTOR


class CircleMember(models.Model):
    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="members")
    participant = models.ForeignKey(
        "participants.Participant",
        on_delete=models.PROTECT,
        related_name="circle_memberships",
        verbose_name=_("person"),
    )
    role = models.CharField(_("role"), max_length=20, choices=MemberRole.choices)
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)
    # The capacity guard: see the module docstring. Null only in the race test's negative
    # control, which shows why the seat is needed.
    seat = models.PositiveSmallIntegerField(_("place"), null=True, blank=True)
    capacity = models.PositiveSmallIntegerField(_("places of the side when added"))
    # Names on the group page only with the person's consent (they tick it on the page).
    shows_name = models.BooleanField(_("show my name to the other members"), default=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    joined_at = models.DateTimeField(_("joined at"), auto_now_add=True)
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        ordering = ["side", "participant__family_name", "participant__given_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["circle", "side", "seat"],
                condition=Q(left_at__isnull=True),
                name="circle_one_active_member_per_seat",
            ),
            models.UniqueConstraint(
                fields=["circle", "participant"],
                condition=Q(left_at__isnull=True),
                name="circle_member_once",
            ),
            models.CheckConstraint(
                condition=Q(seat__gte=1, seat__lte=F("capacity")),
                name="circle_seat_within_capacity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} · {self.circle}"

    @property
    def is_active(self) -> bool:
        return self.left_at is None


class CircleSession(models.Model):
    """One meeting of a circle; its time, place, guests and attendance are an events.Event."""

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="sessions")
    event = models.OneToOneField(
        "events.Event", on_delete=models.PROTECT, related_name="circle_session"
    )
    number = models.PositiveSmallIntegerField(_("session number"))
    # The calendar file's SEQUENCE (RFC 5545): raised each time the session is moved or
    # cancelled, so that a member's calendar replaces the entry instead of keeping the old one.
    revision = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("group session")
        verbose_name_plural = _("group sessions")
        ordering = ["event__starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["circle", "number"], name="circle_session_number_once")
        ]

    def __str__(self) -> str:
        return f"{self.circle} #{self.number}"


class Usefulness(models.TextChoices):
    VERY = "very", _("Very useful")
    SOMEWHAT = "somewhat", _("Somewhat useful")
    NOT = "not", _("Not useful")


class SessionFeedback(models.Model):
    """The short form a member answers after a session: was it useful, which topics next."""

    session = models.ForeignKey(CircleSession, on_delete=models.CASCADE, related_name="feedback")
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="+"
    )
    usefulness = models.CharField(
        _("was the session useful to you?"), max_length=10, choices=Usefulness.choices
    )
    topics = bounded_text(_("which topics would you like next time?"), blank=True, max_length=1000)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("session feedback")
        verbose_name_plural = _("session feedback")
        constraints = [
            models.UniqueConstraint(fields=["session", "participant"], name="session_feedback_once")
        ]

    def __str__(self) -> str:
        return f"{self.participant} · {self.session}"


class CircleNote(models.Model):
    """Staff notes on a circle: read by its staff and coordinator, never by its members."""

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="notes")
    text = bounded_text(_("note"), max_length=2000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("staff note")
        verbose_name_plural = _("staff notes")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.circle} · {self.created_at:%Y-%m-%d}"


class PeerStatus(models.TextChoices):
    INVITED = "invited", pgettext_lazy("peer mentor", "Invited")
    ACCEPTED = "accepted", pgettext_lazy("peer mentor", "Accepted")
    DECLINED = "declined", pgettext_lazy("peer mentor", "Declined")


class PeerMentor(models.Model):
    """An alumnus invited to be a peer mentor of a program: someone whose recorded outcome is
    employment in their field or a related one, and who did not withdraw consent to be contacted.
    A peer mentor needs no mentor orientation, only a short briefing (`briefed_at`)."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="peer_mentors"
    )
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="peer_roles"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PeerStatus.choices, default=PeerStatus.INVITED
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField(_("invited at"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    briefed_at = models.DateTimeField(_("briefing held on"), null=True, blank=True)

    class Meta:
        verbose_name = _("peer mentor")
        verbose_name_plural = _("peer mentors")
        ordering = ["-invited_at"]
        constraints = [
            models.UniqueConstraint(fields=["program", "participant"], name="peer_mentor_once")
        ]

    def __str__(self) -> str:
        return f"{self.participant} · {self.program}"

    @property
    def is_ready(self) -> bool:
        return self.status == PeerStatus.ACCEPTED and self.briefed_at is not None


class ConversationStatus(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("peer conversation", "Proposed")
    HELD = "held", pgettext_lazy("peer conversation", "Held")
    CANCELLED = "cancelled", pgettext_lazy("peer conversation", "Cancelled")


class PeerConversation(models.Model):
    """The short one-to-one format: a peer mentor and a job-seeker for one or two
    conversations. The job-seeker keeps their place in the one-to-one pool."""

    peer = models.ForeignKey(PeerMentor, on_delete=models.PROTECT, related_name="conversations")
    mentee = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="peer_conversations"
    )
    conversations = models.PositiveSmallIntegerField(_("conversations planned"), default=1)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ConversationStatus.choices,
        default=ConversationStatus.PROPOSED,
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    # What took place, recorded by staff: how many of the planned conversations were held.
    held = models.PositiveSmallIntegerField(_("conversations held"), default=0)
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("peer conversation")
        verbose_name_plural = _("peer conversations")
        ordering = ["-proposed_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(conversations__gte=1, conversations__lte=2),
                name="peer_conversation_one_or_two",
            ),
            models.CheckConstraint(
                condition=Q(held__lte=F("conversations")), name="peer_conversation_held_planned"
            ),
            models.UniqueConstraint(
                fields=["peer", "mentee"],
                condition=Q(status="proposed"),
                name="peer_conversation_once_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.peer} · {self.mentee}"


auditlog.register(Circle)
auditlog.register(CircleMember)
audit.sensitive(CircleNote, "text")  # staff notes: kept out of the trail
auditlog.register(PeerMentor)
auditlog.register(PeerConversation)
