"""A report built in the background: what was asked, how far it got, and the file it made.

The aggregates themselves are never stored: each page and each file is computed from the records
at the time it is asked for, so that a correction made by staff shows in the next report.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tandem.core.fields import bounded_text


class ReportKind(models.TextChoices):
    PROGRAM = "program", _("Program dashboard")
    NETWORK = "network", _("Network dashboard")
    FUNDER = "funder", _("Funder report")


class ReportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    XLSX = "xlsx", _("Spreadsheet (XLSX)")


class RunStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("report run", "Waiting to start")
    RUNNING = "running", _("Being built")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


def report_path(instance: "ReportRun", filename: str) -> str:
    return f"reports/{instance.pk or 'new'}/{filename}"


class ReportOf(models.Model):
    """What a report covers: a program or a lead agency's network, a period, a language."""

    program = models.ForeignKey(
        "programs.Program", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES)

    class Meta:
        abstract = True


class ReportRun(ReportOf):
    """One report file asked for by one person; only that person may follow and download it."""

    kind = models.CharField(_("report"), max_length=10, choices=ReportKind.choices)
    format = models.CharField(_("format"), max_length=10, choices=ReportFormat.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_runs"
    )
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    done_steps = models.PositiveSmallIntegerField(default=0)
    total_steps = models.PositiveSmallIntegerField(default=1)
    step_label = models.CharField(max_length=200, blank=True)
    file = models.FileField(upload_to=report_path, max_length=200, blank=True)
    error = bounded_text(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")
        ordering = ["-created_at"]
        constraints = [
            # A program report names its program; the network and funder reports their lead agency.
            models.CheckConstraint(
                condition=(Q(kind="program", program__isnull=False) | ~Q(kind="program"))
                & (Q(kind="program") | Q(organization__isnull=False)),
                name="report_run_names_its_scope",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="report_run_period_in_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.starts_on} – {self.ends_on}"

    @property
    def is_finished(self) -> bool:
        return self.status in {RunStatus.DONE, RunStatus.FAILED}

    @property
    def percent(self) -> int:
        if self.status == RunStatus.DONE:
            return 100
        return min(99, 100 * self.done_steps // max(self.total_steps, 1))


class ReportSnapshot(ReportOf):
    """A report's tables as computed at one instant, in one language (snapshots.py).

    Two uses share the shape. Staff pages over a large scope read a stored copy that the worker
    counts again when the records change, instead of fifteen aggregate queries a page view.
    Funders read only *published* snapshots: one per fiscal year, made once the year has ended
    and never changed after, so that no two reports a funder can download differ by the few
    people who came in between (docs/reports.md, "Published figures").
    """

    kind = models.CharField(_("report"), max_length=10, choices=ReportKind.choices)
    # "program:<id>" or "network:<id>": the one key of a scope, unique with the period.
    scope_key = models.CharField(max_length=40)
    tables = models.JSONField(default=list)
    built_at = models.DateTimeField(_("figures as of"))
    # The audit log's last entry when the figures were counted: a later entry means a record
    # the report reads may have changed since (snapshots.is_stale).
    data_mark = models.BigIntegerField(default=0)
    refresh_wanted_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("published by"),
    )

    class Meta:
        verbose_name = _("report snapshot")
        verbose_name_plural = _("report snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "scope_key", "starts_on", "ends_on", "language"],
                name="report_snapshot_one_per_scope_period_language",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="report_snapshot_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.scope_key} · {self.starts_on} – {self.ends_on}"
