"""Report pages in a real browser: program staff's dashboards and the funder's report, in English
and French, each checked by axe-core (WCAG 2.1 AA): the summary first, one section at a time, the
charts images with a name and their numbers in a table; every table of every section fits a
1,280-pixel window and every chart label is 14 px or more."""

import pytest

from tests.browser.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser


WIDTHS = """() => ({
  page: document.documentElement.scrollWidth,
  tables: [...document.querySelectorAll('.report-table')].map(d => ({
    key: d.closest('section').id, scroll: d.scrollWidth, shown: d.clientWidth})),
  labels: [...document.querySelectorAll('svg.chart text')].map(
    t => parseFloat(getComputedStyle(t).fontSize) * t.ownerSVGElement.getScreenCTM().a),
})"""


def _check_report_page(page, label: str) -> None:
    """The summary, then one section with a chart: accessible, the chart an image with a name
    and its numbers in a table."""
    assert_accessible(page, label)
    assert page.locator("dl.headlines").count() == 1 and page.locator("svg.chart").count() == 0
    page.locator(".report-toc a").first.click()
    page.wait_for_load_state()
    assert page.locator(".report-toc a[aria-current=page]").count() == 1
    assert_accessible(page, f"{label}, one section")
    charts = page.locator("svg.chart[role=img]")
    assert charts.count() == 1, label
    labelled = charts.first.get_attribute("aria-labelledby").split()
    assert all(page.locator(f"[id='{i}']").count() == 1 for i in labelled), label
    assert page.locator("table caption").count() == 1


def _every_section_fits(page, base_url: str, label: str) -> int:
    """Every section of the report open on the page, one after the other, at 1,280 px: no
    table wider than its box (no horizontal scrollbar hides the Total or rate columns), no
    page wider than the window, chart labels of 14 px or more. Returns the tables measured."""
    links = [a.get_attribute("href") for a in page.locator(".report-toc a").element_handles()]
    measured = 0
    for href in links:
        page.goto(f"{base_url}{href}")
        found = page.evaluate(WIDTHS)
        assert found["page"] <= 1280, (label, href, found["page"])
        for table in found["tables"]:
            assert table["scroll"] <= table["shown"] + 1, (label, table)
            measured += 1
        assert all(size >= 13.99 for size in found["labels"]), (label, href, found["labels"])
    return measured


def test_staff_dashboards_are_accessible_in_both_languages(page, live_server, demo_network):
    from tandem.programs.models import Program

    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server.url, "staff@tandem.demo")
    program = Program.objects.filter(organization__slug="capital-welcome").order_by("pk").first()
    for language in ("en", "fr"):
        page.goto(f"{live_server.url}/{language}/reports/")
        assert_accessible(page, f"{language} reports index")
        page.goto(f"{live_server.url}/{language}/reports/networks/capital-welcome/")
        _check_report_page(page, f"{language} network dashboard")
        # Issue 16: 8 tables in English and 10 in French hid columns behind a scrollbar.
        assert _every_section_fits(page, live_server.url, f"{language} network dashboard") >= 12
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
    """The funder reads the fiscal year that has ended, which the demo published (its history
    reaches back to that year's April 1)."""
    from tandem.organizations.models import Organization
    from tandem.reports.snapshots import closed_fiscal_years, published_years

    settings.TANDEM_REPORT_BACKGROUND_FROM = 0  # every report goes to the worker
    network = Organization.objects.get(slug="capital-welcome")
    assert published_years(network) == [closed_fiscal_years()[0]]
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server.url, "funder@tandem.demo")
    for language in ("en", "fr"):
        page.goto(f"{live_server.url}/{language}/reports/")
        assert_accessible(page, f"{language} funder's reports index")
        page.goto(f"{live_server.url}/{language}/reports/funded/capital-welcome/")
        assert page.locator("[role=note]").count() == 1
        _check_report_page(page, f"{language} funder report")
        assert _every_section_fits(page, live_server.url, f"{language} funder report") >= 10
    page.locator("form.report-build button[type=submit]").click()
    page.wait_for_load_state()
    assert "/reports/runs/" in page.url
    assert page.locator("progress").count() == 1
    assert page.locator("[aria-live=polite]").count() == 1
    assert_accessible(page, "report being built")
