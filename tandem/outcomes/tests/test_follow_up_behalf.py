"""A follow-up answered by phone: staff record it on the person's behalf, the history says who
recorded it, how and when, and the mail (sent or not yet) can no longer be used."""

import pytest
from django.core import mail
from django.test import Client

from tandem.outcomes import services
from tandem.outcomes.models import EmploymentOutcome, FollowUp
from tandem.participants.models import OnBehalf

pytestmark = pytest.mark.django_db

ANSWER = {"channel": "phone", "status": "employed_in_field", "interviews_granted": "3"}


@pytest.fixture
def due(clock, lifecycle):
    """The mentorship closed three months ago: its 3-month follow-up is due, not yet mailed."""
    services.mentorship_close(
        actor=lifecycle.staff,
        mentorship=lifecycle.mentorship,
        kind="end_of_term",
        ended_on=clock.now().date(),
    )
    clock.advance(days=92)
    return FollowUp.objects.get(months=3)


def staff_client(lifecycle) -> Client:
    client = Client()
    client.force_login(lifecycle.staff)
    return client


def test_staff_record_a_follow_up_answer_given_by_phone(lifecycle, due, no_mfa):
    client = staff_client(lifecycle)
    person = f"/fr/outcomes/person/{due.participant_id}/"
    assert f"/outcomes/follow-ups/{due.pk}/on-behalf/" in client.get(person).content.decode()
    url = f"/fr/outcomes/follow-ups/{due.pk}/on-behalf/"
    assert "Consigner une réponse de suivi pour Amina Diallo" in client.get(url).content.decode()
    response = client.post(url, ANSWER)
    assert response.status_code == 302
    entry = EmploymentOutcome.objects.get()
    assert (entry.follow_up_id, entry.source, entry.status, entry.recorded_by) == (
        due.pk,
        "follow_up",
        "employed_in_field",
        lifecycle.staff,
    )
    note = OnBehalf.objects.get()
    assert (note.action, note.channel, note.recorded_by) == ("follow_up", "phone", lifecycle.staff)
    page = client.get(person).content.decode()
    assert "consigné par" in page and "en son nom" in page and "par téléphone" in page
    # Answered: the sweep does not mail it afterwards.
    mail.outbox.clear()
    assert services.followups_send_due() == 0
    assert not [m for m in mail.outbox if "/outcomes/follow-up/" in m.body]


def test_a_follow_up_already_answered_by_link_is_not_answered_twice(lifecycle, due, no_mfa):
    services.followup_send(follow_up_id=due.pk)
    FollowUp.objects.filter(pk=due.pk).update(token_hash=services.token_hash("the-link"))
    services.followup_answer(token="the-link", status="searching")
    response = staff_client(lifecycle).post(f"/en/outcomes/follow-ups/{due.pk}/on-behalf/", ANSWER)
    assert response.status_code == 200
    assert "This follow-up was already answered." in response.content.decode()
    assert EmploymentOutcome.objects.count() == 1 and not OnBehalf.objects.exists()


def test_the_link_sent_earlier_no_longer_works_once_staff_recorded_the_answer(
    lifecycle, due, no_mfa
):
    services.followup_send(follow_up_id=due.pk)
    FollowUp.objects.filter(pk=due.pk).update(token_hash=services.token_hash("the-link"))
    staff_client(lifecycle).post(f"/en/outcomes/follow-ups/{due.pk}/on-behalf/", ANSWER)
    assert Client().get("/en/outcomes/follow-up/the-link/").status_code == 410


def test_a_follow_up_months_away_is_not_recorded_yet(clock, lifecycle, no_mfa):
    services.mentorship_close(
        actor=lifecycle.staff,
        mentorship=lifecycle.mentorship,
        kind="end_of_term",
        ended_on=clock.now().date(),
    )
    later = FollowUp.objects.get(months=12)
    response = staff_client(lifecycle).post(
        f"/en/outcomes/follow-ups/{later.pk}/on-behalf/", ANSWER
    )
    assert "This follow-up is not due yet." in response.content.decode()
    assert not EmploymentOutcome.objects.exists()


def test_only_the_programs_staff_record_it(lifecycle, due, home, elsewhere, no_mfa):
    url = f"/en/outcomes/follow-ups/{due.pk}/on-behalf/"
    for user in (elsewhere.staff, lifecycle.mentee_user, home.funder):
        client = Client()
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, ANSWER).status_code == 404
    assert not EmploymentOutcome.objects.exists()
