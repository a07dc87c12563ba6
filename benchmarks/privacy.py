"""Benchmarks of privacy operations (issue 24).

    .venv/bin/python benchmarks/privacy.py [--requests 300] [--log-rows 200000]
    .venv/bin/python benchmarks/privacy.py --workdir DIR --prepare   # data only (heavy)
    .venv/bin/python benchmarks/privacy.py --workdir DIR --reuse     # measure only (quiet slot)

The data (a database with LOG_ROWS views, a person with a full history) can be made before a
quiet window (`--prepare`) and measured in it (`--reuse`), so the slot is spent measuring.

1. The view log adds <= 5 ms to a record page: a throwaway SQLite database whose log already
   holds LOG_ROWS views; the participant's record page (`participants:detail`) is requested
   through Django's test client as a caseworker (the whole request: session, access, the page,
   the log row), alternating runs with the observer on and off (core.access's observers
   emptied), and the medians are compared.
2. An access request for a person with a full history builds (JSON and PDF, the worker's task
   run inline) in <= 5 s (see `request_build` below).

Results go to ``benchmarks/results/privacy.json``. Report them with `uptime`'s load average.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
RESULTS = ROOT / "benchmarks" / "results" / "privacy.json"
PAGE_LIMIT_MS = 5.0
REQUEST_LIMIT_SECONDS = 5.0


def fresh_postgres_database(*, reuse: bool) -> None:
    """TANDEM_DB=postgres: a database of our own on the server PG* names, made anew (or the
    one `--prepare` made)."""
    import psycopg

    name = "tandem_privacy_bench"
    os.environ["PGDATABASE"] = name
    if reuse:
        return
    with psycopg.connect(
        host=os.environ.get("PGHOST", "127.0.0.1"),
        port=os.environ.get("PGPORT"),
        user=os.environ.get("PGUSER", "postgres"),
        dbname="postgres",
        autocommit=True,
    ) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name}")
        connection.execute(f"CREATE DATABASE {name}")
    os.environ["PGDATABASE"] = name


def setup_django(workdir: Path, *, reuse: bool = False) -> None:
    if os.environ.get("TANDEM_DB") == "postgres":
        fresh_postgres_database(reuse=reuse)
    os.environ.update(
        TANDEM_DEBUG="1",
        TANDEM_MFA_REQUIRED="0",
        TANDEM_VAR_DIR=str(workdir),
        TANDEM_SQLITE_PATH=str(workdir / "bench.sqlite3"),
        DJANGO_SETTINGS_MODULE="config.settings",
        TANDEM_LOG_LEVEL="WARNING",
    )
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["*"]
    settings.MEDIA_ROOT = str(workdir / "media")
    if not reuse:
        call_command("migrate", verbosity=0)


def page_data(log_rows: int) -> dict:
    """The agency, its caseworker, 1,000 people and a log of `log_rows` views."""
    from tandem.accounts.models import User
    from tandem.organizations.models import Membership, Organization, Role
    from tandem.participants.models import Participant
    from tandem.privacy.models import RecordView
    from tandem.reference.models import Occupation

    organization = Organization.objects.create(
        slug="bench", name_en="Bench agency", name_fr="Organisme banc", kind="lead_agency"
    )
    staff = User.objects.create_user("caseworker@bench.example.org", "a-long-bench-password")
    Membership.objects.create(user=staff, organization=organization, role=Role.CASEWORKER)
    occupation = Occupation.objects.create(code="2", level=1, title_en="NOC 2", title_fr="CNP 2")
    people = Participant.objects.bulk_create(
        [
            Participant(
                organization=organization,
                role="mentee",
                external_id=f"B-{i:05d}",
                given_name="Person",
                family_name=f"Number {i}",
                email=f"person{i}@example.org",
                languages="en;fr",
                occupation=occupation,
            )
            for i in range(1000)
        ]
    )
    for start in range(0, log_rows, 10000):
        RecordView.objects.bulk_create(
            [
                RecordView(
                    participant_id=people[i % len(people)].pk,
                    viewer_id=staff.pk,
                    viewer_label=staff.email,
                    organization_id=organization.pk,
                    kind="record",
                    page="participants:detail",
                    path="/en/participants/x/",
                )
                for i in range(start, min(log_rows, start + 10000))
            ]
        )
    return {
        "staff": staff.pk,
        "organization": organization.pk,
        "people": [p.pk for p in people[:2]],
    }


def page_overhead(requests: int, ids: dict) -> dict:
    from django.test import Client

    import tandem.core.access as mechanism
    from tandem.accounts.models import User
    from tandem.organizations.models import Organization
    from tandem.participants.models import Participant
    from tandem.privacy.models import RecordView

    staff = User.objects.get(pk=ids["staff"])
    organization = Organization.objects.get(pk=ids["organization"])
    people = list(Participant.objects.filter(pk__in=ids["people"]).order_by("pk"))
    log_rows = RecordView.objects.count()
    client = Client()
    client.force_login(staff)
    url = f"/en/participants/{people[0].pk}/"
    observers = list(mechanism._OBSERVERS)
    assert observers, "the privacy app registered no observer"
    for _ in range(20):  # templates, URL resolver, connections warmed, as on a running server
        assert client.get(url).status_code == 200
    timings: dict[str, list[float]] = {"with_log": [], "without_log": []}
    before = RecordView.objects.count()
    for i in range(requests * 2):
        logging_on = i % 2 == 0
        mechanism._OBSERVERS[:] = observers if logging_on else []
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200
        timings["with_log" if logging_on else "without_log"].append(elapsed)
    mechanism._OBSERVERS[:] = observers
    written = RecordView.objects.count() - before
    # The log's own statement, timed alone (steadier than a difference of page medians on a
    # shared machine).
    from tandem.privacy.viewlog import append_view

    alone = []
    for _ in range(requests):
        started = time.perf_counter()
        append_view(
            participant_id=people[1].pk,
            holder_id=organization.pk,
            viewer=staff,
            kind="record",
            page="participants:detail",
            path=url,
            method="GET",
        )
        alone.append((time.perf_counter() - started) * 1000)
    with_log = statistics.median(timings["with_log"])
    without_log = statistics.median(timings["without_log"])
    return {
        "requests_each": requests,
        "log_rows_before": log_rows,
        "log_rows_written": written,
        "page_median_ms_with_log": round(with_log, 2),
        "page_median_ms_without_log": round(without_log, 2),
        "page_p90_ms_with_log": round(statistics.quantiles(timings["with_log"], n=10)[-1], 2),
        "page_p90_ms_without_log": round(statistics.quantiles(timings["without_log"], n=10)[-1], 2),
        "log_adds_ms": round(with_log - without_log, 2),
        "log_statement_median_ms": round(statistics.median(alone), 2),
        "log_statement_p90_ms": round(statistics.quantiles(alone, n=10)[-1], 2),
        "page_limit_ms": PAGE_LIMIT_MS,
        "page_within_limit": with_log - without_log <= PAGE_LIMIT_MS and written == requests,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--log-rows", type=int, default=200_000)
    parser.add_argument("--skip-request", action="store_true")
    parser.add_argument("--workdir", type=Path, help="where the data lives (default: a new one)")
    parser.add_argument("--prepare", action="store_true", help="make the data, measure nothing")
    parser.add_argument("--reuse", action="store_true", help="measure the data --prepare made")
    parser.add_argument("--builds", type=int, default=3, help="access requests built (median)")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="tandem-privacy-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    prepared = workdir / "prepared.json"
    setup_django(workdir, reuse=args.reuse)
    from privacy_request import full_history_person, request_build  # this folder's module

    if args.reuse:
        ids = json.loads(prepared.read_text())
    else:
        ids = page_data(args.log_rows)
        amina, user = full_history_person()
        ids |= {"person": amina.pk, "user": user.pk}
        prepared.write_text(json.dumps(ids))
    if args.prepare:
        print(f"prepared in {workdir}: {ids}")
        return
    import datetime as dt

    from django.db import connection

    started, load_at_start = dt.datetime.now(dt.UTC), os.getloadavg()
    database = os.environ.get("TANDEM_DB", "sqlite")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW fsync")
            database += f" (fsync {cursor.fetchone()[0]})"
    result: dict = {"database": database}
    result |= page_overhead(args.requests, ids)
    if not args.skip_request:
        result |= request_build(person_id=ids["person"], user_id=ids["user"], builds=args.builds)
    ended = dt.datetime.now(dt.UTC)
    result |= {
        "measured": f"{started:%Y-%m-%d %H:%M}-{ended:%H:%M} UTC, --requests {args.requests} "
        f"--builds {args.builds}",
        "load_average_at_start": [round(x, 2) for x in load_at_start],
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    if not all(v for k, v in result.items() if k.endswith("within_limit")):
        sys.exit(1)


if __name__ == "__main__":
    main()
