"""Consent per purpose: given or withdrawn on the person's page or recorded by staff, kept in
a history, and effective at once everywhere that depends on it (one test per dependency)."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tandem.core import consent
from tandem.core.tests.cast import make_user
from tandem.matching.models import ProfileSharing
from tandem.matching.services.publishing import shared_profile
from tandem.outcomes import services as outcomes
from tandem.outcomes.models import ContactConsent, EmploymentOutcome
from tandem.participants.access import can_see_accommodations
from tandem.participants.services import accommodation_save
from tandem.privacy.models import Consent, ConsentChannel, Purpose
from tandem.privacy.purposes import purposes_sync

pytestmark = pytest.mark.django_db


def choose(client: Client, person, code: str, *, given: bool, channel: str = ""):
    data = {"purpose": code, f"{code}-purpose": code, f"{code}-given": "yes" if given else "no"}
    if channel:
        data[f"{code}-channel"] = channel
    return client.post(reverse("privacy:consent", args=[person.pk]), data)


def test_the_purposes_are_data_with_a_notice_in_each_language_and_a_version():
    purposes = {p.code: p for p in Purpose.objects.all()}
    declared = {notice.code for notice in consent.declared()}
    assert consent.FOLLOW_UPS in declared
    assert set(purposes) == declared
    for purpose in purposes.values():
        assert purpose.notice_en and purpose.notice_fr and purpose.version == 1
        # where the choice lives is registered for every purpose offered (no silent yes)
        assert consent.store(purpose.code) is not None


def test_a_purpose_an_app_declares_gets_its_row_after_migrate_and_keeps_staffs_notice():
    notice = consent.Notice(
        code="test_purpose",
        name_en="Test",
        name_fr="Essai",
        notice_en="Notice",
        notice_fr="Avis",
        depends_en="Nothing",
        depends_fr="Rien",
        position=99,
    )
    consent.declare(notice, store=None)
    try:
        assert purposes_sync() == 1
        purpose = Purpose.objects.get(code="test_purpose")
        assert (purpose.name_fr, purpose.version, purpose.position) == ("Essai", 1, 99)
        Purpose.objects.filter(pk=purpose.pk).update(notice_en="Staff's notice", version=2)
        assert purposes_sync() == 0  # a row that exists is never overwritten
        purpose.refresh_from_db()
        assert (purpose.notice_en, purpose.version) == ("Staff's notice", 2)
    finally:
        consent._NOTICES.pop("test_purpose")


@pytest.mark.django_db(transaction=True)
def test_a_flushed_database_gets_its_purposes_back_without_any_read_writing_them():
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    # post_migrate (sent by flush) created them again; the selectors only read
    assert {p.code for p in Purpose.objects.all()} == {n.code for n in consent.declared()}


def test_withdrawing_follow_ups_on_her_page_stops_every_follow_up_mail(
    client: Client, clock, lifecycle, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    mentee = lifecycle.mentorship.mentee
    client.force_login(lifecycle.mentee_user)
    page = client.get(reverse("privacy:mine"))
    assert "Recevoir les sondages de suivi" in page.text or "follow-ups" in page.text
    response = choose(client, mentee, consent.FOLLOW_UPS, given=False)
    assert response.status_code == 302
    # One source of truth: the choice lives where follow-ups read it.
    assert ContactConsent.objects.get(participant=mentee).is_withdrawn
    row = Consent.objects.get(participant=mentee)
    assert (row.is_given, row.version, row.channel) == (False, 1, ConsentChannel.ONLINE)
    outcomes.mentorship_close(
        actor=lifecycle.staff,
        mentorship=lifecycle.mentorship,
        kind="end_of_term",
        ended_on=clock.now().date(),
    )
    clock.advance(days=400)
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        assert outcomes.followups_send_due() == 0
    assert [m for m in mail.outbox if mentee.email in m.to] == []


def test_staff_record_a_withdrawal_of_profile_sharing_by_phone_and_nothing_is_shown(
    client: Client, lifecycle, home, no_mfa
):
    mentee = lifecycle.mentorship.mentee
    assert shared_profile(mentee) != []
    client.force_login(home.caseworker)  # the agency that holds her record
    response = choose(client, mentee, consent.PROFILE_SHARING, given=False, channel="phone")
    assert response.status_code == 302
    assert ProfileSharing.objects.get(participant=mentee).fields == []
    assert shared_profile(mentee) == []
    row = Consent.objects.get(participant=mentee)
    assert (row.channel, row.recorded_by) == (ConsentChannel.PHONE, home.caseworker)
    # Giving it back shares the default fields again.
    choose(client, mentee, consent.PROFILE_SHARING, given=True, channel="in_person")
    assert shared_profile(mentee) != []
    assert Consent.objects.filter(participant=mentee).count() == 2


def test_withdrawing_accommodation_sharing_hides_the_needs_from_the_program_at_once(
    client: Client, lifecycle, home
):
    mentee = lifecycle.mentorship.mentee
    accommodation_save(
        actor=home.caseworker, participant=mentee, needs="Large print", has_consent=True, share=True
    )
    assert can_see_accommodations(lifecycle.staff, mentee)  # the lead's program staff
    client.force_login(lifecycle.mentee_user)
    choose(client, mentee, consent.ACCOMMODATIONS, given=False)
    mentee.refresh_from_db()
    assert not can_see_accommodations(lifecycle.staff, mentee)
    assert can_see_accommodations(home.caseworker, mentee)  # her agency still keeps them
    # Both changes are in her history: the first from the accommodation form.
    assert list(
        Consent.objects.filter(participant=mentee).order_by("at").values_list("is_given", flat=True)
    ) == [True, False]


def test_withdrawing_peer_mentoring_stops_the_invitation(client: Client, lifecycle, clock):
    from tandem.circles.services.peers import is_alumnus_in_field

    mentee = lifecycle.mentorship.mentee
    EmploymentOutcome.objects.create(
        participant=mentee,
        source="exit",
        status="employed_in_field",
        recorded_by=lifecycle.staff,
        recorded_at=clock.now(),
    )
    assert is_alumnus_in_field(mentee)
    client.force_login(lifecycle.mentee_user)
    choose(client, mentee, consent.PEER_MENTORING, given=False)
    assert not is_alumnus_in_field(mentee)
    assert consent.refused(consent.PEER_MENTORING, [mentee.pk]) == {mentee.pk}


def test_a_choice_made_on_another_page_lands_in_the_history(lifecycle):
    mentee = lifecycle.mentorship.mentee
    outcomes.consent_set(actor=lifecycle.staff, participant=mentee, may_contact=False)
    row = Consent.objects.get(participant=mentee)
    assert (row.purpose.code, row.is_given, row.channel) == (
        consent.FOLLOW_UPS,
        False,
        ConsentChannel.STAFF,
    )


def test_a_changed_notice_is_asked_again_at_the_next_sign_in_and_listed_for_staff(
    client: Client, lifecycle, no_mfa
):
    mentee = lifecycle.mentorship.mentee
    client.force_login(lifecycle.mentee_user)
    choose(client, mentee, consent.FOLLOW_UPS, given=True)
    client.logout()
    admin = make_user("root@example.org", superuser=True)
    client.force_login(admin)
    url = reverse("privacy:purpose", args=[consent.FOLLOW_UPS])
    purpose = Purpose.objects.get(code=consent.FOLLOW_UPS)
    fields = {
        name: getattr(purpose, name)
        for name in ["name_en", "name_fr", "notice_fr", "depends_en", "depends_fr"]
    }
    response = client.post(url, {**fields, "notice_en": purpose.notice_en + " Also by text."})
    assert response.status_code == 302
    purpose.refresh_from_db()
    assert purpose.version == 2
    assert mentee.full_name in client.get(url).text  # agreed under version 1
    client.logout()
    # At her next sign-in, she is taken to her consents before anything else.
    client.post(
        reverse("account_login"), {"login": "amina@example.org", "password": "a-long-test-password"}
    )
    home_page = client.get("/fr/")
    assert home_page.status_code == 302
    assert home_page["Location"].startswith(reverse("privacy:mine"))
    choose(client, mentee, consent.FOLLOW_UPS, given=True)
    assert client.get("/fr/").status_code == 200
