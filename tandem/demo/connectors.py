"""The connector program of the demo (issue 20): the lead agency's Capital Connector Program,
with connectors who joined the three ways (Daniel Wong, the demo mentor, by staff; six invited by
staff; one named by another connector and accepting), newcomers among the demo's mentees, and
chains a few links deep: Amina's (the demo mentee) runs from Daniel to an interview on one
branch and to a job on another, has an introduction still to follow up and a meeting whose
times she has to choose; Daniel has a request to answer.

Everything is written through the connector services, as people would through the pages; only
the moments are moved back afterwards (the services stamp "now"), so that the first meetings
lie in past months and leave this month's places free, as history.py does for the
one-to-one program."""

from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from tandem.accounts.models import User
from tandem.connectors import services
from tandem.connectors.models import Connector, ConnectorMeeting, Introduction, MeetingMode
from tandem.demo.clock import demo_at
from tandem.organizations.models import Organization
from tandem.participants.models import Participant
from tandem.programs.models import Program
from tandem.programs.services import enrolment_create, program_create

# given, family, language, languages, NOC unit group, employer, meetings a month
CONNECTORS = [
    ("Giulia", "Marchetti", "en", "en;fr", "21211", "Statistics Canada", 3),
    ("Marc-André", "Lefebvre", "fr", "fr;en", "41401", "Banque du Canada", 2),
    ("Mathis", "Bellerose", "fr", "fr;en;ar", "21231", "Northern Lights Software", 2),
    ("Wei", "Zhang", "en", "en;zh", "22220", "Ottawa Fibre Networks", 2),
    ("Teresa", "Vasquez", "en", "en;es", "11200", "Bytown Health Network", 2),
    ("Tomasz", "Nowak", "en", "en;fr", "41200", "Rideau College of Applied Arts", 1),
]
NAMED = ("Aroha", "Ngata", "en", "en", "21232", "Capital Web Studio", 2)

# The other newcomers' chains: (days ago of the first meeting, first connector, what the
# follow-up led to, or None when nobody was followed up yet)
OTHER_CHAINS = [
    (75, "Teresa", "job"),
    (62, "Wei", "interview"),
    (48, "Tomasz", ""),
    (33, "Giulia", None),
]


def _email(given: str, family: str) -> str:
    name = f"{given}.{family}".lower().replace("é", "e").replace("-", "")
    return f"{name}@connectors.example.org"


def _invite(actor: User, program: Program, row: tuple, *, suggested_by: Any = None) -> str:
    given, family, language = row[0], row[1], row[2]
    _invitation, token = services.connector_invite(
        actor=actor,
        program=program,
        email=_email(given, family),
        given_name=given,
        family_name=family,
        language=language,
        reason="Knows many people in the field and offered to help newcomers.",
        suggested_by=suggested_by,
    )
    return token


def _accept(token: str, row: tuple) -> Connector:
    """The invited person opens the link and writes the light profile."""
    given, family, language, languages, code, employer, per_month = row
    return services.invitation_accept(
        token=token,
        profile=services.Profile(
            given_name=given,
            family_name=family,
            preferred_language=language,
            languages=languages,
            occupation_id=code,
            industry_id=None,
            employer=employer,
            city="Ottawa",
            postal_code="K1P 5J9",
            meetings_per_month=per_month,
        ),
    )


def _meet(
    actor: User,
    program: Program,
    newcomer: Participant,
    connector: Connector,
    *,
    days_ago: int,
    introduction: Introduction | None = None,
) -> ConnectorMeeting:
    """A meeting asked, times offered and one chosen (each person gets the calendar file), and
    recorded as held `days_ago` days ago."""
    meeting = services.meeting_request(
        actor=actor,
        program=program,
        newcomer=newcomer,
        connector=connector,
        introduction=introduction,
        message="I would like to learn how people in your field found their first job here.",
    )
    host = connector.participant.user or actor
    soon = [demo_at(3, 10), demo_at(4, 15)]
    meeting = services.meeting_offer_times(
        actor=host, meeting=meeting, times=soon, mode=MeetingMode.VIRTUAL, where="Teams"
    )
    meeting = services.meeting_choose_time(
        actor=actor, meeting=meeting, offered_time_id=meeting.offered_times.all()[0].pk
    )
    day = demo_at(-days_ago, 10)
    meeting = services.meeting_record_held(actor=host, meeting=meeting, held_on=day.date())
    # Moved back: asked a week before, on the day at ten.
    ConnectorMeeting.objects.filter(pk=meeting.pk).update(
        starts_at=day, created_at=day - timedelta(days=7)
    )
    return meeting


def _introduce(
    meeting: ConnectorMeeting, contacts: list[Connector | tuple[str, str, str]], *, staff: User
) -> list[Introduction]:
    """The connector names their contacts the day after the meeting."""
    actor = meeting.connector.participant.user or staff
    listed = []
    for contact in contacts:
        if isinstance(contact, Connector):
            person = contact.participant
            listed.append(
                services.Contact(
                    name=person.full_name,
                    email=person.email,
                    reason=f"{person.given_name} hires in this field and likes to help.",
                    language=person.preferred_language,
                )
            )
        else:
            name, email, language = contact
            listed.append(
                services.Contact(
                    name=name,
                    email=email,
                    reason="A former colleague who knows every team in town.",
                    language=language,
                )
            )
    made = services.introductions_record(actor=actor, meeting=meeting, contacts=listed)
    held = meeting.held_on or timezone.localdate()
    when = timezone.make_aware(datetime.combine(held + timedelta(days=1), time(11)))
    Introduction.objects.filter(pk__in=[i.pk for i in made]).update(created_at=when)
    return made


def _outsiders(index: int) -> list[tuple[str, str, str]]:
    """Contacts who are not connectors yet: they receive the bilingual invitation."""
    return [
        (f"Contact {index}-{k}", f"contact{index}.{k}@network.example.org", "en")
        for k in range(1, 3)
    ]


def demo_load_connectors() -> None:
    staff = User.objects.get(email="staff@tandem.demo")
    lead = Organization.objects.get(slug="capital-welcome")
    program = program_create(
        actor=staff,
        organization=lead,
        slug="capital-connector",
        kind="connector",
        name_en="Capital Connector Program",
        name_fr="Programme de connexion de la Capitale",
        description_en=(
            "Newcomers meet established professionals for 30 minutes; each connector "
            "introduces them to at least three people of their network, who do the same."
        ),
        description_fr=(
            "Les personnes nouvellement arrivées rencontrent des professionnels établis "
            "pendant 30 minutes; chaque connecteur les met en relation avec au moins trois "
            "personnes de son réseau, qui font de même."
        ),
        mentee_steps=[],
        mentor_steps=[],
        m2m={"staff": [staff]},
    )
    daniel_record = Participant.objects.get(email="mentor@tandem.demo")
    enrolment_create(actor=staff, program=program, participant=daniel_record)
    daniel = services.connector_profile_save(
        actor=staff,
        program=program,
        participant=daniel_record,
        city="Ottawa",
        meetings_per_month=3,
        joined_via="staff",
    )
    by_name = {row[0]: _accept(_invite(staff, program, row), row) for row in CONNECTORS}
    amina_user = User.objects.get(email="mentee@tandem.demo")
    amina = Participant.objects.get(user=amina_user)
    others = list(
        Participant.objects.filter(
            role="mentee", external_id__in=["MTE-001", "MTE-002", "MTE-003", "MTE-004", "MTE-005"]
        ).order_by("external_id")
    )
    for person in [amina, *others]:
        enrolment_create(actor=staff, program=program, participant=person)

    # Amina's chain: Daniel, then Giulia and Marc-André (and Aroha, whom Daniel names and who
    # joins), then Mathis through Giulia: a job. Daniel invites Aroha as he names her (the
    # introduction takes the invitation already on its way), so that her link can be opened.
    first = _meet(amina_user, program, amina, daniel, days_ago=70)
    aroha_link = _invite(daniel_record.user or staff, program, NAMED, suggested_by=daniel)
    made = _introduce(
        first,
        [by_name["Giulia"], by_name["Marc-André"], ("Aroha Ngata", _email("Aroha", "Ngata"), "en")],
        staff=staff,
    )
    aroha = _accept(aroha_link, NAMED)
    services.feedback_give(
        actor=amina_user, meeting=first, side="newcomer", text="Daniel opened three doors."
    )
    sofia_meeting = _meet(
        amina_user, program, amina, by_name["Giulia"], days_ago=55, introduction=made[0]
    )
    sofia_made = _introduce(
        sofia_meeting,
        [
            by_name["Mathis"],
            by_name["Wei"],
            ("Ingrid Halvorsen", _email("Ingrid", "Halvorsen"), "fr"),
        ],
        staff=staff,
    )
    marc = _meet(
        amina_user, program, amina, by_name["Marc-André"], days_ago=48, introduction=made[1]
    )
    services.result_record(
        actor=amina_user, meeting=marc, result="interview", on=demo_at(-40, 9).date()
    )
    karim = _meet(
        amina_user, program, amina, by_name["Mathis"], days_ago=30, introduction=sofia_made[0]
    )
    services.result_record(actor=amina_user, meeting=karim, result="job", on=demo_at(-12, 9).date())
    services.feedback_give(
        actor=amina_user, meeting=karim, side="newcomer", text="Mathis's team hired me!"
    )
    # Wei's introduction waits for Amina; Aroha offered times Amina has to choose from.
    follow = services.meeting_request(
        actor=amina_user,
        program=program,
        newcomer=amina,
        connector=aroha,
        introduction=Introduction.objects.get(newcomer=amina, contact=aroha),
    )
    services.meeting_offer_times(
        actor=staff,
        meeting=follow,
        times=[demo_at(5, 12), demo_at(6, 16)],
        mode=MeetingMode.IN_PERSON,
        where="Café at 111 Albert St",
    )

    # The other newcomers: a first meeting, three introductions, and a follow-up for most.
    for index, (person, (days_ago, first_name, result)) in enumerate(
        zip(others, OTHER_CHAINS, strict=False)
    ):
        opener = by_name[first_name]
        meeting = _meet(staff, program, person, opener, days_ago=days_ago)
        contact = by_name["Mathis"] if first_name != "Mathis" else by_name["Wei"]
        intros = _introduce(meeting, [contact, *_outsiders(index)], staff=staff)
        if result is None:
            continue
        follow_up = _meet(
            staff, program, person, contact, days_ago=days_ago - 10, introduction=intros[0]
        )
        if result:
            services.result_record(
                actor=staff,
                meeting=follow_up,
                result=result,
                on=demo_at(-(days_ago - 20), 9).date(),
            )
    # A newcomer asks Daniel (the demo mentor) for a meeting this month: his to answer.
    services.meeting_request(actor=staff, program=program, newcomer=others[-1], connector=daniel)
