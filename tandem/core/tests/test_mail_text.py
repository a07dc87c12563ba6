"""Mail as a French reader gets it: plain-text parts without HTML entities, names that keep their
apostrophes, Canadian dates; the HTML part still escaped."""

import html
import re

import pytest
from django.core import mail

from tandem.core.mail import send_to_person
from tandem.core.tests.cast import make_member, make_organization, make_participant
from tandem.organizations.models import Role
from tandem.programs.tests.factories import make_program, qualified_mentee_fields
from tandem.referrals.services import referral_decide, referral_submit

pytestmark = pytest.mark.django_db

ENTITY = re.compile(r"&(#x?[0-9a-fA-F]+|[a-zA-Z]+);")


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def test_a_plain_text_part_keeps_apostrophes_and_the_html_part_stays_escaped(
    immediate_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send_to_person(
            email="zoe@example.org",
            language="fr",
            template="core/mail/test",
            context={"name": "Zoë D'Arcy <Centre d'accueil & cie>"},
        )
    [message] = mail.outbox
    assert "Zoë D'Arcy <Centre d'accueil & cie>" in message.body
    assert not ENTITY.search(message.body)
    assert not ENTITY.search(message.subject)
    [(html_part, _)] = message.alternatives
    assert "&lt;Centre d&#x27;accueil &amp; cie&gt;" in html_part  # HTML still escaped
    assert "<Centre" not in html_part


def test_french_referral_mail_names_the_agency_and_program_without_entities(
    immediate_tasks, django_capture_on_commit_callbacks
):
    """A real flow: a caseworker refers a client, staff accept; every French message is clean."""
    lead = make_organization("lead-agency", kind="lead_agency")
    lead.name_fr = "Centre d'accueil de la Capitale"
    lead.save()
    staff = make_member(lead, Role.PROGRAM_STAFF, language="fr")
    program = make_program(lead, staff, slug="cmp", name_fr="Programme d'intégration « Cap »")
    program.staff.add(staff)
    agency = make_organization("agency")
    caseworker = make_member(agency, Role.CASEWORKER, language="fr")
    client = make_participant(
        agency,
        given_name="Amina",
        family_name="O'Brien",
        preferred_language="fr",
        **qualified_mentee_fields(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        referral = referral_submit(
            actor=caseworker,
            participant=client,
            program=program,
            note="",
            answers={},
            has_consent=True,
        )
    with django_capture_on_commit_callbacks(execute=True):
        referral_decide(
            actor=staff, referral=referral, outcome="accepted", unmet_criteria=[], note=""
        )
    # Staff told of the referral; caseworker and client of the yes; the client invited to make
    # her account (day one: an accepted client needs one to answer a proposal).
    assert len(mail.outbox) == 4
    for message in mail.outbox:
        assert not ENTITY.search(message.subject), message.subject
        assert not ENTITY.search(message.body), message.body
    to_staff = next(m for m in mail.outbox if m.to == [staff.email])
    assert "Amina O'Brien" in to_staff.body
    to_client, invitation = sorted(
        (m for m in mail.outbox if m.to == [client.email]),
        key=lambda m: "Programme d'intégration « Cap »" not in m.subject,
    )
    assert invitation.subject != to_client.subject
    assert "Centre d'accueil de la Capitale" in to_client.body
    # The HTML part says the same, escaped as HTML must be.
    [(html_part, _)] = to_client.alternatives
    assert "Centre d&#x27;accueil de la Capitale" in html_part
    assert "Centre d'accueil de la Capitale" in html.unescape(html_part)
    assert "Programme d'intégration « Cap »" in to_client.subject
    # Canadian French typography in the French sentences themselves.
    assert "'" not in to_client.body.replace("d'accueil", "").replace("d'intégration", "")
