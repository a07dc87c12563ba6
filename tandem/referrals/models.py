"""Referrals between agencies and programs, the decisions on them, and public applications."""

from auditlog.registry import auditlog
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.core import audit
from tandem.core.fields import bounded_text


class ReferralStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for the program's decision")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned to the agency")
    WITHDRAWN = "withdrawn", _("Withdrawn")


ACTIVE_STATUSES = [ReferralStatus.SUBMITTED, ReferralStatus.ACCEPTED]


class ReferralSource(models.TextChoices):
    AGENCY = "agency", _("Referred by an agency")
    SELF = "self", _("Self-referral")
    MENTOR_APPLICATION = "mentor_application", _("Mentor application")


class Referral(models.Model):
    """A person recommended to a program. Names every party: the person's record (held by
    their agency), the program (run by another organization) and who referred them."""

    # Not a column: set by `referrals.selectors.referrals_returned_to`.
    return_decision: "ReferralDecision | None"

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="referrals"
    )
    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="referrals"
    )
    source = models.CharField(
        _("source"), max_length=30, choices=ReferralSource.choices, default=ReferralSource.AGENCY
    )
    referring_organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals_made",
        verbose_name=_("referring agency"),
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referrals_made",
        verbose_name=_("caseworker"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.SUBMITTED
    )
    note = bounded_text(_("why the client is ready"), blank=True)
    # Answers to the program's yes/no questions, keyed by the criterion's stable key.
    answers = models.JSONField(default=dict, blank=True)
    has_consent = models.BooleanField(
        _("the client agreed to share this information with the program"), default=False
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    submission_count = models.PositiveSmallIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-submitted_at"]
        # The referral list reads newest first and stops at a page (referrals/access.py).
        indexes = [models.Index(F("submitted_at").desc(), name="referral_newest_first")]
        constraints = [
            # One open referral per person and program; a returned one may be sent again.
            models.UniqueConstraint(
                fields=["participant", "program"],
                condition=Q(status__in=["submitted", "accepted"]),
                name="referral_one_active_per_program",
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant} → {self.program}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def latest_decision(self) -> "ReferralDecision | None":
        decisions = list(self.decisions.all())
        return decisions[0] if decisions else None


class DecisionOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")


class ReferralDecision(models.Model):
    """Program staff's verdict. Keeps the criteria version it was judged on and the criteria
    found not met, so later edits of the criteria never change what the agency was told."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="decisions")
    outcome = models.CharField(_("decision"), max_length=10, choices=DecisionOutcome.choices)
    criteria_version = models.ForeignKey(
        "programs.CriteriaVersion",
        on_delete=models.PROTECT,
        related_name="decisions",
        verbose_name=_("criteria version"),
    )
    unmet_criteria = models.ManyToManyField(
        "programs.Criterion", blank=True, related_name="+", verbose_name=_("criteria not met")
    )
    # The automatic evaluation staff saw ({criterion key: outcome}), for the record.
    evaluation = models.JSONField(default=dict, blank=True)
    note = bounded_text(_("note to the agency"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("referral decision")
        verbose_name_plural = _("referral decisions")
        ordering = ["-decided_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.referral} · {self.get_outcome_display()}"


class ApplicationKind(models.TextChoices):
    SELF_REFERRAL = "self_referral", _("Self-referral")
    MENTOR = "mentor", _("Mentor application")


class PublicApplication(models.Model):
    """A form filled in by someone without an account. Nothing reaches staff until the address
    is verified by the link mailed to it."""

    kind = models.CharField(max_length=20, choices=ApplicationKind.choices)
    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="applications"
    )
    data = models.JSONField(default=dict)
    email = models.EmailField(_("e-mail address"))
    preferred_language = models.CharField(max_length=2, choices=settings.LANGUAGES)
    token_hash = models.CharField(max_length=64, unique=True)
    recruited_by = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    referral = models.OneToOneField(
        Referral, null=True, blank=True, on_delete=models.SET_NULL, related_name="application"
    )
    # A keyed hash of the sender's network address, for the throttle only: the address itself
    # is not kept (services.application_start).
    client_hash = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("public application")
        verbose_name_plural = _("public applications")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["email", "created_at"], name="application_email_recent"),
            models.Index(fields=["client_hash", "created_at"], name="application_client_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.program}"


audit.sensitive(Referral, "note")  # the caseworker's case note
auditlog.register(ReferralDecision, m2m_fields={"unmet_criteria"})
auditlog.register(PublicApplication, exclude_fields=["token_hash"])
