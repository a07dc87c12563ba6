"""A demo network shaped like the Ottawa collaborative of seed 003.

A lead agency runs an open-access career mentoring program with three service agencies, two
employer partners, a college, a funder and a professional immigrant network. Names are
invented; occupations are real NOC 2021 unit groups.
"""

import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from tandem.accounts.models import User
from tandem.demo.circles import demo_load_circles
from tandem.demo.community import demo_load_community
from tandem.demo.connectors import demo_load_connectors
from tandem.demo.employers import demo_load_employers
from tandem.demo.history import cohort, demo_load_history
from tandem.demo.library import demo_load_library
from tandem.demo.lifecycle import demo_load_lifecycle
from tandem.demo.matching import demo_load_matching
from tandem.demo.opportunities import demo_load_opportunities
from tandem.demo.privacy import demo_load_privacy
from tandem.demo.programs import demo_load_programs
from tandem.organizations.models import (
    Membership,
    Organization,
    OrganizationType,
    Partnership,
    PartnershipKind,
    Role,
    ServiceLocation,
)
from tandem.participants.models import Participant
from tandem.reports.snapshots import closed_fiscal_years, funder_publish

DEMO_PASSWORD = "Tandem-demo-2026"  # noqa: S105 - published in the README on purpose

ORGANIZATIONS = [
    # slug, kind, English name, French name, English description, French description
    (
        "capital-welcome",
        OrganizationType.LEAD_AGENCY,
        "Capital Welcome Centre",
        "Centre d’accueil de la Capitale",
        "Lead agency of the Ottawa career mentoring collaborative.",
        "Organisme responsable de la collaboration de mentorat professionnel d’Ottawa.",
    ),
    (
        "rideau-employment",
        OrganizationType.SERVICE_AGENCY,
        "Rideau Employment Services",
        "Services d’emploi Rideau",
        "Employment counselling and job-search workshops.",
        "Counseling d’emploi et ateliers de recherche d’emploi.",
    ),
    (
        "vanier-newcomers",
        OrganizationType.SERVICE_AGENCY,
        "Vanier Newcomer Hub",
        "Carrefour des nouveaux arrivants de Vanier",
        "Settlement services in English and French.",
        "Services d’établissement en français et en anglais.",
    ),
    (
        "outaouais-access",
        OrganizationType.SERVICE_AGENCY,
        "Outaouais Access to Work",
        "Accès Travail Outaouais",
        "Employment services for job-seekers experiencing disability.",
        "Services d’emploi pour les personnes en recherche d’emploi en situation de handicap.",
    ),
    (
        "northern-lights",
        OrganizationType.EMPLOYER,
        "Northern Lights Software",
        "Logiciels Aurores boréales",
        "Software company; its engineers mentor during work hours.",
        "Entreprise de logiciels; son équipe d’ingénierie fait du mentorat pendant les heures de travail.",
    ),
    (
        "bytown-health",
        OrganizationType.EMPLOYER,
        "Bytown Health Network",
        "Réseau de santé Bytown",
        "Hospital network recruiting mentors among its nurses and pharmacists.",
        "Réseau hospitalier qui recrute des mentors parmi son personnel infirmier et ses pharmaciennes et pharmaciens.",
    ),
    (
        "college-rideau",
        OrganizationType.COLLEGE,
        "Rideau College of Applied Arts",
        "Collège d’arts appliqués Rideau",
        "Bridging programs for internationally educated professionals.",
        "Programmes relais pour les personnes formées à l’étranger.",
    ),
    (
        "workforce-fund",
        OrganizationType.FUNDER,
        "Capital Region Workforce Fund",
        "Fonds de main-d’œuvre de la région de la Capitale",
        "Funds the collaborative and reads its aggregate reports.",
        "Finance la collaboration et consulte ses rapports agrégés.",
    ),
    (
        "onite",
        OrganizationType.IMMIGRANT_NETWORK,
        "Ottawa Network of Internationally Trained Engineers",
        "Réseau d’Ottawa des ingénieurs formés à l’étranger",
        "Volunteer-run professional immigrant network.",
        "Réseau professionnel de personnes immigrantes animé par des bénévoles.",
    ),
]

LOCATIONS = [
    (
        "capital-welcome",
        "Downtown office",
        "Bureau du centre-ville",
        "959 Wellington St W",
        "Ottawa",
        "K1Y 2X5",
    ),
    (
        "capital-welcome",
        "Orléans office",
        "Bureau d’Orléans",
        "255 Centrum Blvd",
        "Ottawa",
        "K1E 3V8",
    ),
    (
        "rideau-employment",
        "Rideau Street centre",
        "Centre de la rue Rideau",
        "250 Rideau St",
        "Ottawa",
        "K1N 5Y1",
    ),
    (
        "vanier-newcomers",
        "Vanier centre",
        "Centre de Vanier",
        "270 Marier Ave",
        "Ottawa",
        "K1L 5S6",
    ),
    (
        "outaouais-access",
        "Gatineau centre",
        "Centre de Gatineau",
        "25 rue Laurier",
        "Gatineau",
        "J8X 4C8",
    ),
]

PARTNERSHIPS = [
    ("capital-welcome", "rideau-employment", PartnershipKind.SERVICE_DELIVERY),
    ("capital-welcome", "vanier-newcomers", PartnershipKind.SERVICE_DELIVERY),
    ("capital-welcome", "outaouais-access", PartnershipKind.SERVICE_DELIVERY),
    ("capital-welcome", "northern-lights", PartnershipKind.EMPLOYER),
    ("capital-welcome", "bytown-health", PartnershipKind.EMPLOYER),
    ("capital-welcome", "college-rideau", PartnershipKind.ACADEMIC),
    ("capital-welcome", "workforce-fund", PartnershipKind.FUNDING),
    ("capital-welcome", "onite", PartnershipKind.NETWORK),
]


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role_label: str
    first_name: str
    last_name: str
    language: str
    organization: str | None = None
    role: str | None = None
    is_admin: bool = False


LOGINS = [
    DemoLogin("admin@tandem.demo", "Platform admin", "Alex", "Tremblay", "en", is_admin=True),
    DemoLogin(
        "staff@tandem.demo",
        "Program staff (lead agency)",
        "Nadia",
        "Haddad",
        "fr",
        "capital-welcome",
        Role.PROGRAM_STAFF,
    ),
    DemoLogin(
        "orgadmin@tandem.demo",
        "Organization admin (lead agency)",
        "Marc",
        "Gagnon",
        "en",
        "capital-welcome",
        Role.ORG_ADMIN,
    ),
    DemoLogin(
        "caseworker@tandem.demo",
        "Caseworker (Rideau Employment Services)",
        "Priya",
        "Sharma",
        "en",
        "rideau-employment",
        Role.CASEWORKER,
    ),
    DemoLogin(
        "caseworker2@tandem.demo",
        "Caseworker (Vanier Newcomer Hub)",
        "Jean",
        "Lavoie",
        "fr",
        "vanier-newcomers",
        Role.CASEWORKER,
    ),
    DemoLogin(
        "employer@tandem.demo",
        "Employer partner (Northern Lights Software)",
        "Grace",
        "Liu",
        "en",
        "northern-lights",
        Role.EMPLOYER_PARTNER,
    ),
    DemoLogin(
        "coordinator@tandem.demo",
        "Employer coordinator (Bytown Health's own program)",
        "Mireille",
        "Dufresne",
        "fr",
        "bytown-health",
        Role.PROGRAM_STAFF,
    ),
    DemoLogin(
        "funder@tandem.demo", "Funder", "Olivier", "Roy", "fr", "workforce-fund", Role.FUNDER
    ),
    DemoLogin(
        "leader@tandem.demo",
        "Network leader (ONITE)",
        "Samuel",
        "Okafor",
        "en",
        "onite",
        Role.NETWORK_LEADER,
    ),
    DemoLogin("mentor@tandem.demo", "Mentor", "Daniel", "Wong", "en"),
    DemoLogin("mentee@tandem.demo", "Mentee", "Amina", "Diallo", "fr"),
]

# (NOC unit group, English goal, French goal)
OCCUPATIONS = [
    (
        "21231",
        "Find a software engineering role in a Canadian product team",
        "Trouver un poste d’ingénieure logicielle dans une équipe produit canadienne",
    ),
    (
        "21232",
        "Get back to web development and learn the local hiring process",
        "Revenir au développement Web et comprendre l’embauche au Canada",
    ),
    (
        "21211",
        "Move into data science in the public sector",
        "Passer à la science des données dans le secteur public",
    ),
    (
        "21220",
        "Obtain a cybersecurity analyst position",
        "Obtenir un poste d’analyste en cybersécurité",
    ),
    (
        "21300",
        "Become a licensed civil engineer in Ontario",
        "Devenir ingénieur civil agréé en Ontario",
    ),
    (
        "21310",
        "Work as an electrical engineer in utilities",
        "Travailler comme ingénieur électricien dans les services publics",
    ),
    (
        "11100",
        "Earn the CPA designation and work in audit",
        "Obtenir le titre de CPA et travailler en audit",
    ),
    (
        "11101",
        "Work as a financial analyst in a bank",
        "Travailler comme analyste financier dans une banque",
    ),
    ("11200", "Build a career in human resources", "Bâtir une carrière en ressources humaines"),
    (
        "31301",
        "Register as a nurse and work in a hospital",
        "Obtenir mon permis d’infirmière et travailler à l’hôpital",
    ),
    (
        "31120",
        "Complete pharmacist licensing in Ontario",
        "Terminer le processus d’agrément de pharmacien en Ontario",
    ),
    ("41200", "Teach at a university or college", "Enseigner à l’université ou au collège"),
    ("41401", "Work as an economist in government", "Travailler comme économiste au gouvernement"),
    ("22220", "Find a network technician job", "Trouver un emploi de technicien en réseaux"),
]

# Every person of the demo has a name of their own: no given name and no family name appears
# twice, across mentees, mentors and the logins above (tandem/demo/tests checks it), so that
# nobody reads a pair like "Ana Diallo with Amina Diallo" as one family.
MENTEE_NAMES = list(
    zip(
        "Carlos Mei Oleksandr Fatima Ravi Lucía Kwame Yara Hiroshi Sofia Tariq Ana Jin Leila "
        "Mateo Nia Omar Irina Thanh Zainab Pedro Aisha Dmitri Esther Kofi Maryam Karim Bogdan "
        "Chiamaka Farid Gabriela Hana Ibrahim Jia Kateryna Lamin Mariam Nikhil Olga Parisa Rania "
        "Sanjay Tomás Uchenna Valentina Yusuf Zohra Adaeze Bilal Camila Darius Elif Fernando Goran "
        "Inès Javier Khadija Lin Malik Noor Rafael Samira Tuan Wanjiru".split(),
        "Mendoza Chen Kovalenko Benali Patel García Mensah Sato Rossi Rahman Silva Park Nasser "
        "Lopez Okeke Farouk Petrova Nguyen Adeyemi Bakr Castillo Ezeh Fernandes Gupta Hosseini "
        "Ivanova Jaber Kaur Lindqvist Novak Osei Popescu Qureshi Ramírez Shevchenko Tanaka Usman "
        "Vargas Wójcik Yilmaz Zhou Abdi Boateng Cruz Desai Kamara Mahmoud Achebe Bello Carvalho "
        "Demir Eriksen Fofana Halvorsen Iqbal Jovanovic Kim Lam Mbeki Nkosi Ortiz Pham Quispe "
        "Sahin".split(),
        strict=True,
    )
)
MENTOR_NAMES = list(
    zip(
        "Chantal Sébastien Émilie Luc Julie Isabelle Martin Geneviève Patrick Nathalie Hugo "
        "Caroline Kevin Sarah Michel Laura Benoît Rachel François Megan".split(),
        "Bouchard Côté Pelletier Girard Morin Fortin Lévesque Bergeron Dubois Moreau Fontaine "
        "Gauthier Hébert Leblanc Paquette Ouellet MacDonald Campbell Thompson Sinclair".split(),
        strict=True,
    )
)
CURRENT_MENTEES = 24  # MTE-000 to MTE-023: the pool, the referrals of the week, Amina
PAST_DRAWN = 22  # the earlier mentees of the first demo (a year of history)
MENTORS = 20
POSTAL_CODES = [
    "K1Y 2X5",
    "K1N 5Y1",
    "K1L 5S6",
    "K2P 1L4",
    "K1S 3W7",
    "K2B 7J4",
    "K1E 3V8",
    "K1K 2C5",
    "J8X 4C8",
    "J8Y 6T3",
    "J9H 5E1",
    "K2G 1V8",
]
SLOTS = ["mon-evening", "tue-evening", "wed-morning", "wed-evening", "thu-afternoon", "sat-morning"]
LANGUAGE_SETS = [
    ("en", "en"),
    ("fr", "fr;en"),
    ("en", "en;ar"),
    ("fr", "fr"),
    ("en", "en;es"),
    ("en", "en;fr"),
]


def _participant(
    rng: random.Random,
    *,
    index: int,
    role: str,
    organization: Organization,
    name: tuple[str, str],
    external_id: str,
    recruited_by: Organization | None = None,
) -> Participant:
    code, goal_en, goal_fr = OCCUPATIONS[index % len(OCCUPATIONS)]
    preferred, languages = LANGUAGE_SETS[index % len(LANGUAGE_SETS)]
    given, family = name
    return Participant(
        organization=organization,
        role=role,
        external_id=external_id,
        given_name=given,
        family_name=family,
        email=f"{given.lower()}.{family.lower()}.{index}@example.org".encode(
            "ascii", "ignore"
        ).decode(),
        preferred_language=preferred,
        languages=languages,
        occupation_id=code,
        postal_code=rng.choice(POSTAL_CODES),
        meeting_mode=rng.choice(["in_person", "virtual", "either", "either"]),
        availability=";".join(sorted(rng.sample(SLOTS, 2))),
        goals=goal_fr if preferred == "fr" else goal_en,
        capacity=rng.choice([1, 1, 2, 3]) if role == "mentor" else 1,
        clb_level=rng.randint(5, 10) if role == "mentee" else None,
        years_experience=rng.randint(2, 25) if role == "mentor" else None,
        employer=recruited_by.name_en if recruited_by else "",
        recruited_by=recruited_by,
    )


def demo_is_loaded() -> bool:
    return Organization.objects.filter(slug="capital-welcome").exists()


@transaction.atomic
def demo_load() -> list[DemoLogin]:
    rng = random.Random(2026)  # the same demo every time
    orgs: dict[str, Organization] = {}
    for slug, kind, name_en, name_fr, desc_en, desc_fr in ORGANIZATIONS:
        orgs[slug] = Organization.objects.create(
            slug=slug,
            kind=kind,
            name_en=name_en,
            name_fr=name_fr,
            description_en=desc_en,
            description_fr=desc_fr,
        )
    locations = {}
    for slug, name_en, name_fr, street, city, postal in LOCATIONS:
        locations[(slug, name_en)] = ServiceLocation.objects.create(
            organization=orgs[slug],
            name_en=name_en,
            name_fr=name_fr,
            street_address=street,
            city=city,
            province="QC" if city == "Gatineau" else "ON",
            postal_code=postal,
        )
    for lead, partner, partnership_kind in PARTNERSHIPS:
        Partnership.objects.create(
            organization=orgs[lead], partner=orgs[partner], kind=partnership_kind
        )

    users = {}
    # One published password for every demo login: hashed once, each account gets a copy (Argon2
    # is slow by design, about a second a hash on a busy machine; ten of them slowed make run).
    password = make_password(DEMO_PASSWORD)
    for login in LOGINS:
        user = User.objects.create_user(
            login.email,
            None,  # set below: create_user would hash it again
            first_name=login.first_name,
            last_name=login.last_name,
            preferred_language=login.language,
            is_staff=login.is_admin,
            is_superuser=login.is_admin,
        )
        user.password = password
        user.save(update_fields=["password"])
        # Demo addresses are verified so that people can sign in at once.
        from allauth.account.models import EmailAddress

        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        users[login.email] = user
        if login.organization and login.role:
            membership = Membership.objects.create(
                user=user, organization=orgs[login.organization], role=login.role
            )
            if login.organization == "capital-welcome":
                membership.locations.set(
                    [loc for key, loc in locations.items() if key[0] == "capital-welcome"]
                )

    agencies = [orgs["rideau-employment"], orgs["vanier-newcomers"], orgs["outaouais-access"]]
    # MTE-100 and on: the earlier mentees, since the last closed fiscal year began (history.py).
    past_mentees = len(cohort(timezone.localdate()))
    # The first PAST_DRAWN earlier mentees are always drawn from the demo's random sequence (and
    # those beyond from a second one), so that the mentors drawn next, and the matches and
    # groups built on them, are the same whatever the length of the history.
    later_rng = random.Random(2025)
    mentees = [
        _participant(
            rng if i < CURRENT_MENTEES + PAST_DRAWN else later_rng,
            index=i,
            role="mentee",
            organization=agencies[i % 3],
            name=MENTEE_NAMES[i],
            external_id=f"MTE-{i:03d}"
            if i < CURRENT_MENTEES
            else f"MTE-{100 + i - CURRENT_MENTEES}",
        )
        for i in range(CURRENT_MENTEES + max(past_mentees, PAST_DRAWN))
    ][: CURRENT_MENTEES + past_mentees]
    employers = [orgs["northern-lights"], orgs["bytown-health"], orgs["onite"], None]
    mentors = [
        _participant(
            rng,
            index=i,
            name=MENTOR_NAMES[i],
            external_id=f"MTR-{i:03d}",
            role="mentor",
            organization=orgs["capital-welcome"],
            recruited_by=employers[i % 4],
        )
        for i in range(MENTORS)
    ]
    # The two demo participants with accounts.
    mentees[0].user, mentees[0].given_name, mentees[0].family_name = (
        users["mentee@tandem.demo"],
        "Amina",
        "Diallo",
    )
    mentees[0].email = "mentee@tandem.demo"
    # Amina reads Tandem in French: her record says so too, since program mail follows it.
    mentees[0].preferred_language, mentees[0].languages = "fr", "fr;en"
    mentees[0].goals = OCCUPATIONS[0][2]
    mentors[0].user, mentors[0].given_name, mentors[0].family_name = (
        users["mentor@tandem.demo"],
        "Daniel",
        "Wong",
    )
    mentors[0].email = "mentor@tandem.demo"
    mentors[0].preferred_language, mentors[0].languages = "en", "en;fr"
    Participant.objects.bulk_create(mentees + mentors)
    demo_load_programs()
    demo_load_history()
    demo_load_matching()
    demo_load_lifecycle()
    demo_load_connectors()
    demo_load_circles()
    demo_load_employers()
    demo_load_opportunities()
    demo_load_community()
    demo_load_library()
    demo_load_privacy()
    # Last, once every area's demo data is in: the network's staff publish the fiscal year that
    # has ended to its funder (as the worker's sweep would after March 31), so that the funder's
    # home and report show that year's figures. The older, empty years are left to the sweep.
    funder_publish(
        actor=users["staff@tandem.demo"],
        organization=orgs["capital-welcome"],
        year=closed_fiscal_years()[0],
    )
    return LOGINS
