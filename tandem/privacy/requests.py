"""Access, correction and deletion requests: received, tracked against the 30-day deadline,
answered. An access request's answer is built by the worker: a JSON file and a PDF in the
person's language (WeasyPrint, tagged PDF/UA as the certificates are)."""

import json
import logging
from datetime import timedelta
from functools import partial

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from tandem.accounts.models import User
from tandem.core import audit
from tandem.participants.models import Participant
from tandem.privacy.gather import gather
from tandem.privacy.models import (
    ANSWER_WITHIN_DAYS,
    PrivacyRequest,
    RequestKind,
    RequestStatus,
)

logger = logging.getLogger(__name__)

REQUEST_RECEIVED = audit.event("privacy.request_received", gettext_lazy("Privacy request received"))
REQUEST_ANSWERED = audit.event("privacy.request_answered", gettext_lazy("Privacy request answered"))


@transaction.atomic
def request_receive(
    *, actor: User, participant: Participant, kind: str, details: str = ""
) -> PrivacyRequest:
    """Records a request (the person's own, or staff's on their behalf); an access request's
    answer starts building at once on the worker."""
    now = timezone.now()
    found = PrivacyRequest.objects.create(
        participant=participant,
        organization_id=participant.organization_id,
        kind=kind,
        details=details.strip()[:4000],
        language=participant.preferred_language,
        requested_by=actor,
        received_at=now,
        due_on=timezone.localdate(now) + timedelta(days=ANSWER_WITHIN_DAYS),
    )
    audit.record(
        REQUEST_RECEIVED, actor=actor, target=found, about=[participant], data={"kind": kind}
    )
    if kind == RequestKind.ACCESS:
        from tandem.privacy.tasks import build_access_answer

        transaction.on_commit(partial(build_access_answer.enqueue, found.pk))
    return found


def request_build(*, request_id: int) -> PrivacyRequest:
    """Builds an access request's answer (the worker's task), writing progress as it goes."""
    found = PrivacyRequest.objects.select_related("participant", "organization").get(pk=request_id)
    if found.status == RequestStatus.ANSWERED:
        return found
    PrivacyRequest.objects.filter(pk=found.pk).update(status=RequestStatus.BUILDING, error="")

    def progress(done: int, total: int) -> None:
        PrivacyRequest.objects.filter(pk=found.pk).update(done_steps=done, total_steps=total + 2)

    try:
        with translation.override(found.language), audit.acting_as(found.requested_by):
            holdings = gather(found.participant, progress=progress)
            data = holdings.as_json()
            data["request"] = {
                "received": found.received_at.isoformat(),
                "organization": str(found.organization),
            }
            content = json.dumps(data, ensure_ascii=False, indent=2, default=str)
            html = render_to_string(
                "privacy/access_answer.html",
                {"request": found, "holdings": holdings, "language": found.language},
            )
            from weasyprint import HTML

            pdf = HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
    except Exception as error:  # the page must say it failed rather than spin for ever
        logger.exception("access request %s failed", found.pk)
        PrivacyRequest.objects.filter(pk=found.pk).update(
            status=RequestStatus.FAILED, error=str(error)[:2000]
        )
        found.refresh_from_db()
        return found
    stamp = timezone.localdate().isoformat()
    found.json.save(f"personal-information-{stamp}.json", ContentFile(content.encode()), save=False)
    found.pdf.save(f"personal-information-{stamp}.pdf", ContentFile(pdf), save=False)
    found.status = RequestStatus.ANSWERED
    found.answered_at = timezone.now()
    found.done_steps = found.total_steps
    found.save(update_fields=["json", "pdf", "status", "answered_at", "done_steps", "total_steps"])
    audit.record(
        REQUEST_ANSWERED,
        actor=found.requested_by or audit.WORKER,
        target=found,
        about=[found.participant],
    )
    return found


@transaction.atomic
def correction_record(
    *, actor: User, request: PrivacyRequest, changes: dict[str, list[str]], answer: str
) -> PrivacyRequest:
    """Records what a correction request changed (field: [before, after]) and answers it."""
    found = PrivacyRequest.objects.select_for_update().get(pk=request.pk)
    found.changes = changes
    found.answer = answer.strip()[:4000]
    found.status = RequestStatus.ANSWERED
    found.answered_at = timezone.now()
    found.answered_by = actor
    found.save(update_fields=["changes", "answer", "status", "answered_at", "answered_by"])
    audit.record(
        REQUEST_ANSWERED,
        actor=actor,
        target=found,
        about=[found.participant],
        data={"fields": sorted(changes)},
    )
    return found
