"""Employer and association partners (issue 21; seed 003, recommendations 10 and 11).

A partner recruits mentors among its people: the mentors themselves are the participants whose
`recruited_by` names it (they apply through the program's mentor application, which verifies
their address). What this app adds: the invitations a partner sends its colleagues or members,
what a recruited mentor's employer allows (mentoring in work hours, workplace activities), the
workplace activities a pair holds (tours, job shadowing, department meetings), a hire by a
partner employer, and career-stage tracks for members-only programs.
"""

from auditlog.registry import auditlog
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tandem.core.fields import bounded_text
from tandem.core.i18n import bilingual


class PartnerInvitation(models.Model):
    """A colleague or member a partner invited to mentor in a program. The mail links to the
    program's mentor application with the partner chosen; the application verifies the
    address and becomes a referral like any other."""

    partner = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="mentor_invitations",
        verbose_name=_("partner"),
    )
    program = models.ForeignKey(
        "programs.Program",
        on_delete=models.CASCADE,
        related_name="partner_invitations",
        verbose_name=_("program"),
    )
    email = models.EmailField(_("e-mail address"), max_length=254)
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent at"))  # when the partner sent it (last time)
    # When the worker mailed it; None while it waits in the queue (or to be mailed again).
    mailed_at = models.DateTimeField(_("mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("mentor invitation")
        verbose_name_plural = _("mentor invitations")
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "program", "email"], name="partner_invitation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner} → {self.email}"


class WorkplaceTerms(models.Model):
    """What a recruited mentor's employer allows, as the mentor records it."""

    participant = models.OneToOneField(
        "participants.Participant",
        on_delete=models.CASCADE,
        related_name="workplace_terms",
        verbose_name=_("mentor"),
    )
    mentors_in_work_hours = models.BooleanField(
        _("my employer lets me mentor during work hours"), default=False
    )
    hosts_activities = models.BooleanField(
        _(
            "I can invite my mentee to my workplace (a tour, a day of job shadowing, a "
            "department meeting)"
        ),
        default=False,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("workplace terms")
        verbose_name_plural = _("workplace terms")

    def __str__(self) -> str:
        return str(self.participant)


class ActivityKind(models.TextChoices):
    TOUR = "tour", _("Workplace tour")
    JOB_SHADOWING = "job_shadowing", _("Job shadowing")
    DEPARTMENT_MEETING = "department_meeting", _("Department meeting")


class ActivityStatus(models.TextChoices):
    OFFERED = "offered", _("Offered by the mentor")
    REQUESTED = "requested", _("Requested by the mentee")
    AGREED = "agreed", _("Agreed")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = [ActivityStatus.OFFERED, ActivityStatus.REQUESTED, ActivityStatus.AGREED]


class WorkplaceActivity(models.Model):
    """A tour, a day of job shadowing or a department meeting at the mentor's workplace."""

    mentorship = models.ForeignKey(
        "mentorships.Mentorship",
        on_delete=models.CASCADE,
        related_name="workplace_activities",
        verbose_name=_("mentorship"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=ActivityKind.choices)
    status = models.CharField(_("status"), max_length=20, choices=ActivityStatus.choices)
    planned_on = models.DateField(_("planned for"))
    held_on = models.DateField(_("held on"), null=True, blank=True)
    # The organization that opens its doors: the mentor's recruiting employer when there is one.
    host = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="workplace_activities",
        verbose_name=_("host organization"),
    )
    host_detail = models.CharField(
        _("where, and who receives the mentee"), max_length=200, blank=True
    )
    note = bounded_text(_("note"), blank=True, max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("workplace activity")
        verbose_name_plural = _("workplace activities")
        ordering = ["planned_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="held") | Q(held_on__isnull=False),
                name="workplace_activity_held_has_date",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.planned_on}"


class PartnerHire(models.Model):
    """A mentee's employment outcome names the partner employer that hired them."""

    outcome = models.OneToOneField(
        "outcomes.EmploymentOutcome",
        on_delete=models.CASCADE,
        related_name="partner_hire",
        verbose_name=_("employment outcome"),
    )
    employer = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="hires",
        verbose_name=_("partner employer"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hire by a partner employer")
        verbose_name_plural = _("hires by partner employers")

    def __str__(self) -> str:
        return f"{self.employer} · {self.outcome}"


class CareerStage(models.TextChoices):
    """HRPA's four categories of members (seed 003, appendix A)."""

    CAREER_INTEREST = "career_interest", _("Career interest")
    CAREER_ENTRY = "career_entry", _("Career entry")
    PROFESSIONAL = "professional", _("Professional")
    LEADER = "leader", _("Leader")


class CareerTrack(models.Model):
    """A career-stage track a program offers (members-only programs of associations)."""

    program = models.ForeignKey(
        "programs.Program",
        on_delete=models.CASCADE,
        related_name="career_tracks",
        verbose_name=_("program"),
    )
    stage = models.CharField(_("career stage"), max_length=30, choices=CareerStage.choices)
    description_en = bounded_text(_("description (English)"), blank=True, max_length=2000)
    description_fr = bounded_text(_("description (French)"), blank=True, max_length=2000)

    description = bilingual("description")

    class Meta:
        verbose_name = _("career track")
        verbose_name_plural = _("career tracks")
        ordering = ["program_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["program", "stage"], name="career_track_unique")
        ]

    def __str__(self) -> str:
        return self.get_stage_display()


class TrackPlacement(models.Model):
    """The track a person follows in a program (their enrolment's career stage)."""

    enrolment = models.OneToOneField(
        "programs.Enrolment",
        on_delete=models.CASCADE,
        related_name="track_placement",
        verbose_name=_("enrolment"),
    )
    track = models.ForeignKey(
        CareerTrack, on_delete=models.CASCADE, related_name="placements", verbose_name=_("track")
    )
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    placed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("track placement")
        verbose_name_plural = _("track placements")

    def __str__(self) -> str:
        return f"{self.enrolment} · {self.track}"


class HelpStatus(models.TextChoices):
    OFFERED = "offered", _("Offered, waiting for the employer's answer")
    ACTIVE = "active", _("Helping")
    DECLINED = "declined", _("Declined by the employer")
    WITHDRAWN = "withdrawn", _("Offer withdrawn")
    ENDED = "ended", _("Ended")


OPEN_HELP = [HelpStatus.OFFERED, HelpStatus.ACTIVE]


class LeadHelp(models.Model):
    """A lead agency's staff member helps run an employer-hosted program of its network.

    The lead offers, the employer's coordinator accepts or declines: the employer stays in
    control of its program. While the help is active the helper runs that one program (desk,
    referrals, pairs: `programs.access.programs_managed_by` reads it through its helpers'
    registry) as long as they hold a role at the lead agency and the employer is still in its
    network. Ending it (the coordinator, or the helper stepping away) takes effect at the next
    request: nothing is copied, the row is the grant."""

    program = models.ForeignKey(
        "programs.Program",
        on_delete=models.CASCADE,
        related_name="lead_help",
        verbose_name=_("program"),
    )
    lead = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="help_given",
        verbose_name=_("lead agency"),
    )
    helper = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("helper"),
    )
    status = models.CharField(_("status"), max_length=20, choices=HelpStatus.choices)
    note = bounded_text(_("what the lead agency offers"), blank=True, max_length=1000)
    offered_at = models.DateTimeField(_("offered at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("lead agency help")
        verbose_name_plural = _("lead agency help")
        ordering = ["-offered_at", "-pk"]
        constraints = [
            # One open offer or help per person and program: a second click offers nothing new.
            models.UniqueConstraint(
                fields=["program", "helper"],
                condition=Q(status__in=["offered", "active"]),
                name="lead_help_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.lead} → {self.program} ({self.helper})"


class EmployerSharing(models.Model):
    """A mentee's consent to share with their mentor's employer (the consent purpose
    `employer_sharing`, declared in EmployersConfig.ready() and given or withdrawn on the
    person's privacy page): their given name and occupation on the partner's page, beside the
    workplace activities they take part in and a hire by that partner. No row, or `is_given`
    false, is a no: an employer sees nothing of a mentee until the mentee agrees."""

    participant = models.OneToOneField(
        "participants.Participant",
        on_delete=models.CASCADE,
        related_name="employer_sharing",
        verbose_name=_("mentee"),
    )
    is_given = models.BooleanField(_("shares with their mentor's employer"), default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("sharing with the mentor's employer")
        verbose_name_plural = _("sharing with the mentor's employer")

    def __str__(self) -> str:
        return str(self.participant)


auditlog.register(PartnerInvitation)
auditlog.register(WorkplaceTerms)
auditlog.register(WorkplaceActivity)
auditlog.register(PartnerHire)
auditlog.register(CareerTrack)
auditlog.register(TrackPlacement)
auditlog.register(LeadHelp)
auditlog.register(EmployerSharing)
