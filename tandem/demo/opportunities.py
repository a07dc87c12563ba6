"""Demo data for the opportunities board (issue 22): MentorAbility's provincial hubs for Ontario
and Quebec under the lead agency (its staff get the national view), the employer partner's
opportunities (a virtual job-shadowing day among them), and a job-seeker referred by a caseworker
who shared one accommodation, accepted, hosted, with feedback from both sides. Built through the
board's services, as people would through its pages."""

from datetime import timedelta

from django.utils import timezone


def demo_load_opportunities() -> None:
    from tandem.opportunities import services
    from tandem.organizations.models import Membership, Organization, OrganizationType, Role
    from tandem.participants.models import Participant
    from tandem.reference.models import Occupation, PostalArea

    lead = Organization.objects.filter(slug="capital-welcome").first()
    employer = Organization.objects.filter(slug="northern-lights").first()
    occupation = Occupation.objects.filter(level=5, code__startswith="2123").first()
    if lead is None or employer is None or occupation is None:
        return
    people = {m.user.email: m.user for m in Membership.objects.select_related("user")}
    employer_person = people.get("employer@tandem.demo")
    caseworker = people.get("caseworker@tandem.demo")
    if employer_person is None or caseworker is None:
        return
    employer.province = "ON"
    employer.save(update_fields=["province"])
    ontario = Organization.objects.create(
        slug="mentorability-on",
        kind=OrganizationType.PROVINCIAL_HUB,
        name_en="MentorAbility Ontario",
        name_fr="MentorAbility Ontario",
        province="ON",
        parent=lead,
    )
    Organization.objects.create(
        slug="mentorability-qc",
        kind=OrganizationType.PROVINCIAL_HUB,
        name_en="MentorAbility Quebec",
        name_fr="MentorAbility Québec",
        province="QC",
        parent=lead,
    )
    leader = people.get("leader@tandem.demo")
    if leader is not None:
        Membership.objects.create(user=leader, organization=ontario, role=Role.NETWORK_LEADER)
    today = timezone.localdate()
    ottawa = PostalArea.objects.filter(fsa="K2P").first()
    shadowing = services.opportunity_post(
        actor=employer_person,
        employer=employer,
        accommodations=["captions", "flexible_hours", "accessible_documents"],
        kind="job_shadowing",
        title_en="A virtual day with our software team",
        title_fr="Une journée virtuelle avec notre équipe logicielle",
        occupation=occupation,
        mode="virtual",
        province="ON",
        postal_area=ottawa,
        starts_on=today + timedelta(days=12),
        ends_on=today + timedelta(days=12),
        places=3,
        language="both",
        accessibility_en="Video calls with live captions; screen-reader friendly documents.",
        accessibility_fr="Appels vidéo sous-titrés en direct; documents compatibles avec les "
        "lecteurs d’écran.",
        learning_en="How a sprint is planned, a code review, a stand-up meeting.",
        learning_fr="La planification d’un sprint, une revue de code, une mêlée quotidienne.",
    )
    tour = services.opportunity_post(
        actor=employer_person,
        employer=employer,
        accommodations=["step_free", "parking_transit", "quiet_space"],
        kind="workplace_tour",
        title_en="Tour of our Ottawa office",
        title_fr="Visite de notre bureau d’Ottawa",
        occupation=occupation,
        mode="in_person",
        province=ottawa.province if ottawa else "ON",
        postal_area=ottawa,
        starts_on=today + timedelta(days=20),
        ends_on=today + timedelta(days=20),
        places=8,
        language="en",
        accessibility_en="Step-free entrance on Metcalfe Street; accessible washrooms.",
        learning_en="How a software company is organized.",
    )
    seekers = list(
        Participant.objects.filter(organization__slug="rideau-employment", role="mentee").order_by(
            "pk"
        )[:2]
    )
    if not seekers:
        return
    hosted = services.application_submit(
        actor=caseworker,
        opportunity=shadowing,
        participant=seekers[0],
        message="Interested in agile teams; free any weekday.",
        shares_accommodations=True,
        accommodations_needed=["captions"],
    )
    hosted = services.application_accept(actor=employer_person, application=hosted)
    hosted = services.application_happened(
        actor=employer_person, application=hosted, happened_on=today, further_opportunity=True
    )
    services.feedback_give(
        actor=employer_person,
        application=hosted,
        side="employer",
        learned="Captions on every call helped the whole team, not only our guest.",
        would_host_again=True,
    )
    services.feedback_give(
        actor=caseworker,
        application=hosted,
        side="job_seeker",
        learned="How code reviews work and what a junior developer does each day.",
        accessible="yes",
    )
    if len(seekers) > 1:
        services.application_submit(
            actor=caseworker, opportunity=tour, participant=seekers[1], message="Keen to visit."
        )
