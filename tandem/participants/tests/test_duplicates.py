"""Probable duplicates (same name and role with the same date of birth, phone or e-mail) and
the merge that keeps every history (tandem/participants/duplicates.py)."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tandem.core import audit
from tandem.core.tests.cast import make_member, make_participant, make_user
from tandem.organizations.models import Role
from tandem.participants import duplicates
from tandem.participants.models import Accommodation, Participant

pytestmark = pytest.mark.django_db

BORN = date(1990, 4, 12)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# The new-mentee form as a caseworker sends it.
INTAKE = {
    "external_id": "NEW-1",
    "given_name": "Amina",
    "family_name": "Diallo",
    "email": "amina@example.org",
    "preferred_language": "fr",
    "languages": ["fr"],
    "occupation_query": "21231",
    "meeting_mode": "either",
}


def twin(organization, **fields) -> Participant:
    return make_participant(organization, given_name="Amina", family_name="Diallo", **fields)


# --- Phone and date of birth ------------------------------------------------------------------


def test_phone_numbers_are_stored_in_one_form_and_nonsense_is_refused_in_both_languages(
    home, no_mfa, reference
):
    client = signed_in(home.caseworker)
    url = f"/fr/participants/organization/{home.organization.slug}/new/"
    data = INTAKE | {
        "external_id": "C-9",
        "given_name": "Léa",
        "family_name": "Roy",
        "email": "lea@example.org",
        "phone": "12",
        "date_of_birth": "2030-01-01",
    }
    page = client.post(url, data).content.decode()
    assert "Inscrivez un numéro de téléphone" in page
    assert "Vérifiez la date de naissance" in page
    assert not Participant.objects.filter(external_id="C-9").exists()
    data |= {"phone": "(613) 555-0123", "date_of_birth": "1990-04-12"}
    assert client.post(url, data).status_code == 302
    saved = Participant.objects.get(external_id="C-9")
    assert (saved.phone, saved.date_of_birth) == ("+16135550123", BORN)


# --- Finding them ---------------------------------------------------------------------------


def test_the_same_name_with_a_birth_date_phone_or_email_is_a_probable_duplicate(home):
    first = twin(home.organization, date_of_birth=BORN, phone="+16135550123")
    by_birth = twin(home.organization, date_of_birth=BORN)
    by_phone = twin(home.organization, phone="+16135550123")
    by_email = twin(home.organization, email=first.email.upper())
    # Not: another name, another role, or the same name with nothing else in common.
    make_participant(
        home.organization, given_name="Aminata", family_name="Diallo", date_of_birth=BORN
    )
    twin(home.organization, role="mentor", date_of_birth=BORN)
    twin(home.organization)
    pairs = duplicates.duplicate_pairs(among=Participant.objects.all())
    found = {(p.first.pk, p.second.pk): p.reasons for p in pairs}
    assert set(found) == {
        (first.pk, by_birth.pk),
        (first.pk, by_phone.pk),
        (first.pk, by_email.pk),
    }
    assert found[(first.pk, by_birth.pk)] == ["same date of birth"]
    assert found[(first.pk, by_email.pk)] == ["same e-mail address"]


def test_intake_shows_a_person_already_on_file_before_saving_a_second_record(
    home, no_mfa, reference
):
    on_file = twin(home.organization, date_of_birth=BORN, external_id="OLD-1")
    client = signed_in(home.caseworker)
    url = f"/en/participants/organization/{home.organization.slug}/new/"
    data = INTAKE | {
        "given_name": "amina",
        "family_name": "DIALLO",
        "email": "other@example.org",
        "date_of_birth": "1990-04-12",
    }
    page = client.post(url, data)
    assert page.status_code == 200
    assert "This person may already be on file" in page.content.decode()
    assert f"/participants/{on_file.pk}/" in page.content.decode()
    assert not Participant.objects.filter(external_id="NEW-1").exists()
    # Staff who know it is someone else say so, and nothing typed was lost.
    assert client.post(url, data | {"not_a_duplicate": "1"}).status_code == 302
    assert Participant.objects.filter(external_id="NEW-1").exists()


def test_intake_does_not_reveal_a_record_of_another_agency(home, elsewhere, no_mfa, reference):
    twin(elsewhere.organization, date_of_birth=BORN, external_id="THEIRS")
    client = signed_in(home.caseworker)
    response = client.post(
        f"/en/participants/organization/{home.organization.slug}/new/",
        INTAKE | {"date_of_birth": "1990-04-12"},
    )
    assert response.status_code == 302


def test_the_list_shows_pairs_to_staff_of_the_organization_only(home, elsewhere, no_mfa):
    first = twin(home.organization, phone="+16135550123")
    second = twin(home.organization, phone="+16135550123")
    url = f"/en/participants/organization/{home.organization.slug}/duplicates/"
    page = signed_in(home.staff).get(url).content.decode()
    assert f"/participants/{first.pk}/merge/{second.pk}/" in page
    assert "same phone number" in page
    assert signed_in(elsewhere.staff).get(url).status_code == 404
    assert signed_in(home.funder).get(url).status_code == 404


def test_the_record_page_points_its_holders_to_the_other_record(home, elsewhere, no_mfa):
    first = twin(home.organization, phone="+16135550123")
    second = twin(home.organization, phone="+16135550123")
    page = signed_in(home.staff).get(f"/en/participants/{first.pk}/").content.decode()
    assert "Probably the same person" in page
    assert f"/participants/{first.pk}/merge/{second.pk}/" in page
    assert "+16135550123" in page
    # The privacy floor's button (registered in participants.record.LINKS, unknown here).
    assert f'href="{reverse("privacy:person", args=[first.pk])}"' in page
    # The person reads their own record without the comparison or the phone number.
    first.user = make_user("amina.self@example.org")
    first.save(update_fields=["user"])
    own = signed_in(first.user).get(f"/en/participants/{first.pk}/").content.decode()
    assert "Probably the same person" not in own and "+16135550123" not in own
    assert "Consents and personal information" not in own


def test_a_finished_import_points_to_the_people_already_on_file(home, no_mfa, reference):
    from tandem.participants.models import ImportJob, ImportStatus

    job = ImportJob.objects.create(
        organization=home.organization,
        created_by=home.staff,
        original_name="people.csv",
        status=ImportStatus.DONE,
    )
    twin(home.organization, email="same@example.org")
    twin(home.organization, email="same@example.org", last_import=job)
    page = signed_in(home.staff).get(f"/en/participants/imports/{job.pk}/").content.decode()
    assert "1 record written by this import is probably a person already on file." in page


# --- Merging them ---------------------------------------------------------------------------


@pytest.fixture
def history(home):
    """Two records of Amina, each with its own history in the program."""
    from tandem.matching.tests.factories import enrol, person, program_for, proposal
    from tandem.outcomes.models import ContactConsent, EmploymentOutcome
    from tandem.referrals.models import Referral

    program, other_program = program_for(home), program_for(home, slug="second")
    kept = twin(home.organization, date_of_birth=BORN, external_id="K")
    merged = twin(home.organization, date_of_birth=BORN, external_id="M", phone="+16135550123")
    merged.user = make_user("amina.account@example.org")
    merged.save(update_fields=["user"])
    Referral.objects.create(
        participant=merged,
        program=program,
        referring_organization=home.organization,
        referred_by=home.caseworker,
        status="accepted",
    )
    enrol(program, merged)
    enrol(other_program, kept)
    mentor = person(home, "mentor")
    enrol(program, mentor)
    offer = proposal(program, merged, mentor)
    EmploymentOutcome.objects.create(
        participant=merged, source="staff", status="searching", recorded_at=timezone.now()
    )
    ContactConsent.objects.create(participant=kept)
    ContactConsent.objects.create(participant=merged, withdrawn_at=timezone.now())
    Accommodation.objects.create(
        participant=kept, needs="Large print", has_consent=True, consent_at=timezone.now()
    )
    Accommodation.objects.create(
        participant=merged,
        needs="Breaks every hour",
        has_consent=True,
        share_with_programs=True,
        consent_at=timezone.now() - timedelta(days=3),
    )
    audit.record("participant.updated", actor=home.staff, target=merged, data={})
    return {"kept": kept, "merged": merged, "program": program, "proposal": offer}


def test_a_merge_moves_every_history_to_the_kept_record_and_says_so(home, history, no_mfa):
    kept, merged = history["kept"], history["merged"]
    client = signed_in(home.staff)
    url = f"/en/participants/{kept.pk}/merge/{merged.pk}/"
    assert "Merge two records of Amina Diallo" in client.get(url).content.decode()
    response = client.post(url, {"keep": kept.pk, "confirm": "on"})
    assert response.status_code == 302 and response.url.endswith(f"/participants/{kept.pk}/")
    assert not Participant.objects.filter(pk=merged.pk).exists()
    kept.refresh_from_db()
    assert kept.referrals.count() == 1
    assert kept.enrolments.count() == 2
    assert kept.proposals_as_mentee.get() == history["proposal"]
    assert kept.employment_outcomes.count() == 1
    # Empty fields and the account come from the other record; consent withdrawn stands;
    # both accommodations are kept, shared only as far as both allowed.
    assert kept.phone == "+16135550123" and kept.user.email == "amina.account@example.org"
    assert kept.contact_consent.is_withdrawn
    accommodation = Accommodation.objects.get(participant=kept)
    assert "Large print" in accommodation.needs and "Breaks every hour" in accommodation.needs
    assert accommodation.share_with_programs is False
    events = [e.name for e in audit.history(kept)]
    assert "participant.merged" in events and "participant.updated" in events
    merged_event = audit.history(kept).get(name="participant.merged")
    assert merged_event.actor == home.staff and merged_event.data["merged_external_id"] == "M"


def test_a_merge_that_would_break_a_once_only_rule_changes_nothing(home, history):
    from tandem.matching.tests.factories import enrol

    kept, merged = history["kept"], history["merged"]
    enrol(history["program"], kept)  # both now enrolled in the same program
    with pytest.raises(duplicates.MergeError, match="can exist only once"):
        duplicates.participants_merge(actor=home.staff, kept=kept, merged=merged)
    merged.refresh_from_db()
    assert merged.referrals.count() == 1 and merged.enrolments.count() == 1
    assert not audit.history(kept).filter(name="participant.merged").exists()


def test_records_of_two_roles_or_two_accounts_are_not_merged(home):
    mentee = twin(home.organization, date_of_birth=BORN)
    mentor = twin(home.organization, role="mentor", date_of_birth=BORN)
    with pytest.raises(duplicates.MergeError, match="two roles"):
        duplicates.participants_merge(actor=home.staff, kept=mentee, merged=mentor)
    one = twin(home.organization, user=make_user("one@example.org"))
    other = twin(home.organization, user=make_user("other@example.org"))
    with pytest.raises(duplicates.MergeError, match="own account"):
        duplicates.participants_merge(actor=home.staff, kept=one, merged=other)


def test_only_staff_who_may_change_both_records_merge_them(home, elsewhere, no_mfa):
    mine = twin(home.organization, date_of_birth=BORN)
    theirs = twin(elsewhere.organization, date_of_birth=BORN)
    for user in (home.staff, elsewhere.staff, home.funder, home.mentee_user):
        client = signed_in(user)
        assert client.get(f"/en/participants/{mine.pk}/merge/{theirs.pk}/").status_code == 404
        response = client.post(
            f"/en/participants/{mine.pk}/merge/{theirs.pk}/", {"keep": mine.pk, "confirm": "on"}
        )
        assert response.status_code == 404
    assert Participant.objects.filter(pk__in=[mine.pk, theirs.pk]).count() == 2
    # Staff of both organizations may.
    both = make_member(home.organization, Role.PROGRAM_STAFF, email="both@example.org")
    from tandem.organizations.models import Membership

    Membership.objects.create(user=both, organization=elsewhere.organization, role=Role.CASEWORKER)
    response = signed_in(both).post(
        f"/en/participants/{mine.pk}/merge/{theirs.pk}/", {"keep": mine.pk, "confirm": "on"}
    )
    assert response.status_code == 302
    assert not Participant.objects.filter(pk=theirs.pk).exists()


def test_the_merge_page_needs_a_confirmation(home, no_mfa):
    first = twin(home.organization, date_of_birth=BORN)
    second = twin(home.organization, date_of_birth=BORN)
    response = signed_in(home.staff).post(
        f"/fr/participants/{first.pk}/merge/{second.pk}/", {"keep": first.pk}
    )
    assert response.status_code == 200
    assert Participant.objects.filter(pk=second.pk).exists()
