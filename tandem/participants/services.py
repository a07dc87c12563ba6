"""Writes for participant records: create and edit, accommodations, résumés, CSV import."""

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.accounts.models import User
from tandem.core import audit, consent, files
from tandem.organizations.models import Organization
from tandem.participants import csvformat
from tandem.participants.models import (
    Accommodation,
    ImportJob,
    ImportStatus,
    Participant,
    Resume,
    Source,
)


class ParticipantError(Exception):
    """A rule about participant records was broken; the message is translated."""


CREATED = audit.event("participant.created", gettext_lazy("Record created"))
UPDATED = audit.event("participant.updated", gettext_lazy("Record changed"))
ACCOMMODATION_SAVED = audit.event(
    "accommodation.saved", gettext_lazy("Accommodation needs recorded")
)
ACCOMMODATION_ERASED = audit.event(
    "accommodation.erased", gettext_lazy("Accommodation needs erased")
)
RESUME_UPLOADED = audit.event("resume.uploaded", gettext_lazy("Résumé uploaded"))
RESUME_DELETED = audit.event("resume.deleted", gettext_lazy("Résumé deleted"))
IMPORT_FINISHED = audit.event("import.finished", gettext_lazy("Participants file imported"))


@transaction.atomic
def participant_create(*, actor: User, organization: Organization, **fields: Any) -> Participant:
    participant = Participant(organization=organization, **fields)
    participant.full_clean(exclude=["last_import"])
    participant.save()
    audit.record(CREATED, actor=actor, target=participant)
    return participant


@transaction.atomic
def participant_update(*, actor: User, participant: Participant, **fields: Any) -> Participant:
    for name, value in fields.items():
        setattr(participant, name, value)
    participant.full_clean(exclude=["last_import"])
    participant.save(update_fields=[*fields, "updated_at"])
    audit.record(UPDATED, actor=actor, target=participant, data={"fields": sorted(fields)})
    return participant


@transaction.atomic
def accommodation_save(
    *, actor: User, participant: Participant, needs: str, has_consent: bool, share: bool
) -> Accommodation | None:
    """Records accommodation needs only with the person's consent; withdrawing consent, or
    clearing the text, erases the record."""
    before = Accommodation.objects.filter(participant=participant, share_with_programs=True)
    was_shared = before.exists()
    if not has_consent or not needs.strip():
        erased, _rows = Accommodation.objects.filter(participant=participant).delete()
        if erased:
            audit.record(ACCOMMODATION_ERASED, actor=actor, target=participant)
        if was_shared:
            consent.changed(
                purpose=consent.ACCOMMODATIONS, participant=participant, given=False, actor=actor
            )
        return None
    accommodation, _created = Accommodation.objects.update_or_create(
        participant=participant,
        defaults={
            "needs": needs.strip(),
            "has_consent": True,
            "share_with_programs": share,
            "recorded_by": actor,
            "consent_at": timezone.now(),
        },
    )
    # The needs themselves stay out of the trail: it is read more widely than the record.
    audit.record(ACCOMMODATION_SAVED, actor=actor, target=participant, data={"shared": share})
    if share != was_shared:
        consent.changed(
            purpose=consent.ACCOMMODATIONS, participant=participant, given=share, actor=actor
        )
    return accommodation


@transaction.atomic
def accommodation_share(*, actor: User, participant: Participant, share: bool) -> None:
    """The person's choice to share the needs already recorded with the programs that accept
    them (from their privacy page). Without recorded needs there is nothing to share."""
    found = Accommodation.objects.select_for_update().filter(participant=participant).first()
    if found is None:
        if share:
            raise ParticipantError(
                _("No accommodation need is recorded: there is nothing to share yet.")
            )
        return
    if found.share_with_programs == share:
        return
    found.share_with_programs = share
    found.save(update_fields=["share_with_programs", "updated_at"])
    audit.record(ACCOMMODATION_SAVED, actor=actor, target=participant, data={"shared": share})
    consent.changed(
        purpose=consent.ACCOMMODATIONS, participant=participant, given=share, actor=actor
    )


# --- Résumés ---------------------------------------------------------------------------------

# What a résumé may be (judged by content: core/files.py).
RESUME_KINDS = (files.PDF, files.DOCX)


@transaction.atomic
def resume_upload(*, actor: User, participant: Participant, upload: File) -> Resume:
    kind = files.check(
        upload,
        allowed=RESUME_KINDS,
        limit=settings.TANDEM_RESUME_MAX_BYTES,
        refusal=_("Upload a PDF or a Word (.docx) document."),
        error=ParticipantError,
    )
    resume = Resume(
        participant=participant,
        original_name=files.stored_name(upload, kind, default="resume"),
        content_type=kind.content_type,
        size=upload.size,
        uploaded_by=actor,
    )
    resume.file.save("upload", upload, save=False)
    resume.save()
    audit.record(RESUME_UPLOADED, actor=actor, target=resume, about=[participant])
    return resume


@transaction.atomic
def resume_delete(*, actor: User, resume: Resume) -> None:
    audit.record(RESUME_DELETED, actor=actor, target=resume, about=[resume.participant])
    resume.file.delete(save=False)
    resume.delete()


# --- CSV import ------------------------------------------------------------------------------

COMPARED = [
    "role",
    "given_name",
    "family_name",
    "email",
    "preferred_language",
    "languages",
    "occupation_id",
    "industry_id",
    "postal_code",
    "meeting_mode",
    "availability",
    "goals",
    "capacity",
    "clb_level",
    "years_experience",
    "employer",
]
CHUNK = 1000
PROGRESS_EVERY = 500


# A broken file is refused whole; the first problems show what to correct, and the counts per
# kind how much is wrong. Keeping every problem of a huge file took the service down.
MAX_STORED_PROBLEMS = 500


@dataclass
class ImportReport:
    total_rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    error_total: int = 0
    error_counts: dict[str, int] = field(default_factory=dict)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def add_errors(self, problems: list[dict[str, Any]]) -> None:
        for problem in problems:
            self.error_total += 1
            self.error_counts[problem["code"]] = self.error_counts.get(problem["code"], 0) + 1
            if len(self.errors) < MAX_STORED_PROBLEMS:
                self.errors.append(problem)

    def set_errors(self, problems: list[dict[str, Any]]) -> None:
        self.errors, self.error_total, self.error_counts = [], 0, {}
        self.add_errors(problems)


Progress = Callable[[str, int, int], None]


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


def _validate(
    opener: Callable[[], IO[bytes]], reference: csvformat.Reference, progress: Progress
) -> ImportReport:
    """Pass 1: read every row, keep only the problems (memory does not grow with the file)."""
    report = ImportReport()
    try:
        with opener() as raw:
            total = 0
            try:
                for _record in csvformat.records(csvformat.open_text(raw)):
                    total += 1
            except csvformat.BrokenRecord:
                pass  # reported with its line by the reading below
        report.total_rows = max(total - 1, 0)
    except UnicodeDecodeError:
        pass  # reported by the reading below
    reading = csvformat.Reading()
    with opener() as raw:
        for row in csvformat.read(csvformat.open_text(raw), reference, reading):
            report.add_errors(row.problems)
            if reading.rows % PROGRESS_EVERY == 0:
                progress(ImportStatus.VALIDATING, reading.rows, report.total_rows)
    report.add_errors(reading.errors)
    report.warnings = reading.warnings
    return report


def _model_values(values: dict[str, Any]) -> dict[str, Any]:
    """A row's values (csvformat.parse_row) in the record's terms."""
    model = dict(values)
    model["occupation_id"] = model.pop("noc_code")
    model["industry_id"] = model.pop("naics_code")
    model["languages"] = ";".join(values["languages"])
    model["availability"] = ";".join(values["availability"])
    return model


def _write(
    opener: Callable[[], IO[bytes]],
    organization: Organization,
    reference: csvformat.Reference,
    report: ImportReport,
    *,
    job: ImportJob | None,
    write: bool,
) -> None:
    """Pass 2: create, update or leave each row, a chunk at a time (key: organization and
    external_id), counting what would change when `write` is off."""
    with opener() as raw:
        chunk: list[dict[str, Any]] = []
        for row in csvformat.read(csvformat.open_text(raw), reference, csvformat.Reading()):
            chunk.append(_model_values(row.values))
            if len(chunk) >= CHUNK:
                _write_chunk(chunk, organization, report, job=job, write=write)
                chunk = []
        if chunk:
            _write_chunk(chunk, organization, report, job=job, write=write)


def _write_chunk(
    chunk: list[dict[str, Any]],
    organization: Organization,
    report: ImportReport,
    *,
    job: ImportJob | None,
    write: bool,
) -> None:
    existing = {
        p.external_id: p
        for p in Participant.objects.filter(
            organization=organization, external_id__in=[v["external_id"] for v in chunk]
        ).only("pk", "external_id", *COMPARED)
    }
    new, changed = [], []
    for values in chunk:
        current = existing.get(values["external_id"])
        if current is None:
            new.append(
                Participant(
                    organization=organization, source=Source.IMPORT, last_import=job, **values
                )
            )
            continue
        differs = [name for name in COMPARED if getattr(current, name) != values[name]]
        if not differs:
            report.unchanged += 1
            continue
        for name in COMPARED:
            setattr(current, name, values[name])
        current.last_import = job
        current.updated_at = timezone.now()
        changed.append(current)
    report.created += len(new)
    report.updated += len(changed)
    if write:
        Participant.objects.bulk_create(new, batch_size=CHUNK)
        Participant.objects.bulk_update(
            changed, [*COMPARED, "last_import", "updated_at"], batch_size=CHUNK
        )


def reference_codes() -> csvformat.Reference:
    """The codes a participants file may use, from the reference tables (loaded once per
    import)."""
    from tandem.reference.models import Industry, Occupation, PostalArea

    return csvformat.Reference(
        noc=set(Occupation.objects.filter(level=5).values_list("code", flat=True)),
        naics=set(Industry.objects.values_list("code", flat=True)),
        fsa=set(PostalArea.objects.values_list("fsa", flat=True)),
    )


def participants_import(
    *,
    opener: Callable[[], IO[bytes]],
    organization: Organization,
    dry_run: bool = False,
    job: ImportJob | None = None,
    progress: Progress = _no_progress,
) -> ImportReport:
    """Imports a participants CSV, all or nothing: a file with any broken row writes nothing and
    reports every problem. Importing the same file again creates no duplicate.

    `opener` returns a fresh binary stream each call: the file is read twice (check, then write)
    so that memory stays bounded whatever its size. Rows are written with bulk queries, which
    bypass the per-row audit log; each row points to its `ImportJob`, which names the actor.
    """
    reference = reference_codes()
    report = _validate(opener, reference, progress)
    if not report.is_valid:
        return report
    progress(ImportStatus.SAVING, report.total_rows, report.total_rows)
    with transaction.atomic():
        _write(opener, organization, reference, report, job=job, write=not dry_run)
    return report


@transaction.atomic
def import_job_create(
    *,
    actor: User | None,
    organization: Organization,
    upload: File,
    dry_run: bool = False,
    queue: bool = True,
) -> ImportJob:
    """Stores the file and queues the import (its progress is polled by the import page).
    The command line passes `queue=False` and runs the job itself."""
    from tandem.participants.tasks import run_import

    files.check_size(upload, limit=settings.TANDEM_IMPORT_MAX_BYTES, error=ParticipantError)
    job = ImportJob(
        organization=organization,
        created_by=actor,
        original_name=(upload.name or "participants.csv").rsplit("/", 1)[-1][:200],
        is_dry_run=dry_run,
    )
    job.file.save("upload.csv", upload, save=False)
    job.save()
    if queue:
        transaction.on_commit(lambda: run_import.enqueue(job.pk))
    return job


def import_job_run(*, job_id: int) -> ImportJob:
    """Runs a queued import and records its progress and result on the job."""
    job = ImportJob.objects.select_related("organization").get(pk=job_id)
    if job.is_finished:
        return job

    def progress(stage: str, done: int, total: int) -> None:
        # Written outside the import's transaction so the page sees it while rows are checked.
        ImportJob.objects.filter(pk=job.pk).update(
            status=stage, processed_rows=done, total_rows=total
        )

    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.VALIDATING)
    starter = job.created_by or audit.WORKER
    try:
        # The rows' field diffs carry the person who uploaded the file.
        with audit.acting_as(starter):
            report = participants_import(
                # A new file object for each pass (the two passes must not share one).
                opener=lambda: job.file.storage.open(str(job.file.name), "rb"),
                organization=job.organization,
                dry_run=job.is_dry_run,
                job=job,
                progress=progress,
            )
    except Exception:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED, finished_at=timezone.now()
        )
        raise
    job.refresh_from_db()
    job.status = ImportStatus.DONE if report.is_valid else ImportStatus.REJECTED
    job.total_rows = report.total_rows
    job.processed_rows = report.total_rows
    job.created_count = report.created
    job.updated_count = report.updated
    job.unchanged_count = report.unchanged
    job.errors = report.errors
    job.error_total = report.error_total
    job.error_counts = report.error_counts
    job.warnings = report.warnings[:MAX_STORED_PROBLEMS]
    job.finished_at = timezone.now()
    # The rows are in the database now (or were refused): the uploaded copy, full of personal
    # information, is not kept. The job keeps who imported what, when, and every problem.
    job.file.delete(save=False)
    job.save()
    audit.record(
        IMPORT_FINISHED,
        actor=starter,
        target=job,
        data={
            "status": job.status,
            "dry_run": job.is_dry_run,
            "created": job.created_count,
            "updated": job.updated_count,
        },
    )
    return job


def import_from_bytes(data: bytes) -> Callable[[], IO[bytes]]:
    return lambda: io.BytesIO(data)
