"""Privacy operations: who viewed a person's record, the organization's privacy officer,
consent per purpose, access and correction requests, retention, incidents.

Law 25 (Québec) and PIPEDA vocabulary: a *privacy officer* (« responsable de la protection des
renseignements personnels »), an *access request* (« demande d'accès »), a *privacy incident*
(« incident de confidentialité »).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tandem.core.fields import bounded_text
from tandem.core.i18n import bilingual


class ViewKind(models.TextChoices):
    RECORD = "record", _("Record")
    RESUME = "resume", _("Résumé")
    DOCUMENT = "document", _("Document")
    REFERRAL = "referral", _("Referral")
    ENROLMENT = "enrolment", _("Program file")
    EXPORT = "export", pgettext_lazy("a file of records", "Export")
    ACCESS_REQUEST = "access_request", _("Access request file")


def view_kinds() -> list[tuple[str, object]]:
    """The log's kinds: every kind of record an app registered (core.access.register_subject),
    and exports. A callable, so that an app adding a kind needs no migration here."""
    from tandem.core.access import subject_kinds

    return [*subject_kinds(), (ViewKind.EXPORT.value, ViewKind.EXPORT.label)]


class RecordView(models.Model):
    """One view of a person's record by someone other than the person: append-only.

    No code path changes or deletes a row; on PostgreSQL a trigger refuses UPDATE and DELETE
    (migration 0002), on SQLite triggers refuse them too (0002, 0010). The one exception is the
    retention sweep deleting rows older than two years inside its own transaction, a floor the
    triggers themselves hold (0012). The keys carry no database constraint and
    nothing cascades: the log outlives a deleted account or a merged record, and the viewer is
    also kept as text (`viewer_label`), as it read then.
    """

    participant = models.ForeignKey(
        "participants.Participant",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("person"),
    )
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("viewed by"),
    )
    viewer_label = models.CharField(_("viewed by"), max_length=254)
    organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("from the organization"),
    )
    kind = models.CharField(_("what"), max_length=20, choices=view_kinds)
    page = models.CharField(_("page"), max_length=100)
    path = models.CharField(_("address"), max_length=300)
    method = models.CharField(max_length=8, default="GET")
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("view of a record")
        verbose_name_plural = _("views of records")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["participant", "-at"], name="recordview_person"),
            models.Index(fields=["organization", "-at"], name="recordview_org"),
        ]

    def __str__(self) -> str:
        return f"{self.viewer_label} {self.kind} #{self.participant_id} {self.at:%Y-%m-%d %H:%M}"


class PrivacySettings(models.Model):
    """An organization's privacy choices: its privacy officer, its retention periods.

    Under Law 25 the person with the highest authority is the privacy officer unless they
    delegate the role in writing: without a named officer, the organization's admins act."""

    organization = models.OneToOneField(
        "organizations.Organization", on_delete=models.CASCADE, related_name="privacy_settings"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("privacy officer"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("privacy settings")
        verbose_name_plural = _("privacy settings")

    def __str__(self) -> str:
        return str(self.organization)


class Purpose(models.Model):
    """Something a person may agree to or refuse on its own, with its notice in both
    languages. Changing a notice raises its version: people who agreed to an older one are
    asked again at their next sign-in. The codes are core.consent's; the rows are data."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    notice_en = bounded_text(_("notice (English)"), max_length=4000)
    notice_fr = bounded_text(_("notice (French)"), max_length=4000)
    # What stops at once when the person says no (shown to staff with the old versions).
    depends_en = models.CharField(_("what depends on it (English)"), max_length=300)
    depends_fr = models.CharField(_("what depends on it (French)"), max_length=300)
    # Without any answer: is the person counted as agreeing (the program's practice until
    # now, e.g. follow-ups) or not (sharing accommodations)?
    given_by_default = models.BooleanField(_("agreed until the person says no"), default=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    changed_at = models.DateTimeField(_("notice changed at"), default=timezone.now)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("purpose")
        verbose_name_plural = _("purposes")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name

    name = bilingual("name")
    notice = bilingual("notice")
    depends = bilingual("depends")


class ConsentChannel(models.TextChoices):
    ONLINE = "online", _("By the person, on their page")
    PHONE = "phone", _("By phone, recorded by staff")
    IN_PERSON = "in_person", _("In person, recorded by staff")
    PAPER = "paper", _("On a paper form, recorded by staff")
    EMAIL = "email", _("By e-mail, recorded by staff")
    STAFF = "staff", _("Recorded by staff")


class Consent(models.Model):
    """One choice a person made about one purpose, under one version of its notice: the
    history, never changed. The latest row per person and purpose is the choice for the
    purposes the privacy app keeps (core.consent); for the others it is their history."""

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="consents"
    )
    purpose = models.ForeignKey(Purpose, on_delete=models.PROTECT, related_name="consents")
    is_given = models.BooleanField(_("agreed"))
    version = models.PositiveIntegerField(_("notice version"))
    channel = models.CharField(_("how it was given"), max_length=20, choices=ConsentChannel.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["participant", "purpose", "-at"], name="consent_latest")]

    def __str__(self) -> str:
        return f"{self.participant_id} {self.purpose_id} {self.is_given} v{self.version}"


class RequestKind(models.TextChoices):
    ACCESS = "access", _("Access to my personal information")
    CORRECTION = "correction", _("Correction of my personal information")
    DELETION = "deletion", _("Deletion of my personal information")


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    BUILDING = "building", _("Being prepared")
    ANSWERED = "answered", _("Answered")
    ACCEPTED = "accepted", _("Accepted: to be deleted")
    REFUSED = "refused", _("Refused")
    FAILED = "failed", _("Failed: to be prepared again")


# PIPEDA (principle 4.9) and Law 25 (s. 32): an answer within 30 days of receipt.
ANSWER_WITHIN_DAYS = 30


def request_file_path(instance: "PrivacyRequest", filename: str) -> str:
    import uuid

    return f"privacy/{instance.organization_id}/{uuid.uuid4().hex}-{filename}"


class PrivacyRequest(models.Model):
    """An access, correction or deletion request (« demande d'accès, de rectification ou de
    suppression »), tracked against its 30-day deadline. An access request's answer is a PDF in
    the person's language and a JSON file, built by the worker."""

    participant = models.ForeignKey(
        "participants.Participant",
        on_delete=models.PROTECT,
        related_name="privacy_requests",
        verbose_name=_("person"),
    )
    # The organization that holds the record the request came through: its officer answers.
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("request"), max_length=20, choices=RequestKind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.RECEIVED
    )
    details = bounded_text(_("what the person asks"), max_length=4000, blank=True)
    language = models.CharField(max_length=2, choices=settings.LANGUAGES, default="en")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    due_on = models.DateField(_("answer due"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answer = bounded_text(_("answer"), max_length=4000, blank=True)
    # A correction: field -> [before, after], as the officer recorded it.
    changes = models.JSONField(default=dict, blank=True)
    done_steps = models.PositiveIntegerField(default=0)
    total_steps = models.PositiveIntegerField(default=0)
    pdf = models.FileField(upload_to=request_file_path, max_length=200, blank=True)
    json = models.FileField(upload_to=request_file_path, max_length=200, blank=True)
    error = bounded_text(blank=True)

    class Meta:
        verbose_name = _("privacy request")
        verbose_name_plural = _("privacy requests")
        ordering = ["-received_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def percent(self) -> int:
        if self.status == RequestStatus.ANSWERED:
            return 100
        if not self.total_steps:
            return 0
        return min(99, 100 * self.done_steps // self.total_steps)

    @property
    def is_open(self) -> bool:
        return self.status in {RequestStatus.RECEIVED, RequestStatus.BUILDING, RequestStatus.FAILED}

    @property
    def is_overdue(self) -> bool:
        return self.is_open and timezone.localdate() > self.due_on


class RetentionKind(models.TextChoices):
    """The two kinds the privacy app declares itself (tandem/privacy/retention.py); every kind
    is in core.retention's registry."""

    RECORD = "record", _("A person's record")
    RESUME = "resume", _("Résumés")


def retention_kinds() -> list[tuple[str, object]]:
    """Every kind an app registered (core.retention): a callable, so that no migration here."""
    from tandem.core.retention import choices

    return choices()


class RetentionPeriod(models.Model):
    """How long an organization keeps one kind of record; past it, the sweep anonymises."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="retention_periods"
    )
    kind = models.CharField(_("kind of record"), max_length=20, choices=retention_kinds)
    months = models.PositiveSmallIntegerField(_("kept for (months)"))

    class Meta:
        verbose_name = _("retention period")
        verbose_name_plural = _("retention periods")
        constraints = [
            models.UniqueConstraint(fields=["organization", "kind"], name="retention_once"),
            models.CheckConstraint(
                condition=models.Q(months__gte=1, months__lte=1200), name="retention_months"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.kind} {self.months}"


class Retired(models.Model):
    """What the retention sweep anonymised: one row per record of a kind whose rows stay
    (`object_id`), so that the sweep does not do it again; for a kind whose rows go (a résumé),
    the id of the row that went. De-identified: a kind, an organization, an id, a date.
    The privacy office counts them per kind."""

    kind = models.CharField(max_length=20)
    object_id = models.BigIntegerField()
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("record past its retention")
        verbose_name_plural = _("records past their retention")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="retired_once"),
        ]
        indexes = [models.Index(fields=["organization", "kind"], name="retired_office")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.object_id}"


class LegalHold(models.Model):
    """A record that must be kept whatever its retention (a dispute, an investigation)."""

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="legal_holds"
    )
    reason = models.CharField(_("reason"), max_length=300)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    placed_at = models.DateTimeField(_("placed"), default=timezone.now)
    released_at = models.DateTimeField(_("released"), null=True, blank=True)

    class Meta:
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")

    def __str__(self) -> str:
        return self.reason


class Anonymisation(models.Model):
    """A person's record was anonymised: names, contact details and free text are gone; the
    rows that reports count (referrals, mentorships, outcomes) stay, pointing to no one."""

    participant = models.OneToOneField(
        "participants.Participant", on_delete=models.CASCADE, related_name="anonymisation"
    )
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(max_length=20)  # "retention" or "deletion"
    rows_cleared = models.PositiveIntegerField(default=0)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("anonymisation")
        verbose_name_plural = _("anonymisations")

    def __str__(self) -> str:
        return f"#{self.participant_id} {self.reason}"


class Incident(models.Model):
    """A privacy incident (« incident de confidentialité », Law 25 s. 3.5; a breach of security
    safeguards under PIPEDA): what happened, when, who was affected, the risk of serious harm,
    and who was notified when. The people affected may be listed from the view log (what a
    given account viewed in a window of time)."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    what = bounded_text(_("what happened"), max_length=4000)
    occurred_at = models.DateTimeField(_("when it happened"))
    discovered_at = models.DateTimeField(_("when it was discovered"), default=timezone.now)
    # To list the people affected from the view log: what this account viewed in the window.
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("account involved"),
    )
    window_start = models.DateTimeField(_("views from"), null=True, blank=True)
    window_end = models.DateTimeField(_("views until"), null=True, blank=True)
    affected = models.ManyToManyField(
        "participants.Participant", blank=True, related_name="+", verbose_name=_("people affected")
    )
    risk_of_serious_harm = models.BooleanField(_("risk of serious harm"), default=False)
    risk_assessment = bounded_text(_("how the risk was assessed"), max_length=4000, blank=True)
    commission_notified_at = models.DateTimeField(
        _("regulator notified on"),
        null=True,
        blank=True,
        help_text=_("Commission d'accès à l'information (Québec) or the Privacy Commissioner."),
    )
    people_notified_at = models.DateTimeField(
        _("people affected notified on"), null=True, blank=True
    )
    notified_whom = bounded_text(_("who else was notified"), max_length=2000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("privacy incident")
        verbose_name_plural = _("privacy incidents")
        ordering = ["-occurred_at", "-pk"]

    def __str__(self) -> str:
        return self.what[:80]
