"""Each demo role signs in and visits every page it can reach, in English and in French.

axe-core (WCAG 2.1 A and AA) must report no violation on any of them.
"""

import pytest

from tandem.demo.network import LOGINS
from tests.browser.conftest import assert_accessible, crawl, sign_in

pytestmark = pytest.mark.browser

# The admin's own pages are Django's; the crawl checks its index and stops there.
SKIP = ("/admin/", "/accounts/2fa/totp/deactivate", "/accounts/2fa/recovery-codes/download")


@pytest.mark.accessibility_sweep
@pytest.mark.parametrize("login", LOGINS, ids=lambda login: login.email.split("@")[0])
def test_every_page_a_role_can_reach_is_accessible_in_both_languages(
    login, page, live_server, demo_network
):
    sign_in(page, live_server.url, login.email)
    assert page.url.rstrip("/").endswith("/en"), (
        f"{login.email} did not land on the dashboard: {page.url}"
    )
    visited = {}
    for language in ("en", "fr"):
        visited[language] = crawl(page, live_server.url, f"/{language}/", limit=14, skip=SKIP)
        assert page.locator("html").get_attribute("lang") == language
    assert len(visited["en"]) >= 3 and len(visited["fr"]) >= 3, visited


def test_anonymous_pages_and_sign_in_errors_are_accessible(page, live_server, demo_network):
    for language in ("en", "fr"):
        crawl(page, live_server.url, f"/{language}/", limit=8, skip=SKIP)
        page.goto(f"{live_server.url}/{language}/accounts/login/")
        page.locator("input[name=login]").fill("nobody@example.org")
        page.locator("input[name=password]").fill("wrong-password")
        page.locator("form button[type=submit]").last.click()
        page.wait_for_load_state()
        assert page.locator(".errorlist, [role=alert]").count() >= 1
        assert_accessible(page, f"{language} sign-in with an error")


def test_the_skip_link_is_the_first_stop_and_moves_focus_to_the_content(
    page, live_server, demo_network
):
    page.goto(f"{live_server.url}/fr/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Passer au contenu principal"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_occupation_search_finds_a_french_title_with_htmx(page, live_server, demo_network):
    page.goto(f"{live_server.url}/fr/occupations/")
    page.get_by_label("Appellation d’emploi ou code CNP").fill("ingenieur")
    page.wait_for_selector("text=21300")
    assert page.locator("#occupation-results").inner_text().count("Ingénieur") >= 1
    assert_accessible(page, "occupation search results")


def test_switching_language_keeps_the_page(page, live_server, demo_network):
    sign_in(page, live_server.url, "staff@tandem.demo")
    page.goto(f"{live_server.url}/en/organizations/")
    page.get_by_role("button", name="Français").click()
    page.wait_for_url("**/fr/organizations/")
    assert page.get_by_role("heading", level=1).inner_text() == "Le réseau"


def test_the_accessibility_check_reports_a_planted_violation(page):
    """Negative control: an image without a text alternative and an unlabelled field fail."""
    page.set_content(
        '<html lang="en"><title>t</title><main><img src="x.png"><input type="text"></main></html>'
    )
    with pytest.raises(AssertionError, match="image-alt"):
        assert_accessible(page, "planted violation")


def test_the_csp_stays_on_and_a_page_it_breaks_fails(page, live_server, demo_network):
    """Negative control for the CSP check: the real sign-in page, with the real CSP header from
    Django, gets an inline script and an inline style planted in its body. The CSP must refuse
    both (so it is on: the script does not run) and the check must fail the test."""

    def plant(route):
        response = route.fetch()
        assert "script-src 'self'" in response.headers["content-security-policy"]
        body = response.text().replace(
            "</main>",
            '<p id="planted" style="color: red">x</p>'
            "<script>document.title = 'inline script ran';</script></main>",
        )
        route.fulfill(response=response, body=body)

    page.route("**/en/accounts/login/", plant)
    page.goto(f"{live_server.url}/en/accounts/login/")
    assert page.title() != "inline script ran"
    assert page.evaluate("typeof axe.run") == "function"  # axe is there despite the CSP
    with pytest.raises(AssertionError, match="Content Security Policy violated"):
        assert_accessible(page, "planted inline script and style")
    page.csp_refusals.clear()  # the refusals were the point; the teardown check has seen them
