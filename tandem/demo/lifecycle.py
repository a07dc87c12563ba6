"""Demo data for the mentorship lifecycle: meetings and a check-in on the mentorship under way,
an event, and Amina's earlier mentorship, closed, with her exit survey, certificate and a
follow-up waiting for its day. Creates nothing when no mentorship exists."""

from datetime import timedelta

from django.utils import timezone

from tandem.demo.clock import demo_at


def demo_load_lifecycle() -> None:
    from tandem.events import services as events
    from tandem.meetings import services as meetings
    from tandem.meetings.models import MeetingLog
    from tandem.mentorships.models import Agreement, Mentorship, MentorshipStatus
    from tandem.outcomes import services as outcomes
    from tandem.outcomes.models import Closure, EmploymentOutcome, ExitSurvey
    from tandem.participants.models import Participant

    # Daniel's mentorship under way (matching.py); history.py has others, older.
    active = (
        Mentorship.objects.filter(
            status=MentorshipStatus.ACTIVE, mentor__email="mentor@tandem.demo"
        )
        .select_related("program", "mentor", "mentee")
        .first()
    )
    if active is None:
        return
    program = active.program
    staff = program.staff.first()
    if staff is None:
        return
    today = timezone.localdate()
    for days, minutes, mode, topics in [
        (6, 75, "virtual", "Résumé review for product roles; LinkedIn headline."),
        (1, 60, "in_person", "Mock behavioural interview; follow-up questions to ask."),
    ]:
        MeetingLog.objects.create(
            mentorship=active,
            met_on=today - timedelta(days=days),
            minutes=minutes,
            mode=mode,
            topics=topics,
            logged_by=active.mentor.user or staff,
        )
    meetings.next_meeting_set(
        actor=staff,
        mentorship=active,
        starts_at=demo_at(6, 17, 30),
        mode="virtual",
        place="https://meet.example.org/tandem-weekly",
    )
    meetings.check_in_record(
        actor=staff,
        mentorship=active,
        participant=active.mentee,
        held_on=today - timedelta(days=2),
        how_it_is_going=(
            "Rencontres chaque semaine, bon lien; souhaite plus de pratique d’entrevue."
            if active.mentee.preferred_language == "fr"
            else "Weekly meetings, good rapport; wants more interview practice."
        ),
        concerns="",
        satisfaction=4,
    )

    starts = demo_at(10, 18)
    event = events.event_create(
        actor=staff,
        program=program,
        kind="networking",
        title_en="Networking evening with employer partners",
        title_fr="Soirée de réseautage avec les employeurs partenaires",
        description_en="Meet hiring managers from our employer partners. Business casual.",
        description_fr=(
            "Rencontrez des gestionnaires d’embauche de nos employeurs partenaires. Tenue de ville."
        ),
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        mode="in_person",
        place="Capital Welcome Centre, 200 Elgin Street",
        capacity=40,
        is_open=True,
    )
    events.event_invite(actor=staff, event=event, participants=[active.mentor, active.mentee])
    events.event_register(actor=staff, event=event, participant=active.mentor)

    # Amina's first mentorship, four months ago: completed, with her exit survey and follow-ups.
    amina = Participant.objects.filter(email="mentee@tandem.demo").first()
    mentor = (
        Participant.objects.filter(role="mentor")
        .exclude(pk=active.mentor_id)
        .order_by("external_id")
        .first()
    )
    if amina is None or mentor is None:
        return
    started = today - timedelta(weeks=16)
    closed = Mentorship.objects.create(
        program=program,
        mentor=mentor,
        mentee=amina,
        status=MentorshipStatus.ACTIVE,
        mentor_slot=mentor.capacity,
        mentor_capacity=mentor.capacity,
        confirmed_by=staff,
        started_on=started,
        expected_end_on=started + timedelta(weeks=13),
    )
    Mentorship.objects.filter(pk=closed.pk).update(confirmed_at=demo_at(-16 * 7 - 10, 11))
    Agreement.objects.create(
        mentorship=closed,
        starts_on=started,
        expected_end_on=started + timedelta(weeks=13),
        hours_target=24,
        minutes_per_week=120,
        goals="Me préparer aux entrevues dans des équipes de logiciels canadiennes.",
        confidentiality="Ce dont nous parlons reste entre nous et l’équipe du programme.",
        created_by=staff,
    )
    for week in range(0, 13, 2):
        MeetingLog.objects.create(
            mentorship=closed,
            met_on=started + timedelta(weeks=week, days=1),
            minutes=120,
            mode="virtual" if week % 4 else "in_person",
            topics=(
                "Rencontre hebdomadaire : plan de recherche d’emploi, candidatures, "
                "pratique d’entrevue."
            ),
            logged_by=staff,
        )
    outcomes.mentorship_close(
        actor=staff,
        mentorship=closed,
        kind="end_of_term",
        ended_on=started + timedelta(weeks=13),
        note="Objectifs atteints : curriculum vitæ, portfolio et quatre entrevues.",
    )
    outcomes.exit_survey_submit(
        actor=amina.user or staff,
        mentorship=closed,
        participant=amina,
        employment={"status": "searching", "interviews_granted": 4},
        satisfaction=5,
        objectives_met="yes",
        would_recommend=True,
        what_helped="Les simulations d’entrevue et les présentations faites par mon mentor.",
        what_to_improve="",
    )
    # Closed and answered two days after the last day, not when the loader ran.
    answered = demo_at(-3 * 7 + 2, 15)
    Closure.objects.filter(mentorship=closed).update(closed_at=answered)
    ExitSurvey.objects.filter(mentorship=closed).update(submitted_at=answered)
    EmploymentOutcome.objects.filter(mentorship=closed).update(recorded_at=answered)
