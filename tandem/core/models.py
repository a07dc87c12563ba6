"""Core's own tables: the audit trail of named events and the task workers' heartbeats.

Field diffs (django-auditlog's LogEntry) say *what changed*; an `AuditEvent` says *what was
done*: `referral.returned`, `proposal.published`, `mentorship.closed`, with who did it (a person
or a named system actor), the record it was done to, and the facts worth keeping (`data`).
Services write them through `tandem.core.audit.record`. Core names no app: records are
identified by their model label and primary key.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TaskTally(models.Model):
    """What the finished tasks deleted by the sweep counted (core/taskrows.py): /metrics adds
    it to what the task table still holds, so that its counters (mail sent, tasks failed) never
    go down when old rows go."""

    name = models.CharField(max_length=40, primary_key=True)  # "mail_sent", "failed"
    count = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}: {self.count}"


class WorkerHeartbeatQuerySet(models.QuerySet):
    def alive(self) -> "WorkerHeartbeatQuerySet":
        lease = timedelta(seconds=settings.TANDEM_TASK_LEASE_SECONDS)
        return self.filter(seen_at__gte=timezone.now() - lease)


class WorkerHeartbeat(models.Model):
    """A task worker's sign of life, written every few seconds while it runs (even mid-task).

    A RUNNING task whose worker has stopped writing is put back in the queue (core/worker.py);
    /health/worker and /metrics say how many workers are alive.
    """

    worker_id = models.CharField(max_length=64, primary_key=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    queues = models.CharField(max_length=255)
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)
    tasks_run = models.PositiveIntegerField(default=0)

    objects = WorkerHeartbeatQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid} ({self.worker_id})"


class AuditEvent(models.Model):
    name = models.CharField(_("event"), max_length=80, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("actor"),
    )
    # Who acted, as it read then: the person's e-mail, or "system:<name>" for the worker's sweeps.
    actor_label = models.CharField(_("actor"), max_length=254)
    target_type = models.CharField(_("record type"), max_length=100)
    target_id = models.CharField(_("record"), max_length=64)
    data = models.JSONField(_("details"), default=dict, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.name} {self.target_type}#{self.target_id} by {self.actor_label}"


class AuditSubject(models.Model):
    """A record an event is about, so that each record's history is one indexed query: the
    target itself and, e.g., the person a referral or a mentorship concerns."""

    event = models.ForeignKey(AuditEvent, on_delete=models.CASCADE, related_name="subjects")
    target_type = models.CharField(max_length=100)
    target_id = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_subject_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "target_type", "target_id"], name="audit_subject_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.target_type}#{self.target_id}"
