"""Demo data for employer and association partners (issue 21): Northern Lights' invitations to
its colleagues and Daniel Wong's workplace terms and activities with his mentee; Bytown Health's
own employer-hosted program with its coordinator, employee mentors and a mentee referred by an
agency; an association's members-only program with HRPA's four career-stage tracks. Built
through the services; copes with a demo where a piece is missing."""

from datetime import timedelta

from django.utils import timezone

from tandem.accounts.models import User
from tandem.mentorships.models import ACTIVE_STATUSES, Mentorship
from tandem.organizations.models import (
    Organization,
    OrganizationType,
    Partnership,
    PartnershipKind,
)
from tandem.participants.models import Participant
from tandem.programs.models import Program, ProgramType


def demo_load_employers() -> None:
    from tandem.employers import services
    from tandem.employers.models import ActivityStatus, CareerStage, WorkplaceActivity
    from tandem.programs.services import enrolment_create, program_create
    from tandem.referrals.services import referral_decide, referral_submit

    northern = Organization.objects.filter(slug="northern-lights").first()
    bytown = Organization.objects.filter(slug="bytown-health").first()
    grace = User.objects.filter(email="employer@tandem.demo").first()
    coordinator = User.objects.filter(email="coordinator@tandem.demo").first()
    caseworker = User.objects.filter(email="caseworker@tandem.demo").first()
    cmp = Program.objects.filter(slug="career-mentoring").first()
    today = timezone.localdate()

    # Northern Lights invites three colleagues to the Career Mentoring Program.
    if northern and grace and cmp:
        services.mentors_invite(
            actor=grace,
            partner=northern,
            program=cmp,
            text="olivia.chen@northernlights.example\nmarc.belanger@northernlights.example, fr\n"
            "sara.ahmed@northernlights.example",
            language="en",
        )
    # Daniel (recruited by Northern Lights) mentors in work hours and hosts his mentee.
    daniel = Participant.objects.filter(email="mentor@tandem.demo").first()
    if daniel is not None and daniel.user is not None:
        services.terms_record(
            actor=daniel.user, participant=daniel, in_work_hours=True, hosts_activities=True
        )
        mentorship = (
            Mentorship.objects.filter(mentor=daniel, status__in=ACTIVE_STATUSES)
            .order_by("pk")
            .first()
        )
        if mentorship is not None:
            tour = services.activity_propose(
                actor=daniel.user,
                mentorship=mentorship,
                side="mentor",
                kind="tour",
                planned_on=today,
                host_detail="Engineering floor, 4th storey",
            )
            tour = services.activity_answer(
                actor=daniel.user, activity=tour, side="mentor", what="held", held_on=today
            )
            # His mentee agreed that Northern Lights sees her given name and occupation (on her
            # page, or in person with the facilitator, who recorded it).
            from tandem.core import consent

            mentee = mentorship.mentee
            facilitator = User.objects.filter(email="staff@tandem.demo").first()
            with consent.given_by("" if mentee.user else "in_person"):
                services.sharing_set(
                    actor=mentee.user or facilitator, participant=mentee, given=True
                )
            # Held three days ago: the loader records it as if on that day.
            WorkplaceActivity.objects.filter(pk=tour.pk, status=ActivityStatus.HELD).update(
                held_on=today - timedelta(days=3)
            )
            services.activity_propose(
                actor=daniel.user,
                mentorship=mentorship,
                side="mentor",
                kind="job_shadowing",
                planned_on=today + timedelta(days=12),
                host_detail="Platform team stand-up, then a day with the team",
            )

    # Bytown Health runs its own program: mentors among its employees, mentees from agencies.
    if bytown and coordinator:
        hosted = program_create(
            actor=coordinator,
            organization=bytown,
            slug="bytown-health-mentoring",
            kind=ProgramType.EMPLOYER_HOSTED,
            name_en="Bytown Health newcomer mentoring",
            name_fr="Mentorat des personnes nouvellement arrivées à Santé Bytown",
            description_en=(
                "Nurses, pharmacists and technicians of Bytown Health mentor internationally "
                "educated health professionals referred by the network's agencies."
            ),
            description_fr=(
                "Le personnel infirmier, pharmacien et technique de Santé Bytown accompagne des "
                "professionnels de la santé formés à l’étranger, référés par les organismes du "
                "réseau."
            ),
            accepts_self_referrals=False,
            mentee_steps=[],
            mentor_steps=[],
            m2m={"staff": [coordinator]},
        )
        agencies = list(
            Organization.objects.filter(slug__in=["rideau-employment", "vanier-newcomers"])
        )
        hosted.referring_partners.set(agencies)
        for employee in Participant.objects.filter(recruited_by=bytown, role="mentor")[:3]:
            enrolment_create(actor=coordinator, program=hosted, participant=employee)
        if caseworker is not None:
            clients = Participant.objects.filter(
                role="mentee", organization__slug="rideau-employment"
            ).order_by("-external_id")[:2]
            for position, client in enumerate(clients):
                referral = referral_submit(
                    actor=caseworker,
                    participant=client,
                    program=hosted,
                    note="Internationally educated nurse, ready to learn how hospitals hire here.",
                    answers={},
                    has_consent=True,
                )
                if position == 0:  # the other waits for the coordinator's decision
                    referral_decide(
                        actor=coordinator,
                        referral=referral,
                        outcome="accepted",
                        unmet_criteria=[],
                        note="",
                    )

    # An association's members-only program with HRPA's four career stages.
    lead = Organization.objects.filter(slug="capital-welcome").first()
    staff = User.objects.filter(email="staff@tandem.demo").first()
    # The lead agency's facilitator offers to help run Bytown Health's program: the coordinator
    # finds the offer waiting on the program's "Lead agency help" page.
    if bytown and coordinator and lead and staff:
        from tandem.employers.access import hosted_programs_for_lead

        offered = hosted_programs_for_lead(staff).filter(slug="bytown-health-mentoring").first()
        if offered is not None:
            services.help_offer(
                actor=staff,
                program=offered,
                lead=lead,
                note="Screening the agencies' referrals and the monthly check-ins.",
            )
    if lead and staff:
        association = Organization.objects.create(
            slug="capital-hr-association",
            kind=OrganizationType.ASSOCIATION,
            name_en="Capital HR Professionals Association",
            name_fr="Association des professionnels en RH de la capitale",
            description_en="Human-resources professionals of the National Capital Region.",
            description_fr="Professionnels des ressources humaines de la région de la capitale.",
        )
        Partnership.objects.create(
            organization=lead, partner=association, kind=PartnershipKind.ASSOCIATION
        )
        # The lead agency delivers it with the association: its staff named on the program.
        Partnership.objects.create(
            organization=association, partner=lead, kind=PartnershipKind.PROGRAM_DELIVERY
        )
        members = program_create(
            actor=staff,
            organization=association,
            slug="hr-members-mentoring",
            kind=ProgramType.INTERNAL,
            name_en="HR members' mentoring",
            name_fr="Mentorat entre membres en RH",
            description_en="Members of the association mentor members at an earlier stage.",
            description_fr="Des membres de l’association accompagnent des membres en début de "
            "parcours.",
            accepts_self_referrals=False,
            m2m={"staff": [staff]},
        )
        services.tracks_set(
            actor=staff, program=members, stages=[stage.value for stage in CareerStage]
        )
