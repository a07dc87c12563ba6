"""Employer partners in the browser, in English and in French, axe-core on every page, CSP on:
an employer invites colleagues (one line malformed), one applies in French through the link,
is accepted and matched, and the employer sees it; a job-shadowing day is requested by the
mentee, agreed and recorded by the mentor; an employer-hosted program receives a referral from
an agency and its coordinator accepts it and matches the mentee with an employee."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from tests.browser.conftest import PASSWORD, assert_accessible, sign_in, visit
from tests.browser.test_opportunities import and_in

pytestmark = pytest.mark.browser


@pytest.fixture
def employer_cast(transactional_db, settings):
    from tandem.core.tests.cast import make_member, make_organization, make_user, occupation
    from tandem.employers.models import WorkplaceTerms
    from tandem.matching.models import ProposalStatus
    from tandem.matching.tests.factories import TEST_EMBEDDER, enrol, person, proposal
    from tandem.mentorships.models import Mentorship
    from tandem.organizations.models import (
        OrganizationType,
        Partnership,
        PartnershipKind,
        Role,
    )
    from tandem.programs.services import enrolment_create
    from tandem.programs.tests.factories import make_program

    queued_tasks = settings.TASKS  # the real queue, for what waits for its day
    settings.TANDEM_MFA_REQUIRED = False
    settings.TANDEM_MATCHING_EMBEDDER = TEST_EMBEDDER
    # Mail is rendered and sent at once, so the test can read the links.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    occupation("21231")
    lead = make_organization("lead", OrganizationType.LEAD_AGENCY)
    staff = make_member(lead, Role.PROGRAM_STAFF, "staff@lead.org", password=PASSWORD)
    program = make_program(lead, staff, slug="cmp", mentee_steps=[], mentor_steps=[])
    northern = make_organization("northern", OrganizationType.EMPLOYER)
    Partnership.objects.create(organization=lead, partner=northern, kind=PartnershipKind.EMPLOYER)
    make_member(northern, Role.EMPLOYER_PARTNER, "grace@northern.org", password=PASSWORD)
    coordinator = make_member(
        northern, Role.PROGRAM_STAFF, "coordinator@northern.org", password=PASSWORD
    )
    side = type("Side", (), {"organization": lead})

    # A pair under way whose mentor, recruited by Northern, can host workplace activities.
    mentor = person(
        side,
        "mentor",
        recruited_by=northern,
        given_name="Daniel",
        user=make_user("daniel@northern.org", password=PASSWORD),
    )
    mentee = person(
        side,
        "mentee",
        given_name="Amina",
        preferred_language="fr",
        user=make_user("amina@lead.org", language="fr", password=PASSWORD),
    )
    for someone in (mentor, mentee):
        enrol(program, someone)
    WorkplaceTerms.objects.create(participant=mentor, hosts_activities=True)
    pair = Mentorship.objects.create(
        program=program,
        mentor=mentor,
        mentee=mentee,
        proposal=proposal(program, mentee, mentor, status=ProposalStatus.CONFIRMED),
        mentor_slot=1,
        mentor_capacity=1,
    )
    waiting = person(side, "mentee", given_name="Yara")
    enrol(program, waiting)

    # Northern's own program: mentors among its employees, mentees from an agency.
    hosted = make_program(
        northern,
        coordinator,
        slug="northern-internal",
        kind="employer_hosted",
        accepts_self_referrals=False,
        mentee_steps=[],
        mentor_steps=[],
    )
    hosted.staff.add(coordinator)
    agency = make_organization("rideau")
    hosted.referring_partners.set([agency])
    make_member(agency, Role.CASEWORKER, "caseworker@rideau.org", password=PASSWORD, language="fr")
    employee = person(
        type("Side", (), {"organization": northern}),
        "mentor",
        recruited_by=northern,
        given_name="Wei",
        family_name="Employee",
    )
    enrolment_create(actor=coordinator, program=hosted, participant=employee)
    client = person(type("Side", (), {"organization": agency}), "mentee", given_name="Kwame")
    return {
        "queued_tasks": queued_tasks,
        "program": program,
        "northern": northern,
        "pair": pair,
        "waiting": waiting,
        "staff": staff,
        "hosted": hosted,
        "employee": employee,
        "client": client,
    }


def submit(page, selector: str, label: str) -> str:
    page.locator(selector).first.click()
    page.wait_for_load_state()
    assert_accessible(page, label)
    return page.locator("main").inner_text()


def test_an_employer_recruits_a_colleague_a_day_of_job_shadowing_and_a_hosted_program(
    page, live_server, employer_cast
):
    from tandem.employers.models import WorkplaceActivity
    from tandem.matching.models import Proposal
    from tandem.matching.services.drafts import proposal_create_manual
    from tandem.matching.services.publishing import proposals_publish
    from tandem.participants.models import Participant
    from tandem.programs.services import enrolment_create
    from tandem.referrals.models import Referral
    from tandem.referrals.services import referral_decide

    base, cast = live_server.url, employer_cast
    partner_page = f"{base}/en/employers/partner/northern/"

    # The employer, in English, invites two colleagues; one line is not an address.
    sign_in(page, base, "grace@northern.org", "en")
    text = visit(page, partner_page, "en partner page")
    assert "Where mentors are needed" in text
    visit(page, f"{base}/en/employers/partner/northern/invite/", "en invite form")
    and_in(page, "fr", "invite form")
    page.locator("select[name=program]").select_option(str(cast["program"].pk))
    page.locator("textarea[name=addresses]").fill(
        "luc@example.org, fr\nsam@example.org\nnot-an-address"
    )
    text = submit(page, "main form button[type=submit]", "en invitations sent")
    assert "2 invitations sent" in text and "This is not an e-mail address." in text
    assert page.locator("textarea[name=addresses]").input_value() == "not-an-address"

    # Luc reads his invitation in French and applies with Northern already chosen.
    [to_luc] = [m for m in mail.outbox if m.to == ["luc@example.org"]]
    assert "vous invite" in to_luc.subject
    link = re.search(r"https?://\S+\?partner=northern", str(to_luc.body))
    assert link is not None, to_luc.body
    page.context.clear_cookies()
    visit(page, base + link.group(0)[link.group(0).index("/fr/") :], "fr mentor application")
    and_in(page, "en", "mentor application")
    select = page.locator("select[name=recruited_by]")
    assert select.input_value() == str(cast["northern"].pk)
    page.locator("input[name=given_name]").fill("Luc")
    page.locator("input[name=family_name]").fill("Gagnon")
    page.locator("input[name=email]").fill("luc@example.org")
    page.locator("select[name=preferred_language]").select_option("fr")
    page.locator("input[name=languages][value=fr]").check()
    page.locator("select[name=noc_code]").select_option("21231")
    page.locator("textarea[name=goals]").fill("Partager mon réseau en génie logiciel.")
    page.locator("input[name=years_experience]").fill("8")
    page.locator("input[name=consent]").check()
    sent = submit(page, "main form button[type=submit]", "fr application sent")
    [to_verify] = [m for m in mail.outbox if m.to == ["luc@example.org"] and m is not to_luc]
    verify = re.search(r"https?://\S+/verify/\S+/", str(to_verify.body))
    assert verify is not None, (sent, to_verify.body)
    path = verify.group(0)[verify.group(0).index("/fr/") :]
    visit(page, base + path, "fr verify")
    submit(page, "main form button[type=submit]", "fr application confirmed")
    luc = Participant.objects.get(email="luc@example.org")
    assert luc.recruited_by == cast["northern"]

    # The program accepts Luc and proposes him to a mentee (staff's own pages are tested
    # elsewhere); the employer, in French, sees him matched.
    staff, program = cast["staff"], cast["program"]
    referral_decide(
        actor=staff, referral=luc.referrals.get(), outcome="accepted", unmet_criteria=[], note=""
    )
    enrolment_create(actor=staff, program=program, participant=luc)
    proposal_create_manual(actor=staff, program=program, mentee=cast["waiting"], mentor=luc)
    with override_settings(TASKS=cast["queued_tasks"]):  # a reminder waits for its day
        assert proposals_publish(actor=staff, program=program) == 1
    sign_in(page, base, "grace@northern.org", "fr")
    text = visit(page, f"{base}/fr/employers/partner/northern/", "fr partner page, matched")
    assert "Luc Gagnon" in text and "Jumelage proposé" in text
    assert cast["waiting"].family_name not in text

    # The mentee, in French, asks her mentor for a day of job shadowing.
    pair = cast["pair"]
    sign_in(page, base, "amina@lead.org", "fr")
    visit(page, f"{base}/fr/mentoring/{pair.pk}/", "fr mentorship page")
    submit(page, "main a[href$='/activity/']", "fr activity form")
    and_in(page, "en", "activity form")
    page.locator("select[name=kind]").select_option("job_shadowing")
    day = timezone.localdate() + timedelta(days=5)
    page.locator("input[name=planned_on]").fill(day.isoformat())
    page.locator("input[name=host_detail]").fill("Équipe des données")
    text = submit(page, "main form button[type=submit]", "fr activity requested")
    assert "Observation au poste de travail" in text
    activity = WorkplaceActivity.objects.get()

    # The mentor, in English, agrees, then records the day once it is held.
    sign_in(page, base, "daniel@northern.org", "en")
    activity_page = f"{base}/en/employers/activity/{activity.pk}/"
    visit(page, activity_page, "en activity requested")
    and_in(page, "fr", "activity requested")
    submit(page, "main form:has(input[value=agree]) button", "en activity agreed")
    page.locator("input[name=held_on]").fill(timezone.localdate().isoformat())
    text = submit(page, "main form:has(input[value=held]) button", "en activity held")
    assert "Held" in text
    text = visit(page, f"{base}/en/mentoring/{pair.pk}/", "en mentorship page with activity")
    assert "Job shadowing" in text and "Held" in text

    # The agency's caseworker, in French, refers a client to Northern's own program.
    hosted, client = cast["hosted"], cast["client"]
    sign_in(page, base, "caseworker@rideau.org", "fr")
    visit(page, f"{base}/fr/referrals/client/{client.pk}/refer/{hosted.pk}/", "fr referral form")
    and_in(page, "en", "referral form")
    page.locator("textarea[name=note]").fill("Infirmière formée à l’étranger, prête.")
    page.locator("input[name=has_consent]").check()
    submit(page, "main form button[type=submit]", "fr referral sent")
    referral = Referral.objects.get(program=hosted)

    # Northern's coordinator, in English, accepts it and matches Kwame with an employee.
    sign_in(page, base, "coordinator@northern.org", "en")
    visit(page, f"{base}/en/referrals/{referral.pk}/", "en referral to decide")
    and_in(page, "fr", "referral to decide")
    page.locator("input[name=outcome][value=accepted]").check()
    submit(page, "main form[action$='/decide/'] button[type=submit]", "en referral accepted")
    enrolment_create(actor=referral.program.staff.get(), program=hosted, participant=client)
    employee = cast["employee"]
    candidates = f"{base}/en/matching/programs/{hosted.pk}/mentees/{client.pk}/"
    text = visit(page, f"{candidates}?mentor={employee.pk}", "en candidates, employee explained")
    and_in(page, "fr", "candidates, employee explained")
    text = submit(page, "main form[method=post] button[type=submit]", "en match made")
    proposal = Proposal.objects.get(program=hosted)
    assert (proposal.mentee, proposal.mentor) == (client, employee)
    # The coordinator runs only Northern's program.
    response = page.goto(f"{base}/en/matching/programs/{cast['program'].pk}/")
    assert response is not None and response.status == 404
