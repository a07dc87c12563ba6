"""Demo data for group and peer mentoring (issue 19): a mentoring group of the lead agency that has
met for three weeks, with attendance, feedback and a staff note, three sessions to come; a second
group run by the engineers' network (ONITE) with its own coordinator, the PINs pilot's shape; and
a peer mentoring program with alumni invited, one briefed peer mentor and a short conversation
held with a job-seeker.

Everything goes through tandem/circles/services/, as staff would do it. The services refuse a
session in the past, so the group's first weeks are scheduled as weeks to come and then moved
back three weeks with the members' joining day: the only writes made outside a service.
Runs after matching.py and history.py (it reads the pool they leave and the alumni's outcomes).
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import F

from tandem.demo.clock import demo_at

WEEKS_AGO = 3

FEEDBACK = [
    # (usefulness, English topics, French topics)
    (
        "very",
        "Mock interviews with a hiring manager",
        "Simulations d’entrevue avec une personne responsable de l’embauche",
    ),
    ("very", "How to talk about projects abroad", "Parler de mes projets réalisés à l’étranger"),
    ("somewhat", "", ""),
    ("very", "Salary negotiation", "Négociation salariale"),
]


def demo_load_circles() -> None:
    from tandem.accounts.models import User
    from tandem.circles import selectors
    from tandem.circles.models import CircleMember, CircleSession
    from tandem.circles.services.groups import circle_create, circle_note_add
    from tandem.circles.services.members import circle_member_add
    from tandem.circles.services.sessions import (
        circle_attendance_record,
        circle_sessions_add,
        session_feedback_submit,
    )
    from tandem.events.models import Event
    from tandem.organizations.models import Organization
    from tandem.participants.models import Participant
    from tandem.programs import services as programs
    from tandem.reference.models import Occupation

    staff = User.objects.get(email="staff@tandem.demo")
    lead = Organization.objects.get(slug="capital-welcome")
    onite = Organization.objects.get(slug="onite")
    if not Occupation.objects.filter(pk__in=["212", "213"]).count() == 2:
        return  # the NOC groups are not loaded (a partial reference set)
    group_program = programs.program_create(
        actor=staff,
        organization=lead,
        slug="group-mentoring",
        kind="group",
        name_en="Group mentoring while you wait",
        name_fr="Mentorat de groupe pendant l’attente",
        description_en=(
            "Eight to ten mentees and two or three mentors of one field meet every week while "
            "the mentees wait for a one-to-one match; they keep their place on the list."
        ),
        description_fr=(
            "De huit à dix personnes mentorées et deux ou trois mentors d’un même domaine se "
            "rencontrent chaque semaine pendant l’attente d’un jumelage individuel; les "
            "personnes mentorées gardent leur place sur la liste."
        ),
        m2m={"staff": [staff], "locations": list(lead.locations.all())},
    )
    circle = circle_create(
        actor=staff,
        program=group_program,
        name_en="Software and data careers",
        name_fr="Carrières en logiciel et en données",
        occupation=Occupation.objects.get(pk="212"),
        language="en",
        mode="in_person",
        place="959 Wellington St W, room 2",
        mentee_capacity=10,
        mentor_capacity=3,
    )
    # Staff form the group from Tandem's suggestions (the mentees waiting longest in the field),
    # add Amina, and complete it by hand with other mentees of the field who have no outcome yet.
    amina = Participant.objects.get(email="mentee@tandem.demo")
    mentees = _mentees_for(circle, 8, first=[amina], widen=True)
    daniel = Participant.objects.get(email="mentor@tandem.demo")
    mentors = [daniel] + [
        s.participant
        for s in selectors.suggested_mentors(circle, limit=3)
        if s.participant != daniel
    ][:1]
    for person in mentees:
        circle_member_add(actor=staff, circle=circle, participant=person, role="mentee")
    for person in mentors:
        circle_member_add(actor=staff, circle=circle, participant=person, role="mentor")
    CircleMember.objects.filter(circle=circle).update(shows_name=True)
    CircleMember.objects.filter(circle=circle, participant__in=mentees[-2:]).update(
        shows_name=False
    )

    # Six weekly sessions, the first three of them already held.
    sessions = circle_sessions_add(
        actor=staff,
        circle=circle,
        starts_at=demo_at(1, 18),
        duration_minutes=90,
        weeks=6,
        topic_en="Résumés, interviews and the local job market",
        topic_fr="CV, entrevues et marché du travail local",
    )
    back = timedelta(weeks=WEEKS_AGO)
    Event.objects.filter(circle_session__in=sessions).update(
        starts_at=F("starts_at") - back, ends_at=F("ends_at") - back
    )
    CircleMember.objects.filter(circle=circle).update(joined_at=F("joined_at") - back - back)
    held = list(
        CircleSession.objects.filter(pk__in=[s.pk for s in sessions[:WEEKS_AGO]]).select_related(
            "event", "circle"
        )
    )
    people = mentees + mentors
    for week, session in enumerate(held):
        # Two people miss each week but the first; Amina comes every week.
        absent = {people[(week * 3) % len(people)], people[(week * 3 + 1) % len(people)]} - {amina}
        came = [p for p in people if p not in absent or week == 0]
        circle_attendance_record(actor=staff, session=session, present=came)
        for index, person in enumerate(p for p in came if p.role == "mentee"):
            usefulness, topics_en, topics_fr = FEEDBACK[(week + index) % len(FEEDBACK)]
            if person == amina and week == WEEKS_AGO - 1:
                continue  # Amina still has the last session's two questions to answer
            if index % 3 == 2:
                continue  # not everyone answers
            session_feedback_submit(
                actor=person.user or staff,
                session=session,
                participant=person,
                usefulness=usefulness,
                topics=topics_fr if person.preferred_language == "fr" else topics_en,
            )
    circle_note_add(
        actor=staff,
        circle=circle,
        text=(
            "Groupe très engagé. Inviter une personne responsable de l’embauche à la séance 5 "
            "(simulations d’entrevue), comme plusieurs membres l’ont demandé."
        ),
    )

    # The PINs pilot: a group run by the engineers' network with its own trained coordinator.
    leader = User.objects.get(email="leader@tandem.demo")
    engineers = circle_create(
        actor=staff,
        program=group_program,
        name_en="Engineers' circle (ONITE)",
        name_fr="Cercle du génie (ONITE)",
        occupation=Occupation.objects.get(pk="213"),  # professional occupations in engineering
        language="en",
        mode="virtual",
        link="https://meet.example.org/onite-circle",
        mentee_capacity=8,
        mentor_capacity=2,
        run_by=onite,
        coordinator=leader,
    )
    for person in _mentees_for(engineers, 4, widen=True):
        circle_member_add(actor=leader, circle=engineers, participant=person, role="mentee")
    for suggestion in selectors.suggested_mentors(engineers, limit=1):
        circle_member_add(
            actor=leader, circle=engineers, participant=suggestion.participant, role="mentor"
        )
    circle_sessions_add(
        actor=leader,
        circle=engineers,
        starts_at=demo_at(3, 12),
        duration_minutes=60,
        weeks=2,
        topic_en="Licensing with Professional Engineers Ontario",
        topic_fr="Obtenir son permis d’exercice du génie en Ontario",
    )

    _peer_mentoring(staff, lead)


def _mentees_for(circle, count: int, *, first: list | None = None, widen: bool = False) -> list:
    """The suggestions (mentees waiting longest in the group's field and language), then, by
    hand, other mentees of the field without an outcome yet, up to `count`. With `widen`, then
    of the field's major group, its broad category and any field, so that the group has its
    `count` whatever the history seeded before it left waiting (the demo does not depend on
    the day it is loaded)."""
    from tandem.circles import selectors
    from tandem.circles.models import CircleMember

    chosen = list(first or [])
    chosen += [
        s.participant
        for s in selectors.suggested_mentees(circle, limit=count)
        if s.participant not in chosen
    ]
    field = circle.occupation_id or ""
    prefixes = [field, field[:2], field[:1], ""] if widen else [field]
    for prefix in dict.fromkeys(prefixes):
        if len(chosen) >= count:
            break
        chosen += list(
            selectors.addable_people(circle)
            .filter(role="mentee", occupation__code__startswith=prefix, employment_outcomes=None)
            .exclude(pk__in=CircleMember.objects.filter(left_at__isnull=True).values("participant"))
            .exclude(pk__in=[p.pk for p in chosen])[: count - len(chosen)]
        )
    return chosen[:count]


def _peer_mentoring(staff, lead) -> None:
    from tandem.circles import selectors
    from tandem.circles.services.peers import (
        peer_answer,
        peer_brief,
        peer_conversation_propose,
        peer_conversation_record,
        peer_invite,
    )
    from tandem.programs import services as programs

    peer_program = programs.program_create(
        actor=staff,
        organization=lead,
        slug="peer-mentoring",
        kind="peer",
        name_en="Peer mentoring",
        name_fr="Mentorat par les pairs",
        description_en=(
            "Newcomers who found work in their field meet job-seekers of a similar background, "
            "in small groups or for one or two conversations."
        ),
        description_fr=(
            "Des personnes nouvellement arrivées qui ont trouvé un emploi dans leur domaine "
            "rencontrent des personnes en recherche d’emploi au parcours semblable, en petits "
            "groupes ou le temps d’une ou deux conversations."
        ),
        m2m={"staff": [staff]},
    )
    alumni = list(selectors.alumni_candidates(peer_program)[:3])
    peers = [
        peer_invite(actor=staff, program=peer_program, participant=person) for person in alumni
    ]
    if not peers:
        return
    briefed = peer_brief(actor=staff, peer=peer_answer(actor=staff, peer=peers[0], accept=True))
    waiting = list(selectors.waiting_people(lead.pk)[:2])
    for index, seeker in enumerate(waiting):
        conversation = peer_conversation_propose(
            actor=staff, peer=briefed, mentee=seeker, conversations=2 - index
        )
        if index == 0:
            peer_conversation_record(actor=staff, conversation=conversation, held=2)
