import re

import pytest
from django.core import mail
from django.test import Client

from tandem.core.tests.cast import make_organization, occupation
from tandem.organizations.models import Partnership, PartnershipKind
from tandem.participants.models import Participant
from tandem.programs.services import criteria_publish
from tandem.programs.tests.factories import make_program
from tandem.referrals.models import PublicApplication, Referral
from tandem.referrals.services import (
    APPLICATIONS_PER_ADDRESS_PER_HOUR,
    APPLICATIONS_PER_CLIENT_PER_HOUR,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(home):
    occupation("21231")
    program = make_program(home.organization, home.staff, slug="cmp")
    program.staff.add(home.staff)
    criteria_publish(
        actor=home.staff,
        program=program,
        side="mentor",
        criteria=[
            {"kind": "years_experience_at_least", "number": 2},
            {"kind": "yes_no", "question_en": "Three months?", "question_fr": "Trois mois?"},
        ],
    )
    return program


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def _link(message) -> str:
    found = re.search(r"https?://\S+/verify/\S+/", message.body)
    assert found is not None, message.body
    return found.group(0).split("8000", 1)[-1]


def test_a_self_referral_reaches_staff_only_after_the_address_is_verified_in_french(
    client: Client, home, program, immediate_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/fr/referrals/apply/cmp/",
            {
                "given_name": "Amina",
                "family_name": "Diallo",
                "email": "amina@example.org",
                "preferred_language": "fr",
                "languages": ["fr", "en"],
                "noc_code": "21231",
                "postal_code": "k1k 2c5",
                "goals": "Ingénierie logicielle",
                "immigration_status": "permanent_resident",
                "is_internationally_educated": "yes",
                "clb_level": "7",
                "consent": "on",
            },
        )
    assert response.status_code == 302
    assert not Referral.objects.exists()
    (message,) = mail.outbox
    assert message.to == ["amina@example.org"] and "Confirmez" in message.subject
    path = _link(message)
    assert path.startswith("/fr/referrals/verify/")
    assert client.get(path).status_code == 200 and not Referral.objects.exists()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(path).status_code == 200
    referral = Referral.objects.get()
    person = referral.participant
    assert (referral.source, person.source, person.organization) == (
        "self",
        "self_referral",
        home.organization,
    )
    assert (person.languages, person.postal_code, person.is_internationally_educated) == (
        "fr;en",
        "K1K 2C5",
        True,
    )
    assert sorted(m.to[0] for m in mail.outbox) == sorted(["amina@example.org", home.staff.email])
    # A second click changes nothing.
    client.post(path)
    assert Referral.objects.count() == 1


def test_a_mentor_recruited_by_an_employer_partner_keeps_that_source(
    client: Client, home, program, immediate_tasks, django_capture_on_commit_callbacks
):
    employer = make_organization("employer", kind="employer")
    Partnership.objects.create(
        organization=home.organization, partner=employer, kind=PartnershipKind.EMPLOYER
    )
    question = (
        program.criteria_versions.filter(side="mentor")
        .order_by("-number")[0]
        .criteria.get(kind="yes_no")
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/en/referrals/mentor/cmp/",
            {
                "given_name": "Daniel",
                "family_name": "Wong",
                "email": "daniel@example.org",
                "preferred_language": "en",
                "languages": ["en"],
                "noc_code": "21231",
                "goals": "Interview practice",
                "years_experience": "12",
                "capacity": "2",
                "recruited_by": employer.pk,
                f"answer_{question.key}": "yes",
                "consent": "on",
            },
        )
    application = PublicApplication.objects.get()
    assert application.recruited_by == employer
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_link(mail.outbox[0]))
    mentor = Participant.objects.get(email="daniel@example.org")
    assert (mentor.role, mentor.recruited_by, mentor.source) == (
        "mentor",
        employer,
        "mentor_application",
    )
    assert mentor.referrals.get().answers == {str(question.key): True}


def test_an_unknown_verification_link_is_refused(client: Client, program):
    assert client.post("/en/referrals/verify/made-up/").status_code == 404


def test_a_program_that_takes_no_self_referrals_has_no_public_form(client: Client, program):
    program.accepts_self_referrals = False
    program.save()
    assert client.get("/en/referrals/apply/cmp/").status_code == 404
    assert client.get("/en/referrals/mentor/cmp/").status_code == 200


def test_the_referral_list_does_not_grow_queries_with_referrals(
    client: Client, home, program, no_mfa, django_assert_max_num_queries
):
    from tandem.core.tests.cast import make_participant

    for _ in range(3):
        Referral.objects.create(participant=make_participant(home.organization), program=program)
    client.force_login(home.staff)
    with django_assert_max_num_queries(10):
        client.get("/en/referrals/")
    for _ in range(5):
        Referral.objects.create(participant=make_participant(home.organization), program=program)
    with django_assert_max_num_queries(10):
        assert len(client.get("/en/referrals/").context["referrals"]) == 8


def test_unverified_applications_are_erased_once_their_link_has_expired(program):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from tandem.referrals.services import application_start

    application_start(
        kind="self_referral", program=program, data={"email": "a@example.org", "given_name": "A"}
    )
    application_start(
        kind="self_referral", program=program, data={"email": "b@example.org", "given_name": "B"}
    )
    PublicApplication.objects.filter(email="a@example.org").update(
        created_at=timezone.now() - timedelta(days=8)
    )
    call_command("purge_unverified_applications")
    assert list(PublicApplication.objects.values_list("email", flat=True)) == ["b@example.org"]


# --- The throttle: the form cannot mail-bomb an address -----------------------------------


def apply(client, slug, email, django_capture_on_commit_callbacks, ip="203.0.113.7"):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(
            f"/en/referrals/apply/{slug}/",
            {
                "given_name": "Victim",
                "family_name": "Text the sender chose",
                "email": email,
                "preferred_language": "en",
                "languages": ["en"],
                "noc_code": "21231",
                "postal_code": "K1K 2C5",
                "goals": "Click http://evil.example",
                "immigration_status": "permanent_resident",
                "is_internationally_educated": "yes",
                "clb_level": "7",
                "consent": "on",
            },
            REMOTE_ADDR=ip,
        )


def test_twenty_five_applications_for_one_address_send_one_mail(
    client: Client,
    program,
    immediate_tasks,
    django_capture_on_commit_callbacks,
):
    for n in range(25):
        response = apply(
            client,
            "cmp",
            "victim@example.org",
            django_capture_on_commit_callbacks,
            f"198.51.100.{n}",
        )
        assert response.status_code == 302  # the same page: the form tells nobody who applied
    assert len(mail.outbox) == 1 and PublicApplication.objects.count() == 1


def test_an_address_gets_a_few_mails_an_hour_whatever_the_programs(
    client: Client,
    home,
    program,
    immediate_tasks,
    django_capture_on_commit_callbacks,
):
    slugs = ["cmp"]
    for n in range(5):
        other = make_program(home.organization, home.staff, slug=f"other-{n}")
        slugs.append(other.slug)
    for n, slug in enumerate(slugs):
        apply(client, slug, "victim@example.org", django_capture_on_commit_callbacks, f"10.0.0.{n}")
    assert len(mail.outbox) == APPLICATIONS_PER_ADDRESS_PER_HOUR


def test_one_network_address_is_capped_with_a_clear_message(
    client: Client,
    program,
    immediate_tasks,
    django_capture_on_commit_callbacks,
):
    for n in range(APPLICATIONS_PER_CLIENT_PER_HOUR):
        assert (
            apply(
                client, "cmp", f"p{n}@example.org", django_capture_on_commit_callbacks
            ).status_code
            == 302
        )
    response = apply(client, "cmp", "one.more@example.org", django_capture_on_commit_callbacks)
    assert response.status_code == 429
    assert "Too many applications were sent from your connection" in response.content.decode()
    assert len(mail.outbox) == APPLICATIONS_PER_CLIENT_PER_HOUR
    # Another network address is not held back.
    assert (
        apply(
            client, "cmp", "one.more@example.org", django_capture_on_commit_callbacks, "192.0.2.1"
        ).status_code
        == 302
    )
