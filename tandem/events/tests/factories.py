from datetime import timedelta
from typing import Any

from django.utils import timezone

from tandem.events.models import Event
from tandem.programs.models import Program


def make_event(program: Program, actor, **fields: Any) -> Event:
    from tandem.events.services import event_create

    starts = timezone.now() + timedelta(days=7)
    defaults = {
        "kind": "networking",
        "title_en": "Networking evening",
        "title_fr": "Soirée de réseautage",
        "description_en": "Meet employers.",
        "description_fr": "Rencontrez des employeurs.",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=2),
        "mode": "in_person",
        "place": "City Hall",
    }
    return event_create(actor=actor, program=program, **{**defaults, **fields})
