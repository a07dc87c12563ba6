"""Benchmark of the participants CSV import (issue 4: 10k rows in <= 15 s on SQLite).

    .venv/bin/python benchmarks/import.py [--rows 10000]

Builds a throwaway SQLite database (migrations and the real reference data), writes a
participants CSV of ROWS valid rows (real NOC unit groups and postal areas), then times
`participants_import`: the first import (every row created) and a second import of the same file
(every row unchanged). Memory is measured with tracemalloc (peak of Python allocations during
the import) and with the process's maximum resident set size. Results go to
``benchmarks/results/import.json``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "benchmarks" / "results" / "import.json"
LIMIT_SECONDS = 15.0


def write_csv(path: Path, rows: int, noc: list[str], fsa: list[str]) -> None:
    rng = random.Random(4)
    slots = [
        f"{d}-{p}"
        for d in ("mon", "tue", "wed", "thu", "fri", "sat")
        for p in ("morning", "evening")
    ]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "external_id",
                "role",
                "given_name",
                "family_name",
                "email",
                "preferred_language",
                "languages",
                "noc_code",
                "naics_code",
                "postal_code",
                "meeting_mode",
                "availability",
                "goals",
                "capacity",
                "clb_level",
                "years_experience",
                "employer",
            ]
        )
        for i in range(rows):
            mentor = i % 3 == 0
            writer.writerow(
                [
                    f"B-{i:06d}",
                    "mentor" if mentor else "mentee",
                    rng.choice(["Amina", "Luc", "Mei", "Ravi", "Sofia", "Kwame"]),
                    rng.choice(["Diallo", "Côté", "Chen", "Patel", "Rossi", "Mensah"]),
                    f"person{i}@example.org",
                    rng.choice(["en", "fr"]),
                    rng.choice(["en", "fr;en", "en;ar", "fr", "en;es"]),
                    rng.choice(noc),
                    rng.choice(["", "5415", "6221"]),
                    rng.choice(fsa) + " " + rng.choice(["1A1", "2C5", "3V8"]),
                    rng.choice(["in_person", "virtual", "either"]),
                    ";".join(rng.sample(slots, 2)),
                    "Find work in my field, and learn the Canadian hiring process.",
                    rng.randint(1, 3) if mentor else "",
                    "" if mentor else rng.randint(5, 10),
                    rng.randint(2, 25) if mentor else "",
                    "Northern Lights Software" if mentor else "",
                ]
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="tandem-import-bench-"))
    os.environ.update(
        TANDEM_DEBUG="1",
        TANDEM_VAR_DIR=str(workdir),
        TANDEM_SQLITE_PATH=str(workdir / "bench.sqlite3"),
        DJANGO_SETTINGS_MODULE="config.settings",
        TANDEM_LOG_LEVEL="WARNING",
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_reference", verbosity=0)

    from tandem.organizations.models import Organization
    from tandem.participants.models import Participant
    from tandem.participants.services import participants_import
    from tandem.reference.models import Occupation, PostalArea

    organization = Organization.objects.create(
        slug="bench", name_en="Bench", name_fr="Banc", kind="service_agency"
    )
    noc = list(Occupation.objects.filter(level=5).values_list("code", flat=True))
    fsa = list(PostalArea.objects.values_list("fsa", flat=True))
    path = workdir / "participants.csv"
    write_csv(path, args.rows, noc, fsa)

    def run(*, trace: bool = False) -> tuple[float, int, object]:
        if trace:
            tracemalloc.start()
        started = time.perf_counter()
        report = participants_import(opener=lambda: path.open("rb"), organization=organization)
        elapsed = time.perf_counter() - started
        peak = 0
        if trace:
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        return elapsed, peak, report

    first_seconds, _peak, first = run()
    assert first.is_valid, first.errors[:5]
    assert Participant.objects.filter(organization=organization).count() == args.rows
    second_seconds, _peak, second = run()
    assert second.unchanged == args.rows and second.created == 0
    # Memory on its own run: tracemalloc slows Python down, so it is kept out of the timings.
    Participant.objects.filter(organization=organization).delete()
    traced_seconds, first_peak, _report = run(trace=True)
    _seconds, second_peak, _report = run(trace=True)

    result = {
        "rows": args.rows,
        "database": "sqlite",
        "file_bytes": path.stat().st_size,
        "first_import": {
            "seconds": round(first_seconds, 2),
            "created": first.created,
            "tracemalloc_peak_mb": round(first_peak / 2**20, 1),
            "seconds_with_tracemalloc": round(traced_seconds, 2),
        },
        "second_import_same_file": {
            "seconds": round(second_seconds, 2),
            "unchanged": second.unchanged,
            "tracemalloc_peak_mb": round(second_peak / 2**20, 1),
        },
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "limit_seconds": LIMIT_SECONDS,
        "within_limit": first_seconds <= LIMIT_SECONDS and second_seconds <= LIMIT_SECONDS,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    if not result["within_limit"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
