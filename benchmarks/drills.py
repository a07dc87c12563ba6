"""Fault drills on a throwaway PostgreSQL with real worker processes (issue 18, "Faults").

    .venv/bin/python benchmarks/drills.py [mail-outage|kill-worker|two-workers|pg-restart|
        kill-import|kill-proposal-run|kill-pdf|backup-under-writes|all] [--port 54413] [--negative]

Each drill starts what it needs (PostgreSQL through scripts/pg.sh, `manage.py tandem_worker`
processes, gunicorn, a small SMTP server in this process), breaks something for real, and checks
the outcome. Times are scaled down by default (an outage of 20 s rather than an hour; the retry
base is 1 s instead of 30 s: the same schedule, 30 times faster), the mechanisms are the
production ones. `--scale hour` runs mail-outage and two-workers as the issue states them: an
hour of real time each, with the production retry policy, heartbeat and lease (light on the CPU;
`--control-only` runs just the negative controls, `--results` writes elsewhere). `--negative` also runs each drill's
negative control (the same fault with the protection turned off must show the failure).
Results go to benchmarks/results/drills.json. Too slow for `make test`: run by hand.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "drills.json"
PYTHON = str(ROOT / ".venv" / "bin" / "python")


# A mail server we control ----------------------------------------------------------------------


class Mailbox:
    def __init__(self) -> None:
        self.subjects: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.in_data = threading.Event()
        self.delay_data = 0.0  # seconds before answering DATA (a slow server)


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for Django's backend: EHLO, MAIL, RCPT, DATA, RSET, QUIT, NOOP."""

    def handle(self) -> None:
        box: Mailbox = self.server.mailbox  # type: ignore[attr-defined]
        self.wfile.write(b"220 drill ESMTP\r\n")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                self.wfile.write(b"250-drill\r\n250 8BITMIME\r\n")
            elif verb == b"DATA":
                box.in_data.set()
                time.sleep(box.delay_data)
                self.wfile.write(b"354 go ahead\r\n")
                subject = ""
                while True:
                    body = self.rfile.readline()
                    if not body:
                        return  # the client died before the end of the message: nothing sent
                    if body.lower().startswith(b"subject:") and not subject:
                        subject = body.split(b":", 1)[1].strip().decode()
                    if body in (b".\r\n", b".\n"):
                        break
                self.wfile.write(b"250 queued\r\n")
                with box.lock:
                    box.subjects[subject] += 1
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


class SMTPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int, mailbox: Mailbox) -> None:
        super().__init__(("127.0.0.1", port), _SMTPHandler)
        self.mailbox = mailbox
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Environment ------------------------------------------------------------------------------------


class Setup:
    def __init__(self, port: int) -> None:
        self.port = port
        self.root = Path(tempfile.mkdtemp(prefix="tandem-drill-"))
        os.chmod(self.root, 0o755)  # noqa: S103 - the postgres user must reach its data dir
        self.smtp_port = free_port()
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("TANDEM_", "PG"))},
            "TANDEM_DEBUG": "1",
            "TANDEM_DB": "postgres",
            "PGHOST": "127.0.0.1",
            "PGPORT": str(port),
            "PGUSER": "postgres",
            "PGDATABASE": "tandem",
            "TANDEM_VAR_DIR": str(self.root / "var"),
            "TANDEM_MAIL": "smtp",
            "TANDEM_SMTP_HOST": "127.0.0.1",
            "TANDEM_SMTP_PORT": str(self.smtp_port),
            "TANDEM_SMTP_SECURITY": "none",
            "TANDEM_SMTP_TIMEOUT": "5",
            "TANDEM_TASK_RETRY_BASE_SECONDS": "1",
            "TANDEM_TASK_MAX_ATTEMPTS": "8",
            "TANDEM_WORKER_HEARTBEAT_SECONDS": "1",
            "TANDEM_TASK_LEASE_SECONDS": "6",
            "TANDEM_DB_CONN_MAX_AGE": "60",
        }
        self.workers: list[subprocess.Popen] = []

    def start(self) -> None:
        subprocess.run(["bash", "scripts/pg.sh", "stop", str(self.root / "pg")], cwd=ROOT)
        subprocess.run(
            ["bash", "scripts/pg.sh", "start", str(self.root / "pg"), str(self.port)],
            cwd=ROOT,
            check=True,
        )
        subprocess.run(
            [
                "psql",
                "-q",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-c",
                "create database tandem",
            ],
            check=True,
        )
        os.environ.update(self.env)
        sys.path.insert(0, str(ROOT))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)

    def worker(self, **extra_env: str) -> subprocess.Popen:
        process = subprocess.Popen(  # noqa: S603
            [
                PYTHON,
                "manage.py",
                "tandem_worker",
                "--queue-name",
                "*",
                "--interval",
                "0.2",
                "--no-reload",
                "--no-startup-delay",
                "-v",
                "1",
            ],
            cwd=ROOT,
            env={**self.env, **extra_env},
        )
        self.workers.append(process)
        return process

    def stop_workers(self) -> None:
        for process in self.workers:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.workers:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
        self.workers = []

    def reset(self) -> None:
        from django_tasks_db.models import DBTaskResult

        self.stop_workers()
        DBTaskResult.objects.all().delete()

    def close(self) -> None:
        self.stop_workers()
        subprocess.run(["bash", "scripts/pg.sh", "stop", str(self.root / "pg")], cwd=ROOT)


def enqueue_mail(count: int, prefix: str) -> list[str]:
    from tandem.core.tasks import deliver_mail

    subjects = [f"{prefix} {n:04d}" for n in range(count)]
    for subject in subjects:
        deliver_mail.enqueue(
            {
                "subject": subject,
                "body": "Reminder",
                "from_email": "t@example.org",
                "to": ["p@example.org"],
                "alternatives": [],
            }
        )
    return subjects


def statuses() -> Counter:
    from django_tasks_db.models import DBTaskResult

    return Counter(DBTaskResult.objects.values_list("status", flat=True))


def wait_for(condition, timeout: float, step: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


# Drills -----------------------------------------------------------------------------------------


def mail_outage(
    setup: Setup, *, max_attempts: int = 8, outage: float = 20, retry_base: int = 1
) -> dict:
    """The mail server refuses connections, then recovers: every mail delivered, none twice.

    `--scale hour` runs it as the issue says: an outage of 3,600 s of real time and the production
    retry policy (TANDEM_TASK_RETRY_BASE_SECONDS 30, doubling); the default is the scaled-down
    20 s outage with a 1 s base (the same schedule shape, 30 x faster)."""
    setup.reset()
    box = Mailbox()
    subjects = enqueue_mail(100, f"Reminder a{max_attempts}")
    extra = {
        "TANDEM_TASK_MAX_ATTEMPTS": str(max_attempts),
        "TANDEM_TASK_RETRY_BASE_SECONDS": str(retry_base),
    }
    setup.worker(**extra)
    setup.worker(**extra)
    from django_tasks_db.models import DBTaskResult

    from tandem.core.models import WorkerHeartbeat
    from tandem.core.tasks import deliver_mail, retry_delay

    # The outage counts from when both workers run (starting one takes a while on a busy box).
    wait_for(lambda: WorkerHeartbeat.objects.count() >= 2, 300)
    started = time.monotonic()

    # Nothing listens on the port: every attempt is refused. When no task is left waiting (every
    # one failed for good: the negative control), the rest of the outage cannot change anything.
    def mail_waiting() -> bool:
        return DBTaskResult.objects.filter(
            task_path=deliver_mail.module_path, status__in=["READY", "RUNNING"]
        ).exists()

    wait_for(
        lambda: time.monotonic() - started > 3 and not mail_waiting(),
        outage,
        step=min(5.0, outage / 10),
    )
    outage_seen = time.monotonic() - started
    refused = statuses()
    mails = DBTaskResult.objects.filter(task_path=deliver_mail.module_path)
    refused["attempts_refused"] = (
        mails.count() - len(subjects) + mails.filter(status="FAILED").count()
    )
    server = SMTPServer(setup.smtp_port, box)
    recovered_at = time.monotonic()
    # The longest a queued retry can wait after the recovery: one backoff step at this attempt.
    from django.test import override_settings

    with override_settings(TANDEM_TASK_RETRY_BASE_SECONDS=retry_base):
        longest = retry_delay(max_attempts - 1).total_seconds()
    try:
        delivered_all = wait_for(
            lambda: all(box.subjects[s] for s in subjects),
            longest + 120,
            step=min(5.0, max(0.5, longest / 100)),
        )
        wait_for(lambda: not mail_waiting(), 60)
        time.sleep(2)
    finally:
        server.stop()
        setup.stop_workers()
    twice = [s for s in subjects if box.subjects[s] > 1]
    missing = [s for s in subjects if not box.subjects[s]]
    return {
        "mails": len(subjects),
        "outage_seconds": round(outage_seen, 1),
        "outage_planned_seconds": outage,
        "retry_base_seconds": retry_base,
        "max_attempts": max_attempts,
        "tasks_during_outage": dict(refused),
        "delivered_once": sum(1 for s in subjects if box.subjects[s] == 1),
        "delivered_twice_or_more": len(twice),
        "missing": len(missing),
        "seconds_to_deliver_all": round(time.monotonic() - started, 1) if delivered_all else None,
        "seconds_from_recovery_to_all_delivered": round(time.monotonic() - recovered_at, 1)
        if delivered_all
        else None,
        "final_tasks": dict(statuses()),
        "ok": not twice and not missing,
    }


def kill_worker(setup: Setup, *, lease: bool = True) -> dict:
    """A worker killed with SIGKILL in the middle of sending: the mail goes out once, later."""
    from django_tasks_db.models import DBTaskResult

    setup.reset()
    box = Mailbox()
    box.delay_data = 30  # the server is slow to accept the message body: the worker waits in it
    server = SMTPServer(setup.smtp_port, box)
    subjects = enqueue_mail(3, "Introduction")
    try:
        victim = setup.worker()
        assert box.in_data.wait(120), "the worker never reached the mail server"
        running = DBTaskResult.objects.filter(status="RUNNING").count()
        victim.kill()  # kill -9: no clean-up, the task row stays RUNNING
        victim.wait()
        box.delay_data = 0
        killed_at = time.monotonic()
        env = {} if lease else {"TANDEM_TASK_LEASE_SECONDS": "100000"}
        setup.worker(**env)
        done = wait_for(lambda: all(box.subjects[s] for s in subjects), 90)
        recovered_after = round(time.monotonic() - killed_at, 1) if done else None
        time.sleep(2)
    finally:
        server.stop()
        setup.stop_workers()
    counts = [box.subjects[s] for s in subjects]
    return {
        "running_when_killed": running,
        "lease_seconds": 6 if lease else None,
        "sent_counts": counts,
        "seconds_from_kill_to_all_sent": recovered_after,
        "final_tasks": dict(statuses()),
        "ok": counts == [1, 1, 1],
    }


def two_workers(setup: Setup, *, tasks: int = 2000, spread: float = 0) -> dict:
    """Two workers (separate processes, as on two hosts) on one queue: no task runs twice.

    With `spread` (seconds), the tasks are enqueued at a steady pace over that time while both
    workers run (`--scale hour`: an hour of tasks arriving as they would during a working day);
    without it they are all queued first and drained as fast as the workers go."""
    from django_tasks_db.models import DBTaskResult

    setup.reset()
    box = Mailbox()
    server = SMTPServer(setup.smtp_port, box)
    started = time.monotonic()
    try:
        setup.worker()
        setup.worker()
        if spread:
            subjects: list[str] = []
            batches = max(1, int(spread))  # one small batch a second
            for n in range(batches):
                size = tasks * (n + 1) // batches - len(subjects)
                subjects += enqueue_mail(size, f"Batch {n:05d}")
                pause = started + (n + 1) * spread / batches - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
        else:
            subjects = enqueue_mail(tasks, "Batch")
        wait_for(lambda: statuses().get("SUCCESSFUL", 0) >= tasks, 1800, step=2)
        elapsed = time.monotonic() - started
        time.sleep(1)
    finally:
        server.stop()
        setup.stop_workers()
    # The mail tasks only: the workers stay up, so the hourly sweep also waits in the queue.
    mail = DBTaskResult.objects.filter(task_path="tandem.core.tasks.deliver_mail")
    claims = Counter(len(ids) for ids in mail.values_list("worker_ids", flat=True))
    per_worker = Counter(ids[0] for ids in mail.values_list("worker_ids", flat=True) if ids)
    twice = sum(1 for s in subjects if box.subjects[s] > 1)
    missing = sum(1 for s in subjects if not box.subjects[s])
    return {
        "tasks": tasks,
        "enqueued_over_seconds": spread,
        "seconds": round(elapsed, 1),
        "tasks_per_worker": sorted(per_worker.values()),
        "claims_per_task": dict(claims),
        "sent_twice": twice,
        "missing": missing,
        "ok": twice == 0 and missing == 0 and set(claims) == {1},
    }


def pg_restart(setup: Setup) -> dict:
    """PostgreSQL restarts under load: gunicorn and the worker carry on without a restart."""
    setup.reset()
    box = Mailbox()
    server = SMTPServer(setup.smtp_port, box)
    web_port = free_port()
    key = setup.root / "key"
    key.write_text("drill-secret-key-" + "x" * 40)
    web_env = {
        **setup.env,
        "TANDEM_DEBUG": "0",
        "TANDEM_SECRET_KEY_FILE": str(key),
        "TANDEM_HTTPS": "0",
        "TANDEM_PORT": str(web_port),
        "TANDEM_WEB_WORKERS": "2",
        "TANDEM_LOG_LEVEL": "WARNING",
    }
    subprocess.run(  # noqa: S603
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=web_env,
        check=True,
    )
    web = subprocess.Popen(  # noqa: S603
        [str(ROOT / ".venv/bin/gunicorn"), "-c", "config/gunicorn.conf.py", "config.wsgi"],
        cwd=ROOT,
        env=web_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    worker = setup.worker()
    results: list[tuple[float, str, int]] = []
    stop = threading.Event()

    def hammer() -> None:
        while not stop.is_set():
            for path in ("/health", "/en/accounts/login/"):
                try:
                    with urllib.request.urlopen(
                        f"http://127.0.0.1:{web_port}{path}", timeout=10
                    ) as r:  # noqa: S310
                        code = r.status
                except urllib.error.HTTPError as error:
                    code = error.code
                except OSError:
                    code = 0
                results.append((time.monotonic(), path, code))
            time.sleep(0.05)

    try:
        wait_for(lambda: _ok(f"http://127.0.0.1:{web_port}/health"), 180, step=1)
        threads = [threading.Thread(target=hammer, daemon=True) for _ in range(4)]
        for thread in threads:
            thread.start()
        before = enqueue_mail(50, "Before")
        time.sleep(5)
        restart_at = time.monotonic()
        pgbin = subprocess.run(  # noqa: S603
            ["bash", "-c", "ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        run_as = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
        subprocess.run(  # noqa: S603
            [
                *run_as,
                f"{pgbin}/pg_ctl",
                "-D",
                str(setup.root / "pg" / "data"),
                "-m",
                "fast",
                "-w",
                "restart",
                "-o",
                f"-p {setup.port} -k {setup.root / 'pg'} -c listen_addresses=127.0.0.1 "
                "-c fsync=off -c max_connections=200",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        back_at = time.monotonic()
        from django.db import connections

        connections.close_all()
        after = enqueue_mail(50, "After")
        time.sleep(10)
        stop.set()
        for thread in threads:
            thread.join(15)
        delivered = wait_for(lambda: all(box.subjects[s] for s in before + after), 120)
        worker_alive = worker.poll() is None
        web_alive = web.poll() is None
    finally:
        stop.set()
        server.stop()
        web.send_signal(signal.SIGTERM)
        web.wait(30)
        setup.stop_workers()
    during = [c for t, _, c in results if restart_at <= t <= back_at + 2]
    later = [c for t, _, c in results if t > back_at + 2]
    earlier = [c for t, _, c in results if t < restart_at]
    return {
        "restart_seconds": round(back_at - restart_at, 1),
        "requests_before": len(earlier),
        "errors_before": sum(1 for c in earlier if c != 200),
        "requests_during": len(during),
        "failed_during": sum(1 for c in during if c != 200),
        "failure_codes_during": dict(Counter(c for c in during if c != 200)),
        "requests_after": len(later),
        "errors_after": sum(1 for c in later if c != 200),
        "web_alive": web_alive,
        "worker_alive": worker_alive,
        "mails_sent_once": sum(1 for s in before + after if box.subjects[s] == 1),
        "mails_sent_twice": sum(1 for s in before + after if box.subjects[s] > 1),
        "mails_missing": sum(1 for s in before + after if not box.subjects[s]),
        "mails": len(before + after),
        "ok": web_alive
        and worker_alive
        and delivered
        and not any(c != 200 for c in later)
        and all(box.subjects[s] == 1 for s in before + after),
    }


def _ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
            return response.status == 200
    except OSError:
        return False


# A worker killed in the middle of an import, a proposal run, a PDF build --------------------------

KILL_DRILL_SIZE = 1200  # people in the desk drill's pool on each side; rows in the import


def _network(setup: Setup) -> dict:
    """A small share of the load test's network (benchmarks/load.py), once per database."""
    if not hasattr(setup, "network"):
        import importlib.util
        import random

        def module(name: str):
            spec = importlib.util.spec_from_file_location(name, ROOT / f"benchmarks/{name}.py")
            loaded = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(loaded)
            return loaded

        reports = module("reports")
        made = module("load").network_made(reports, fraction=0.04)
        made["codes"] = reports.UNIT_GROUPS
        made["rng"] = random.Random(18)
        setup.network = made  # type: ignore[attr-defined]
    return setup.network  # type: ignore[attr-defined]


def _import_job(setup: Setup) -> dict:
    """A CSV of KILL_DRILL_SIZE new people, queued through the import page's service."""
    import csv
    import io

    from django.core.files.base import ContentFile

    from tandem.participants.services import import_job_create

    made = _network(setup)
    organization = made["agencies"][0]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["external_id", "role", "given_name", "family_name", "email"]
        + ["preferred_language", "languages", "noc_code"]
    )
    batch = f"K{time.monotonic_ns()}"
    for n in range(KILL_DRILL_SIZE):
        writer.writerow(
            [f"{batch}-{n}", "mentee", "Kim", f"Drill{n}", f"kill{n}@example.org"]
            + ["fr", "fr;en", "21231"]
        )
    job = import_job_create(
        actor=made["staff"],
        organization=organization,
        upload=ContentFile(out.getvalue().encode(), name="drill.csv"),
    )
    return {"job": job.pk, "batch": batch, "organization": organization.pk}


def _import_stage(state: dict) -> str:
    from tandem.participants.models import ImportJob

    return ImportJob.objects.get(pk=state["job"]).status


def _import_outcome(state: dict) -> dict:
    from tandem.participants.models import ImportJob, Participant

    job = ImportJob.objects.get(pk=state["job"])
    people = Participant.objects.filter(external_id__startswith=f"{state['batch']}-")
    rows = people.count()
    distinct = people.values("external_id").distinct().count()
    return {
        "job_status": job.status,
        "created_count": job.created_count,
        "participants_written": rows,
        "duplicates": rows - distinct,
        "ok": job.status == "done" and rows == distinct == KILL_DRILL_SIZE,
    }


def _desk_run(setup: Setup) -> dict:
    """A program with KILL_DRILL_SIZE ready mentees and mentors, goal vectors stored, and a run
    started as the desk's button does."""
    from django.utils import timezone

    from tandem.matching.embeddings import goal_vectors_ensure
    from tandem.matching.services.runs import run_start
    from tandem.participants.models import Participant
    from tandem.programs.models import Enrolment
    from tandem.programs.services import program_create

    made = _network(setup)
    rng = made["rng"]
    program = program_create(
        actor=made["staff"],
        organization=made["lead"],
        slug=f"drill-desk-{time.monotonic_ns()}",
        name_en="Drill desk",
        name_fr="Jumelage d'exercice",
        kind="open_access",
    )
    goals = [
        f"Work as a {title} in Ottawa"
        for title in ("developer", "analyst", "engineer", "accountant", "nurse", "designer")
    ]
    people = Participant.objects.bulk_create(
        [
            Participant(
                organization=made["lead"],
                role=role,
                external_id=f"{program.slug}-{role}-{n}",
                given_name="Drill",
                family_name=f"{role}{n}",
                email=f"{role}{n}@{program.slug}.example",
                languages=rng.choice(["en", "fr;en", "en;es"]),
                occupation_id=rng.choice(made["codes"]),
                availability="mon-morning;tue-evening",
                goals=rng.choice(goals),
                capacity=rng.choice([1, 2]) if role == "mentor" else 1,
            )
            for role in ("mentee", "mentor")
            for n in range(KILL_DRILL_SIZE)
        ]
    )
    Enrolment.objects.bulk_create(
        [
            Enrolment(program=program, participant=p, side=p.role, ready_at=timezone.now())
            for p in people
        ]
    )
    goal_vectors_ensure(goals)  # what saving a profile does in the background
    run = run_start(actor=made["staff"], program=program)
    return {"run": run.pk, "program": program.pk}


def _run_stage(state: dict) -> str:
    from tandem.matching.models import ProposalRun

    run = ProposalRun.objects.get(pk=state["run"])
    return run.status if run.status != "running" else f"running/{run.stage}"


def _run_outcome(state: dict) -> dict:
    from django.db.models import Count

    from tandem.matching.models import Proposal, ProposalRun

    run = ProposalRun.objects.get(pk=state["run"])
    drafts = Proposal.objects.filter(program_id=state["program"], status="draft")
    twice = drafts.values("mentee_id").annotate(n=Count("pk")).filter(n__gt=1).count()
    return {
        "run_status": run.status,
        "matched_count": run.matched_count,
        "drafts": drafts.count(),
        "mentees_with_two_drafts": twice,
        "ok": run.status == "done" and drafts.count() == run.matched_count > 0 and twice == 0,
    }


def _funder_pdf(setup: Setup) -> dict:
    """The funder's PDF of the last closed fiscal year, asked for as the report page's button
    does. Funders read published years only: it is published first, as the worker does at the
    funder's first visit after March 31 (reports/snapshots.py)."""
    import datetime as dt

    from tandem.reports.selectors import fiscal_year
    from tandem.reports.services import report_run_create
    from tandem.reports.snapshots import closed_fiscal_years, funder_publish

    made = _network(setup)
    year = closed_fiscal_years()[0]
    funder_publish(actor=made["staff"], organization=made["lead"], year=year)
    run = report_run_create(
        actor=made["funder"],
        kind="funder",
        fmt="pdf",
        period=fiscal_year(dt.date(year, 4, 1)),
        language="fr",
        organization=made["lead"],
        in_background=True,
    )
    return {"run": run.pk}


def _pdf_stage(state: dict) -> str:
    """A funder's file reads the published figures (one row, milliseconds), then lays out the PDF
    (about a second and a half): a run that has been running for 0.4 s is in the layout."""
    from tandem.reports.models import ReportRun

    run = ReportRun.objects.get(pk=state["run"])
    if run.status != "running":
        return run.status
    since = state.setdefault("running_since", time.monotonic())
    return "running/pdf" if time.monotonic() - since >= 0.4 else "running"


def _pdf_outcome(state: dict) -> dict:
    from tandem.reports.models import ReportRun

    run = ReportRun.objects.get(pk=state["run"])
    head = run.file.open("rb").read(5) if run.file else b""
    folder = Path(run.file.path).parent if run.file else None
    files = sorted(p.name for p in folder.iterdir()) if folder else []
    return {
        "run_status": run.status,
        "file_starts_with": head.decode(errors="replace"),
        "files_for_the_run": files,
        "ok": run.status == "done" and head == b"%PDF-" and len(files) == 1,
    }


KILLS = {
    # name: (start the task, its stage now, the stage to kill it in, its outcome)
    "kill-import": (_import_job, _import_stage, "saving", _import_outcome),
    "kill-proposal-run": (_desk_run, _run_stage, "running/saving", _run_outcome),
    "kill-pdf": (_funder_pdf, _pdf_stage, "running/pdf", _pdf_outcome),
}
FINISHED = {"done", "failed", "rejected"}


def kill_mid_task(setup: Setup, name: str, *, lease: bool = True) -> dict:
    """The task's worker is killed with SIGKILL in the given stage; another worker starts. The
    work must complete exactly once in effect: no duplicate row, no second file, status done."""
    from django_tasks_db.models import DBTaskResult

    start, stage_of, kill_in, outcome_of = KILLS[name]
    setup.reset()
    state = start(setup)
    victim = setup.worker()
    seen: list[str] = []
    killed = False
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        stage = stage_of(state)
        if not seen or seen[-1] != stage:
            seen.append(stage)
        if stage == kill_in:
            victim.kill()  # kill -9 in the middle of the work: no clean-up at all
            victim.wait()
            killed = True
            break
        if stage in FINISHED:
            break
        time.sleep(0.02)
    killed_at = time.monotonic()
    after_kill = stage_of(state)
    env = {} if lease else {"TANDEM_TASK_LEASE_SECONDS": "100000"}
    setup.worker(**env)
    finished = wait_for(lambda: stage_of(state) in FINISHED, 120 if lease else 40, step=0.2)
    recovered = round(time.monotonic() - killed_at, 1) if finished else None
    time.sleep(1)
    setup.stop_workers()
    claims = [len(ids) for ids in DBTaskResult.objects.values_list("worker_ids", flat=True)]
    result = {
        "killed_in": kill_in if killed else None,
        "stages_seen": seen,
        "stage_after_kill": after_kill,
        "lease_seconds": 6 if lease else None,
        "seconds_from_kill_to_finished": recovered,
        "claims_per_task": claims,
        "final_tasks": dict(statuses()),
        **outcome_of(state),
    }
    result["ok"] = result["ok"] and killed
    if not lease:
        # The control proves the drill notices the fault: the worker was really killed in the
        # stage (the same real task, the same kill), and without the lease the work stays
        # unfinished, so the drill's check says "not ok". A control whose kill missed its stage
        # proves nothing and says so.
        result["control_valid"] = killed
        result["fault_caught"] = killed and not result["ok"] and recovered is None
    return result


# A backup taken while people work -----------------------------------------------------------


def backup_under_writes(setup: Setup, *, script: Path | None = None) -> dict:
    """scripts/backup.sh while rows are written every few milliseconds, then
    scripts/restore-drill.sh on what it wrote: the manifest's row counts must be the dump's."""
    import shutil

    script = script or ROOT / "scripts" / "backup.sh"
    pg = {"PGHOST": "127.0.0.1", "PGPORT": str(setup.port), "PGUSER": "postgres"}
    env = {**setup.env, **pg, "PGDATABASE": "tandem"}
    psql = ["psql", "-X", "-q", "-d", "tandem"]
    subprocess.run(  # noqa: S603
        [*psql, "-c", "create table if not exists drill_writes (id serial primary key)"],
        env=env,
        check=True,
    )
    # A writer of its own (as staff saving pages would be): one committed row every ~5 ms.
    writer = subprocess.Popen(  # noqa: S603
        [
            *psql,
            "-c",
            "do $$ begin for i in 1..200000 loop insert into drill_writes default values;"
            " commit; perform pg_sleep(0.005); end loop; end $$;",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    backups = setup.root / "backups"
    try:
        time.sleep(1)
        started = time.monotonic()
        made = subprocess.run(  # noqa: S603
            ["bash", str(script)],
            env={**env, "TANDEM_BACKUP_DIR": str(backups)},
            capture_output=True,
            text=True,
            check=True,
        )
        backup_seconds = round(time.monotonic() - started, 1)
    finally:
        writer.terminate()
        writer.wait()
    dest = made.stdout.strip().splitlines()[-1]
    restored = subprocess.run(  # noqa: S603
        ["bash", "scripts/restore-drill.sh", dest, str(free_port())],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if not k.startswith("PG")},
        capture_output=True,
        text=True,
    )
    written = subprocess.run(  # noqa: S603
        [*psql, "-At", "-c", "select count(*) from drill_writes"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    subprocess.run([*psql, "-c", "drop table drill_writes"], env=env, check=True)  # noqa: S603
    shutil.rmtree(backups, ignore_errors=True)
    verdict = restored.stdout.strip().splitlines()[-1] if restored.stdout.strip() else ""
    return {
        "script": str(script.relative_to(ROOT) if script.is_relative_to(ROOT) else script.name),
        "rows_written_meanwhile": int(written),
        "backup_seconds": backup_seconds,
        "restore_drill": [line for line in restored.stdout.splitlines() if line][-3:],
        "ok": restored.returncode == 0 and verdict.startswith("PASS"),
    }


def _backup_before_the_snapshot(setup: Setup) -> dict:
    """The backup script as it was before it shared one snapshot (its own git history): the dump
    and the counts were two reads, so a write in between made the restore drill fail."""
    folder = setup.root / "old" / "scripts"
    folder.mkdir(parents=True, exist_ok=True)
    old = subprocess.run(  # noqa: S603
        ["git", "show", "c7bb60c:scripts/backup.sh"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    (folder / "backup.sh").write_text(old)
    return backup_under_writes(setup, script=folder / "backup.sh")


# The production default of TANDEM_TASK_MAX_ATTEMPTS (config/settings.py): with a 30 s base
# doubling, the retries of a mail span about four hours, so an hour's outage loses nothing.
HOUR_ATTEMPTS = 10

DRILLS: dict[str, Callable[[Setup], dict]] = {
    "mail-outage": mail_outage,
    "kill-worker": kill_worker,
    "two-workers": two_workers,
    "pg-restart": pg_restart,
    "backup-under-writes": backup_under_writes,
    **{name: (lambda setup, name=name: kill_mid_task(setup, name)) for name in KILLS},
}
NEGATIVE: dict[str, Callable[[Setup], dict]] = {
    # The backup script before the shared snapshot: its manifest misses the rows written
    # between the dump and the counts, and the restore drill says FAIL.
    "backup-under-writes": _backup_before_the_snapshot,
    # Two attempts only: the outage outlasts the retries, so mail is lost (the drill notices).
    "mail-outage": lambda setup: mail_outage(setup, max_attempts=2),
    # No lease: the killed worker's task stays RUNNING and the mail is never sent.
    "kill-worker": lambda setup: kill_worker(setup, lease=False),
    # No lease: the killed worker's import, run or PDF stays "running" and never finishes.
    **{name: (lambda setup, name=name: kill_mid_task(setup, name, lease=False)) for name in KILLS},
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("drills", nargs="*", default=["all"])
    parser.add_argument("--port", type=int, default=54413)
    parser.add_argument("--negative", action="store_true")
    parser.add_argument(
        "--scale",
        choices=["drill", "hour"],
        default="drill",
        help="hour: mail-outage and two-workers at the issue's scale (an hour of real time each)",
    )
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument(
        "--control-only", action="store_true", help="run only the negative controls"
    )
    args = parser.parse_args()
    names = list(DRILLS) if args.drills == ["all"] else args.drills
    if args.scale == "hour":
        # The scale, with the production retry policy (30 s doubling) and the production
        # default number of attempts; the control keeps the attempts of the earlier default.
        DRILLS["mail-outage"] = lambda setup: mail_outage(
            setup, max_attempts=HOUR_ATTEMPTS, outage=3600, retry_base=30
        )
        NEGATIVE["mail-outage"] = lambda setup: mail_outage(
            setup, max_attempts=5, outage=3600, retry_base=30
        )
        DRILLS["two-workers"] = lambda setup: two_workers(setup, tasks=7200, spread=3600)
    setup = Setup(args.port)
    if args.scale == "hour":
        # Production heartbeat and lease too (the drill's 1 s / 6 s make a re-claim likelier).
        setup.env["TANDEM_WORKER_HEARTBEAT_SECONDS"] = "5"
        setup.env["TANDEM_TASK_LEASE_SECONDS"] = "60"
    results_file = args.results
    results = json.loads(results_file.read_text()) if results_file.exists() else {}
    try:
        setup.start()
        for name in names:
            if not args.control_only:
                started = time.monotonic()
                outcome = DRILLS[name](setup)
                outcome["drill_seconds"] = round(time.monotonic() - started, 1)
                outcome["load_average"] = os.getloadavg()
                outcome["measured_at"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
                results[name] = outcome
                print(name, json.dumps(outcome), flush=True)
            if (args.negative or args.control_only) and name in NEGATIVE:
                control = NEGATIVE[name](setup)
                control["load_average"] = os.getloadavg()
                control["measured_at"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
                control["ok_means"] = "the control shows the failure (expected: ok false)"
                results[f"{name} (negative control)"] = control
                print(f"{name} negative control", json.dumps(control), flush=True)
    finally:
        setup.close()
        results_file.parent.mkdir(exist_ok=True)
        results_file.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
