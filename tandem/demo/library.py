"""Demo data for the community's shared repertoire, directory and gatherings (issue 23): CASE's
HR Inclusive Policy Toolkit with one finished review round (ONITE's leader commented, version 2
credits them), a few resources in both languages, directory profiles of the member
organizations, a past learning exchange with its slides filed in the repertoire, an upcoming
national hub meeting, and a spokesperson. Built through the services, after
`demo_load_community` (it hangs on the community that built); copes with a missing piece."""

from typing import Any

from django.core.files.base import ContentFile

from tandem.demo.clock import demo_at
from tandem.library.services.resources import SectionText

TOOLKIT_SECTIONS: list[SectionText] = [
    {
        "heading_en": "Why an inclusive HR policy",
        "heading_fr": "Pourquoi une politique RH inclusive",
        "body_en": "Employers who write down how they recruit, accommodate and retain people "
        "with disabilities and newcomers hire from a wider pool and keep people longer.",
        "body_fr": "Les employeurs qui mettent par écrit leur façon de recruter, d’adapter le "
        "travail et de maintenir en emploi les personnes handicapées et nouvellement arrivées "
        "recrutent plus largement et gardent leur personnel plus longtemps.",
    },
    {
        "heading_en": "Recruitment and interviews",
        "heading_fr": "Recrutement et entrevues",
        "body_en": "Post jobs in plain language, name the essential duties only, and offer "
        "accommodation at every step of the interview.",
        "body_fr": "Publiez les offres en langage clair, ne nommez que les tâches essentielles "
        "et offrez des mesures d’adaptation à chaque étape de l’entrevue.",
    },
    {
        "heading_en": "Accommodation in the workplace",
        "heading_fr": "Mesures d’adaptation au travail",
        "body_en": "A short written process: who to ask, how fast the answer comes, who pays.",
        "body_fr": "Un processus écrit et court : à qui s’adresser, dans quel délai la réponse "
        "arrive, qui paie.",
    },
]

OTHER_RESOURCES: list[dict[str, Any]] = [
    {
        "kind": "link",
        "title_en": "Recruiting mentors in smaller towns",
        "title_fr": "Recruter des mentors dans les petites villes",
        "description_en": "How three networks found mentors outside the big cities: retirees' "
        "associations, video meetings, chambers of commerce.",
        "description_fr": "Comment trois réseaux ont trouvé des mentors hors des grandes villes : "
        "associations de retraités, rencontres vidéo, chambres de commerce.",
        "link_en": "https://example.org/mentors-small-towns",
        "link_fr": "https://example.org/fr/mentors-petites-villes",
        "tags": {"topic": ["mentoring"], "audience": ["network_leaders"]},
    },
    {
        "kind": "document",
        "title_en": "Accessible interview checklist",
        "title_fr": "Liste de vérification pour des entrevues accessibles",
        "description_en": "One page for hiring managers before an interview.",
        "description_fr": "Une page pour les gestionnaires avant une entrevue.",
        "tags": {"topic": ["accessibility", "inclusive_hiring"], "audience": ["employers"]},
        "sections": [
            {
                "heading_en": "Before the interview",
                "heading_fr": "Avant l’entrevue",
                "body_en": "Send the questions' themes ahead; ask what accommodation helps.",
                "body_fr": "Envoyez les thèmes des questions à l’avance; demandez quelles "
                "mesures d’adaptation aideraient.",
            }
        ],
    },
    {
        "kind": "document",
        "title_en": "Board governance basics for volunteer-run networks",
        "title_fr": "Notions de gouvernance pour les réseaux bénévoles",
        "description_en": "Roles of the board, terms, conflicts of interest, minutes.",
        "description_fr": "Rôles du conseil, mandats, conflits d’intérêts, procès-verbaux.",
        "tags": {"topic": ["governance"], "audience": ["network_leaders"], "province": ["ON"]},
        "sections": [
            {
                "heading_en": "Who decides what",
                "heading_fr": "Qui décide quoi",
                "body_en": "The board sets direction; volunteers and staff run activities.",
                "body_fr": "Le conseil fixe les orientations; les bénévoles et le personnel "
                "mènent les activités.",
            }
        ],
    },
]

PROFILES: dict[str, dict[str, Any]] = {
    "capital-welcome": {
        "served_en": "Newcomers to the National Capital Region",
        "served_fr": "Personnes nouvellement arrivées dans la région de la capitale nationale",
        "focus_en": "Settlement, employment and the Career Mentoring Program.",
        "focus_fr": "Établissement, emploi et programme de mentorat professionnel.",
        "members_count": 4800,
        "languages": "English, French",
        "offers_mentoring": True,
        "offers_job_board": True,
        "offers_professional_development": True,
    },
    "onite": {
        "served_en": "Internationally educated IT professionals",
        "served_fr": "Professionnels des TI formés à l’étranger",
        "focus_en": "Mentoring circles, technical meet-ups and employer introductions.",
        "focus_fr": "Cercles de mentorat, rencontres techniques et mises en relation avec des "
        "employeurs.",
        "members_count": 1200,
        "languages": "English, French, Arabic, Tagalog",
        "offers_mentoring": True,
        "offers_professional_development": True,
    },
    "mentorability-on": {
        "served_en": "Job seekers experiencing disability in Ontario",
        "served_fr": "Personnes en recherche d’emploi vivant avec un handicap en Ontario",
        "focus_en": "MentorAbility's Ontario hub: short mentorship opportunities with employers.",
        "focus_fr": "Carrefour ontarien de MentorAbility : courtes occasions de mentorat.",
        "languages": "English, French",
        "offers_mentoring": True,
        "offers_job_board": True,
    },
}


def demo_load_library() -> None:
    from tandem.community.models import Community, MembershipStatus
    from tandem.library.services import directory, gatherings, resources, reviews

    community = Community.objects.filter(slug="national-cop").first()
    if community is None:
        return
    members = {
        m.user.email: m
        for m in community.memberships.filter(status=MembershipStatus.ACTIVE).select_related(
            "user", "organization"
        )
    }
    founder = members.get("orgadmin@tandem.demo")
    leader = members.get("leader@tandem.demo")
    if founder is None:
        return
    owner, host = founder.user, founder.organization

    # The HR Inclusive Policy Toolkit: version 1, then a draft reviewed by ONITE, version 2.
    toolkit = resources.resource_create(
        actor=owner,
        community=community,
        organization=host,
        tags={"topic": ["hr_policy", "inclusive_hiring"], "audience": ["employers"]},
        sections=TOOLKIT_SECTIONS[:2],
        kind="toolkit",
        title_en="HR Inclusive Policy Toolkit",
        title_fr="Trousse de politiques RH inclusives",
        description_en="Templates and steps for employers writing inclusive HR policies, "
        "reviewed by every hub of the network.",
        description_fr="Gabarits et étapes pour les employeurs qui rédigent des politiques RH "
        "inclusives, relus par tous les carrefours du réseau.",
    )
    resources.file_attach(
        actor=owner,
        resource=toolkit,
        language="en",
        upload=ContentFile(b"%PDF-1.4\n% HR Inclusive Policy Toolkit\n%%EOF\n", "toolkit.pdf"),
    )
    resources.version_publish(
        actor=owner, resource=toolkit, note_en="First edition.", note_fr="Première édition."
    )
    resources.draft_start(actor=owner, resource=toolkit)
    resources.draft_sections_save(
        actor=owner,
        resource=toolkit,
        sections=TOOLKIT_SECTIONS,
    )
    if leader is not None:
        review = reviews.round_open(
            actor=owner,
            resource=toolkit,
            organizations=[leader.organization],
            message="Two weeks, please: does it work for your employers?",
        )
        section = review.version.sections.get(position=2)
        reviews.comment_add(
            actor=leader.user,
            review=review,
            section=section,
            body="Add a line on skills tests: our members are often asked for one, and it is "
            "where accommodation is forgotten.",
            organization=leader.organization,
        )
    resources.version_publish(
        actor=owner,
        resource=toolkit,
        note_en="Accommodation section added after the hubs' review.",
        note_fr="Section sur les mesures d’adaptation ajoutée après la relecture des carrefours.",
    )

    for item in OTHER_RESOURCES:
        data = dict(item)
        tags = data.pop("tags")
        sections = data.pop("sections", [])
        author = leader if (leader is not None and data["kind"] == "link") else founder
        made = resources.resource_create(
            actor=author.user,
            community=community,
            organization=author.organization,
            tags=tags,
            sections=sections,
            **data,
        )
        resources.version_publish(actor=author.user, resource=made)

    # Directory profiles, kept by each organization (saved here by the community's founder).
    for organization in community.organizations.all():
        profile = PROFILES.get(organization.slug)
        if profile is not None:
            directory.profile_save(actor=owner, organization=organization, **profile)

    # The roster, a past learning exchange with its slides, an upcoming hub meeting.
    speaker = None
    if leader is not None:
        speaker = gatherings.spokesperson_add(
            actor=leader.user,
            membership=leader,
            expertise_en="Mentoring circles for IT professionals; employer partnerships",
            expertise_fr="Cercles de mentorat pour les professionnels des TI; partenariats "
            "avec les employeurs",
            languages="English, French",
        )
    exchange = gatherings.gathering_create(
        actor=owner,
        community=community,
        speakers=[speaker] if speaker else [],
        kind="learning_exchange",
        title_en="Learning exchange: keeping mentors engaged",
        title_fr="Échange de connaissances : garder les mentors engagés",
        description_en="Three networks share what keeps their volunteer mentors coming back.",
        description_fr="Trois réseaux expliquent ce qui fidélise leurs mentors bénévoles.",
        starts_at=demo_at(3, 12),
        ends_at=demo_at(3, 13, 30),
        mode="virtual",
        link="https://meet.example.org/learning-exchange",
        capacity=40,
    )
    for membership in members.values():
        gatherings.gathering_register(
            actor=membership.user, gathering=exchange, membership=membership
        )
    # It took place two weeks ago (moved there once people had registered).
    exchange = gatherings.gathering_update(
        actor=owner,
        gathering=exchange,
        speakers=[speaker] if speaker else [],
        starts_at=demo_at(-14, 12),
        ends_at=demo_at(-14, 13, 30),
    )
    registrations = list(exchange.registrations.all())
    gatherings.attendance_record(
        actor=owner,
        gathering=exchange,
        present=[r.pk for r in registrations[:-1]],
        absent=[r.pk for r in registrations[-1:]],
    )
    gatherings.material_add(
        actor=owner,
        gathering=exchange,
        membership=founder,
        tags={"topic": ["mentoring"], "audience": ["network_leaders"]},
        kind="document",
        title_en="Slides: keeping mentors engaged",
        title_fr="Diapositives : garder les mentors engagés",
        description_en="The slides of the learning exchange.",
        description_fr="Les diapositives de la séance d’échange de connaissances.",
        upload=ContentFile(b"%PDF-1.4\n% slides\n%%EOF\n", "slides.pdf"),
        language="en",
    )
    meeting = gatherings.gathering_create(
        actor=owner,
        community=community,
        kind="hub_meeting",
        title_en="National hub meeting",
        title_fr="Rencontre nationale des carrefours",
        description_en="Referrals between hubs, the spring learning exchange, the toolkit's use.",
        description_fr="Références entre carrefours, prochain échange de connaissances, usage "
        "de la trousse.",
        starts_at=demo_at(9, 13),
        ends_at=demo_at(9, 15),
        mode="virtual",
        link="https://meet.example.org/hub-meeting",
        capacity=30,
    )
    if leader is not None:
        gatherings.gathering_register(actor=leader.user, gathering=meeting, membership=leader)
