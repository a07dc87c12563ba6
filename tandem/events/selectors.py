from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from tandem.accounts.models import User
from tandem.events.access import events_visible_to
from tandem.events.models import Event, Participation
from tandem.participants.models import Participant
from tandem.programs.access import programs_managed_by
from tandem.programs.models import Enrolment, Program
from tandem.referrals.selectors import enrolments_admitted


def _counted(events: QuerySet[Event]) -> QuerySet[Event]:
    return events.select_related("program").annotate(
        registered_count=Count(
            "participations",
            filter=Q(
                participations__registered_at__isnull=False,
                participations__cancelled_at__isnull=True,
            ),
            distinct=True,
        ),
        attended_count=Count(
            "participations", filter=Q(participations__attended=True), distinct=True
        ),
    )


def event_list_for_staff(*, user: User) -> QuerySet[Event]:
    return _counted(Event.objects.filter(program__in=programs_managed_by(user))).order_by(
        "-starts_at"
    )


def event_list_for_participant(*, user: User) -> list[tuple[Event, Participation | None]]:
    """Upcoming and past events this person may see, each with their own participation."""
    own = list(user.participant_records.all())
    events = list(
        Event.objects.filter(pk__in=events_visible_to(user).values("pk"))
        .exclude(program__in=programs_managed_by(user))
        .select_related("program")
        .order_by("-starts_at")
    )
    mine = {
        p.event_id: p for p in Participation.objects.filter(event__in=events, participant__in=own)
    }
    return [(event, mine.get(event.pk)) for event in events]


def event_participations(*, event: Event) -> QuerySet[Participation]:
    return event.participations.select_related("participant__organization").order_by(
        "participant__family_name", "participant__given_name"
    )


def own_participation(*, event: Event, user: User) -> Participation | None:
    return event.participations.filter(participant__user=user).select_related("participant").first()


def own_participant_for(*, event: Event, user: User) -> Participant | None:
    """The person's record that takes part in this event's program (mentee or mentor)."""
    records = user.participant_records.all()
    invited = records.filter(event_participations__event=event).first()
    return invited or records.filter(enrolments__program=event.program).first()


def invitable_participants(*, program: Program) -> QuerySet[Participant]:
    # Only people the program took in: not a client whose referral was returned.
    admitted = enrolments_admitted(Enrolment.objects.filter(program=program))
    return Participant.objects.filter(enrolments__in=admitted).order_by(
        "family_name", "given_name", "pk"
    )


def events_attended_count(*, participant: Participant) -> int:
    return Participation.objects.filter(participant=participant, attended=True).count()


def upcoming(events: QuerySet[Event]) -> QuerySet[Event]:
    return events.filter(starts_at__gte=timezone.now(), cancelled_at__isnull=True)
