"""Benchmark of the matching desk on PostgreSQL: 5,000 mentees and 5,000 mentors in one program.

    bash scripts/pg.sh start /tmp/pgbench 54340
    TANDEM_DEBUG=1 TANDEM_DB=postgres PGHOST=127.0.0.1 PGPORT=54340 PGUSER=postgres \
        PGDATABASE=postgres .venv/bin/python benchmarks/desk.py
    bash scripts/pg.sh stop /tmp/pgbench

It creates a throwaway database, migrates it, stores the people (real NOC 2021 unit groups,
Ottawa, Gatineau, Toronto and Montréal postal areas, English and French goal texts, mentor
capacities 1-3) and their goal vectors (what the background task does when a profile is saved),
then measures:

* proposing for the whole pool with persistence: the service the background task calls, from
  reading the pool to the draft proposals written with their explanations in both languages
  (target <= 30 s);
* the desk page with the 10,000 people in the pool, through Django's test client: time and
  number of queries, which must not grow with the pool (target <= 300 ms).

Results go to benchmarks/results/desk.json.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import platform
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.postgres import fresh_database  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("TANDEM_DEBUG", "1")
RESULTS = ROOT / "benchmarks" / "results" / "desk.json"
DATABASE = "tandem_desk_bench"
SIZE = int(os.environ.get("TANDEM_DESK_BENCH_SIZE", "5000"))

FSAS = [
    "K1Y",
    "K1N",
    "K1L",
    "K2P",
    "K1S",
    "K2B",
    "K1E",
    "K1K",
    "J8X",
    "J8Y",
    "J9H",
    "K2G",
    "M5V",
    "M4C",
    "M6H",
    "M2N",
    "H2X",
    "H3A",
    "H1V",
    "H4B",
]
SLOTS = [
    f"{d}-{p}"
    for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    for p in ("morning", "afternoon", "evening")
]
GOALS_EN = [
    "Find a role as a {title} in a Canadian organization",
    "Get my foreign credentials recognized and work as a {title}",
    "Learn how hiring works here and land a {title} position",
    "Build a professional network in my field ({title})",
    "Move from survival jobs back to working as a {title}",
]
GOALS_FR = [
    "Trouver un poste de {title} dans une organisation canadienne",
    "Faire reconnaître mes diplômes et travailler comme {title}",
    "Comprendre l'embauche au Canada et obtenir un poste de {title}",
    "Bâtir un réseau professionnel dans mon domaine ({title})",
]


def create_database() -> None:
    # Always the desk's own database, whatever PGDATABASE says (database_exists reads it too).
    os.environ["PGDATABASE"] = DATABASE
    fresh_database(DATABASE)


def database_exists() -> bool:
    import psycopg

    with psycopg.connect(
        host=os.environ.get("PGHOST", "127.0.0.1"),
        port=os.environ.get("PGPORT"),
        user=os.environ.get("PGUSER", "postgres"),
        dbname="postgres",
    ) as connection:
        found = connection.execute(
            "select 1 from pg_database where datname = %s", (DATABASE,)
        ).fetchone()
    return found is not None


def populate(rng: random.Random) -> dict:
    from django.utils import timezone

    from tandem.core.tests.cast import make_member, make_organization, occupation
    from tandem.matching.engine.reference import noc_groups, noc_unit_groups
    from tandem.organizations.models import Role
    from tandem.participants.models import Participant
    from tandem.programs.models import Enrolment
    from tandem.programs.tests.factories import make_program

    organization = make_organization("bench-agency")
    staff = make_member(organization, Role.PROGRAM_STAFF, email="staff@bench.example")
    program = make_program(organization, staff, slug="bench-program")
    units = list(noc_unit_groups())
    codes = rng.sample(units, 120)
    for code in codes:
        occupation(code)
    groups = noc_groups()
    people = []
    for role in ("mentee", "mentor"):
        for index in range(SIZE):
            code = rng.choice(codes)
            french = rng.random() < 0.3
            title = (
                (groups[code].title_fr or groups[code].title_en)
                if french
                else groups[code].title_en
            )
            goal = rng.choice(GOALS_FR if french else GOALS_EN).format(title=title.lower())
            languages = (
                ["fr", "en"] if french and rng.random() < 0.7 else (["fr"] if french else ["en"])
            )
            if rng.random() < 0.2:
                languages.append(rng.choice(["ar", "es", "zh", "uk"]))
            people.append(
                Participant(
                    organization=organization,
                    role=role,
                    external_id=f"{role}-{index}",
                    given_name=f"Given{index}",
                    family_name=f"{role.title()}{index:05d}",
                    email=f"{role}{index}@bench.example",
                    preferred_language="fr" if french else "en",
                    languages=";".join(languages),
                    occupation_id=code,
                    postal_code=f"{rng.choice(FSAS)} 1A1",
                    meeting_mode=rng.choice(["in_person", "virtual", "either", "either"]),
                    availability=";".join(sorted(rng.sample(SLOTS, rng.randint(2, 6)))),
                    goals=goal,
                    capacity=rng.choice([1, 1, 2, 3]) if role == "mentor" else 1,
                    years_experience=rng.randint(2, 25) if role == "mentor" else None,
                )
            )
    Participant.objects.bulk_create(people, batch_size=2000)
    now = timezone.now()
    Enrolment.objects.bulk_create(
        [
            Enrolment(
                program=program,
                participant=p,
                side=p.role,
                ready_at=now - timedelta(days=rng.randint(0, 120)),
            )
            for p in Participant.objects.filter(organization=organization)
        ],
        batch_size=2000,
    )
    return {"program": program, "staff": staff}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--reuse", action="store_true", help="keep the database of the last run (no re-populate)"
    )
    parser.add_argument("--profile", help="write a cProfile of the second run to this file")
    args = parser.parse_args()
    fresh = not (args.reuse and database_exists())
    if fresh:
        create_database()
    os.environ["PGDATABASE"] = DATABASE
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from tandem.accounts.models import User
    from tandem.matching.embeddings import embedder, goal_vectors_ensure
    from tandem.matching.models import Proposal
    from tandem.matching.services.runs import run_execute, run_start
    from tandem.participants.models import Participant
    from tandem.programs.models import Program

    started = time.perf_counter()
    call_command("migrate", verbosity=0)  # a reused database may predate a migration
    if fresh:
        populate(random.Random(2026))
    populate_seconds = time.perf_counter() - started
    program = Program.objects.get(slug="bench-program")
    staff = User.objects.get(email="staff@bench.example")

    started = time.perf_counter()
    texts = list(Participant.objects.values_list("goals", flat=True))
    embedded = goal_vectors_ensure(texts)
    embed_seconds = time.perf_counter() - started

    runs = []
    for attempt in range(2):
        profiler = cProfile.Profile() if args.profile and attempt == 1 else None
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        run = run_start(actor=staff, program=program)
        run = run_execute(run_id=run.pk)
        seconds = time.perf_counter() - started
        if profiler:
            profiler.disable()
            profiler.dump_stats(args.profile)
        assert run.status == "done", run.error
        runs.append(
            {
                "seconds": round(seconds, 2),
                "matched": run.matched_count,
                "mean_score": round(run.mean_score or 0, 4),
                "stages": run.timings,
            }
        )
    drafts = Proposal.objects.filter(program=program, status="draft").count()

    from django.conf import settings

    settings.TANDEM_MFA_REQUIRED = False
    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    client = Client()
    client.force_login(staff)
    page_results = {}
    for label, params in (
        ("mentees", {}),
        ("mentors", {"side": "mentor"}),
        ("filtered", {"language": "fr", "waiting": "30", "sort": "-waiting"}),
    ):
        url = reverse("matching:desk", args=[program.pk])
        client.get(url, params)  # warm
        times = []
        for _ in range(10):
            begin = time.perf_counter()
            response = client.get(url, params)
            times.append(time.perf_counter() - begin)
            assert response.status_code == 200
        with CaptureQueriesContext(connection) as queries:
            client.get(url, params)
        page_results[label] = {
            "median_ms": round(1000 * statistics.median(times), 1),
            "max_ms": round(1000 * max(times), 1),
            "queries": len(queries),
        }
    result = {
        "mentees": SIZE,
        "mentors": SIZE,
        "embedder": embedder().name,
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "populate_seconds": round(populate_seconds, 1) if fresh else None,
        "load_average": os.getloadavg(),
        "goal_vectors": {
            "texts": len(texts),
            "newly_embedded": embedded,
            "seconds": round(embed_seconds, 2),
        },
        "propose_whole_pool_with_persistence": runs,
        "drafts_written": drafts,
        "desk_page": page_results,
        "targets": {"propose_seconds": 30, "desk_page_ms": 300},
    }
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
