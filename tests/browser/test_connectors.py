"""The connector program in the browser, in French and in English, axe-core on every page: a
newcomer's first meeting (asked, times offered, one chosen), three introductions, one invitation
accepted by a new connector, the follow-up meeting, and the chain drawn."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from tests.browser.conftest import PASSWORD, assert_accessible, sign_in, visit

pytestmark = pytest.mark.browser


@pytest.fixture
def connector_cast(transactional_db, settings):
    from tandem.connectors.tests.factories import connector_program, make_connector, make_newcomer
    from tandem.core.tests.cast import make_member, make_organization, make_participant, make_user
    from tandem.organizations.models import OrganizationType, Partnership, PartnershipKind, Role

    settings.TANDEM_MFA_REQUIRED = False
    # Mail is rendered and sent at once, so the test can read the invitation link.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    lead = make_organization("lead")
    staff = make_member(lead, Role.PROGRAM_STAFF, "staff@lead.org", password=PASSWORD)
    program = connector_program(lead)
    anna = make_connector(program, email="anna@lead.org", given_name="Anna", family_name="Roy")
    anna.participant.user.set_password(PASSWORD)
    anna.participant.user.save()
    luc = make_connector(
        program, email="luc@lead.org", given_name="Luc", family_name="Gagnon", with_account=False
    )
    newcomer = make_participant(
        lead,
        given_name="Amina",
        family_name="Haddad",
        email="amina@lead.org",
        preferred_language="fr",
        user=make_user("amina@lead.org", language="fr", password=PASSWORD),
    )
    enrolment = make_newcomer(program, newcomer)
    fund = make_organization("fund", OrganizationType.FUNDER)
    Partnership.objects.create(organization=lead, partner=fund, kind=PartnershipKind.FUNDING)
    make_member(fund, Role.FUNDER, "funder@fund.org", password=PASSWORD, language="fr")
    return {"staff": staff, "program": program, "anna": anna, "luc": luc, "enrolment": enrolment}


def submit(page, form_action: str, label: str) -> str:
    page.locator(f"main form[action$='{form_action}'] button[type=submit]").first.click()
    page.wait_for_load_state()
    assert_accessible(page, label)
    return page.locator("main").inner_text()


def test_a_first_meeting_three_introductions_a_new_connector_a_follow_up_and_the_chain(
    page, live_server, connector_cast
):
    from tandem.connectors.models import ConnectorMeeting

    base, cast = live_server.url, connector_cast
    newcomer_page = f"{base}/fr/connectors/newcomer/{cast['enrolment'].pk}/"

    # The newcomer, in French, asks the suggested connector for a first meeting.
    sign_in(page, base, "amina@lead.org", "fr")
    text = visit(page, newcomer_page, "fr newcomer, no meeting yet")
    assert "Demander une rencontre à un connecteur" in text and "Anna Roy" in text
    page.get_by_label("Anna Roy").check()
    page.locator("main form:not([action]) button[type=submit]").click()
    page.wait_for_load_state()
    assert_accessible(page, "fr meeting requested")
    meeting = ConnectorMeeting.objects.get()

    # The connector, in English, offers a time.
    sign_in(page, base, "anna@lead.org", "en")
    meeting_url = f"{base}/en/connectors/meeting/{meeting.pk}/"
    visit(page, meeting_url, "en meeting, requested")
    when = timezone.localtime() + timedelta(days=3)
    page.locator("input[name=time_1]").fill(when.strftime("%Y-%m-%dT10:00"))
    page.locator("input[name=where]").fill("https://meet.example.org/anna")
    assert "sent to the newcomer" in submit(page, "/offer/", "en times offered")

    # The newcomer takes the time; both get a calendar invitation.
    sign_in(page, base, "amina@lead.org", "fr")
    visit(page, f"{base}/fr/connectors/meeting/{meeting.pk}/", "fr meeting, times offered")
    assert "rencontre est fixée" in submit(page, "/choose/", "fr meeting scheduled")
    assert sum(1 for m in mail.outbox if m.attachments) == 2

    # The connector records the meeting and three introductions, one to a person not yet in.
    sign_in(page, base, "anna@lead.org", "en")
    page.goto(meeting_url)
    submit(page, "/held/", "en meeting held")
    contacts = [
        ("Luc Gagnon", "luc@lead.org", "Hires developers", "fr"),
        ("Rosa Díaz", "rosa@example.org", "Leads a tech network", "en"),
        ("Sam Lee", "sam@example.org", "Recruiter in Ottawa", "en"),
    ]
    for n, (name, email, reason, language) in enumerate(contacts, 1):
        page.locator(f"input[name=name_{n}]").fill(name)
        page.locator(f"input[name=email_{n}]").fill(email)
        page.locator(f"input[name=reason_{n}]").fill(reason)
        page.locator(f"select[name=language_{n}]").select_option(language)
    assert "introductions are recorded" in submit(page, "/introductions/", "en introductions")

    # Rosa accepts the invitation (bilingual mail) and joins as a connector, in English.
    [to_rosa] = [m for m in mail.outbox if "rosa@example.org" in m.to]
    link = re.search(r"https?://\S+/en/connectors/invitation/\S+/", to_rosa.body).group(0)
    page.context.clear_cookies()
    text = visit(page, base + link[link.index("/en/") :], "en invitation")
    assert "Anna Roy" in text and "Leads a tech network" in text
    page.locator("input[name=languages][value=en]").check()
    page.locator("select[name=occupation]").select_option("21231")
    page.locator("input[name=employer]").fill("Maple Tech")
    page.locator("input[name=city]").fill("Ottawa")
    page.locator("main form:not([action]) button[type=submit]").first.click()
    page.wait_for_load_state()
    assert_accessible(page, "en invitation accepted")
    assert "Welcome to the program" in page.locator("main").inner_text()

    # The newcomer follows up the introduction to Luc, then sees the chain drawn and listed.
    sign_in(page, base, "amina@lead.org", "fr")
    text = visit(page, newcomer_page, "fr newcomer with introductions")
    assert "Mises en relation auxquelles donner suite" in text
    page.locator("main form[action*='/introduction/'] button[type=submit]").first.click()
    page.wait_for_load_state()
    assert_accessible(page, "fr follow-up requested")
    assert ConnectorMeeting.objects.filter(introduction__isnull=False).count() == 1
    text = visit(page, newcomer_page, "fr chain")
    assert page.locator("main svg[role=img] desc").count() == 1
    assert "La chaîne sous forme de liste" in text and "Rosa Díaz" in text

    # Staff, in English: the program, the chain and the figures.
    sign_in(page, base, "staff@lead.org", "en")
    program = cast["program"].pk
    visit(page, f"{base}/en/connectors/program/{program}/", "en program")
    visit(page, f"{base}/en/connectors/newcomer/{cast['enrolment'].pk}/", "en chain, staff")
    text = visit(page, f"{base}/en/connectors/program/{program}/figures/", "en figures")
    assert "Introductions made" in text

    # A funder, in French: the programs they fund, and the way to the report's section.
    sign_in(page, base, "funder@fund.org", "fr")
    text = visit(page, f"{base}/fr/connectors/funders/", "fr funder")
    assert "Connexion lead" in text and "rapport aux bailleurs de fonds" in text
