"""Short mentorship opportunities (seed 000, CASE's MentorAbility): employers, or provincial hubs
on their behalf, post a day of job shadowing, an information interview, a workplace tour, a short
placement or a mentoring conversation on a national board; job-seekers experiencing disability,
and the job developers of supported-employment agencies who work with them, search it, apply or
refer; the employer accepts or declines; both give feedback once it happened.

An opportunity's places are guarded by the database, as a group's are (tandem/circles/models.py):
every accepted application holds one numbered place, 1..places, and a partial unique index forbids
two on the same place. Two people of the employer accepting the last applicant at the same moment
cannot both succeed: the row lock on the opportunity makes the second wait, and if that lock were
ever missed the second insert still fails on the index.

Accommodation needs are the most sensitive data in Tandem: an application carries only what the
person chose to share *for that opportunity* (`shares_accommodations`); a check constraint keeps
the shared fields empty without that consent, and access.py decides who reads them.
"""

from auditlog.registry import auditlog
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tandem.core.fields import bounded_text
from tandem.core.i18n import bilingual
from tandem.participants.models import MeetingMode
from tandem.reference.places import PROVINCES

# A short placement lasts a few weeks at most; anything longer is a job posting, not this board.
LONGEST_DAYS = 90
MOST_PLACES = 50


class OpportunityKind(models.TextChoices):
    JOB_SHADOWING = "job_shadowing", _("Job shadowing")
    INFORMATION_INTERVIEW = "information_interview", _("Information interview")
    WORKPLACE_TOUR = "workplace_tour", _("Workplace tour")
    SHORT_PLACEMENT = "short_placement", _("Short placement")
    MENTORING_CONVERSATION = "mentoring_conversation", _("Mentoring conversation")


class OpportunityLanguage(models.TextChoices):
    EN = "en", _("English")
    FR = "fr", _("French")
    BOTH = "both", _("English and French")


class AccommodationKind(models.TextChoices):
    """The shared vocabulary: what an employer can provide, and what a job-seeker may say they
    need (participants keep their needs as free text; this list lets both sides meet)."""

    STEP_FREE = "step_free", _("Step-free entrance and accessible washroom")
    PARKING_TRANSIT = "parking_transit", _("Accessible parking or transit nearby")
    FLEXIBLE_HOURS = "flexible_hours", _("Flexible hours and breaks")
    QUIET_SPACE = "quiet_space", _("A quiet space")
    SIGN_LANGUAGE = "sign_language", _("Sign language interpretation (ASL or LSQ)")
    CAPTIONS = "captions", _("Captions for virtual meetings")
    ACCESSIBLE_DOCUMENTS = "accessible_documents", _("Documents that work with a screen reader")
    ASSISTIVE_TECHNOLOGY = "assistive_technology", _("Assistive technology on site")
    SUPPORT_PERSON = "support_person", _("A support person or job coach may come")
    WRITTEN_INSTRUCTIONS = "written_instructions", _("Instructions in writing")
    SERVICE_ANIMAL = "service_animal", _("Service animals welcome")


def join_codes(codes) -> str:
    """Codes stored as ";a;b;" so that one `contains` of ";a;" finds them on any database."""
    ordered = [c for c in AccommodationKind.values if c in set(codes)]
    return f";{';'.join(ordered)};" if ordered else ""


def split_codes(stored: str) -> list[str]:
    return [c for c in stored.split(";") if c]


def labels_of(stored: str) -> list[str]:
    known = dict(AccommodationKind.choices)
    return [str(known[c]) for c in split_codes(stored) if c in known]


class OpportunityStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("opportunity", "Open")
    CLOSED = "closed", pgettext_lazy("opportunity", "Closed")


class ClosedBecause(models.TextChoices):
    EXPIRED = "expired", _("Its dates have passed")
    BY_EMPLOYER = "by_employer", _("Closed by the employer")


class Opportunity(models.Model):
    employer = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="opportunities",
        verbose_name=_("employer"),
    )
    # A provincial hub (or one of its affiliated job sites) that posted it on the employer's
    # behalf: its staff run it with the employer's people.
    posted_by = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opportunities_posted",
        verbose_name=_("posted on the employer's behalf by"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=OpportunityKind.choices)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    title_fr = models.CharField(_("title (French)"), max_length=200, blank=True)
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
    mode = models.CharField(_("how"), max_length=20, choices=MeetingMode.choices)
    province = models.CharField(_("province"), max_length=2, choices=PROVINCES)
    postal_area = models.ForeignKey(
        "reference.PostalArea",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("postal area"),
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    availability_en = models.CharField(_("availability (English)"), max_length=300, blank=True)
    availability_fr = models.CharField(_("availability (French)"), max_length=300, blank=True)
    places = models.PositiveSmallIntegerField(_("places offered"), default=1)
    language = models.CharField(_("language"), max_length=4, choices=OpportunityLanguage.choices)
    accommodations = models.CharField(_("accommodations offered"), max_length=400, blank=True)
    accessibility_en = bounded_text(
        _("accessibility of the workplace (English)"), blank=True, max_length=2000
    )
    accessibility_fr = bounded_text(
        _("accessibility of the workplace (French)"), blank=True, max_length=2000
    )
    learning_en = bounded_text(_("what you will learn (English)"), blank=True, max_length=2000)
    learning_fr = bounded_text(_("what you will learn (French)"), blank=True, max_length=2000)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=OpportunityStatus.choices,
        default=OpportunityStatus.OPEN,
    )
    closed_because = models.CharField(
        _("closed because"), max_length=20, choices=ClosedBecause.choices, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("posted at"), auto_now_add=True, db_index=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    title = bilingual("title")
    availability = bilingual("availability")
    accessibility = bilingual("accessibility")
    learning = bilingual("learning")

    # Set by selectors.board_search and opportunities_listed: places taken and left.
    taken: int
    left: int

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        ordering = ["starts_on", "pk"]
        indexes = [
            # The board: open opportunities by date, narrowed by province, kind and mode.
            models.Index(fields=["status", "starts_on"], name="opportunity_board"),
            models.Index(fields=["status", "province", "starts_on"], name="opportunity_province"),
            models.Index(fields=["status", "occupation"], name="opportunity_occupation"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(places__gte=1, places__lte=MOST_PLACES), name="opportunity_places"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="opportunity_dates_in_order"
            ),
            models.CheckConstraint(
                condition=~Q(title_en="", title_fr=""), name="opportunity_has_a_title"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == OpportunityStatus.OPEN

    @property
    def takes_applications(self) -> bool:
        """Open and not past its last day (the expiry sweep closes it within the hour)."""
        return self.is_open and self.ends_on >= timezone.localdate()

    @property
    def accommodation_labels(self) -> list[str]:
        return labels_of(self.accommodations)


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("application", "Waiting for the employer")
    ACCEPTED = "accepted", pgettext_lazy("application", "Accepted")
    DECLINED = "declined", pgettext_lazy("application", "Declined")
    WITHDRAWN = "withdrawn", pgettext_lazy("application", "Withdrawn")
    HAPPENED = "happened", pgettext_lazy("application", "Took place")


class Application(models.Model):
    """A job-seeker's application to one opportunity, made by them or by their job developer."""

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.PROTECT, related_name="applications"
    )
    participant = models.ForeignKey(
        "participants.Participant",
        on_delete=models.PROTECT,
        related_name="opportunity_applications",
        verbose_name=_("job-seeker"),
    )
    # The job developer who referred the person; empty when the person applied themself.
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("referred by"),
    )
    message = bounded_text(_("message to the employer"), blank=True, max_length=2000)
    # Consent for this opportunity only; the two fields below stay empty without it.
    shares_accommodations = models.BooleanField(
        _("share accommodation needs with this employer"), default=False
    )
    accommodations_needed = models.CharField(_("accommodations needed"), max_length=400, blank=True)
    accommodation_note = bounded_text(_("about my accommodations"), blank=True, max_length=1000)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
    )
    decision_reason = bounded_text(_("reason"), blank=True, max_length=1000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # The capacity guard (module docstring). Null until accepted, and in the race test's
    # negative control.
    place = models.PositiveSmallIntegerField(_("place"), null=True, blank=True)
    places_when_accepted = models.PositiveSmallIntegerField(null=True, blank=True)
    happened_on = models.DateField(_("took place on"), null=True, blank=True)
    led_to_hire = models.BooleanField(_("hired"), default=False)
    led_to_further_opportunity = models.BooleanField(_("a further opportunity"), default=False)
    led_to_reference = models.BooleanField(_("a reference"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("applied at"), auto_now_add=True)

    class Meta:
        verbose_name = _("application to an opportunity")
        verbose_name_plural = _("applications to opportunities")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "place"],
                condition=Q(place__isnull=False),
                name="opportunity_one_application_per_place",
            ),
            models.CheckConstraint(
                condition=Q(place__isnull=True)
                | Q(place__gte=1, place__lte=F("places_when_accepted")),
                name="opportunity_place_within_places",
            ),
            models.UniqueConstraint(
                fields=["opportunity", "participant"],
                condition=~Q(status="withdrawn"),
                name="opportunity_application_once",
            ),
            models.CheckConstraint(
                condition=Q(shares_accommodations=True)
                | Q(accommodations_needed="", accommodation_note=""),
                name="opportunity_accommodations_need_consent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} · {self.opportunity}"

    @property
    def accommodation_labels(self) -> list[str]:
        return labels_of(self.accommodations_needed)

    @property
    def outcomes(self) -> list[str]:
        found = [
            (self.led_to_hire, _("hired")),
            (self.led_to_further_opportunity, _("a further opportunity")),
            (self.led_to_reference, _("a reference")),
        ]
        return [str(label) for recorded, label in found if recorded]


class FeedbackSide(models.TextChoices):
    JOB_SEEKER = "job_seeker", _("Job-seeker")
    EMPLOYER = "employer", _("Employer")


class Accessible(models.TextChoices):
    YES = "yes", _("Yes, fully")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")


class Feedback(models.Model):
    """After the opportunity: the job-seeker says what they learned and whether it was
    accessible; the employer says what it learned about workplace inclusion."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="feedback")
    side = models.CharField(_("from"), max_length=12, choices=FeedbackSide.choices)
    learned = bounded_text(_("what I learned"), max_length=2000)
    accessible = models.CharField(
        _("was it accessible?"), max_length=10, choices=Accessible.choices, blank=True
    )
    would_host_again = models.BooleanField(_("we would host again"), null=True, blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    written_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("opportunity feedback")
        verbose_name_plural = _("opportunity feedback")
        ordering = ["written_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "side"], name="opportunity_feedback_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application} · {self.side}"


class SavedSearch(models.Model):
    """A person's search of the board, kept to send them new matches by e-mail."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="opportunity_searches"
    )
    name = models.CharField(_("name"), max_length=100)
    query = models.CharField(_("filters"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The digest sends opportunities posted after this moment, then moves it on.
    checked_until = models.DateTimeField()

    class Meta:
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


auditlog.register(Opportunity)
auditlog.register(Application, exclude_fields=["accommodations_needed", "accommodation_note"])
auditlog.register(Feedback)
