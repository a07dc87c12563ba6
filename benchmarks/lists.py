"""Server time of the staff list pages and report pages on the load test's 50k network.

    .venv/bin/python benchmarks/lists.py [--port 54414] [--repeat 5] [--no-freeze]

Needs the database built by `benchmarks/load.py` (kept in /tmp/tandem-load-pg; run load.py
first, or with --reuse). Each page is requested through Django's test client in this process
(no network, no gunicorn): the median of `--repeat` requests after one warm-up, with the number
of queries. Target (issue 18): <= 60 ms for the referral list, the participant list and every
report page. Results go to benchmarks/results/lists.json.

Also the staff homes and a participant's record (the load test's other pages), and each page's
slowest request with the full garbage collections that fell in it: as gunicorn does
(config/gunicorn.conf.py), the objects loaded once are frozen after the warm-up (`--no-freeze`
leaves them to the collector, to see the difference).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "lists.json"
LIMIT_MS = 60


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=54414)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-freeze", action="store_true")
    args = parser.parse_args()
    os.environ.update(
        {
            "TANDEM_DEBUG": "1",
            "TANDEM_MFA_REQUIRED": "0",
            "TANDEM_DB": "postgres",
            "PGHOST": "127.0.0.1",
            "PGPORT": str(args.port),
            "PGUSER": "postgres",
            "PGDATABASE": "tandem_load",
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import setup_test_environment

    from tandem.accounts.models import User
    from tandem.participants.models import Participant
    from tandem.programs.models import Program

    setup_test_environment()
    program = Program.objects.order_by("pk").first()
    who = {
        "staff": User.objects.get(email="staff0@load.example"),
        "caseworker": User.objects.get(email="caseworker0@load.example"),
        "funder": User.objects.get(email="funder@bench.example"),
    }
    participant = Participant.objects.filter(organization__slug="capital-lead").order_by("pk")[97]
    pages = [
        ("home (lead staff)", "staff", "/en/"),
        ("home (caseworker)", "caseworker", "/en/"),
        ("participant (lead staff)", "staff", f"/en/participants/{participant.pk}/"),
        ("referral_list (lead staff)", "staff", "/en/referrals/"),
        ("referral_list (caseworker)", "caseworker", "/en/referrals/"),
        ("participant_list (lead)", "staff", "/en/participants/organization/capital-lead/"),
        ("participant_list (agency)", "caseworker", "/en/participants/organization/agency-0/"),
        ("program_report", "staff", f"/en/reports/programs/{program.pk}/"),
        ("network_report", "staff", "/en/reports/networks/capital-lead/"),
        (
            "network_report (ten years)",
            "staff",
            "/en/reports/networks/capital-lead/?preset=custom&starts_on=2021-01-01&ends_on=2030-12-31",
        ),
        ("funder_report", "funder", "/en/reports/funded/capital-lead/"),
    ]
    results = {}
    connection.force_debug_cursor = True
    clients = {}
    for name, person, url in pages:  # warm-up: every page once, as a worker's first requests
        clients[name] = Client()
        clients[name].force_login(who[person])
        response = clients[name].get(url)
        assert response.status_code == 200, (name, response.status_code)
    if not args.no_freeze:
        gc.collect()
        gc.freeze()
    full: list[float] = []
    started_gc = [0.0]

    def collections(phase: str, info: dict) -> None:
        if info["generation"] == 2:
            if phase == "start":
                started_gc[0] = time.perf_counter()
            else:
                full.append((time.perf_counter() - started_gc[0]) * 1000)

    gc.callbacks.append(collections)
    for name, _person, url in pages:
        client = clients[name]
        times, queries, pauses = [], 0, []
        for _ in range(args.repeat):
            reset_queries()
            full.clear()
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            pauses += full
            queries = len(connection.queries)
            assert response.status_code == 200
        results[name] = {
            "median_ms": round(statistics.median(times), 1),
            "min_ms": round(min(times), 1),
            "max_ms": round(max(times), 1),
            "full_gc": len(pauses),
            "full_gc_ms": [round(p, 1) for p in pauses],
            "queries": queries,
        }
        print(
            f"{name:<30}{results[name]['median_ms']:>9} ms (max {results[name]['max_ms']},"
            f" full GC {results[name]['full_gc_ms']}){queries:>5} queries",
            flush=True,
        )
    gc.callbacks.remove(collections)
    limited = {k: r for k, r in results.items() if not k.startswith(("home", "participant "))}
    summary = {
        "pages": results,
        "limit_ms": LIMIT_MS,
        "limit_applies_to": sorted(limited),
        "within_limit": all(r["median_ms"] <= LIMIT_MS for r in limited.values()),
        "repeat": args.repeat,
        "frozen_after_warm_up": not args.no_freeze,
        "load_average": os.getloadavg(),
        "measured_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "cpus": os.cpu_count(),
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps({k: v for k, v in summary.items() if k != "pages"}))


if __name__ == "__main__":
    main()
