"""Benchmark of the opportunities board on PostgreSQL: 50,000 opportunities (issue 22).

    bash scripts/pg.sh start /tmp/pgopps 54408
    TANDEM_DEBUG=1 TANDEM_DB=postgres PGHOST=127.0.0.1 PGPORT=54408 PGUSER=postgres \
        PGDATABASE=tandem_opps .venv/bin/python benchmarks/opportunities.py
    bash scripts/pg.sh stop /tmp/pgopps

It creates the database PGDATABASE (dropped first), migrates it and writes with COPY
(tandem/core/bulk.py) 2,000 employers and 50,000 opportunities spread over the provinces, kinds,
modes, languages, accommodations, occupations and the next six months (a fifth already closed),
and 30,000 applications (half of them holding a place).

Then it opens the board page through Django's test client (the whole view: form, query, places
taken, template) for 100 mixed searches, each with five filters drawn from province, how,
kind, language, an accommodation, an occupation group and a window of dates, after 10 warm-up
searches. Target: p95 <= 200 ms. Results go to benchmarks/results/opportunities.json with the
machine's load average. `--measure-only` measures an existing database again.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.postgres import fresh_database  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("TANDEM_DEBUG", "1")
os.environ["TANDEM_MFA_REQUIRED"] = "0"
RESULTS = ROOT / "benchmarks" / "results" / "opportunities.json"
OPPORTUNITIES = int(os.environ.get("TANDEM_OPPS_BENCH_OPPORTUNITIES", "50000"))
EMPLOYERS = int(os.environ.get("TANDEM_OPPS_BENCH_EMPLOYERS", "2000"))
SEARCHES = 100
WARM_UP = 10
LIMIT_MS = 200
UNIT_GROUPS = ["21231", "21232", "21211", "21300", "11100", "11101", "12010", "41200", "72410"]
AREAS = [
    ("K1P", "ON"), ("K0A", "ON"), ("M5V", "ON"), ("H2X", "QC"), ("G1R", "QC"), ("J0K", "QC"),
    ("T2P", "AB"), ("V6B", "BC"), ("R3C", "MB"), ("S4P", "SK"), ("B3H", "NS"), ("E1C", "NB"),
    ("A1C", "NL"), ("C1A", "PE"), ("Y1A", "YT"), ("X1A", "NT"),
]  # fmt: skip
KINDS = [
    "job_shadowing",
    "information_interview",
    "workplace_tour",
    "short_placement",
    "mentoring_conversation",
]
ACCOMMODATIONS = [
    "step_free",
    "parking_transit",
    "flexible_hours",
    "quiet_space",
    "sign_language",
    "captions",
    "accessible_documents",
    "assistive_technology",
    "support_person",
    "written_instructions",
    "service_animal",
]


def reference() -> None:
    from tandem.reference.models import Occupation, PostalArea

    rows: dict[str, Occupation] = {}
    for code in UNIT_GROUPS:
        for length in range(1, 6):
            part = code[:length]
            rows.setdefault(
                part,
                Occupation(
                    code=part,
                    level=length,
                    title_en=f"Occupations {part}",
                    title_fr=f"Professions {part}",
                    parent_id=part[:-1] or None,
                ),
            )
    Occupation.objects.bulk_create(sorted(rows.values(), key=lambda o: o.code))
    PostalArea.objects.bulk_create(
        PostalArea(fsa=fsa, place_name=fsa, province=province, latitude=0, longitude=0)
        for fsa, province in AREAS
    )


def populate(rng: random.Random) -> dict:
    from django.db import transaction
    from django.utils import timezone

    from tandem.core.bulk import insert_rows
    from tandem.opportunities.models import Application, Opportunity, join_codes
    from tandem.organizations.models import Organization
    from tandem.participants.models import Participant

    today = timezone.localdate()
    with transaction.atomic():
        insert_rows(
            Organization,
            (
                {
                    "slug": f"employer-{n}",
                    "name_en": f"Employer {n}",
                    "name_fr": f"Employeur {n}",
                    "kind": "employer",
                    "province": AREAS[n % len(AREAS)][1],
                }
                for n in range(EMPLOYERS)
            ),
        )
        agency = Organization.objects.create(
            slug="agency", name_en="Agency", name_fr="Organisme", kind="service_agency"
        )
        employers = list(Organization.objects.filter(kind="employer").values_list("pk", flat=True))

        def opportunity(n: int) -> dict:
            fsa, province = rng.choice(AREAS)
            starts = today + dt.timedelta(days=rng.randint(-30, 180))
            closed = starts < today or rng.random() < 0.1
            return {
                "employer_id": rng.choice(employers),
                "kind": rng.choice(KINDS),
                "title_en": f"Opportunity {n}",
                "title_fr": f"Occasion {n}",
                "occupation_id": rng.choice(UNIT_GROUPS),
                "mode": rng.choice(["virtual", "in_person", "either"]),
                "province": province,
                "postal_area_id": fsa,
                "starts_on": starts,
                "ends_on": starts + dt.timedelta(days=rng.choice([0, 0, 0, 1, 4, 13])),
                "places": rng.randint(1, 5),
                "language": rng.choice(["en", "en", "fr", "both"]),
                "accommodations": join_codes(rng.sample(ACCOMMODATIONS, rng.randint(0, 5))),
                "learning_en": "What a day of this work looks like.",
                "status": "closed" if closed else "open",
            }

        insert_rows(Opportunity, (opportunity(n) for n in range(OPPORTUNITIES)))
        insert_rows(
            Participant,
            (
                {
                    "organization_id": agency.pk,
                    "role": "mentee",
                    "external_id": f"P{n}",
                    "given_name": "Job",
                    "family_name": f"Seeker {n}",
                    "email": f"seeker{n}@example.org",
                    "languages": "en",
                    "occupation_id": rng.choice(UNIT_GROUPS),
                    "postal_code": rng.choice(AREAS)[0] + " 1A1",
                }
                for n in range(10_000)
            ),
        )
        people = list(Participant.objects.values_list("pk", flat=True))
        opportunities = list(Opportunity.objects.values_list("pk", "places"))
        chosen = rng.sample(opportunities, min(15_000, len(opportunities) * 3 // 10))
        rows = []
        for opportunity_id, places in chosen:
            first, second = rng.sample(people, 2)
            accepted = rng.random() < 0.5
            rows.append(
                {
                    "opportunity_id": opportunity_id,
                    "participant_id": first,
                    "status": "accepted" if accepted else "submitted",
                    "place": 1 if accepted else None,
                    "places_when_accepted": places if accepted else None,
                }
            )
            rows.append(
                {"opportunity_id": opportunity_id, "participant_id": second, "status": "submitted"}
            )
        insert_rows(Application, rows)
    return {"applications": len(rows)}


def searches(rng: random.Random, count: int) -> list[dict]:
    """Mixed searches of five filters each, as job developers use the board."""
    from django.utils import timezone

    today = timezone.localdate()
    makers = {
        "province": lambda: {"province": rng.choice(AREAS)[1]},
        "mode": lambda: {"mode": rng.choice(["virtual", "in_person"])},
        "kind": lambda: {"kind": rng.choice(KINDS)},
        "language": lambda: {"language": rng.choice(["en", "fr"])},
        "accommodations": lambda: {"accommodations": rng.choice(ACCOMMODATIONS)},
        "occupation": lambda: {"occupation": rng.choice(UNIT_GROUPS)[: rng.choice([2, 3, 5])]},
        "dates": lambda: {
            "available_from": (today + dt.timedelta(days=rng.randint(0, 60))).isoformat(),
            "available_until": (today + dt.timedelta(days=rng.randint(61, 150))).isoformat(),
        },
    }
    found = []
    for _ in range(count):
        filters: dict = {}
        for name in rng.sample(sorted(makers), 5):
            filters |= makers[name]()
        found.append(filters)
    return found


def measure(rng: random.Random) -> dict:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    for filters in searches(rng, WARM_UP):
        client.get("/en/opportunities/", filters)
    timings, queries = [], []
    for filters in searches(rng, SEARCHES):
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get("/en/opportunities/", filters)
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
        queries.append(len(captured.captured_queries))
    ordered = sorted(timings)
    p95 = ordered[int(0.95 * len(ordered)) - 1]
    return {
        "searches": SEARCHES,
        "filters_per_search": 5,
        "median_ms": round(statistics.median(timings), 1),
        "p95_ms": round(p95, 1),
        "max_ms": round(max(timings), 1),
        "queries_per_page": max(queries),
        "limit_ms": LIMIT_MS,
        "within_limit": p95 <= LIMIT_MS,
    }


def main() -> None:
    measure_only = "--measure-only" in sys.argv
    if not measure_only:
        fresh_database("tandem_opps")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    rng = random.Random(2026)
    started = time.perf_counter()
    made = {} if measure_only else (reference(), populate(rng))[1]
    populate_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    from tandem.opportunities.models import Application, Opportunity

    board = measure(random.Random(22))
    result = {
        "opportunities": Opportunity.objects.count(),
        "open": Opportunity.objects.filter(status="open").count(),
        "applications": Application.objects.count(),
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
        "board": board,
        "made": made,
    }
    print(json.dumps(result, indent=2))
    if connection.vendor == "postgresql" and result["opportunities"] >= 50_000:
        RESULTS.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
