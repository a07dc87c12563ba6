"""The connector program (seed 003, recommendation 9; Halifax's Connector Program).

A connector meets a newcomer for about 30 minutes and introduces them to at least three people of
their network, who do the same. There is no ongoing pair: the unit of work is the meeting
(`ConnectorMeeting`), and the chain is the tree of meetings, each one after the first following
up an `Introduction` made in an earlier meeting. Connectors and newcomers are `Participant`
records enrolled in a program of kind `connector` (mentor side and mentee side), so that
referral, eligibility, enrolment and accounts are the ones every program uses.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tandem.core.i18n import refuse_control_characters

# A reason, a feedback line: one sentence or two, never a document.
REASON_MAX_LENGTH = 300
FEEDBACK_MAX_LENGTH = 200
MEETING_MINUTES = 30
# How many introductions a connector is asked for after each meeting (Halifax's rule).
INTRODUCTIONS_TARGET = 3
TIMES_OFFERED_MAX = 3


class JoinedVia(models.TextChoices):
    APPLICATION = "application", _("Public application")
    STAFF = "staff", _("Invited by program staff")
    NAMED = "named", _("Named by another connector")


class Connector(models.Model):
    """A connector's light profile in one connector program. Occupation, industry, employer,
    languages and postal code are the person's `Participant` record; the city and the number
    of 30-minute meetings a month they offer are the connector's own."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="connectors"
    )
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="connector_profiles"
    )
    city = models.CharField(
        _("city"), max_length=100, blank=True, validators=[refuse_control_characters]
    )
    meetings_per_month = models.PositiveSmallIntegerField(
        _("30-minute meetings a month"),
        default=1,
        help_text=_("How many newcomers you can meet each month (1 to 4)."),
    )
    joined_via = models.CharField(_("joined by"), max_length=20, choices=JoinedVia.choices)
    suggested_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggested_connectors",
        verbose_name=_("suggested by"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Stored figures for the program's report (services/figures.py keeps them; the report reads
    # the top ten from them instead of joining the program's meetings to their introductions).
    introductions_count = models.PositiveIntegerField(default=0)
    jobs_led = models.PositiveIntegerField(default=0)  # held follow-ups of theirs that led to a job
    interviews_led = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("connector")
        verbose_name_plural = _("connectors")
        ordering = ["participant__family_name", "participant__given_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "participant"], name="connector_once_per_program"
            ),
            models.CheckConstraint(
                condition=Q(meetings_per_month__gte=1, meetings_per_month__lte=4),
                name="connector_meetings_per_month_1_4",
            ),
        ]
        indexes = [
            models.Index(
                "program",
                models.F("jobs_led").desc(),
                models.F("interviews_led").desc(),
                name="connector_led_to_results",
            )
        ]

    def __str__(self) -> str:
        return self.participant.full_name


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    SUGGESTED_OTHER = "suggested_other", _("Suggested someone else")


class ConnectorInvitation(models.Model):
    """An invitation to become a connector: from staff, or from a connector who names a contact
    for a newcomer. The link is single-use and stored as a hash (as account invitations are)."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="connector_invitations"
    )
    email = models.EmailField(_("e-mail address"))
    given_name = models.CharField(
        _("given name"), max_length=100, validators=[refuse_control_characters]
    )
    family_name = models.CharField(
        _("family name"), max_length=100, blank=True, validators=[refuse_control_characters]
    )
    preferred_language = models.CharField(
        _("language of the invitation"), max_length=2, choices=settings.LANGUAGES, default="en"
    )
    reason = models.CharField(
        _("why them"), max_length=REASON_MAX_LENGTH, validators=[refuse_control_characters]
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    suggested_by = models.ForeignKey(
        Connector,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitations_sent",
    )
    # When the person first asked declined and suggested this one instead: their name.
    passed_on_by = models.CharField(max_length=201, blank=True)
    replaces = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replacements"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    status = models.CharField(
        max_length=20, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    expires_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    connector = models.ForeignKey(
        Connector, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("connector invitation")
        verbose_name_plural = _("connector invitations")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["program", "status"], name="connector_invitation_status")]

    def __str__(self) -> str:
        return self.email

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


class DeclinedAddress(models.Model):
    """An address whose owner declined a connector invitation: nobody may name it again (a
    person who said no is not asked twice by someone else)."""

    email = models.EmailField(unique=True)
    declined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("declined address")
        verbose_name_plural = _("declined addresses")

    def __str__(self) -> str:
        return self.email


class MeetingStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    OFFERED = "offered", _("Times offered")
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = [MeetingStatus.REQUESTED, MeetingStatus.OFFERED, MeetingStatus.SCHEDULED]


class MeetingMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("By phone")
    VIRTUAL = "virtual", _("Video call")


class Result(models.TextChoices):
    NONE = "", pgettext_lazy("meeting result", "Nothing yet")
    INTERVIEW = "interview", _("An interview")
    JOB = "job", _("A job")


class ConnectorMeeting(models.Model):
    """One 30-minute meeting of a newcomer with a connector: the first one (no `introduction`),
    or one that follows up an introduction made in an earlier meeting of the same newcomer."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="connector_meetings"
    )
    newcomer = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="connector_meetings"
    )
    connector = models.ForeignKey(Connector, on_delete=models.PROTECT, related_name="meetings")
    introduction = models.OneToOneField(
        "connectors.Introduction",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_up",
    )
    # Kept on the row so that the chain and the program's figures never walk the tree in SQL,
    # and never join 200,000 meetings to their introductions (benchmarks/connectors.py).
    depth = models.PositiveSmallIntegerField(default=1)
    introductions_made = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(
        max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.CharField(
        _("message"), max_length=500, blank=True, validators=[refuse_control_characters]
    )
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    mode = models.CharField(
        _("how"), max_length=20, choices=MeetingMode.choices, default=MeetingMode.VIRTUAL
    )
    where = models.CharField(
        _("place, phone number or link"),
        max_length=300,
        blank=True,
        validators=[refuse_control_characters],
    )
    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    sequence = models.PositiveIntegerField(default=0)
    held_on = models.DateField(_("held on"), null=True, blank=True)
    newcomer_feedback = models.CharField(
        _("newcomer's feedback"),
        max_length=FEEDBACK_MAX_LENGTH,
        blank=True,
        validators=[refuse_control_characters],
    )
    connector_feedback = models.CharField(
        _("connector's feedback"),
        max_length=FEEDBACK_MAX_LENGTH,
        blank=True,
        validators=[refuse_control_characters],
    )
    result = models.CharField(
        _("what it led to"), max_length=20, choices=Result.choices, blank=True, default=""
    )
    result_on = models.DateField(_("on"), null=True, blank=True)
    newcomer_wants_mentorship = models.BooleanField(default=False)
    connector_wants_mentorship = models.BooleanField(default=False)
    mentorship_opened_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("connector meeting")
        verbose_name_plural = _("connector meetings")
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["program", "status"], name="connector_meeting_status"),
            models.Index(fields=["program", "created_at"], name="connector_meeting_month"),
            models.Index(
                fields=["program", "result"],
                name="connector_meeting_result",
                condition=~Q(result=""),
            ),
            models.Index(fields=["newcomer", "created_at"], name="connector_meeting_newcomer"),
            models.Index(fields=["connector", "status"], name="connector_meeting_connector"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(depth__gte=1) & (Q(depth=1) | Q(introduction__isnull=False)),
                name="connector_meeting_depth_follows_introduction",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.newcomer} · {self.connector}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def wants_mentorship(self) -> bool:
        return self.newcomer_wants_mentorship and self.connector_wants_mentorship


class OfferedTime(models.Model):
    meeting = models.ForeignKey(
        ConnectorMeeting, on_delete=models.CASCADE, related_name="offered_times"
    )
    starts_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "starts_at"], name="offered_time_once")
        ]

    def __str__(self) -> str:
        return str(self.starts_at)


class Introduction(models.Model):
    """A contact a connector introduces the newcomer to after a meeting: a connector of the
    program already, or a person invited to become one (`invitation`)."""

    meeting = models.ForeignKey(
        ConnectorMeeting, on_delete=models.CASCADE, related_name="introductions"
    )
    made_by = models.ForeignKey(Connector, on_delete=models.PROTECT, related_name="introductions")
    newcomer = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="connector_introductions"
    )
    contact = models.ForeignKey(
        Connector,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="introduced_to",
    )
    contact_name = models.CharField(
        _("name"), max_length=201, validators=[refuse_control_characters]
    )
    contact_email = models.EmailField(_("e-mail address"))
    reason = models.CharField(
        _("why this person"), max_length=REASON_MAX_LENGTH, validators=[refuse_control_characters]
    )
    invitation = models.ForeignKey(
        ConnectorInvitation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="introductions",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("introduction")
        verbose_name_plural = _("introductions")
        ordering = ["created_at", "pk"]
        constraints = [
            # The same contact twice for one newcomer: the second would be a duplicate branch.
            models.UniqueConstraint(
                fields=["newcomer", "contact_email"], name="introduction_once_per_newcomer"
            )
        ]
        indexes = [models.Index(fields=["made_by", "created_at"], name="introduction_made_by")]

    def __str__(self) -> str:
        return self.contact_name


class NewcomerChain(models.Model):
    """A newcomer's chain in one program, in figures: counted again from their held meetings by
    every service that changes one (`services/figures.py`, under the lock of the newcomer's
    enrolment). The program's report adds up these rows (one per newcomer) instead of scanning
    every meeting of the program: 20,000 rows rather than 200,000 (benchmarks/connectors.py).
    `tests/test_figures.py` holds them equal to a count from the meetings."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="connector_chains"
    )
    newcomer = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="connector_chains"
    )
    meetings_held = models.PositiveIntegerField(default=0)
    depth = models.PositiveSmallIntegerField(default=0)  # of the deepest held meeting
    introductions = models.PositiveIntegerField(default=0)
    meetings_at_target = models.PositiveIntegerField(default=0)
    followed_up = models.PositiveIntegerField(default=0)  # held meetings following one up
    interviews = models.PositiveIntegerField(default=0)
    first_met_on = models.DateField(null=True, blank=True)  # the first first meeting held
    first_job_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("newcomer's chain")
        verbose_name_plural = _("newcomers' chains")
        constraints = [
            models.UniqueConstraint(fields=["program", "newcomer"], name="newcomer_chain_once")
        ]
        indexes = [
            models.Index(fields=["program", "first_met_on"], name="newcomer_chain_first_met"),
        ]

    def __str__(self) -> str:
        return f"{self.newcomer_id} · {self.program_id}"

    @property
    def best_result(self) -> str:
        if self.first_job_on is not None:
            return Result.JOB
        return Result.INTERVIEW if self.interviews else Result.NONE


class ReminderKind(models.TextChoices):
    NAME_CONTACTS = "name_contacts", _("Name your contacts")
    FOLLOW_UP = "follow_up", _("Follow up your introductions")


class ConnectorReminder(models.Model):
    """One reminder sent: the unique row makes the sweep safe to run any number of times."""

    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    subject_id = models.PositiveBigIntegerField()
    period = models.CharField(max_length=10)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_id", "period"], name="connector_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_id} {self.period}"
