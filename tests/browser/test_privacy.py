"""Privacy in the browser, in French and in English, axe-core and the CSP on every page: a mentee
withdraws her consent to follow-ups on her own page and receives none after; her access request
is built by the real worker and gives a PDF and a JSON file about her and no one else."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from tests.browser.conftest import PASSWORD, assert_accessible, click, sign_in, visit

pytestmark = pytest.mark.browser


@pytest.fixture
def privacy_cast(transactional_db, settings, tmp_path):
    from tandem.core.tests.cast import make_member, make_organization, make_participant, make_user
    from tandem.organizations.models import Role
    from tandem.outcomes.tests.factories import make_mentorship
    from tandem.programs.models import Enrolment
    from tandem.programs.tests.factories import make_program

    settings.TANDEM_MFA_REQUIRED = False
    settings.MEDIA_ROOT = tmp_path
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    lead = make_organization("lead", kind="lead_agency")
    staff = make_member(lead, Role.PROGRAM_STAFF, "staff@lead.org", password=PASSWORD)
    program = make_program(lead, staff, slug="cmp")
    program.staff.add(staff)
    amina = make_participant(
        lead,
        given_name="Amina",
        family_name="Diallo",
        email="amina@lead.org",
        preferred_language="fr",
        user=make_user("amina@lead.org", language="fr", password=PASSWORD),
    )
    daniel = make_participant(
        lead, role="mentor", given_name="Daniel", family_name="Wong", email="daniel@lead.org"
    )
    Enrolment.objects.create(program=program, participant=amina, side="mentee")
    Enrolment.objects.create(program=program, participant=daniel, side="mentor")
    mentorship = make_mentorship(program, mentee=amina, mentor=daniel)
    # No officer named: the organization's admins run its privacy office.
    admin = make_member(lead, Role.ORG_ADMIN, "admin@lead.org", password=PASSWORD)
    return {
        "staff": staff,
        "admin": admin,
        "amina": amina,
        "daniel": daniel,
        "mentorship": mentorship,
        "lead": lead,
    }


def test_a_mentee_withdraws_follow_ups_then_gets_her_information_as_a_pdf_and_a_json(
    page, live_server, privacy_cast, run_worker
):
    from tandem.outcomes.models import ContactConsent
    from tandem.outcomes.services import followups_send_due, mentorship_close
    from tandem.privacy.models import PrivacyRequest

    base, cast = live_server.url, privacy_cast
    amina = cast["amina"]

    # In French, on her own page, she withdraws her consent to follow-ups.
    sign_in(page, base, "amina@lead.org", "fr")
    page.goto(f"{base}/fr/privacy/")
    assert_accessible(page, "fr my personal information")
    form = page.locator("main form:has(input[name=purpose][value=follow_ups])")
    form.locator("input[name='follow_ups-given'][value=no]").check()
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert_accessible(page, "fr consent withdrawn")
    assert "Le choix est enregistré" in page.content()
    assert ContactConsent.objects.get(participant=amina).is_withdrawn

    # Her mentorship ends (the closing mail is the program's own); a year later no follow-up
    # survey has gone to her.
    mentorship_close(
        actor=cast["staff"],
        mentorship=cast["mentorship"],
        kind="end_of_term",
        ended_on=timezone.localdate(),
    )
    mail.outbox = []
    followups_send_due(now=timezone.now() + timedelta(days=400))
    run_worker()
    to_her = [m for m in mail.outbox if "amina@lead.org" in m.to]
    assert [m for m in to_her if "/outcomes/follow-up/" in m.body] == []

    # In English, she asks for everything Tandem holds about her.
    page.goto(f"{base}/en/privacy/")
    assert_accessible(page, "en my personal information")
    request_form = page.locator("main form[action$='/requests/']")
    request_form.locator("select[name=kind]").select_option("access")
    request_form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert_accessible(page, "en request received")
    made = PrivacyRequest.objects.get(participant=amina)
    assert made.due_on == timezone.localdate(made.received_at) + timedelta(days=30)
    run_worker()  # the real worker builds the answer
    page.reload()
    assert_accessible(page, "en request answered")
    assert "Download the PDF" in page.locator("main").inner_text()
    pdf = page.request.get(f"{base}/en/privacy/requests/{made.pk}/answer.pdf")
    assert pdf.ok and pdf.body().startswith(b"%PDF-")
    answer = page.request.get(f"{base}/en/privacy/requests/{made.pk}/answer.json")
    data = json.loads(answer.body())
    text = json.dumps(data, ensure_ascii=False)
    assert data["person"] == "Amina Diallo" and "amina@lead.org" in text
    assert "Wong" not in text and "daniel@lead.org" not in text
    # Every record about her, checked against the database; none of Daniel's own.
    from tandem.outcomes.models import Closure
    from tandem.privacy.models import Consent
    from tandem.programs.models import Enrolment

    found = {
        (section["model"], row["ID"])
        for section in data["sections"]
        for row in section["rows"]
        if "ID" in row
    }
    hers = {
        ("participants.participant", amina.pk),
        ("mentorships.mentorship", cast["mentorship"].pk),
    }
    for model, rows in (
        ("programs.enrolment", Enrolment.objects.filter(participant=amina)),
        ("privacy.consent", Consent.objects.filter(participant=amina)),
        ("outcomes.closure", Closure.objects.filter(mentorship=cast["mentorship"])),
    ):
        assert rows.exists(), model
        hers |= {(model, pk) for pk in rows.values_list("pk", flat=True)}
    assert hers - found == set()
    his = {("participants.participant", cast["daniel"].pk)} | {
        ("programs.enrolment", pk)
        for pk in Enrolment.objects.filter(participant=cast["daniel"]).values_list("pk", flat=True)
    }
    assert his & found == set()


def test_the_office_sets_retention_and_her_deletion_leaves_every_funder_total_unchanged(
    page, live_server, privacy_cast
):
    """The privacy office and the retention page in both languages (a refused period first,
    then a saved one); she asks for deletion, the officer accepts, the sweep anonymises her and
    every report section, the funder's included, counts the same."""
    from tandem.core import sweeps
    from tandem.privacy.models import Anonymisation, PrivacyRequest, RetentionPeriod
    from tandem.privacy.tests.test_retention import totals

    base, cast = live_server.url, privacy_cast
    office = f"/privacy/organizations/{cast['lead'].slug}/"

    sign_in(page, base, "admin@lead.org")
    text = visit(page, f"{base}/en{office}", "en privacy office")
    assert "Retention periods" in text and "Peer conversations" in text
    text = click(page, page.get_by_role("link", name="Set the retention periods"), "en retention")
    assert "Invitations to events and attendance" in text
    # The view log's entries are kept two years at least: one year is refused, nothing saved.
    page.locator("input[name=views]").fill("12")
    text = click(page, page.locator("main form button[type=submit]"), "en retention refused")
    assert "greater than or equal to 24" in text
    assert not RetentionPeriod.objects.exists()
    visit(page, f"{base}/fr{office}retention/", "fr retention")
    page.locator("input[name=record]").fill("60")
    text = click(page, page.locator("main form button[type=submit]"), "fr retention saved")
    assert "Les durées de conservation sont enregistrées" in text
    assert RetentionPeriod.objects.get(kind="record").months == 60
    # The rest of the office: a person's page (who viewed it, the legal hold) and the incident
    # register's form, in each language.
    text = visit(page, f"{base}/fr/privacy/people/{cast['amina'].pk}/", "fr person's privacy")
    assert "Amina Diallo" in text
    visit(page, f"{base}/fr{office}incidents/new/", "fr new incident")
    visit(page, f"{base}/en{office}incidents/new/", "en new incident")

    # In French, she asks that her record be deleted.
    sign_in(page, base, "amina@lead.org", "fr")
    visit(page, f"{base}/fr/privacy/", "fr my personal information")
    request_form = page.locator("main form[action$='/requests/']")
    request_form.locator("select[name=kind]").select_option("deletion")
    click(page, request_form.locator("button[type=submit]"), "fr deletion asked")
    made = PrivacyRequest.objects.get(kind="deletion")

    # The officer accepts in English; the sweep anonymises her; no report changes.
    sign_in(page, base, "admin@lead.org")
    visit(page, f"{base}/en/privacy/requests/{made.pk}/", "en deletion to decide")
    assert "Decide" not in page.title()
    page.locator("input[name=decision][value=accept]").check()
    page.locator("textarea[name=answer]").fill("Your record will be anonymised.")
    click(page, page.locator("main form button[type=submit]"), "en deletion accepted")
    before = totals()
    sweeps.sweeps_run_now()
    assert Anonymisation.objects.get(participant=cast["amina"]).reason == "deletion"
    assert totals() == before
    text = visit(page, f"{base}/en/privacy/requests/{made.pk}/", "en deletion answered")
    assert "Answered" in text
