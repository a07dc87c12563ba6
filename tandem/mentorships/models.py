"""A mentor and a mentee working together in a program, from confirmation to closure.

The mentor's capacity is guarded by the database, not only in Python: every mentorship that
counts against it (ACTIVE_STATUSES) holds one numbered slot of its mentor, 1..mentor_capacity,
and a partial unique index forbids two active mentorships on the same slot. Two members of staff
who confirm two matches for the last place of a mentor at the same moment therefore cannot both
succeed, whatever the isolation level: the second insert waits for the first and then fails on
the index (see services.mentorship_confirm, which then tries the next free slot).
"""

import uuid

from auditlog.registry import auditlog
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tandem.core import audit
from tandem.core.fields import bounded_text


class MentorshipStatus(models.TextChoices):
    # Both people accepted and staff confirmed: the place is taken; the three-way introduction
    # meeting and the agreement come next.
    INTRODUCTION = "introduction", _("Introduction")
    ACTIVE = "active", pgettext_lazy("mentorship status", "Active")
    COMPLETED = "completed", _("Completed")
    ENDED_EARLY = "ended_early", _("Ended early")
    # The introduction meeting showed that the pair should not go on; both return to the pool.
    CANCELLED = "cancelled", pgettext_lazy("mentorship status", "Did not proceed")


# Statuses that take a place of the mentor and make the mentee unavailable in the program.
ACTIVE_STATUSES = [MentorshipStatus.INTRODUCTION, MentorshipStatus.ACTIVE]


class Mentorship(models.Model):
    program = models.ForeignKey(
        "programs.Program",
        on_delete=models.PROTECT,
        related_name="mentorships",
        verbose_name=_("program"),
    )
    mentor = models.ForeignKey(
        "participants.Participant",
        on_delete=models.PROTECT,
        related_name="mentorships_as_mentor",
        verbose_name=_("mentor"),
    )
    mentee = models.ForeignKey(
        "participants.Participant",
        on_delete=models.PROTECT,
        related_name="mentorships_as_mentee",
        verbose_name=_("mentee"),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=MentorshipStatus.choices,
        default=MentorshipStatus.INTRODUCTION,
    )
    proposal = models.OneToOneField(
        "matching.Proposal",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mentorship",
        verbose_name=_("proposal"),
    )
    # The capacity guard: see the module docstring. Null only for records that never held a
    # place (and in the race test's negative control, which shows why the slot is needed).
    mentor_slot = models.PositiveSmallIntegerField(_("mentor's place"), null=True, blank=True)
    mentor_capacity = models.PositiveSmallIntegerField(_("mentor's capacity at confirmation"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), auto_now_add=True)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    expected_end_on = models.DateField(_("expected end"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    # "Needs attention" (tandem/meetings/selectors.py), kept as dates so that the staff home
    # counts with an index instead of reading every active mentorship's meetings: given what is
    # logged, the first day without a meeting for two weeks or behind on hours (null: not within
    # the term), and the last day a low check-in still counts. Both only move when a meeting,
    # check-in, agreement or extension is written, never with time. `attention_stale` marks a
    # row whose inputs changed since (every new row, an agreement, an extension): the count
    # works those out from the meetings until the "attention" sweep stores their dates again.
    attention_from = models.DateField(null=True, blank=True, editable=False)
    low_satisfaction_until = models.DateField(null=True, blank=True, editable=False)
    attention_stale = models.BooleanField(default=True, editable=False)

    class Meta:
        verbose_name = _("mentorship")
        verbose_name_plural = _("mentorships")
        ordering = ["-confirmed_at"]
        indexes = [
            models.Index(
                fields=["program", "attention_from"],
                condition=Q(status="active", attention_stale=False),
                name="mentorship_attention_from",
            ),
            models.Index(
                fields=["program", "low_satisfaction_until"],
                condition=Q(status="active", attention_stale=False),
                name="mentorship_low_satisfaction",
            ),
            models.Index(
                fields=["program"],
                condition=Q(status="active", attention_stale=True),
                name="mentorship_attention_stale",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["mentor", "mentor_slot"],
                condition=Q(status__in=ACTIVE_STATUSES),
                name="mentorship_one_active_per_mentor_slot",
            ),
            models.UniqueConstraint(
                fields=["program", "mentee"],
                condition=Q(status__in=ACTIVE_STATUSES),
                name="mentorship_one_active_per_mentee_and_program",
            ),
            models.CheckConstraint(
                condition=Q(mentor_slot__gte=1, mentor_slot__lte=F("mentor_capacity")),
                name="mentorship_slot_within_capacity",
            ),
            models.CheckConstraint(
                condition=~Q(mentor=F("mentee")), name="mentorship_two_different_people"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} · {self.mentee}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class MeetingMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("By phone")
    VIRTUAL = "virtual", _("Virtual")


class IntroductionMeeting(models.Model):
    """The three-way meeting of staff, mentor and mentee before the agreement."""

    mentorship = models.OneToOneField(
        Mentorship, on_delete=models.CASCADE, related_name="introduction"
    )
    starts_at = models.DateTimeField(_("date and time"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=45)
    mode = models.CharField(_("how"), max_length=20, choices=MeetingMode.choices)
    place = models.CharField(_("place"), max_length=300, blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    phone = models.CharField(_("phone number"), max_length=40, blank=True)
    # The calendar identity of the invitation; SEQUENCE grows at each change so that calendars
    # replace the event instead of adding a second one.
    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    sequence = models.PositiveIntegerField(default=0)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    held_at = models.DateTimeField(_("held at"), null=True, blank=True)
    notes = bounded_text(_("notes"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("introduction meeting")
        verbose_name_plural = _("introduction meetings")

    def __str__(self) -> str:
        return f"{self.mentorship} · {self.starts_at:%Y-%m-%d %H:%M}"


class Agreement(models.Model):
    """What mentor and mentee agree to; each acknowledges it (Acknowledgement)."""

    mentorship = models.OneToOneField(
        Mentorship, on_delete=models.CASCADE, related_name="agreement"
    )
    starts_on = models.DateField(_("start date"))
    expected_end_on = models.DateField(_("expected end"))
    hours_target = models.PositiveSmallIntegerField(
        _("hours in total"),
        null=True,
        blank=True,
        help_text=_("For programs counted in hours, e.g. 24 hours over four months."),
    )
    minutes_per_week = models.PositiveSmallIntegerField(_("minutes a week"), default=60)
    goals = bounded_text(_("goals"))
    confidentiality = bounded_text(_("confidentiality"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("mentorship agreement")
        verbose_name_plural = _("mentorship agreements")
        constraints = [
            models.CheckConstraint(
                condition=Q(expected_end_on__gt=F("starts_on")), name="agreement_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(minutes_per_week__gte=60), name="agreement_at_least_an_hour_a_week"
            ),
        ]

    def __str__(self) -> str:
        return str(self.mentorship)


class Acknowledgement(models.Model):
    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), auto_now_add=True)

    class Meta:
        verbose_name = _("acknowledgement")
        verbose_name_plural = _("acknowledgements")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "participant"], name="acknowledgement_once_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant} · {self.acknowledged_at:%Y-%m-%d}"


auditlog.register(Mentorship)
audit.sensitive(IntroductionMeeting, "notes")  # kept out of the trail
auditlog.register(Agreement)
auditlog.register(Acknowledgement)
