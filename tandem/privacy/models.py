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


class ViewKind(models.TextChoices):
    RECORD = "record", _("Record")
    RESUME = "resume", _("Résumé")
    DOCUMENT = "document", _("Document")
    REFERRAL = "referral", _("Referral")
    ENROLMENT = "enrolment", _("Program file")
    EXPORT = "export", pgettext_lazy("a file of records", "Export")
    ACCESS_REQUEST = "access_request", _("Access request file")


class RecordView(models.Model):
    """One view of a person's record by someone other than the person: append-only.

    No code path changes or deletes a row; on PostgreSQL a trigger refuses UPDATE and DELETE
    (migration 0002), on SQLite it refuses UPDATE. The keys carry no database constraint and
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
    kind = models.CharField(_("what"), max_length=20, choices=ViewKind.choices)
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
