"""Production set-up: secrets, client addresses, request ids, metrics, health, worker faults."""

import json
import logging
import os
import socket
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from django.conf import settings as django_settings
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from config.env import env_secret
from tandem.core.mail import EmlFileBackend, build_message, send_to_person
from tandem.core.models import WorkerHeartbeat
from tandem.core.tasks import deliver_mail
from tandem.core.tests.cast import make_user
from tandem.core.worker import beat, requeue_lost_tasks

ROOT = Path(django_settings.BASE_DIR)
PAYLOAD = {
    "subject": "Hello",
    "body": "Body",
    "from_email": "a@example.org",
    "to": ["b@example.org"],
}


# Secrets ------------------------------------------------------------------------------------


def test_a_secret_is_read_from_the_file_its_name_file_points_to(tmp_path, monkeypatch):
    secret = tmp_path / "key"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("TANDEM_X_FILE", str(secret))
    monkeypatch.delenv("TANDEM_X", raising=False)
    assert env_secret("TANDEM_X", "") == "from-a-file"
    monkeypatch.setenv("TANDEM_X", "also-in-env")
    with pytest.raises(ImproperlyConfigured, match="not both"):
        env_secret("TANDEM_X", "")


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TANDEM_") or k == "TANDEM_DB"}
    if os.environ.get("TANDEM_DB") == "postgres":
        # `check` reaches the server (the generated columns' checks ask its version): name a
        # database that exists there (the tests' own are created and dropped by pytest).
        clean["PGDATABASE"] = "postgres"
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
    )


def test_install_steps_run_on_a_production_host_without_debug_or_key():
    """`make install` compiles translations: it must not need a key (the issue's failure)."""
    assert _manage("compile_translations").returncode == 0


def test_production_takes_its_secret_key_from_a_file(tmp_path):
    key = tmp_path / "secret_key"
    key.write_text("k" * 60)
    result = _manage("check", TANDEM_SECRET_KEY_FILE=str(key), TANDEM_ALLOWED_HOSTS="x.org")
    assert result.returncode == 0, result.stderr
    assert _manage("check", TANDEM_ALLOWED_HOSTS="x.org").returncode != 0  # negative control


# The release command -------------------------------------------------------------------------


def test_release_prepares_everything_and_is_idempotent(transactional_db, settings, tmp_path):
    from django.core.cache import cache
    from django.core.management import call_command

    from tandem.reference.models import Occupation

    settings.STATIC_ROOT = tmp_path / "static"
    call_command("release", verbosity=0)
    occupations = Occupation.objects.count()
    assert occupations > 500
    assert (tmp_path / "static" / "admin").is_dir()
    cache.set("probe", 1)  # the cache table exists
    assert cache.get("probe") == 1
    call_command("release", verbosity=0)  # second run: nothing to do, nothing duplicated
    assert Occupation.objects.count() == occupations


# Deployment files ----------------------------------------------------------------------------


def test_the_compose_file_runs_commands_that_exist():
    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
    services = compose["services"]
    assert {"db", "release", "web", "worker", "proxy"} <= set(services)
    commands = {
        name: " ".join(service["command"]) if isinstance(service.get("command"), list) else ""
        for name, service in services.items()
    }
    assert "gunicorn" in commands["web"] and "config/gunicorn.conf.py" in commands["web"]
    assert "tandem_worker" in commands["worker"]
    assert "release" in commands["release"]
    from django.core.management import get_commands

    assert {"tandem_worker", "release"} <= set(get_commands())
    for path in ("deploy/Caddyfile", "Containerfile", "config/gunicorn.conf.py"):
        assert (ROOT / path).is_file(), path
    # The backup service runs the repository's script, mounted where its command looks.
    backup = services["backup"]
    mounted = dict(volume.split(":")[:2] for volume in backup["volumes"])
    script = backup["working_dir"] + "/" + backup["command"][0]
    assert mounted["../scripts"] + "/backup.sh" == script and (ROOT / "scripts/backup.sh").is_file()
    for service in ("db", "release"):
        assert service in str(services["web"]["depends_on"])


def _compose_checked(text: str):
    """The compose file read as Compose reads it (YAML merge keys resolved, `x-` blocks are
    extensions), then validated against the Compose Specification (compose-spec). There is no
    Docker or Podman on the development machines or CI: this is the check the file gets."""
    from compose_spec import PyCompose

    data = {k: v for k, v in yaml.safe_load(text).items() if not k.startswith("x-")}
    return PyCompose.from_json(json.dumps(data)).to_spec()


def test_the_compose_file_follows_the_compose_specification():
    text = (ROOT / "deploy" / "compose.yaml").read_text()
    spec = _compose_checked(text)
    assert spec.services["web"].depends_on["release"].condition.value == (
        "service_completed_successfully"
    )
    assert set(spec.services["worker"].secrets) == {"secret_key", "db_password"}
    # Negative control: the same file with one misspelt value is refused.
    with pytest.raises(ValueError, match="service_healty"):
        _compose_checked(text.replace("service_healthy}", "service_healty}", 1))


def test_gunicorn_keeps_the_loaded_app_out_of_full_garbage_collections():
    import gc
    import runpy
    from types import SimpleNamespace

    config = runpy.run_path(str(ROOT / "config" / "gunicorn.conf.py"))
    assert config["preload_app"]
    thresholds = gc.get_threshold()
    try:
        config["when_ready"](None)  # the master, after the preload, before forking
        assert gc.get_freeze_count() > 10_000
        assert gc.get_threshold() == config["GC_THRESHOLDS"]
        gc.unfreeze()
        worker = SimpleNamespace(nr=config["WARM_REQUESTS"] - 1)
        config["post_request"](worker, None, {}, None)
        assert gc.get_freeze_count() == 0  # not yet: the worker's caches are still filling
        worker.nr += 2  # two threads passed the mark together
        config["post_request"](worker, None, {}, None)
        assert gc.get_freeze_count() > 10_000 and worker.tandem_frozen
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)


def test_the_systemd_units_run_the_same_commands():
    units = {p.name: p.read_text() for p in (ROOT / "deploy" / "systemd").glob("*.service")}
    assert "gunicorn -c config/gunicorn.conf.py config.wsgi" in units["tandem-web.service"]
    assert "manage.py tandem_worker" in units["tandem-worker@.service"]
    assert "manage.py release" in units["tandem-release.service"]


def _queues_served(command: str) -> set[str]:
    words = command.replace("'", "").split()
    if "tandem_worker" not in words:
        return set()
    if "--queue-name" not in words:
        return {"default"}
    return set(words[words.index("--queue-name") + 1].split(","))


def test_every_task_queue_has_a_worker_and_reports_have_their_own():
    """A task on a queue no worker serves waits for ever; the funder PDF must not wait behind
    mail, so the reports queue has a worker that serves nothing else (issue 18)."""
    from django.conf import settings

    from tandem.reports.tasks import build_report

    queues = set(settings.TASKS["default"]["QUEUES"])
    assert build_report.queue_name == "reports" and "reports" in queues
    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())["services"]
    systemd = ROOT / "deploy" / "systemd"
    dropin = (systemd / "tandem-worker@reports.service.d" / "queue.conf").read_text()
    for served in (
        [_queues_served(" ".join(s.get("command") or [])) for s in compose.values()],
        [
            _queues_served(line)
            for text in (dropin, (systemd / "tandem-worker@.service").read_text())
            for line in text.splitlines()
            if line.startswith("ExecStart=/")
        ],
        [_queues_served(line) for line in (ROOT / "Procfile").read_text().splitlines()],
    ):
        everything = set().union(*served)
        assert "*" in everything or queues <= everything
    assert {"reports"} in [
        _queues_served(" ".join(s.get("command") or [])) for s in compose.values()
    ]
    assert [
        _queues_served(line) for line in dropin.splitlines() if line.startswith("ExecStart=/")
    ] == [{"reports"}]


# Client addresses behind a proxy -------------------------------------------------------------


def _sign_in_failures(client, count: int, *, via_proxy: bool) -> list[int]:
    """Failed sign-ins from `count` people behind one proxy; 429 for each one refused by a limit.

    (allauth answers the per-address failure limit with the form and an error, not a 429.)
    """
    codes = []
    for n in range(count):
        headers = {"REMOTE_ADDR": "10.0.0.2"}
        if via_proxy:
            headers["HTTP_X_FORWARDED_FOR"] = f"203.0.113.{n + 1}"
        response = client.post(
            "/en/accounts/login/",
            {"login": f"nobody{n}@example.org", "password": "wrong-password"},
            **headers,
        )
        refused = response.status_code == 429 or b"Too many failed" in response.content
        codes.append(429 if refused else response.status_code)
    return codes


def test_behind_a_trusted_proxy_sign_in_limits_count_per_client(client, db, settings):
    settings.TANDEM_TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert 429 not in _sign_in_failures(client, 25, via_proxy=True)


def test_without_the_trusted_proxy_setting_the_proxy_shares_one_limit(client, db, settings):
    """Negative control: the forwarded address is ignored, so everyone counts as the proxy."""
    settings.TANDEM_TRUSTED_PROXIES = []
    assert 429 in _sign_in_failures(client, 25, via_proxy=True)


def test_a_forged_forwarded_address_from_an_untrusted_peer_is_ignored(rf, settings):
    from tandem.core.middleware import ClientAddressMiddleware

    settings.TANDEM_TRUSTED_PROXIES = ["10.0.0.0/8"]
    seen = {}
    middleware = ClientAddressMiddleware(
        lambda request: seen.update(ip=request.META["REMOTE_ADDR"])
    )
    middleware(rf.get("/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="1.2.3.4"))
    assert seen["ip"] == "198.51.100.7"
    middleware(rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 10.0.0.9"))
    assert seen["ip"] == "1.2.3.4"


# Logs, metrics, health -----------------------------------------------------------------------


def test_each_request_gets_an_id_in_its_json_log_line(client, db, caplog):
    from pythonjsonlogger.json import JsonFormatter

    from tandem.core.logs import RequestIdFilter

    logging.getLogger("tandem.access").setLevel(logging.INFO)
    with caplog.at_level(logging.INFO, logger="tandem.access"):
        response = client.get("/health")
    record = next(r for r in caplog.records if r.name == "tandem.access")
    RequestIdFilter().filter(record)  # as the console handler does
    line = json.loads(JsonFormatter("%(levelname)s %(message)s %(request_id)s").format(record))
    assert line["status"] == 200 and line["path"] == "/health" and "duration_ms" in line
    assert response["X-Request-ID"]


def test_metrics_answer_admins_and_the_token_only(client, db, settings):
    settings.TANDEM_METRICS_TOKEN = "scrape-token-123"
    deliver_mail.enqueue(PAYLOAD)
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-token-123")
    assert response.status_code == 200
    text = response.content.decode()
    assert 'tandem_tasks{status="READY"} 1.0' in text
    for name in (
        "tandem_request_duration_seconds_bucket",
        "tandem_queue_oldest_ready_seconds",
        "tandem_task_failures_total",
        "tandem_mail_sent_total",
        "tandem_workers_alive",
    ):
        assert name in text, name
    client.force_login(make_user("root@example.org", superuser=True))
    assert client.get("/metrics").status_code == 200


def test_worker_health_needs_a_live_worker_and_a_fresh_queue(client, db, settings):
    assert client.get("/health/worker").status_code == 503  # no worker yet
    beat("w1", queues="default", started_at=timezone.now(), tasks_run=0)
    assert client.get("/health/worker").status_code == 200
    task = deliver_mail.enqueue(PAYLOAD)
    DBTaskResult.objects.filter(pk=task.id).update(
        enqueued_at=timezone.now() - timedelta(seconds=settings.TANDEM_QUEUE_MAX_AGE_SECONDS + 5)
    )
    body = client.get("/health/worker").json()
    assert body["status"] == "unavailable" and body["queue_oldest_seconds"] > 300
    assert client.get("/health").json()["workers_alive"] == 1  # the web check stays 200


# Worker faults ------------------------------------------------------------------------------


def _claimed_by(worker_id: str, *, minutes_ago: int, claims: int = 1) -> str:
    task = deliver_mail.enqueue(PAYLOAD)
    DBTaskResult.objects.filter(pk=task.id).update(
        status="RUNNING",
        started_at=timezone.now() - timedelta(minutes=minutes_ago),
        worker_ids=[f"{worker_id}-{n}" for n in range(claims - 1)] + [worker_id],
    )
    return task.id


def test_a_task_whose_worker_died_is_run_again_once(run_worker):
    lost = _claimed_by("killed-worker", minutes_ago=5)
    run_worker()
    assert DBTaskResult.objects.get(pk=lost).status == "SUCCESSFUL"
    assert [m.subject for m in mail.outbox] == ["Hello"]


def test_a_task_of_a_live_worker_is_left_alone(run_worker):
    """Negative control: the lease only takes back tasks whose worker stopped beating."""
    beat("busy-worker", queues="default", started_at=timezone.now(), tasks_run=0)
    running = _claimed_by("busy-worker", minutes_ago=5)
    recent = _claimed_by("killed-worker", minutes_ago=0)  # inside its lease
    run_worker()
    assert DBTaskResult.objects.get(pk=running).status == "RUNNING"
    assert DBTaskResult.objects.get(pk=recent).status == "RUNNING"
    assert mail.outbox == []


def test_a_task_that_keeps_losing_its_worker_is_failed(db, settings):
    poison = _claimed_by("w", minutes_ago=5, claims=settings.TANDEM_TASK_MAX_CLAIMS)
    assert requeue_lost_tasks() == 1
    result = DBTaskResult.objects.get(pk=poison)
    assert result.status == "FAILED" and "WorkerLost" in result.exception_class_path


def test_the_worker_removes_its_heartbeat_when_it_stops(run_worker):
    run_worker()
    assert not WorkerHeartbeat.objects.exists()


class _SilentServer:
    """An SMTP server that accepts connections and never says a word."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.clients: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                self.clients.append(self.sock.accept()[0])
            except OSError:
                return

    def close(self) -> None:
        for client in self.clients:
            client.close()
        self.sock.close()


def _smtp(settings, port: int, timeout: float | None) -> None:
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": timeout},
        }
    }


def test_a_mail_server_that_never_answers_does_not_hold_the_worker(run_worker, settings):
    server = _SilentServer()
    try:
        _smtp(settings, server.port, timeout=1)
        settings.TANDEM_TASK_RETRY_BASE_SECONDS = 3600
        send_to_person(
            email="b@example.org", language="en", template="core/mail/test", context={"name": "Ada"}
        )
        run_worker()  # returns: the attempt timed out and a retry was queued for later
        statuses = sorted(DBTaskResult.objects.values_list("status", flat=True))
        assert statuses == ["READY", "SUCCESSFUL"]
    finally:
        server.close()


def test_without_a_timeout_the_silent_server_holds_the_sender(settings):
    """Negative control: the same send without a timeout is still waiting after 3 seconds."""
    server = _SilentServer()
    _smtp(settings, server.port, timeout=None)
    sender = threading.Thread(target=lambda: _try_send(), daemon=True)
    sender.start()
    sender.join(3)
    try:
        assert sender.is_alive()
    finally:
        server.close()
        sender.join(5)


def _try_send() -> None:
    try:
        build_message(PAYLOAD).send()
    except Exception:  # noqa: BLE001, S110 - the server closing at the end is expected
        pass


# Sessions during a write lock ----------------------------------------------------------------


@pytest.fixture
def signed_in(client, db, no_mfa):
    client.force_login(make_user("staff@example.org"))
    client.get("/en/")  # the session's expiry was just moved
    return client


def _locked(monkeypatch) -> None:
    """The session row cannot be written (what SQLite says while another process holds the lock)."""
    from django.contrib.sessions.models import Session

    def locked(self, *args, **kwargs):
        raise DatabaseError("database is locked")

    monkeypatch.setattr(Session, "save", locked)


def test_signed_in_pages_are_served_while_the_session_cannot_be_written(
    signed_in, monkeypatch, settings
):
    settings.SESSION_REFRESH_SECONDS = 0  # every page tries to move the expiry
    _locked(monkeypatch)
    assert signed_in.get("/en/").status_code == 200


def test_a_real_session_change_still_fails_loudly_when_it_cannot_be_written(rf, db, monkeypatch):
    """Negative control: only the idle-timeout refresh may be skipped, never a real change."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.exceptions import SessionInterrupted
    from django.http import HttpResponse

    from tandem.core.middleware import SessionMiddleware

    middleware = SessionMiddleware(lambda request: HttpResponse())
    request = rf.get("/")
    request.session = SessionStore()
    request.session["cart"] = 1
    request.session.save()
    request.session["cart"] = 2  # a real change that has to be saved
    _locked(monkeypatch)
    with pytest.raises(SessionInterrupted):
        middleware.process_response(request, HttpResponse())


# Development mail --------------------------------------------------------------------------


def test_demo_mail_is_one_eml_file_per_message_named_by_recipient_and_subject(tmp_path):
    backend = EmlFileBackend(file_path=str(tmp_path))
    first = build_message({**PAYLOAD, "subject": "Your introduction", "to": ["amira@example.org"]})
    second = build_message({**PAYLOAD, "subject": "Your introduction", "to": ["amira@example.org"]})
    assert backend.send_messages([first, second]) == 2
    names = sorted(path.name for path in tmp_path.iterdir())
    assert len(names) == 2 and all(n.endswith(".eml") for n in names)
    assert "amira-example-org-your-introduction" in names[0]
    assert b"Subject: Your introduction" in (tmp_path / names[0]).read_bytes()


# A full disk for uploads ----------------------------------------------------------------------


@pytest.fixture
def full_disk(tmp_path, settings):
    """A real full file system (a 64 KiB tmpfs filled up) as MEDIA_ROOT; needs root to mount."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root")
    mount = tmp_path / "media"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)]).returncode:  # noqa: S603, S607
        pytest.skip("mount refused")
    try:
        with open(mount / "filler", "wb") as filler:
            try:
                filler.write(b"\0" * 128 * 1024)
            except OSError:
                pass
        settings.MEDIA_ROOT = str(mount)
        from django.core.files.storage import storages

        storages._storages.pop("default", None)  # noqa: SLF001 - rebuilt on the new MEDIA_ROOT
        yield mount
    finally:
        subprocess.run(["umount", str(mount)])  # noqa: S603, S607
        storages._storages.pop("default", None)  # noqa: SLF001


def test_an_upload_to_a_full_disk_is_refused_clearly_and_nothing_else_breaks(
    client, home, no_mfa, full_disk
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tandem.participants.models import Resume

    client.force_login(home.caseworker)
    page = f"/en/participants/{home.mentee.pk}/"
    response = client.post(
        f"/en/participants/{home.mentee.pk}/resumes/",
        {"file": SimpleUploadedFile("cv.pdf", b"%PDF-1.4\n" + b"x" * 200_000 + b"\n%%EOF\n")},
        HTTP_REFERER=f"http://testserver{page}",
        follow=True,
    )
    assert response.redirect_chain[-1][0].endswith(page)
    assert "storage for files is full" in response.content.decode()
    assert not Resume.objects.exists()  # the record went with the file
    assert client.get("/en/").status_code == 200  # the rest of the site carries on
