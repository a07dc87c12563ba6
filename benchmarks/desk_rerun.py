"""A staff re-run of the matching desk after a small change, warm against from scratch.

    bash scripts/pg.sh start /tmp/pgrerun 54401
    TANDEM_DEBUG=1 TANDEM_DB=postgres PGHOST=127.0.0.1 PGPORT=54401 PGUSER=postgres \
        PGDATABASE=postgres .venv/bin/python benchmarks/desk_rerun.py
    bash scripts/pg.sh stop /tmp/pgrerun

The desk of ``benchmarks/desk.py`` (5,000 mentees and 5,000 mentors in one program, its own
database ``tandem_desk_rerun_bench``) is proposed for once through the service the background
task calls (``run_execute``). Then, for each change, one at a time: one mentee becomes ready,
one mentor is no longer ready. After the change the desk is run again twice: first as the
worker does it (it kept the previous run's matcher, ``tandem/matching/kept_matchers.py``, so
the engine changes it and solves warm), then from scratch (the kept matcher forgotten), and
both must reach the same optimum (number matched, mean score). Each run is timed end to end
(pool read, engine, 5,000 drafts written with their explanations in both languages) and by
stage. Results go to ``benchmarks/results/desk_rerun.json``.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("TANDEM_DEBUG", "1")

import desk  # noqa: E402  (the desk benchmark's population, reused as it is)

RESULTS = ROOT / "benchmarks" / "results" / "desk_rerun.json"
desk.DATABASE = "tandem_desk_rerun_bench"


def main() -> None:
    desk.create_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from tandem.accounts.models import User
    from tandem.matching import kept_matchers
    from tandem.matching.embeddings import goal_vectors_ensure
    from tandem.matching.services.runs import run_execute, run_start
    from tandem.participants.models import Participant
    from tandem.programs.models import Enrolment, Program

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    desk.populate(random.Random(2026))
    program = Program.objects.get(slug="bench-program")
    staff = User.objects.get(email="staff@bench.example")
    goal_vectors_ensure(Participant.objects.values_list("goals", flat=True))
    populate_seconds = time.perf_counter() - started

    def run() -> dict:
        load = os.getloadavg()[0]
        begin = time.perf_counter()
        done = run_execute(run_id=run_start(actor=staff, program=program).pk)
        seconds = time.perf_counter() - begin
        assert done.status == "done", done.error
        return {
            "seconds": round(seconds, 2),
            "matched": done.matched_count,
            "mean_score": done.mean_score,
            "is_warm": "warm_people_changed" in done.timings,
            "stages": done.timings,
            "load_1min": round(load, 2),
        }

    first = run()
    print("first run (from scratch):", first, flush=True)
    template = Participant.objects.filter(organization__slug="bench-agency", role="mentee").first()
    assert template is not None

    def add_mentee() -> None:
        person = Participant.objects.get(pk=template.pk)
        person.pk = None
        person.external_id = "mentee-rerun"
        person.email = "mentee-rerun@bench.example"
        person.goals = "Je cherche un poste d'analyste de données à Gatineau."
        person.save()
        goal_vectors_ensure([person.goals])
        Enrolment.objects.create(
            program=program, participant=person, side="mentee", ready_at=timezone.now()
        )

    def withdraw_mentor() -> None:
        mentor = (
            Enrolment.objects.filter(program=program, side="mentor", ready_at__isnull=False)
            .order_by("pk")
            .first()
        )
        assert mentor is not None
        Enrolment.objects.filter(pk=mentor.pk).update(ready_at=None)

    changes = []
    for name, change in (("add a mentee", add_mentee), ("withdraw a mentor", withdraw_mentor)):
        change()
        warm = run()
        kept_matchers.desk_forget(program.pk)
        scratch = run()
        same = (
            warm["matched"] == scratch["matched"]
            and abs((warm["mean_score"] or 0) - (scratch["mean_score"] or 0)) < 1e-9
        )
        changes.append({"change": name, "warm": warm, "from_scratch": scratch, "same": same})
        print(f"{name}: warm {warm}\n  from scratch {scratch}\n  same optimum: {same}", flush=True)
    result = {
        "mentees": desk.SIZE,
        "mentors": desk.SIZE,
        "populate_seconds": round(populate_seconds, 1),
        "first_run": first,
        "changes": changes,
        "load_average_end": os.getloadavg(),
    }
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
