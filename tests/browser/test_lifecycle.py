"""The mentorship lifecycle in the browser: the mentor's, the mentee's and the staff's pages in
English and in French, axe-core (WCAG 2.1 A and AA) on each, and the main actions by keyboard-
reachable forms: logging a meeting, a check-in, the needs-attention list, events, the exit
survey page, the outcome history and the public follow-up link."""

import re

import pytest

from tests.browser.conftest import assert_accessible, sign_in, visit

pytestmark = pytest.mark.browser


def _active_mentorship():
    from tandem.mentorships.models import Mentorship, MentorshipStatus

    # Daniel's (the demo mentor with a login); the demo's past year has others.
    return Mentorship.objects.get(
        status=MentorshipStatus.ACTIVE, mentor__email="mentor@tandem.demo"
    )


def _closed_mentorship():
    from tandem.mentorships.models import Mentorship, MentorshipStatus

    # Amina's earlier one (the demo mentee with a login).
    return Mentorship.objects.get(
        status=MentorshipStatus.COMPLETED, mentee__email="mentee@tandem.demo"
    )


def test_staff_pages_in_both_languages(page, live_server, demo_network):
    active, closed = _active_mentorship(), _closed_mentorship()
    base = live_server.url
    sign_in(page, base, "staff@tandem.demo")
    for language in ("en", "fr"):
        visit(page, f"{base}/{language}/mentoring/", f"{language} mentorships")
        text = visit(page, f"{base}/{language}/mentoring/{active.pk}/", f"{language} page")
        assert active.mentee.full_name in text
        visit(page, f"{base}/{language}/mentoring/attention/", f"{language} attention")
        visit(page, f"{base}/{language}/mentoring/{active.pk}/check-ins/new/", "check-in")
        visit(page, f"{base}/{language}/mentoring/{active.pk}/case-meetings/new/", "case")
        visit(page, f"{base}/{language}/outcomes/{active.pk}/close/", f"{language} close")
        visit(page, f"{base}/{language}/outcomes/{active.pk}/extend/", f"{language} extend")
        visit(page, f"{base}/{language}/events/", f"{language} events")
        visit(page, f"{base}/{language}/events/program/{active.program_id}/new/", "new event")
        text = visit(page, f"{base}/{language}/mentoring/{closed.pk}/", f"{language} closed")
        visit(page, f"{base}/{language}/outcomes/person/{closed.mentee_id}/", "outcomes")
    # A check-in through the form, in French.
    page.goto(f"{base}/fr/mentoring/{active.pk}/check-ins/new/")
    page.get_by_label(re.compile(active.mentee.full_name)).check()
    page.get_by_label("Comment ça se passe").fill("Bonne progression.")
    page.get_by_label(re.compile(r"4\W+satisfaisant")).check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "Le suivi est consigné." in page.locator(".messages").inner_text()
    assert_accessible(page, "after a check-in")


def test_the_mentor_logs_a_meeting_and_sees_the_event(page, live_server, demo_network):
    active = _active_mentorship()
    base = live_server.url
    sign_in(page, base, "mentor@tandem.demo")
    for language in ("en", "fr"):
        text = visit(page, f"{base}/{language}/mentoring/{active.pk}/", f"{language} mentor")
        assert "Confidential" not in text
        visit(page, f"{base}/{language}/events/", f"{language} mentor events")
    page.goto(f"{base}/en/mentoring/{active.pk}/meetings/new/")
    assert_accessible(page, "log a meeting form")
    page.get_by_label("Length (minutes)").fill("5000")
    page.get_by_label("Topics discussed").fill("Networking plan")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".errorlist").count() >= 1
    assert_accessible(page, "log a meeting form with an error")
    page.get_by_label("Length (minutes)").fill("60")
    page.get_by_label("By phone").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "The meeting is logged" in page.locator(".messages").inner_text()
    page.goto(f"{base}/en/events/")
    page.get_by_role("link", name=re.compile("Networking evening")).click()
    assert_accessible(page, "event page for the mentor")


def test_the_mentee_sees_her_closed_mentorship_survey_and_outcomes_in_french(
    page, live_server, demo_network
):
    closed = _closed_mentorship()
    base = live_server.url
    sign_in(page, base, "mentee@tandem.demo", language="fr")
    text = visit(page, f"{base}/fr/mentoring/{closed.pk}/", "mentee closed page")
    assert "Attestation de participation (PDF)" in text
    visit(page, f"{base}/fr/outcomes/{closed.pk}/exit-survey/mentee/", "exit survey done")
    visit(page, f"{base}/fr/outcomes/person/{closed.mentee_id}/", "mentee outcomes")
    visit(page, f"{base}/en/mentoring/{closed.pk}/", "mentee closed page in English")


def test_the_follow_up_link_works_without_signing_in(page, live_server, demo_network):
    from tandem.outcomes import services
    from tandem.outcomes.models import FollowUp

    # One still waiting for its day (the demo's past year has sent and answered ones).
    follow_up = FollowUp.objects.filter(sent_at__isnull=True).order_by("due_at").first()
    FollowUp.objects.filter(pk=follow_up.pk).update(due_at=follow_up.due_at.replace(year=2020))
    services.followup_send(follow_up_id=follow_up.pk)
    FollowUp.objects.filter(pk=follow_up.pk).update(token_hash=services.token_hash("demo-token"))
    base = live_server.url
    visit(page, f"{base}/fr/outcomes/follow-up/demo-token/", "follow-up survey")
    page.get_by_label("En emploi dans son domaine").check()
    page.get_by_label("Entrevues d’embauche obtenues").fill("2")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "Merci" in page.locator("h1").inner_text()
    assert_accessible(page, "follow-up thanks")
    response = page.goto(f"{base}/en/outcomes/follow-up/demo-token/")
    assert response.status == 410
    assert_accessible(page, "used follow-up link")
