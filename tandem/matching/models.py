"""The matching desk: a program's settings and weights, proposal runs, proposals and exclusions.

A run of the engine writes *draft* proposals that only the program's staff see. Staff edit them
(accept, pin, swap, remove, exclude), re-run, and publish: a published proposal goes to the
mentor and the mentee, who each accept or decline. When both accept, staff confirm and a
`mentorships.Mentorship` takes one of the mentor's places.
"""

from auditlog.registry import auditlog
from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Case, FloatField, Q, Value, When
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tandem.core.fields import bounded_text
from tandem.matching.engine.model import CRITERIA


class MatchingSettings(models.Model):
    """One program's weight profile and its review and agreement defaults."""

    program = models.OneToOneField(
        "programs.Program", on_delete=models.CASCADE, related_name="matching_settings"
    )
    # Weights are relative: the engine divides by their sum. Field evidence on which criteria
    # predict success is thin, so staff may change them (shared/matching.md).
    occupation = models.FloatField(_("occupation"), default=0.30)
    industry = models.FloatField(_("industry"), default=0.10)
    goals = models.FloatField(_("career goals"), default=0.25)
    language = models.FloatField(pgettext_lazy("criterion", "language"), default=0.10)
    distance = models.FloatField(_("distance"), default=0.10)
    availability = models.FloatField(_("availability"), default=0.10)
    experience = models.FloatField(_("mentor's experience"), default=0.05)
    distance_limit_km = models.FloatField(
        _("longest distance for in-person pairs (km)"), default=50
    )
    # Below this score (out of 100) a draft is flagged as weak and left out of "accept the
    # strong drafts": 11 of the first demo's 12 drafts scored under 50 and looked like the rest.
    min_score = models.PositiveSmallIntegerField(
        _("lowest score of a good pair (out of 100)"),
        default=50,
        validators=[MaxValueValidator(100)],
        help_text=_(
            "Drafts below this score, or across unrelated occupation groups, are flagged and "
            "not accepted with the others."
        ),
    )
    # Review by both people.
    reminder_after_days = models.PositiveSmallIntegerField(
        _("send a reminder after (days)"), default=5
    )
    expire_after_days = models.PositiveSmallIntegerField(
        _("expire an unanswered proposal after (days)"), default=10
    )
    # Agreement defaults: about three months, at least an hour a week (TRIEC: 24 hours over
    # four months, set with hours_target and 17 weeks).
    mentorship_weeks = models.PositiveSmallIntegerField(
        _("length of a mentorship (weeks)"), default=13
    )
    hours_target = models.PositiveSmallIntegerField(_("hours in total"), null=True, blank=True)
    minutes_per_week = models.PositiveSmallIntegerField(_("minutes a week"), default=60)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("matching settings")
        verbose_name_plural = _("matching settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(expire_after_days__gt=models.F("reminder_after_days")),
                name="matching_settings_reminder_before_expiry",
            ),
            models.CheckConstraint(
                condition=Q(minutes_per_week__gte=60), name="matching_settings_an_hour_a_week"
            ),
        ]

    def __str__(self) -> str:
        return str(self.program)

    def weights(self) -> dict[str, float]:
        return {criterion: getattr(self, criterion) for criterion in CRITERIA}


class GoalVector(models.Model):
    """A goal text's embedding, stored once per distinct text and embedder.

    `key` is the engine's `text_key`: sha256 of the embedder's name and the text, so the vector
    of a text shared by a hundred people is computed and stored once, and a run never embeds.
    """

    key = models.CharField(max_length=64, primary_key=True)
    embedder = models.CharField(max_length=60)
    vector = models.BinaryField()  # float32, little-endian
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("goal vector")
        verbose_name_plural = _("goal vectors")

    def __str__(self) -> str:
        return self.key


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ProposalRun(models.Model):
    """One run of the engine over a program's pool; its progress is read by the page."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="proposal_runs"
    )
    # A preview tries weights that are not saved yet and writes no proposal.
    is_preview = models.BooleanField(default=False)
    weights = models.JSONField(default=dict)
    status = models.CharField(max_length=20, choices=RunStatus.choices, default=RunStatus.QUEUED)
    stage = models.CharField(max_length=20, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    language = models.CharField(max_length=2, default="en")
    mentee_count = models.PositiveIntegerField(default=0)
    mentor_count = models.PositiveIntegerField(default=0)
    matched_count = models.PositiveIntegerField(default=0)
    mean_score = models.FloatField(null=True, blank=True)
    changed_count = models.PositiveIntegerField(null=True, blank=True)
    timings = models.JSONField(default=dict, blank=True)
    error = bounded_text(blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("proposal run")
        verbose_name_plural = _("proposal runs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.program} · {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_finished(self) -> bool:
        return self.status in {RunStatus.DONE, RunStatus.FAILED}

    # Stages in order, with their share of the progress bar.
    STAGES = {"loading": (0, 10), "scoring": (10, 60), "solving": (60, 70), "saving": (70, 100)}

    @property
    def percent(self) -> int:
        if self.is_finished:
            return 100
        return self.percent_for(self.stage, self.done, self.total)

    @classmethod
    def percent_for(cls, stage: str, done: int, total: int) -> int:
        low, high = cls.STAGES.get(stage, (0, 0))
        if not total:
            return low
        return min(99, low + (high - low) * done // total)


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Waiting for answers")
    ACCEPTED = "accepted", _("Accepted by both")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# A mentee has at most one of these per program.
OPEN_STATUSES = [ProposalStatus.DRAFT, ProposalStatus.PUBLISHED, ProposalStatus.ACCEPTED]
# These hold one of the mentor's places until answered.
PENDING_STATUSES = [ProposalStatus.PUBLISHED, ProposalStatus.ACCEPTED]


class Source(models.TextChoices):
    ENGINE = "engine", _("Proposed by the engine")
    MANUAL = "manual", _("Chosen by staff")


class Answer(models.TextChoices):
    ACCEPTED = "accepted", pgettext_lazy("answer", "Accepted")
    DECLINED = "declined", pgettext_lazy("answer", "Declined")


def criterion_value(index: int, criterion: str) -> models.GeneratedField:
    """The value (0 to 1) the engine gave `criterion`, read by the database from the proposal's
    contributions when the row is written. The reports aggregate these over thousands of
    mentorships: reading them from the JSON at report time cost a third of the network
    dashboard's time (0.3 µs a value on PostgreSQL, fourteen reads a mentorship)."""
    return models.GeneratedField(
        expression=Case(
            When(
                Exact(KT(f"contributions__{index}__criterion"), Value(criterion)),
                then=Cast(KT(f"contributions__{index}__value"), FloatField()),
            ),
            default=None,
            output_field=FloatField(),
        ),
        output_field=FloatField(),
        db_persist=True,
    )


class Proposal(models.Model):
    # Not columns: set on the drafts the desk shows by `matching.quality.flag`.
    score_100: int
    warnings: list[str]
    is_weak: bool

    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="proposals"
    )
    run = models.ForeignKey(
        ProposalRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="proposals"
    )
    mentee = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="proposals_as_mentee"
    )
    mentor = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="proposals_as_mentor"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.DRAFT
    )
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.ENGINE
    )
    # Staff approved the draft for publication; pinned drafts are kept when the pool is re-run.
    is_accepted = models.BooleanField(_("accepted by staff"), default=False)
    is_pinned = models.BooleanField(_("pinned"), default=False)
    # The engine's view of the pair, kept as computed: the score, each criterion's value, weight
    # and contribution, and the sentences in both languages (the engine's own words).
    score = models.FloatField(_("score"), null=True, blank=True)
    contributions = models.JSONField(default=list, blank=True)
    # One column per criterion, in the engine's order (CRITERIA; a test keeps them in step).
    occupation_value = criterion_value(0, "occupation")
    industry_value = criterion_value(1, "industry")
    goals_value = criterion_value(2, "goals")
    language_value = criterion_value(3, "language")
    distance_value = criterion_value(4, "distance")
    availability_value = criterion_value(5, "availability")
    experience_value = criterion_value(6, "experience")
    sentences = models.JSONField(default=dict, blank=True)
    broken_rules = models.JSONField(default=list, blank=True)
    rule_sentences = models.JSONField(default=dict, blank=True)
    # Why staff made this pair by hand; required when it breaks a hard rule, and kept.
    reason = bounded_text(_("reason"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reminded_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    mentee_answer = models.CharField(max_length=10, choices=Answer.choices, blank=True)
    mentee_answered_at = models.DateTimeField(null=True, blank=True)
    mentee_reason = bounded_text(blank=True)
    mentor_answer = models.CharField(max_length=10, choices=Answer.choices, blank=True)
    mentor_answered_at = models.DateTimeField(null=True, blank=True)
    mentor_reason = bounded_text(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("match proposal")
        verbose_name_plural = _("match proposals")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "mentee"],
                condition=Q(status__in=OPEN_STATUSES),
                name="proposal_one_open_per_mentee_and_program",
            ),
            models.CheckConstraint(
                condition=~Q(mentor=models.F("mentee")), name="proposal_two_different_people"
            ),
            # A pair that breaks a hard rule exists only with the written reason.
            models.CheckConstraint(
                condition=Q(broken_rules=[]) | ~Q(reason=""), name="proposal_rule_break_has_reason"
            ),
        ]
        indexes = [models.Index(fields=["program", "status"])]

    def __str__(self) -> str:
        return f"{self.mentee} · {self.mentor}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def side_of(self, participant_id: int) -> str | None:
        if participant_id == self.mentee_id:
            return "mentee"
        if participant_id == self.mentor_id:
            return "mentor"
        return None

    def answer_of(self, side: str) -> str:
        return getattr(self, f"{side}_answer")


class Exclusion(models.Model):
    """A pair staff ruled out: the engine never proposes it again in this program."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="match_exclusions"
    )
    mentee = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="+"
    )
    mentor = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="+"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("excluded pair")
        verbose_name_plural = _("excluded pairs")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "mentee", "mentor"], name="exclusion_once_per_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.mentee} ≠ {self.mentor}"


class SharedField(models.TextChoices):
    GIVEN_NAME = "given_name", _("My given name")
    OCCUPATION = "occupation", _("My occupation")
    LANGUAGES = "languages", _("The languages I speak")
    AREA = "area", _("My general area (the first part of my postal code)")
    EMPLOYER = "employer", _("My employer")
    EXPERIENCE = "experience", _("My years of experience")
    GOALS = "goals", _("My career goals, or how I can help (as I wrote them)")


def default_shared_fields() -> list[str]:
    """What a proposal shows until the person chooses: enough to judge the match (what the
    other person does, their experience, what they want or offer, in their own words), never
    their family name, contact details, employer or area."""
    return [
        SharedField.GIVEN_NAME,
        SharedField.OCCUPATION,
        SharedField.LANGUAGES,
        SharedField.EXPERIENCE,
        SharedField.GOALS,
    ]


class ProfileSharing(models.Model):
    """What a person agreed to show the person they are proposed to (nothing else is sent)."""

    participant = models.OneToOneField(
        "participants.Participant", on_delete=models.CASCADE, related_name="profile_sharing"
    )
    fields = models.JSONField(default=default_shared_fields)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("profile sharing")
        verbose_name_plural = _("profile sharing")

    def __str__(self) -> str:
        return str(self.participant)


auditlog.register(MatchingSettings)
auditlog.register(Proposal, exclude_fields=["contributions", "sentences", "rule_sentences"])
auditlog.register(Exclusion)
auditlog.register(ProfileSharing)
