"""Benchmark of member suggestions for a mentoring group (issue 19: suggesting members for a group
from a pool of 10k waiting mentees in <= 1 s).

    .venv/bin/python benchmarks/circles.py [--mentees 10000]

Builds a throwaway SQLite database with one lead agency, a one-to-one program whose pool holds
MENTEES ready mentees (half of them in the group's NOC sub-major group 212, a quarter speaking
only French, one in ten with a proposal awaiting an answer, waiting times spread over a year), 300
ready mentors and a group program with one group (NOC 212, English). Then it times, warm:
- `suggested_mentees` and `suggested_mentors` alone (the selectors), and
- the whole group page as its staff open it (`GET /en/groups/<id>/`: access, the suggestions, the
  members, sessions and notes, the template), through Django's test client.
Each is run 5 times; the median and the worst are reported. It also checks that the suggestions
are the longest waiting of the eligible mentees. Results go to ``benchmarks/results/circles.json``.
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
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "benchmarks" / "results" / "circles.json"
LIMIT_SECONDS = 1.0
RUNS = 5


def timed(work, runs: int = RUNS) -> list[float]:
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - started)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mentees", type=int, default=10_000)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="tandem-circles-bench-"))
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
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)

    from tandem.accounts.models import User
    from tandem.circles import selectors
    from tandem.circles.services.groups import circle_create
    from tandem.matching.models import Proposal, ProposalStatus
    from tandem.organizations.models import Membership, Organization, Role
    from tandem.participants.models import Participant
    from tandem.programs.models import Enrolment, Program
    from tandem.reference.models import Occupation

    organization = Organization.objects.create(
        slug="bench", name_en="Bench agency", name_fr="Organisme banc", kind="lead_agency"
    )
    staff = User.objects.create_user("staff@bench.example.org", "a-long-bench-password")
    Membership.objects.create(user=staff, organization=organization, role=Role.PROGRAM_STAFF)
    codes = {}
    for unit in ("21231", "21211", "31102", "11100"):
        parent = None
        for length in range(1, 6):
            parent, _ = Occupation.objects.get_or_create(
                code=unit[:length],
                defaults={
                    "level": length,
                    "title_en": f"NOC {unit[:length]}",
                    "title_fr": f"CNP {unit[:length]}",
                    "parent": parent,
                },
            )
        codes[unit] = parent
    units = ["21231", "21211", "31102", "11100"]
    pool = Program.objects.create(
        organization=organization, slug="pool", name_en="Pool", name_fr="Bassin"
    )
    groups = Program.objects.create(
        organization=organization, slug="groups", name_en="Groups", name_fr="Groupes", kind="group"
    )
    now = timezone.now()
    mentees = Participant.objects.bulk_create(
        [
            Participant(
                organization=organization,
                role="mentee",
                external_id=f"M-{i:06d}",
                given_name="Mentee",
                family_name=f"Number {i}",
                email=f"mentee{i}@example.org",
                preferred_language="fr" if i % 4 == 0 else "en",
                languages="fr" if i % 4 == 0 else "en;fr",
                occupation=codes[units[i % 4]],
            )
            for i in range(args.mentees)
        ],
        batch_size=2000,
    )
    mentors = Participant.objects.bulk_create(
        [
            Participant(
                organization=organization,
                role="mentor",
                external_id=f"R-{i:05d}",
                given_name="Mentor",
                family_name=f"Number {i}",
                email=f"mentor{i}@example.org",
                languages="en;fr",
                occupation=codes[units[i % 4]],
                capacity=2,
            )
            for i in range(300)
        ]
    )
    Enrolment.objects.bulk_create(
        [
            Enrolment(
                program=pool,
                participant=person,
                side=person.role,
                ready_at=now - timedelta(days=(i * 37) % 365, minutes=i),
            )
            for i, person in enumerate([*mentees, *mentors])
        ],
        batch_size=2000,
    )
    Proposal.objects.bulk_create(
        [
            Proposal(
                program=pool,
                mentee=mentee,
                mentor=mentors[i % len(mentors)],
                status=ProposalStatus.PUBLISHED,
                source="desk",
            )
            for i, mentee in enumerate(mentees[::10])
        ],
        batch_size=2000,
    )
    circle = circle_create(
        actor=staff,
        program=groups,
        name_en="Engineers",
        name_fr="Ingénierie",
        occupation=Occupation.objects.get(code="212"),
        language="en",
        mode="in_person",
        place="Room 3",
        mentee_capacity=10,
        mentor_capacity=3,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    # What the suggestions must be: the eligible mentees, longest waiting first.
    pending = set(Proposal.objects.values_list("mentee_id", flat=True))
    ready = dict(Enrolment.objects.filter(program=pool).values_list("participant_id", "ready_at"))
    eligible = sorted(
        (ready[p.pk], p.pk)
        for p in mentees
        if p.occupation_id.startswith("212")
        and p.preferred_language == "en"
        and p.pk not in pending
    )
    expected = [pk for _since, pk in eligible[: selectors.SUGGESTED]]

    suggested = selectors.suggested_mentees(circle)
    correct = [s.participant.pk for s in suggested] == expected
    selector_seconds = timed(lambda: selectors.suggested_mentees(circle))
    mentor_seconds = timed(lambda: selectors.suggested_mentors(circle))
    client = Client()
    client.force_login(staff)
    url = f"/en/groups/{circle.pk}/"
    assert client.get(url).status_code == 200  # warm: templates, URL resolver
    page_seconds = timed(lambda: client.get(url))

    def summary(values: list[float]) -> dict[str, float]:
        return {
            "median_seconds": round(statistics.median(values), 4),
            "worst_seconds": round(max(values), 4),
        }

    result = {
        "waiting_mentees": args.mentees,
        "eligible_mentees": len(eligible),
        "database": "sqlite",
        "suggested_mentees_selector": summary(selector_seconds),
        "suggested_mentors_selector": summary(mentor_seconds),
        "group_page_request": summary(page_seconds),
        "suggestions_are_the_longest_waiting": correct,
        "limit_seconds": LIMIT_SECONDS,
        "within_limit": max(page_seconds) <= LIMIT_SECONDS,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    if not (result["within_limit"] and correct):
        sys.exit(1)


if __name__ == "__main__":
    main()
