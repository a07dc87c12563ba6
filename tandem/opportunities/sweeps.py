"""The board's periodic work, run by the sweep registry (tandem/core/sweeps.py; registered in
apps.py) on the worker: opportunities whose last day has passed close themselves, and each saved
search mails its owner, in their language, the opportunities posted since it last looked.

Both are idempotent: a closed opportunity is not closed again, and a search's `checked_until`
moves on in the same transaction as the mail is queued (the mail leaves on commit), so a second
run in the same hour finds nothing new."""

from datetime import datetime

from django.db import transaction
from django.http import QueryDict
from django.utils import timezone

from tandem.core import audit, sweeps
from tandem.core.mail import send_to_person

from .forms import BoardFilterForm
from .models import ClosedBecause, Opportunity, OpportunityStatus, SavedSearch
from .selectors import new_matches
from .services import DIGEST, EXPIRED, link


def opportunities_close_expired(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    today = timezone.localdate(now)
    closed = 0
    for opportunity in sweeps.each(
        Opportunity.objects.filter(status=OpportunityStatus.OPEN, ends_on__lt=today).iterator(
            chunk_size=500
        )
    ):
        with transaction.atomic():
            updated = Opportunity.objects.filter(
                pk=opportunity.pk, status=OpportunityStatus.OPEN
            ).update(
                status=OpportunityStatus.CLOSED,
                closed_because=ClosedBecause.EXPIRED,
                closed_at=now,
            )
            if updated:
                audit.record(EXPIRED, actor=audit.SWEEPS, target=opportunity)
                closed += updated
    return closed


def search_filters(query: str) -> dict:
    """A saved search's query string read by the board's own form (invalid parts dropped)."""
    form = BoardFilterForm(QueryDict(query))
    form.is_valid()
    return {k: v for k, v in form.cleaned_data.items() if k not in form.errors}


def digests_send_due(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    sent = 0
    searches = SavedSearch.objects.filter(checked_until__lt=now, user__is_active=True)
    for search in sweeps.each(searches.select_related("user").iterator(chunk_size=200)):
        with transaction.atomic():
            locked = SavedSearch.objects.select_for_update().filter(pk=search.pk).first()
            if locked is None or locked.checked_until >= now:
                continue
            found = new_matches(search_filters(locked.query), since=locked.checked_until, until=now)
            locked.checked_until = now
            locked.save(update_fields=["checked_until"])
            if not found:
                continue
            user = search.user
            language = user.preferred_language or "en"
            send_to_person(
                email=user.email,
                language=language,
                template="opportunities/mail/digest",
                context={
                    "search": locked,
                    "items": [
                        (o, link("opportunities:posting", language, posting_id=o.pk)) for o in found
                    ],
                    "board": link("opportunities:board", language) + "?" + locked.query,
                },
            )
            audit.record(DIGEST, actor=audit.SWEEPS, target=locked, data={"count": len(found)})
            sent += 1
    return sent
