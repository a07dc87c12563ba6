"""Health, background work, languages, security headers and production settings."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django_tasks_db.models import DBTaskResult

from tandem.core.mail import send_to_person
from tandem.core.tasks import deliver_mail, retry_delay
from tandem.core.tests.cast import make_user


def test_health_answers_200_with_database_and_queue(client, db):
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok" and body["queue"] == "ok"


def test_health_answers_503_when_the_queue_is_unreachable(client, db, monkeypatch):
    def broken(self):
        raise RuntimeError("queue table unavailable")

    monkeypatch.setattr(type(DBTaskResult.objects), "ready", broken)
    response = client.get("/health")
    assert response.status_code == 503
    assert response.json()["queue"] == "unavailable"


def test_a_task_runs_through_the_real_worker(run_worker):
    result = deliver_mail.enqueue(
        {
            "subject": "Hello",
            "body": "Body",
            "from_email": "a@example.org",
            "to": ["b@example.org"],
            "alternatives": [],
        }
    )
    assert DBTaskResult.objects.get(id=result.id).status == "READY"
    run_worker()
    assert DBTaskResult.objects.get(id=result.id).status == "SUCCESSFUL"
    assert [m.subject for m in mail.outbox] == ["Hello"]


class FlakyBackend(BaseEmailBackend):
    """A mail server that refuses the first `failures` connections."""

    failures = 0

    def send_messages(self, messages):
        if FlakyBackend.failures > 0:
            FlakyBackend.failures -= 1
            raise ConnectionRefusedError("mail server down")
        mail.outbox.extend(messages)
        return len(messages)


@pytest.fixture
def flaky_mail(settings):
    settings.MAILERS = {"default": {"BACKEND": "tandem.core.tests.test_platform.FlakyBackend"}}
    settings.TANDEM_TASK_RETRY_BASE_SECONDS = 0
    yield FlakyBackend
    FlakyBackend.failures = 0


def test_the_worker_retries_mail_until_the_server_answers(run_worker, flaky_mail):
    flaky_mail.failures = 2
    send_to_person(
        email="b@example.org", language="en", template="core/mail/test", context={"name": "Ada"}
    )
    run_worker()
    assert len(mail.outbox) == 1
    assert DBTaskResult.objects.count() == 3  # two failed attempts re-enqueued, the third delivered


def test_the_worker_gives_up_after_the_last_attempt(run_worker, flaky_mail, settings):
    settings.TANDEM_TASK_MAX_ATTEMPTS = 2
    flaky_mail.failures = 5
    send_to_person(
        email="b@example.org", language="en", template="core/mail/test", context={"name": "Ada"}
    )
    run_worker()
    assert mail.outbox == []
    assert list(DBTaskResult.objects.order_by("enqueued_at").values_list("status", flat=True)) == [
        "SUCCESSFUL",
        "FAILED",
    ]


def test_retry_delays_grow_exponentially(settings):
    settings.TANDEM_TASK_RETRY_BASE_SECONDS = 30
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert retry_delay(30).total_seconds() == 6 * 3600


def test_mail_is_rendered_in_the_recipients_language(run_worker):
    send_to_person(
        email="fr@example.org", language="fr", template="core/mail/test", context={"name": "Ada"}
    )
    send_to_person(
        email="en@example.org", language="en", template="core/mail/test", context={"name": "Ada"}
    )
    run_worker()
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert by_recipient["fr@example.org"].subject == "Message d’essai de Tandem"
    assert by_recipient["en@example.org"].subject == "Tandem test message"
    assert "Bonjour Ada" in by_recipient["fr@example.org"].body


def test_french_pages_are_in_french(client, db):
    body = client.get("/fr/").content.decode()
    assert 'lang="fr"' in body and "Passer au contenu principal" in body


def test_switching_language_is_remembered_for_a_signed_in_person(client, db):
    user = make_user("person@example.org")
    client.force_login(user)
    response = client.post("/language", {"language": "fr", "next": "/en/me/"})
    assert response.status_code == 302 and response["Location"] == "/fr/me/"
    assert response.cookies[django_settings.LANGUAGE_COOKIE_NAME].value == "fr"
    user.refresh_from_db()
    assert user.preferred_language == "fr"


def test_switching_language_never_redirects_to_another_site(client, db):
    response = client.post("/language", {"language": "fr", "next": "https://evil.example.com/"})
    assert response["Location"] == "/fr/"


def test_pages_carry_security_headers(client, db):
    response = client.get("/en/")
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_production_settings_pass_the_deployment_check():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "TANDEM_DEBUG": "0",
        "TANDEM_SECRET_KEY": "a" * 20 + "production-secret-key-with-enough-entropy-3f9c",
        "TANDEM_ALLOWED_HOSTS": "tandem.example.org",
        "TANDEM_MAIL": "smtp",
    }
    if os.environ.get("TANDEM_DB") == "postgres":
        # The checks of the generated columns ask the server its version: name a database that
        # exists on the test server (the tests' own are created and dropped by pytest).
        env["PGDATABASE"] = "postgres"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {**os.environ, "TANDEM_DEBUG": "0", "TANDEM_SECRET_KEY": ""}
    if os.environ.get("TANDEM_DB") == "postgres":
        env["PGDATABASE"] = "postgres"  # `check` reaches the server: a database that exists
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check"],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "TANDEM_SECRET_KEY" in result.stderr


def test_the_navigation_shows_each_person_what_concerns_them(client, home, no_mfa):
    client.force_login(home.staff)
    staff_nav = client.get("/en/").content.decode().split("</nav>")[0]
    assert "/en/referrals/" in staff_nav and "/en/matching/" in staff_nav
    # A caseworker runs no program: she follows her clients from the home, not the desk.
    client.force_login(home.caseworker)
    caseworker_nav = client.get("/en/").content.decode().split("</nav>")[0]
    assert "/en/referrals/" in caseworker_nav and "/en/matching/" not in caseworker_nav
    client.force_login(home.mentee_user)
    mentee_nav = client.get("/en/").content.decode().split("</nav>")[0]
    assert "/en/referrals/" not in mentee_nav and "/en/matching/" in mentee_nav
    client.force_login(home.funder)
    funder_nav = client.get("/en/").content.decode().split("</nav>")[0]
    assert "/en/referrals/" not in funder_nav and "/en/matching/" not in funder_nav
