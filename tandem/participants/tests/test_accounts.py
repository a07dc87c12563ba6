"""Participants' own accounts: invited when a program accepts them, in bulk from the list, one
account per person."""

import re

from django.core import mail

from tandem.accounts.models import Invitation
from tandem.core.tests.cast import make_participant, make_user
from tandem.programs.tests.factories import make_program
from tandem.referrals.models import DecisionOutcome, Referral
from tandem.referrals.services import referral_decide

LINK = re.compile(r"https?://\S+?(/\w\w/invitations/[\w-]+/)")


def test_an_accepted_mentee_is_invited_in_french_and_her_account_links_every_record(
    client, home, run_worker
):
    program = make_program(home.organization, home.staff, slug="cmp")
    client_record = make_participant(
        home.organization, email="amina@example.org", preferred_language="fr"
    )
    second_record = make_participant(home.organization, email="Amina@example.org", role="mentor")
    referral = Referral.objects.create(participant=client_record, program=program)
    referral_decide(
        actor=home.staff,
        referral=referral,
        outcome=DecisionOutcome.ACCEPTED,
        unmet_criteria=[],
        note="",
    )
    run_worker()
    (invitation_mail,) = [m for m in mail.outbox if "invitations/" in m.body]
    assert invitation_mail.to == ["amina@example.org"]
    assert "Créez votre compte Tandem" in invitation_mail.subject
    path = LINK.search(invitation_mail.body).group(1)
    assert path.startswith("/fr/")
    response = client.post(
        path,
        {
            "given_name": "Amina",
            "family_name": "Diallo",
            "password1": "Un-mot-de-passe-long",
            "password2": "Un-mot-de-passe-long",
        },
    )
    assert response.status_code == 302
    client_record.refresh_from_db()
    second_record.refresh_from_db()
    assert client_record.user is not None and client_record.user == second_record.user
    assert client_record.user.preferred_language == "fr"


def test_staff_invite_in_bulk_and_outsiders_cannot(client, home, elsewhere, run_worker, no_mfa):
    people = [make_participant(home.organization) for _ in range(3)]
    make_participant(home.organization, email=home.mentee_user.email)  # has an account
    client.force_login(home.staff)
    url = f"/en/participants/organization/{home.organization.slug}/accounts/"
    page = client.get(url)
    assert page.status_code == 200 and people[0].email in page.content.decode()
    response = client.post(url, {"scope": "all"}, follow=True)
    assert "Invitations sent: 3. Linked to an existing account: 1." in response.content.decode()
    client.post(url, {"participant": [people[0].pk]})  # already invited: not sent twice
    run_worker()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    client.post(url, {"participant": [people[0].pk], "resend": "on"})
    run_worker()
    assert len(mail.outbox) == 4
    assert Invitation.objects.filter(email=people[0].email, withdrawn_at__isnull=True).count() == 1
    client.force_login(elsewhere.staff)
    assert client.get(url).status_code == 404
    assert client.post(url, {"scope": "all"}).status_code == 404


def test_a_verified_public_application_joins_the_account_the_address_has(home, db):
    from tandem.referrals.models import PublicApplication
    from tandem.referrals.services import application_start, application_verify

    person = make_user("mentor@example.org")
    program = make_program(home.organization, home.staff, slug="cmp")
    token = application_start(
        kind="mentor",
        program=program,
        data={
            "given_name": "Jean",
            "family_name": "Roy",
            "email": "MENTOR@example.org",
            "preferred_language": "fr",
            "languages": "fr",
            "noc_code": home.mentee.occupation_id,
            "years_experience": 5,
        },
    )
    application = application_verify(token=token)
    assert isinstance(application, PublicApplication)
    assert application.referral.participant.user == person
