"""Benchmark of the connector program on PostgreSQL: 20,000 newcomers, 200,000 meetings (issue 20).

    bash scripts/pg.sh start /tmp/pgconnectors 54410
    TANDEM_DEBUG=1 TANDEM_DB=postgres PGHOST=127.0.0.1 PGPORT=54410 PGUSER=postgres \
        PGDATABASE=tandem_connectors .venv/bin/python benchmarks/connectors.py
    bash scripts/pg.sh stop /tmp/pgconnectors

It creates the database PGDATABASE (dropped first), migrates it and writes with bulk_create one
connector program with 5,000 connectors and 20,000 newcomers, each newcomer with a chain of ten
meetings over the last two years (a first meeting, three introductions all followed up, and
three more introductions after each of two of those: 12 introductions, 9 followed up, depth 3),
a tenth of the chains ending in a job and a fifth in an interview.

Then it times, through Django's test client, the two pages the issue names (target <= 300 ms
each): a newcomer's chain page (`connectors:newcomer`: the chain drawn and listed, and the
engine's suggested connectors), opened by the newcomer and by staff, and the program's connector
report (`connectors:figures`). Results go to benchmarks/results/connectors.json with the
machine's load average.
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
RESULTS = ROOT / "benchmarks" / "results" / "connectors.json"
NEWCOMERS = int(os.environ.get("TANDEM_CONNECTORS_BENCH_NEWCOMERS", "20000"))
CONNECTORS = int(os.environ.get("TANDEM_CONNECTORS_BENCH_CONNECTORS", "5000"))
PAGE_LIMIT_MS = 300
UNIT_GROUPS = ["21231", "21232", "21211", "21300", "11100", "11101", "12010", "41200", "72410"]
LANGUAGES = ["en", "fr", "en;fr", "en;ar", "fr;ar", "en;es", "en;zh"]
POSTAL = ["K1K", "K2P", "K1N", "J8Y", "K2G", "K1S"]
# Ten meetings per chain: (parent index or None, introduction index of the parent).
CHAIN = [None, 0, 0, 0, 1, 1, 1, 2, 2, 2]


def occupations() -> None:
    from tandem.reference.models import Occupation

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
    Occupation.objects.bulk_create(sorted(rows.values(), key=lambda o: o.level))


def populate(rng: random.Random) -> dict:
    from django.utils import timezone

    from tandem.accounts.models import User
    from tandem.connectors.models import (
        Connector,
        ConnectorMeeting,
        Introduction,
        JoinedVia,
        MeetingStatus,
    )
    from tandem.organizations.models import Membership, Organization, Role
    from tandem.participants.models import Participant
    from tandem.programs.models import Enrolment, Program

    lead = Organization.objects.create(
        slug="lead", kind="lead_agency", name_en="Lead", name_fr="Organisme responsable"
    )
    staff = User.objects.create_user("staff@bench.org", "x", preferred_language="en")
    Membership.objects.create(user=staff, organization=lead, role=Role.PROGRAM_STAFF)
    program = Program.objects.create(
        organization=lead,
        slug="connect",
        kind="connector",
        name_en="Connect",
        name_fr="Connexion",
        mentee_steps=[],
        mentor_steps=[],
    )
    now = timezone.now()

    def person(n: int, role: str) -> Participant:
        return Participant(
            organization=lead,
            role=role,
            external_id=f"{role}-{n}",
            given_name=f"{role.title()}{n}",
            family_name=f"Family{n}",
            email=f"{role}{n}@bench.org",
            preferred_language=rng.choice(["en", "fr"]),
            languages=rng.choice(LANGUAGES),
            occupation_id=rng.choice(UNIT_GROUPS),
            postal_code=rng.choice(POSTAL),
            employer=f"Employer {n % 300}" if role == "mentor" else "",
        )

    mentors = Participant.objects.bulk_create(
        [person(n, "mentor") for n in range(CONNECTORS)], batch_size=2000
    )
    Enrolment.objects.bulk_create(
        [Enrolment(program=program, participant=p, side="mentor", ready_at=now) for p in mentors],
        batch_size=2000,
    )
    connectors = Connector.objects.bulk_create(
        [
            Connector(
                program=program,
                participant=p,
                city="Ottawa",
                meetings_per_month=rng.randint(1, 4),
                joined_via=rng.choice(list(JoinedVia)),
            )
            for p in mentors
        ],
        batch_size=2000,
    )
    newcomers = Participant.objects.bulk_create(
        [person(n, "mentee") for n in range(NEWCOMERS)], batch_size=2000
    )
    first_user = User.objects.create_user("newcomer0@bench.org", "x", preferred_language="fr")
    Participant.objects.filter(pk=newcomers[0].pk).update(user=first_user)
    enrolments = Enrolment.objects.bulk_create(
        [Enrolment(program=program, participant=p, side="mentee", ready_at=now) for p in newcomers],
        batch_size=2000,
    )
    # The chains, a level at a time: meetings of a level, then the introductions they made,
    # then the next level's meetings following those introductions up.
    meetings_written = introductions_written = 0
    for start in range(0, NEWCOMERS, 2000):
        batch = newcomers[start : start + 2000]
        levels: list[list[ConnectorMeeting]] = []
        intros: dict[tuple[int, int], list[Introduction]] = {}
        for position, parent in enumerate(CHAIN):
            rows = []
            for index, newcomer in enumerate(batch):
                held = now - dt.timedelta(days=rng.randint(40, 730) - 4 * position)
                introduction = None
                depth = 1
                if parent is not None:
                    introduction = intros[(index, parent)][position % 3]
                    depth = levels[parent][index].depth + 1
                outcome = ""
                if position == 9:
                    roll = rng.random()
                    outcome = "job" if roll < 0.1 else ("interview" if roll < 0.3 else "")
                rows.append(
                    ConnectorMeeting(
                        program=program,
                        newcomer=newcomer,
                        connector=connectors[(start + index * 7 + position * 13) % CONNECTORS],
                        introduction=introduction,
                        depth=depth,
                        status=MeetingStatus.HELD,
                        starts_at=held,
                        held_on=held.date(),
                        result=outcome,
                        introductions_made=3 if position <= 3 else 0,
                        result_on=(held + dt.timedelta(days=20)).date() if outcome else None,
                        newcomer_feedback="Useful",
                        created_at=held - dt.timedelta(days=5),
                    )
                )
            levels.append(ConnectorMeeting.objects.bulk_create(rows, batch_size=2000))
            meetings_written += len(rows)
            if position in (0, 1, 2):  # the meetings that introduce three people each
                made = []
                for index, meeting in enumerate(levels[position]):
                    for k in range(3):
                        contact = connectors[
                            (start + index * 11 + position * 3 + k + 1) % CONNECTORS
                        ]
                        made.append(
                            Introduction(
                                meeting=meeting,
                                made_by=meeting.connector,
                                newcomer=meeting.newcomer,
                                contact=contact,
                                contact_name=f"Contact {position}-{k}",
                                contact_email=f"c{position}-{k}-{meeting.newcomer_id}@bench.org",
                                reason="Same field",
                                created_at=meeting.starts_at + dt.timedelta(days=1),
                            )
                        )
                created = Introduction.objects.bulk_create(made, batch_size=3000)
                introductions_written += len(created)
                for index in range(len(batch)):
                    intros[(index, position)] = created[index * 3 : index * 3 + 3]
        # Position 3 introduces three more that nobody followed up yet.
        pending = [
            Introduction(
                meeting=meeting,
                made_by=meeting.connector,
                newcomer=meeting.newcomer,
                contact_name=f"Pending {k}",
                contact_email=f"p{k}-{meeting.newcomer_id}@bench.org",
                reason="Same field",
            )
            for meeting in levels[3]
            for k in range(3)
        ]
        Introduction.objects.bulk_create(pending, batch_size=3000)
        introductions_written += len(pending)
    # Written in bulk, past the services: the stored chains and counters are counted at once,
    # as the migration that introduced them does.
    from tandem.connectors.services.figures import figures_rebuild

    figures_rebuild(program_id=program.pk)
    return {
        "staff": staff,
        "newcomer_user": first_user,
        "program": program,
        "newcomer": enrolments[0],
        "meetings": meetings_written,
        "introductions": introductions_written,
    }


def measure_pages(made: dict, *, repeat: int) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    pages = {
        "chain_as_newcomer_fr": (
            made["newcomer_user"],
            f"/fr/connectors/newcomer/{made['newcomer'].pk}/",
        ),
        "chain_as_staff": (made["staff"], f"/en/connectors/newcomer/{made['newcomer'].pk}/"),
        "connector_report": (
            made["staff"],
            f"/en/connectors/program/{made['program'].pk}/figures/",
        ),
    }
    result = {}
    for name, (user, url) in pages.items():
        client = Client()
        client.force_login(user)
        client.get(url)  # warm the connection and the template cache
        timings, in_sql = [], []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            in_sql.append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
        result[name] = {
            "url": url,
            "median_ms": round(statistics.median(timings), 1),
            "max_ms": round(max(timings), 1),
            "median_sql_ms": round(statistics.median(in_sql), 1),
            "queries": len(queries),
        }
    return result


def existing() -> dict:
    """The network an earlier run wrote (`--measure-only`: measure again without rewriting)."""
    from tandem.accounts.models import User
    from tandem.connectors.models import ConnectorMeeting, Introduction
    from tandem.programs.models import Enrolment, Program

    newcomer_user = User.objects.get(email="newcomer0@bench.org")
    return {
        "staff": User.objects.get(email="staff@bench.org"),
        "newcomer_user": newcomer_user,
        "program": Program.objects.get(slug="connect"),
        "newcomer": Enrolment.objects.get(participant__user=newcomer_user),
        "meetings": ConnectorMeeting.objects.count(),
        "introductions": Introduction.objects.count(),
    }


def main() -> None:
    measure_only = "--measure-only" in sys.argv
    if not measure_only:
        fresh_database("tandem_connectors")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    rng = random.Random(2026)
    started = time.perf_counter()
    if measure_only:
        made = existing()
    else:
        occupations()
        made = populate(rng)
    populate_seconds = time.perf_counter() - started
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    pages = measure_pages(made, repeat=7)
    result = {
        "newcomers": made["program"].enrolments.filter(side="mentee").count(),
        "connectors": made["program"].connectors.count(),
        "meetings": made["meetings"],
        "introductions": made["introductions"],
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average": round(os.getloadavg()[0], 2),
        },
        "postgresql": connection.cursor().connection.info.server_version,
        "populate_seconds": None if measure_only else round(populate_seconds, 1),
        "pages": pages,
        "page_limit_ms": PAGE_LIMIT_MS,
        "pages_within_limit": all(p["median_ms"] <= PAGE_LIMIT_MS for p in pages.values()),
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
