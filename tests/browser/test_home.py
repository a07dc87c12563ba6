"""Every demo role's home in a real browser, in English and in French: the right tasks with the
right counts (counted here straight from the database), nobody else's, and axe on each page.

With $TANDEM_SCREENSHOTS set, a screenshot of every home goes to that folder, so that a person
can look at them. Without it none is taken: twenty full-page screenshots that nobody opened cost
the suite seconds of CPU and checked nothing."""

import os
import re
from pathlib import Path

import pytest

from tests.browser.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser


def count_on(page, words: str) -> int:
    task = page.locator(".task", has_text=re.compile(words))
    assert task.count() == 1, f"no single task for {words!r}"
    return int(task.locator(".count").inner_text())


def bar_rows(page) -> int:
    """How many lines the header's bar takes: the brand, each entry of the navigation and the
    language switch, grouped by where their middles sit."""
    middles = page.evaluate(
        """() => [document.querySelector('.site-header .brand'),
                  ...document.querySelectorAll('.site-header .nav > li'),
                  document.querySelector('.site-header .language-switch')]
            .map((e) => { const r = e.getBoundingClientRect(); return r.top + r.height / 2; })"""
    )
    rows: list[float] = []
    for middle in sorted(middles):
        if not rows or middle - rows[-1] > 8:
            rows.append(middle)
    return len(rows)


def test_each_roles_home_shows_its_own_work_counted_in_both_languages(
    page, live_server, demo_network
):
    from tandem.matching.models import Proposal
    from tandem.participants.models import Participant
    from tandem.referrals.models import Referral

    shots = Path(os.environ["TANDEM_SCREENSHOTS"]) if os.environ.get("TANDEM_SCREENSHOTS") else None
    if shots:
        shots.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    lead = {"program__organization__slug": "capital-welcome"}
    checks = {
        "staff": lambda language: (
            count_on(page, "referrals? to decide|références? à trancher")
            == Referral.objects.filter(status="submitted", **lead).count()
            and count_on(page, "draft match|ébauches? de jumelage")
            == Proposal.objects.filter(status="draft", **lead).count()
            and count_on(page, "waiting for answers|en attente de réponses")
            == Proposal.objects.filter(status="published", **lead).count()
        ),
        "caseworker": lambda language: (
            count_on(page, "returned to your agency|renvoyées? à votre organisme")
            == Referral.objects.filter(
                status="returned", referring_organization__slug="rideau-employment"
            ).count()
        ),
        "mentee": lambda language: (
            page.locator(".next-step .now")
            .first.inner_text()
            .startswith(
                "A mentor awaits your answer by"
                if language == "en"
                else "Une proposition de mentor attend votre réponse d’ici le"
            )
        ),
        # Daniel mentors one-to-one and is also a connector: one "what to do now" per role.
        "mentor": lambda language: page.locator(".next-step").count() >= 1,
        "employer": lambda language: (
            page.locator(".headlines dd").first.inner_text()
            == str(
                Participant.objects.filter(
                    recruited_by__slug="northern-lights", role="mentor"
                ).count()
            )
        ),
        "funder": lambda language: (
            page.get_by_role(
                "link", name=re.compile("Capital Welcome Centre|Centre d['’]accueil de la Capitale")
            ).count()
            >= 1
        ),
        "leader": lambda language: page.locator(".headlines").count() >= 1,
        # The roles with the most entries in the navigation: checked for the bar alone (below).
        "admin": None,
        "orgadmin": None,
        "coordinator": None,
    }
    # The other agency's clients: never on the Rideau caseworker's home.
    outsiders = [
        str(p)
        for p in Participant.objects.filter(
            organization__slug="vanier-newcomers", role="mentee"
        ).exclude(referrals__referring_organization__slug="rideau-employment")
    ]
    assert outsiders
    for login, check in checks.items():
        page.context.clear_cookies()
        sign_in(page, base, f"{login}@tandem.demo")
        for language in ("en", "fr"):
            page.goto(f"{base}/{language}/")
            assert page.locator("html").get_attribute("lang") == language
            assert_accessible(page, f"{login}'s home in {language}")
            page.set_viewport_size({"width": 1280, "height": 900})
            if shots:
                page.screenshot(path=str(shots / f"home-{login}-{language}.png"), full_page=True)
            # Every entry, "More" and the language switch on one line at 1,280 pixels.
            assert bar_rows(page) == 1, f"{login}'s navigation wraps in {language}"
            assert check is None or check(language), f"{login}'s home in {language}"
            text = page.locator("main").inner_text()
            assert "You have no reports to read" not in text
            if login == "caseworker":
                assert not [name for name in outsiders if name in text]
                assert page.locator("nav a[href$='/matching/']").count() == 0

    # "More" with the keyboard alone (the coordinator, in French): Enter opens it, Tab reaches
    # its entries, Escape closes it; its "Privacy" leads staff with no record of their own to
    # their organization's privacy office, and "More" then shows that the page is one of its own.
    summary = page.locator(".nav-more summary")
    summary.focus()
    page.keyboard.press("Enter")
    menu = page.locator(".nav-more details ul")
    assert menu.is_visible()
    assert_accessible(page, "the More menu, open")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.nav-more ul') !== null")
    page.keyboard.press("Escape")
    assert not menu.is_visible()
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("Enter")
    page.get_by_role("link", name="Confidentialité").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert_accessible(page, "a coordinator's privacy page")
    assert page.locator(".nav-more details.has-current").count() == 1
    text = page.locator("main").inner_text()
    assert "Bytown" in text and "Aucun organisme ne détient" not in text


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_caseworker_records_a_client_without_typing_a_code(
    language, page, live_server, demo_network
):
    from tandem.participants.models import Participant

    base = live_server.url
    sign_in(page, base, "caseworker@tandem.demo")
    page.goto(f"{base}/{language}/participants/organization/rideau-employment/new/")
    assert_accessible(page, f"{language} mentee form")
    page.fill("#id_external_id", f"R-{language}")
    page.fill("#id_given_name", "Yasmin")
    page.fill("#id_family_name", "Haddad")
    page.fill("#id_email", f"yasmin.{language}@example.org")
    page.locator(".choice-filter").fill("arab" if language == "en" else "arabe")
    arabic = page.locator("input[name=languages][value=ar]")
    assert page.locator("label", has=arabic).inner_text().strip() in ("Arabic", "Arabe")
    assert page.locator("input[name=languages][value=es]").is_hidden()  # filtered out
    arabic.check()
    page.locator(".choice-filter").fill("")
    page.locator("input[name=languages][value=en]").check()
    page.check("#id_availability_tue_evening")
    page.check("#id_availability_sat_morning")
    page.fill(
        "#id_occupation_query",
        "software engineer" if language == "en" else "ingénieure en logiciel",
    )
    page.fill("#id_postal_code", "K1N 5Y1")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/referrals/client/*/")
    assert_accessible(page, f"{language} programs the new client qualifies for")
    client = Participant.objects.get(external_id=f"R-{language}")
    assert client.occupation_id == "21231" and client.role == "mentee"
    assert set(client.languages.split(";")) == {"ar", "en"}
    assert set(client.availability.split(";")) == {"tue-evening", "sat-morning"}
    page.goto(f"{base}/{language}/participants/{client.pk}/")
    text = page.locator("main").inner_text()
    assert "sat-morning" not in text and "ar;en" not in text and "en;ar" not in text
    assert ("Tuesday evening" if language == "en" else "mardi soir") in text
