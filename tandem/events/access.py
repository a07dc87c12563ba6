"""Events: the program's staff run them; invited and enrolled people see them."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from tandem.accounts.models import User
from tandem.core.access import Action, accepts, one_or_404
from tandem.events.models import Event
from tandem.programs.access import can_manage_program, programs_managed_by


def events_visible_to(user: User) -> QuerySet[Event]:
    """Events of the programs this person runs; for a participant, the events they were invited
    to and the open events of the programs they are enrolled in."""
    own = user.participant_records.all()
    return Event.objects.filter(
        Q(program__in=programs_managed_by(user))
        | Q(participations__participant__in=own)
        | Q(is_open=True, program__enrolments__participant__in=own)
    ).distinct()


@dataclass(frozen=True)
class EventAccess:
    event: Event
    can_manage: bool  # the program's staff


@accepts(Action.VIEW, Action.MANAGE)
def access_event(user: User, event_id: int, *, action: Action = Action.VIEW) -> EventAccess:
    """`manage`: the program's staff; `view`: staff, invited people, enrolled people (open)."""
    if action is Action.MANAGE:
        events = Event.objects.filter(program__in=programs_managed_by(user))
    else:
        events = Event.objects.filter(pk__in=events_visible_to(user).values("pk"))
    found = one_or_404(events.select_related("program", "program__organization"), event_id)
    return EventAccess(
        event=found,
        can_manage=action is Action.MANAGE or can_manage_program(user, found.program),
    )
