"""Benchmark of the community's repertoire search on PostgreSQL: 10,000 resources (issue 23).

    bash scripts/pg.sh start /tmp/pglib 54407
    TANDEM_DEBUG=1 TANDEM_DB=postgres PGHOST=127.0.0.1 PGPORT=54407 PGUSER=postgres \
        PGDATABASE=tandem_library .venv/bin/python benchmarks/library.py
    bash scripts/pg.sh stop /tmp/pglib

It creates the database PGDATABASE (dropped first), migrates it and writes with COPY
(tandem/core/bulk.py) a community of 40 member organizations and RESOURCES published resources,
each with an English and a French title, description and text (two to six sections, a few
hundred words per language drawn from the network's vocabulary), two or three tags and a
published version; the database computes each stored search document (core/fulltext.py).

Then a member opens the repertoire's search page through Django's test client (the whole view:
access through the community's policy, the form, the ranked full-text query, the template) for
100 searches: one to three words in English or in French, some rare, some common, a third of them
with a tag or kind filter, after 10 warm-up searches. Target: p95 <= 200 ms. Results go to
benchmarks/results/library.json with the machine's load average. `--measure-only` measures an
existing database again; `--populate-only` builds it and stops.
"""

from __future__ import annotations

import json
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.postgres import fresh_database  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("TANDEM_DEBUG", "1")
os.environ["TANDEM_MFA_REQUIRED"] = "0"
RESULTS = ROOT / "benchmarks" / "results" / "library.json"
RESOURCES = int(os.environ.get("TANDEM_LIBRARY_BENCH_RESOURCES", "10000"))
ORGANIZATIONS = 40
SEARCHES = 100
WARM_UP = 10
LIMIT_MS = 200

ENGLISH = (
    "inclusive hiring policy toolkit employer newcomer mentoring mentor mentee accommodation "
    "disability accessibility workplace interview recruitment retention onboarding governance "
    "board strategic planning communications funding partnership evaluation outcomes report "
    "credential recognition licensing engineer nurse accountant professional network hub "
    "province national community practice learning exchange leadership workshop template "
    "checklist guide training volunteer job board career practitioner settlement language "
    "bridging program internship placement diversity equity anti-racism employers small business "
    "human resources manager supervisor coaching feedback survey data privacy consent"
).split()
FRENCH = (
    "politique embauche inclusive trousse employeur nouveaux arrivants mentorat jumelage "
    "accommodement handicap accessibilité milieu travail entrevue recrutement maintien accueil "
    "gouvernance conseil planification stratégique communications financement partenariat "
    "évaluation résultats rapport reconnaissance titres compétences permis ingénieur infirmière "
    "comptable réseau professionnel carrefour province communauté pratique échange leadership "
    "atelier gabarit liste guide formation bénévole emplois carrière intervenant établissement "
    "langue programme transition stage diversité équité antiracisme petites entreprises "
    "ressources humaines gestionnaire supervision rétroaction sondage données consentement"
).split()
TOPICS = ["inclusive_hiring", "hr_policy", "accessibility", "mentoring", "governance", "funding"]
AUDIENCES = ["employers", "hub_staff", "network_leaders", "career_practitioners"]
KINDS = ["document", "link", "toolkit"]


def vocabulary(rng: random.Random, domain: list[str], size: int = 4000) -> tuple[list, list]:
    """The network's words among a few thousand ordinary ones, drawn by a Zipf law (rank r
    weighs 1/r): a domain word is common but not everywhere, as in real documents."""
    syllables = "ba ce di fo gu la me ni po ru sa te vi zo que tra pli con ment ion age eur".split()
    filler: set[str] = set()
    while len(filler) < size:
        filler.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    ordered = sorted(filler)
    rng.shuffle(ordered)
    # Domain words sit between ranks 20 and ~400: frequent, never stop-word frequent.
    for index, word in enumerate(domain):
        ordered.insert(20 + index * 4, word)
    weights = [1 / rank for rank in range(1, len(ordered) + 1)]
    return ordered, weights


def words(rng: random.Random, language: tuple[list, list], count: int) -> str:
    return " ".join(rng.choices(language[0], weights=language[1], k=count))


def text(rng: random.Random, language: tuple[list, list]) -> str:
    sections = []
    for n in range(rng.randint(2, 6)):
        heading = words(rng, language, 3).capitalize()
        sentences = [words(rng, language, rng.randint(8, 18)) for _ in range(rng.randint(3, 8))]
        sections.append(f"{n + 1}. {heading}\n{'. '.join(sentences)}.")
    return "\n\n".join(sections)


def populate(rng: random.Random) -> dict:
    from django.db import transaction

    from tandem.accounts.models import User
    from tandem.community.models import Community, Membership
    from tandem.organizations.models import Membership as OrganizationMembership
    from tandem.organizations.models import Organization

    with transaction.atomic():
        organizations = [
            Organization.objects.create(
                slug=f"hub-{n}",
                name_en=f"Hub {n}",
                name_fr=f"Carrefour {n}",
                kind="provincial_hub" if n else "lead_agency",
            )
            for n in range(ORGANIZATIONS)
        ]
        owner = User.objects.create_user("owner@bench.example.org", "x")
        reader = User.objects.create_user("reader@bench.example.org", "x")
        for user, organization in ((owner, organizations[0]), (reader, organizations[1])):
            OrganizationMembership.objects.create(
                user=user, organization=organization, role="network_leader"
            )
        community = Community.objects.create(
            slug="national",
            name_en="National community",
            name_fr="Communauté nationale",
            host=organizations[0],
            terms_en="Terms",
            terms_fr="Conditions",
        )
        community.organizations.add(*organizations)
        for user, organization in ((owner, organizations[0]), (reader, organizations[1])):
            Membership.objects.create(
                community=community,
                user=user,
                organization=organization,
                status="active",
                terms_version=1,
            )
        made = add_resources(rng, community, owner, organizations, RESOURCES)
    return {**made, "organizations": ORGANIZATIONS}


def add_resources(
    rng: random.Random, community: Any, owner: Any, organizations: list, count: int
) -> dict:
    """`count` published resources of `community` (titles, descriptions and texts in English
    and French, tags, a published version), written with COPY; also used by
    benchmarks/community.py, whose community search reads posts and resources together."""
    from django.db import connection

    from tandem.core.bulk import insert_rows
    from tandem.library.models import Resource, ResourceTag, ResourceVersion

    english, french = vocabulary(rng, ENGLISH), vocabulary(rng, FRENCH)
    insert_rows(
        Resource,
        (
            {
                "community_id": community.pk,
                "kind": rng.choice(KINDS),
                "title_en": words(rng, english, rng.randint(3, 7)).capitalize(),
                "title_fr": words(rng, french, rng.randint(3, 7)).capitalize(),
                "description_en": words(rng, english, rng.randint(15, 40)),
                "description_fr": words(rng, french, rng.randint(15, 40)),
                "text_en": text(rng, english),
                "text_fr": text(rng, french),
                "owner_id": owner.pk,
                "organization_id": rng.choice(organizations).pk,
            }
            for _ in range(count)
        ),
    )
    ids = list(Resource.objects.filter(community=community).values_list("pk", flat=True))
    insert_rows(
        ResourceVersion,
        ({"resource_id": pk, "number": 1, "published_at": "2026-01-01T00:00Z"} for pk in ids),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE library_resource r SET published_version_id = v.id "
            "FROM library_resourceversion v WHERE v.resource_id = r.id"
        )
    tags = []
    for pk in ids:
        tags.append({"resource_id": pk, "kind": "topic", "value": rng.choice(TOPICS)})
        tags.append({"resource_id": pk, "kind": "audience", "value": rng.choice(AUDIENCES)})
        if rng.random() < 0.5:
            tags.append(
                {
                    "resource_id": pk,
                    "kind": "province",
                    "value": rng.choice(["ON", "QC", "BC", "AB"]),
                }
            )
    insert_rows(ResourceTag, tags)
    return {"resources": len(ids), "tags": len(tags)}


def searches(rng: random.Random, count: int) -> list[dict]:
    found = []
    for _ in range(count):
        vocabulary = ENGLISH if rng.random() < 0.6 else FRENCH
        query: dict = {"q": " ".join(rng.sample(vocabulary, rng.randint(1, 3)))}
        if rng.random() < 0.33:
            extra = rng.choice(["topic", "audience", "kind"])
            query[extra] = rng.choice(
                {"topic": TOPICS, "audience": AUDIENCES, "kind": KINDS}[extra]
            )
        found.append(query)
    return found


def measure(rng: random.Random) -> dict:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tandem.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(email="reader@bench.example.org"))
    url = "/en/library/c/national/"
    for query in searches(rng, WARM_UP):
        assert client.get(url, query).status_code == 200
    timings, queries, hits = [], [], []
    for query in searches(rng, SEARCHES):
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url, query)
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
        queries.append(len(captured.captured_queries))
        hits.append(response.content.decode().count('class="card-title"'))
    ordered = sorted(timings)
    p95 = ordered[int(0.95 * len(ordered)) - 1]
    return {
        "searches": SEARCHES,
        "median_ms": round(statistics.median(timings), 1),
        "p95_ms": round(p95, 1),
        "max_ms": round(max(timings), 1),
        "queries_per_page": max(queries),
        "searches_with_results": sum(1 for h in hits if h),
        "limit_ms": LIMIT_MS,
        "within_limit": p95 <= LIMIT_MS,
    }


def main() -> None:
    measure_only = "--measure-only" in sys.argv
    if not measure_only:
        fresh_database("tandem_library")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    made = {} if measure_only else populate(random.Random(2026))
    populate_seconds = time.perf_counter() - started
    if not measure_only:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    if "--populate-only" in sys.argv:
        print(json.dumps({"populate_seconds": round(populate_seconds, 1), "made": made}))
        return
    from tandem.library.models import Resource

    search = measure(random.Random(23))
    result = {
        "resources": Resource.objects.count(),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average": [round(x, 2) for x in os.getloadavg()],
        },
        "database": connection.vendor,
        "postgresql": connection.cursor().connection.info.server_version
        if connection.vendor == "postgresql"
        else None,
        "populate_seconds": None if measure_only else round(populate_seconds, 1),
        "search": search,
        "made": made,
    }
    print(json.dumps(result, indent=2))
    if connection.vendor == "postgresql" and result["resources"] >= 10_000:
        RESULTS.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
