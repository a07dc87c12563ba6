"""Sign-in: e-mail and password, a second factor for staff who see client records, lockout."""

import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from auditlog.models import LogEntry
from django.core import mail

from tandem.core.tests.cast import make_member, make_organization, make_user
from tandem.organizations.models import Role

PASSWORD = "a-long-test-password"


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time() // 30)))


@pytest.fixture
def staff(db):
    return make_member(make_organization("agency"), Role.CASEWORKER, email="case@example.org")


def test_a_mentee_signs_in_with_email_and_password(client, db):
    make_user("mentee@example.org")
    response = client.post(
        "/en/accounts/login/", {"login": "mentee@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/en/").status_code == 200
    assert "Welcome" in client.get("/en/").content.decode()


def test_staff_without_a_second_factor_are_sent_to_set_one_up(client, staff, settings):
    settings.TANDEM_MFA_REQUIRED = True
    client.force_login(staff)
    response = client.get("/en/organizations/agency/")
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/2fa/totp/activate/"


def test_a_mentee_is_not_asked_for_a_second_factor(client, db, settings):
    settings.TANDEM_MFA_REQUIRED = True
    client.force_login(make_user("mentee@example.org"))
    assert client.get("/en/me/").status_code == 200


def test_staff_with_totp_must_give_a_code_to_finish_signing_in(client, staff, settings):
    settings.TANDEM_MFA_REQUIRED = True
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)
    response = client.post("/en/accounts/login/", {"login": staff.email, "password": PASSWORD})
    assert response["Location"].endswith("/accounts/2fa/authenticate/")
    # Not signed in yet: the workspace still asks for sign-in.
    assert "/accounts/login/" in client.get("/en/organizations/agency/")["Location"]
    response = client.post(
        "/en/accounts/2fa/authenticate/",
        {"code": "000000" if current_code(secret) != "000000" else "111111"},
    )
    assert response.status_code == 200  # wrong code: the form again, with an error
    response = client.post("/en/accounts/2fa/authenticate/", {"code": current_code(secret)})
    assert response.status_code == 302
    assert client.get("/en/organizations/agency/").status_code == 200


def _fail(client, email: str, times: int) -> None:
    for _ in range(times):
        response = client.post(
            "/en/accounts/login/", {"login": email, "password": "wrong-password!"}
        )
        assert response.status_code == 200


def test_repeated_failures_lock_the_account(client, staff):
    _fail(client, staff.email, 5)
    response = client.post("/en/accounts/login/", {"login": staff.email, "password": PASSWORD})
    # The right password is refused once the account is locked: the form again, saying why.
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert not client.session.get("_auth_user_id")


def test_four_failures_do_not_lock_the_account(client, staff):
    """The control: the same right password, one failure fewer, signs in."""
    _fail(client, staff.email, 4)
    response = client.post("/en/accounts/login/", {"login": staff.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(staff.pk)


def test_password_reset_mail_is_queued_and_written_in_the_persons_language(client, db, run_worker):
    make_user("francophone@example.org", language="fr")
    response = client.post("/en/accounts/password/reset/", {"email": "francophone@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []  # queued, not sent by the request
    run_worker()
    assert len(mail.outbox) == 1
    assert (
        "mot de passe" in mail.outbox[0].subject.lower()
        or "mot de passe" in mail.outbox[0].body.lower()
    )


def test_changes_to_a_person_are_attributed(client, db):
    user = make_user("someone@example.org")
    client.force_login(user)
    client.post(
        "/en/me/", {"first_name": "Amina", "last_name": "Diallo", "preferred_language": "fr"}
    )
    user.refresh_from_db()
    assert user.preferred_language == "fr"
    entry = (
        LogEntry.objects.get_for_object(user)
        .filter(changes__icontains="preferred_language")
        .first()
    )
    assert entry is not None
    assert entry.actor == user
