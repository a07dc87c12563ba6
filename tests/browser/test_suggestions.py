"""Live occupation suggestions on the mentee form, by keyboard, in English and French: typing
shows a listbox (axe checks the open combobox), the arrow keys and Enter take an option, and the
client is saved with that occupation."""

import pytest

from tests.browser.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_caseworker_picks_the_occupation_among_live_suggestions_by_keyboard(
    language, page, live_server, demo_network
):
    from tandem.participants.models import Participant

    base = live_server.url
    sign_in(page, base, "caseworker@tandem.demo")
    page.goto(f"{base}/{language}/participants/organization/rideau-employment/new/")
    page.fill("#id_external_id", f"S-{language}")
    page.fill("#id_given_name", "Valentina")
    page.fill("#id_family_name", "Cruz")
    page.fill("#id_email", f"valentina.{language}@example.org")
    page.locator("input[name=languages][value=es]").check()
    box = page.locator("#id_occupation_query")
    box.press_sequentially("ingénieur" if language == "fr" else "software", delay=30)
    option = page.locator("#id_occupation_query-listbox [role=option]").first
    option.wait_for()
    assert box.get_attribute("aria-expanded") == "true"
    assert page.locator("#id_occupation_query-status").inner_text().strip()
    assert_accessible(page, f"{language} occupation suggestions open")
    box.press("ArrowDown")
    chosen = page.locator("#id_occupation_query-listbox [aria-selected=true]")
    assert box.get_attribute("aria-activedescendant") == chosen.get_attribute("id")
    code, title = chosen.get_attribute("data-value"), chosen.get_attribute("data-label")
    box.press("Enter")  # takes the option; the form is not sent
    assert box.input_value() == title and box.get_attribute("aria-expanded") == "false"
    assert page.locator("input[name=occupation]").input_value() == code
    page.fill("#id_postal_code", "K1N 5Y1")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/referrals/client/*/")
    assert Participant.objects.get(external_id=f"S-{language}").occupation_id == code
