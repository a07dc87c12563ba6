"""The matching desk in a real browser, for staff, mentor and mentee, in English and French.

axe-core (WCAG 2.1 A and AA) runs on every page visited, including the run's progress, the
breakdown charts, forms with errors and the answer pages.
"""

import re

import pytest
from django.core.management import call_command

from tests.browser.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser

TEST_EMBEDDER = "tandem.matching.tests.factories.HashEmbedder"


@pytest.fixture
def desk_network(settings, request):
    # The demo's goal vectors with a tiny embedder: no model to load in the browser tests.
    settings.TANDEM_MATCHING_EMBEDDER = TEST_EMBEDDER
    return request.getfixturevalue("demo_network")


def work_off_the_queue() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def desk_url(page, base: str, language: str) -> str:
    page.goto(f"{base}/{language}/matching/")
    assert_accessible(page, f"{language} matching home (staff)")
    # The demo's one-to-one Career Mentoring Program (the demo also runs group, connector and
    # employer-hosted programs, each with its own desk).
    from tandem.programs.models import Program

    program = Program.objects.get(slug="career-mentoring")
    return page.locator(f"a[href*='/matching/programs/{program.pk}/']").first.get_attribute("href")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_staff_run_the_whole_pool_and_work_the_drafts(language, page, live_server, desk_network):
    base = live_server.url
    sign_in(page, base, "staff@tandem.demo")
    desk = desk_url(page, base, language)
    page.goto(base + desk)
    assert page.locator("html").get_attribute("lang") == language
    assert_accessible(page, f"{language} desk")
    page.locator("form[action$='/run/'] button").click()
    page.wait_for_selector("#run progress")
    assert_accessible(page, f"{language} desk with a queued run")
    work_off_the_queue()
    page.wait_for_selector("#run dl.facts", timeout=15000)
    assert page.locator("#run [aria-live]").count() == 1
    assert_accessible(page, f"{language} desk with a finished run")
    # The pool's filters, then the mentor side.
    page.goto(base + desk + "?side=mentor&sort=-waiting")
    assert_accessible(page, f"{language} desk, mentors")
    # Drafts: accept one, then publish it.
    page.goto(base + desk + "proposals/")
    assert_accessible(page, f"{language} proposals")
    page.locator("table button[name=action][value=accept]").first.click()
    page.wait_for_load_state()
    page.locator("form:not([action]) button[type=submit], form[action=''] button").first.click()
    page.wait_for_load_state()
    assert page.locator(".message-success").count() >= 1
    assert_accessible(page, f"{language} proposals after publishing")
    # One mentee's ranked mentors with their breakdown charts.
    page.locator("table a[href*='/mentees/']").first.click()
    page.wait_for_load_state()
    assert page.locator("svg[role=img] title").count() >= 1
    assert_accessible(page, f"{language} ranked candidates")
    page.locator("select[name=mentor]").select_option(index=1)
    page.locator("form[method=get] button").last.click()
    page.wait_for_load_state()
    assert_accessible(page, f"{language} explanation of one mentor")
    # A manual match with that mentor: the form sends the chosen mentor, so the answer is the
    # match or the service's own refusal, never "This field is required".
    page.locator("textarea[name=reason]").fill("Asked for by name.")
    page.locator("main form[method=post] button").last.click()
    page.wait_for_load_state()
    assert_accessible(page, f"{language} after a manual match")
    assert page.locator(".errorlist, .message-error, .message-success").count() >= 1
    assert not re.search(
        r"This field is required|Ce champ est obligatoire", page.locator("main").inner_text()
    )
    # Weights with a preview.
    page.goto(base + desk + "settings/")
    assert_accessible(page, f"{language} settings")
    page.locator("button[value=preview]").click()
    page.wait_for_load_state()
    work_off_the_queue()
    page.wait_for_selector("#run dl.facts", timeout=15000)
    assert_accessible(page, f"{language} settings with a preview")
    # The mentorships of the program and the active one.
    page.goto(base + desk.replace("/matching/", "/mentorships/"))
    assert_accessible(page, f"{language} mentorships of the program")
    page.locator("table a[href*='/mentorships/']").first.click()
    page.wait_for_load_state()
    assert_accessible(page, f"{language} mentorship (staff)")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_mentee_reviews_and_accepts_the_proposal(language, page, live_server, desk_network):
    base = live_server.url
    sign_in(page, base, "mentee@tandem.demo")
    page.goto(f"{base}/{language}/matching/")
    assert_accessible(page, f"{language} my matches (mentee)")
    page.locator("a[href*='/matching/proposals/']").first.click()
    page.wait_for_load_state()
    assert page.locator("[data-sentences] li").count() >= 1
    assert_accessible(page, f"{language} proposal (mentee)")
    page.locator("input[value=accepted]").check()
    page.locator("form[method=post] button[type=submit]").last.click()
    page.wait_for_load_state()
    assert page.locator(".message-success").count() == 1
    assert_accessible(page, f"{language} proposal answered (mentee)")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_mentor_must_say_why_they_decline_and_sees_their_mentorship(
    language, page, live_server, desk_network
):
    base = live_server.url
    sign_in(page, base, "mentor@tandem.demo")
    page.goto(f"{base}/{language}/matching/")
    assert_accessible(page, f"{language} my matches (mentor)")
    page.locator("a[href*='/matching/proposals/']").first.click()
    page.wait_for_load_state()
    assert_accessible(page, f"{language} proposal (mentor)")
    page.locator("input[value=declined]").check()
    page.locator("form[method=post] button[type=submit]").last.click()
    page.wait_for_load_state()
    assert page.locator(".errorlist").count() >= 1
    assert_accessible(page, f"{language} decline without a reason")
    page.locator("input[value=declined]").check()
    page.locator("textarea[name=reason]").fill("I travel for work all of next month.")
    page.locator("form[method=post] button[type=submit]").last.click()
    page.wait_for_load_state()
    assert page.locator(".message-success").count() == 1
    page.goto(f"{base}/{language}/matching/")
    page.locator("a[href*='/mentorships/']").first.click()
    page.wait_for_load_state()
    assert re.search(r"\.ics", page.content())
    assert_accessible(page, f"{language} mentorship (mentor)")
