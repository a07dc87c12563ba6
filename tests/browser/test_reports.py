"""Report pages in a real browser: program staff's dashboards and the funder's report, in English
and French, each checked by axe-core (WCAG 2.1 AA); the charts are images with a name and the
numbers are in a table beside them."""

import pytest

from tests.browser.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser


def _check_report_page(page, label: str) -> None:
    assert_accessible(page, label)
    charts = page.locator("svg.chart[role=img]")
    assert charts.count() >= 1, label
    labelled = charts.first.get_attribute("aria-labelledby").split()
    assert all(page.locator(f"[id='{i}']").count() == 1 for i in labelled), label
    assert page.locator("table caption").count() >= charts.count()


def test_staff_dashboards_are_accessible_in_both_languages(page, live_server, demo_network):
    from tandem.programs.models import Program

    sign_in(page, live_server.url, "staff@tandem.demo")
    program = Program.objects.filter(organization__slug="capital-welcome").order_by("pk").first()
    for language in ("en", "fr"):
        page.goto(f"{live_server.url}/{language}/reports/")
        assert_accessible(page, f"{language} reports index")
        page.goto(f"{live_server.url}/{language}/reports/networks/capital-welcome/")
        _check_report_page(page, f"{language} network dashboard")
        page.goto(f"{live_server.url}/{language}/reports/programs/{program.pk}/")
        _check_report_page(page, f"{language} program dashboard")
        # Another period through the form, keyboard only.
        page.get_by_role(
            "combobox", name="Period" if language == "en" else "Période"
        ).select_option("twelve_months")
        page.keyboard.press("Tab")
        page.locator("form.report-filters button[type=submit]").press("Enter")
        page.wait_for_load_state()
        assert "preset=twelve_months" in page.url
        assert_accessible(page, f"{language} program dashboard, last 12 months")


def test_the_funder_report_is_accessible_and_builds_in_the_background(
    page, live_server, demo_network, settings
):
    settings.TANDEM_REPORT_BACKGROUND_FROM = 0  # every report goes to the worker
    sign_in(page, live_server.url, "funder@tandem.demo")
    for language in ("en", "fr"):
        page.goto(f"{live_server.url}/{language}/reports/")
        assert_accessible(page, f"{language} funder's reports index")
        page.goto(f"{live_server.url}/{language}/reports/funded/capital-welcome/")
        _check_report_page(page, f"{language} funder report")
        assert page.locator("[role=note]").count() == 1
    page.locator("form.report-build button[type=submit]").click()
    page.wait_for_load_state()
    assert "/reports/runs/" in page.url
    assert page.locator("progress").count() == 1
    assert page.locator("[aria-live=polite]").count() == 1
    assert_accessible(page, "report being built")
