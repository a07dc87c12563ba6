"""Benchmark of the bulk invitation of participants (issue 14: 2,000 people in one bulk action
answered in <= 2 s; the worker delivers every invitation, none twice).

    .venv/bin/python benchmarks/invitations.py [--people 2000]

Builds a throwaway SQLite database, records PEOPLE participants without an account, then posts
the participant-accounts page's "invite everyone without an account" form through Django's test
client as a signed-in staff member (the whole request: access, selection, inserts, enqueueing),
and times it. Then runs the real worker (`db_worker --batch`) with the in-memory mail backend,
counts the mails per recipient, and runs the worker again to show nothing is sent twice.
Results go to ``benchmarks/results/invitations.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "benchmarks" / "results" / "invitations.json"
LIMIT_SECONDS = 2.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument(
        "--profile", action="store_true", help="print where the request's time goes"
    )
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="tandem-invitations-bench-"))
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
    from django.core import mail
    from django.core.management import call_command
    from django.test import Client

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    settings.ALLOWED_HOSTS = ["*"]
    mail.outbox = []
    call_command("migrate", verbosity=0)

    from tandem.accounts.models import Invitation, User
    from tandem.organizations.models import Membership, Organization, Role
    from tandem.participants.models import Participant
    from tandem.reference.models import Occupation

    organization = Organization.objects.create(
        slug="bench", name_en="Bench agency", name_fr="Organisme banc", kind="lead_agency"
    )
    staff = User.objects.create_user("staff@bench.example.org", "a-long-bench-password")
    Membership.objects.create(user=staff, organization=organization, role=Role.PROGRAM_STAFF)
    occupation = Occupation.objects.create(code="2", level=1, title_en="NOC 2", title_fr="CNP 2")
    Participant.objects.bulk_create(
        [
            Participant(
                organization=organization,
                role="mentor" if i % 3 == 0 else "mentee",
                external_id=f"B-{i:05d}",
                given_name="Person",
                family_name=f"Number {i}",
                email=f"person{i}@example.org",
                preferred_language="fr" if i % 2 else "en",
                languages="en;fr",
                occupation=occupation,
            )
            for i in range(args.people)
        ]
    )
    client = Client()
    client.force_login(staff)
    url = f"/en/participants/organization/{organization.slug}/accounts/"
    client.get(url)  # templates and URL resolver warmed, as on a running server

    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
    started = time.perf_counter()
    response = client.post(url, {"scope": "all"})
    request_seconds = time.perf_counter() - started
    if args.profile:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        return
    assert response.status_code == 302, response.status_code
    invitations = Invitation.objects.count()

    started = time.perf_counter()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    worker_seconds = time.perf_counter() - started
    per_recipient = Counter(address for message in mail.outbox for address in message.to)
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    after_second_run = len(mail.outbox)
    french = sum(1 for m in mail.outbox if "Créez votre compte Tandem" in m.subject)

    result = {
        "people": args.people,
        "database": "sqlite",
        "bulk_request_seconds": round(request_seconds, 3),
        "invitations_created": invitations,
        "worker_seconds": round(worker_seconds, 2),
        "mails_delivered": len(mail.outbox),
        "distinct_recipients": len(per_recipient),
        "most_mails_to_one_person": max(per_recipient.values(), default=0),
        "mails_after_running_the_worker_again": after_second_run,
        "mails_in_french": french,
        "limit_seconds": LIMIT_SECONDS,
        "within_limit": request_seconds <= LIMIT_SECONDS,
        "every_invitation_delivered_once": (
            len(per_recipient) == args.people
            and max(per_recipient.values(), default=0) == 1
            and after_second_run == args.people
        ),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    if not (result["within_limit"] and result["every_invitation_delivered_once"]):
        sys.exit(1)


if __name__ == "__main__":
    main()
