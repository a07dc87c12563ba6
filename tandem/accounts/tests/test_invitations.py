"""Invitations: the first platform admin, staff invited with a role, links that work once and
expire, asking for a link without learning who has an account."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from tandem.accounts import services
from tandem.accounts.models import Invitation, User
from tandem.core.tests.cast import make_participant, make_user
from tandem.organizations.models import Membership, Role

PASSWORD = "Correct-horse-battery-9"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
LINK = re.compile(r"https?://\S+/invitations/[\w-]+/")


def link_in(message) -> str:
    found = LINK.search(message.body)
    assert found is not None, message.body
    return "/" + found.group(0).split("/", 3)[3]


def accept(client, path: str, **extra):
    data = {
        "given_name": "Ana",
        "family_name": "Tremblay",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **extra,
    }
    return client.post(path, data)


def test_the_first_platform_admin_comes_from_a_printed_one_time_link(client, db):
    out = StringIO()
    call_command("create_platform_admin", "--email", "Root@Example.org", stdout=out)
    path = "/" + LINK.search(out.getvalue()).group(0).split("/", 3)[3]
    assert "Create your account" in client.get(path).content.decode()
    response = accept(client, path)
    assert response.status_code == 302
    admin = User.objects.get(email="root@example.org")
    assert admin.is_platform_admin and admin.check_password(PASSWORD)
    # Platform admins see every record: their second factor comes first.
    assert client.get("/en/organizations/setup/")["Location"] == "/en/accounts/2fa/totp/activate/"
    client.logout()
    used = client.get(path)
    assert used.status_code == 410
    assert "already accepted" in used.content.decode()


def test_an_unknown_link_gets_a_page_with_a_way_forward(client, db):
    response = client.get("/fr/invitations/not-a-token/")
    assert response.status_code == 410
    assert "/fr/invitations/request/" in response.content.decode()


def test_staff_are_invited_in_their_language_and_accepting_gives_the_role(
    client, home, run_worker, settings
):
    settings.TANDEM_MFA_REQUIRED = True
    client.force_login(home.admin)
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(home.admin, generate_totp_secret())
    response = client.post(
        f"/en/organizations/{home.organization.slug}/people/",
        {"email": "new.caseworker@example.org", "role": Role.CASEWORKER, "language": "fr"},
    )
    assert response.status_code == 302
    run_worker()
    (message,) = mail.outbox
    assert message.to == ["new.caseworker@example.org"]
    assert "On vous invite à vous joindre à" in message.body
    assert "Bonjour" in message.body
    assert "/fr/invitations/" in message.body
    invitation = Invitation.objects.get(email="new.caseworker@example.org")
    token = link_in(message).rstrip("/").split("/")[-1]
    assert invitation.token_hash == services.token_hash(token)  # only the hash is kept
    client.logout()
    response = accept(client, link_in(message))
    assert response.status_code == 302
    person = User.objects.get(email="new.caseworker@example.org")
    assert person.preferred_language == "fr"
    assert Membership.objects.filter(
        user=person, organization=home.organization, role=Role.CASEWORKER, is_active=True
    ).exists()
    # A caseworker opens client records: the second factor is set up before anything else.
    assert client.get("/fr/")["Location"] == "/fr/accounts/2fa/totp/activate/"


def test_inviting_someone_who_already_has_the_role_says_so(client, home, no_mfa):
    client.force_login(home.admin)
    response = client.post(
        f"/en/organizations/{home.organization.slug}/people/",
        {"email": home.caseworker.email.upper(), "role": Role.CASEWORKER, "language": "en"},
    )
    assert response.status_code == 200
    assert "is already a member" in response.content.decode()
    assert not Invitation.objects.exists()


def test_a_sent_again_invitation_kills_the_old_link_and_an_old_one_expires(
    client, home, run_worker
):
    invitation = services.staff_invite(
        actor=home.admin,
        organization=home.organization,
        email="coach@example.org",
        role=Role.PROGRAM_STAFF,
        language="en",
    )
    run_worker()
    first = link_in(mail.outbox[-1])
    services.invitation_resend(actor=home.admin, invitation=invitation)
    run_worker()
    second = link_in(mail.outbox[-1])
    assert len(mail.outbox) == 2 and first != second
    assert client.get(first).status_code == 410
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    response = client.get(second)
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert accept(client, second).status_code == 410
    assert not User.objects.filter(email="coach@example.org").exists()


def test_a_mismatched_or_weak_password_is_refused_and_nothing_is_lost(client, home, run_worker):
    services.staff_invite(
        actor=home.admin,
        organization=home.organization,
        email="coach@example.org",
        role=Role.PROGRAM_STAFF,
        language="en",
    )
    run_worker()
    path = link_in(mail.outbox[-1])
    response = accept(client, path, password2="something-else-entirely")
    assert response.status_code == 200
    assert "Tremblay" in response.content.decode()  # what was typed is kept
    assert accept(client, path, password1="12345", password2="12345").status_code == 200
    assert not User.objects.filter(email="coach@example.org").exists()


def test_someone_with_an_account_signs_in_to_accept(client, home, elsewhere, run_worker, no_mfa):
    services.staff_invite(
        actor=home.admin,
        organization=home.organization,
        email=elsewhere.caseworker.email,
        role=Role.CASEWORKER,
        language="en",
    )
    run_worker()
    path = link_in(mail.outbox[-1])
    assert "Sign in with it" in client.get(path).content.decode()
    client.force_login(home.caseworker)  # not the invited person
    assert client.post(path).status_code == 200
    assert not Membership.objects.filter(user=elsewhere.caseworker, organization=home.organization)
    client.force_login(elsewhere.caseworker)
    assert client.post(path).status_code == 302
    assert Membership.objects.filter(user=elsewhere.caseworker, organization=home.organization)


def test_asking_for_a_link_never_tells_who_has_an_account(client, home, run_worker):
    make_participant(home.organization, email="client@example.org", preferred_language="fr")
    answers = [
        CSRF.sub("", client.post("/en/invitations/request/", {"email": email}).content.decode())
        for email in ("nobody@example.org", home.caseworker.email, "client@example.org")
    ]
    assert answers[0] == answers[1] == answers[2]
    run_worker()
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {home.caseworker.email, "client@example.org"}
    assert "/accounts/password/reset/" in by_address[home.caseworker.email].body
    assert "/fr/invitations/" in by_address["client@example.org"].body


def test_sign_up_is_replaced_by_the_ways_to_get_an_account(client, db):
    response = client.get("/en/accounts/signup/")
    assert "Accounts come with an invitation" in response.content.decode()
    assert "/en/invitations/request/" in response.content.decode()
    assert "/en/invitations/request/" in client.get("/en/accounts/login/").content.decode()


def test_participants_are_linked_or_invited_once_per_person(home, run_worker):
    existing = make_user("known@example.org")
    a = make_participant(home.organization, email="KNOWN@example.org")
    b = make_participant(home.organization, email="twice@example.org", role="mentor")
    c = make_participant(home.organization, email="twice@example.org")
    result = services.participants_invite(actor=home.staff, participants=[a, b, c])
    assert (result.linked, result.invited) == (1, 1)
    a.refresh_from_db()
    assert a.user == existing
    again = services.participants_invite(actor=home.staff, participants=[b, c])
    assert again.already == 2 and again.invited == 0
    run_worker()
    assert [m.to for m in mail.outbox] == [["twice@example.org"]]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_set_up_pages_answer_in_both_languages(client, home, platform_admin, no_mfa, language):
    client.force_login(platform_admin)
    for path in ("setup/", "setup/new/", f"{home.organization.slug}/edit/"):
        assert client.get(f"/{language}/organizations/{path}").status_code == 200


def test_a_name_with_a_line_break_or_a_nul_byte_is_refused_with_a_reason(client, home, run_worker):
    services.staff_invite(
        actor=home.admin,
        organization=home.organization,
        email="coach@example.org",
        role=Role.PROGRAM_STAFF,
        language="en",
    )
    run_worker()
    path = link_in(mail.outbox[-1])
    for name in ("Ana\r\nBcc: x", "Ana\x00", "Ana\tB"):
        response = accept(client, path, given_name=name)
        assert response.status_code == 200
        assert "Remove the line breaks" in response.content.decode(), repr(name)
    assert not User.objects.filter(email="coach@example.org").exists()
    assert accept(client, path).status_code == 302  # the same link still works


def test_the_user_model_refuses_control_characters_in_names(db):
    from django.core.exceptions import ValidationError

    user = User(email="x@example.org", first_name="Ana\n", last_name="Tremblay")
    with pytest.raises(ValidationError) as raised:
        user.full_clean(exclude=["password"])
    assert set(raised.value.message_dict) == {"first_name"}
