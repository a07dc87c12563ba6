"""Stored figures (snapshots.py): a stored report is the live computation, cell for cell, in
each language; it goes stale when a record changes and the worker counts it again; a published
fiscal year never changes and only a year that has ended is published."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from tandem.reports import services, snapshots
from tandem.reports.models import ReportSnapshot
from tandem.reports.selectors import fiscal_year
from tandem.reports.tables import build_tables
from tandem.reports.tasks import refresh_snapshot
from tandem.reports.tests.factories import make_network, publish_this_fiscal_year, seed_program
from tandem.reports.tests.test_funder_attacker import submit_one_referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def network(no_mfa, settings):
    settings.TANDEM_REPORT_SNAPSHOT_FROM = 0  # every scope is "large": pages read snapshots
    return seed_program(make_network())


def live(spec, language: str) -> list:
    with translation.override(language):
        return build_tables(
            spec.scope, threshold=spec.threshold, staff=spec.staff, network=spec.network
        )


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_stored_figures_are_the_live_tables_cell_for_cell(client: Client, network, language):
    client.force_login(network.admin)
    period = fiscal_year(timezone.localdate())
    pages = [
        (
            f"/{language}/reports/programs/{network.program.pk}/",
            services.program_spec(network.program, period),
        ),
        (
            f"/{language}/reports/networks/{network.lead.slug}/",
            services.network_spec(network.lead, period),
        ),
    ]
    for url, spec in pages:
        client.get(url)  # counts and stores
        response = client.get(f"{url}?section=referrals")
        figures = response.context["figures"]
        assert figures.snapshot is not None and not figures.is_stale
        assert figures.snapshot.language == language
        assert response.context["tables"] == live(spec, language)
        assert "Figures as of" in response.content.decode() or language == "fr"
    assert ReportSnapshot.objects.filter(language=language).count() == 2


def test_a_change_makes_the_figures_stale_and_the_worker_counts_them_again(
    client: Client, network, run_worker
):
    client.force_login(network.staff)
    url = f"/en/reports/programs/{network.program.pk}/"
    before = client.get(url).context["tables"]
    submit_one_referral(network)
    response = client.get(url)
    assert response.context["figures"].is_stale
    assert response.context["tables"] == before  # the stored figures, said to be stale
    assert "being counted again" in response.content.decode()
    client.get(url)  # asked once: a second view does not ask the worker again
    asked = DBTaskResult.objects.filter(task_path=refresh_snapshot.module_path, status="READY")
    assert asked.count() == 1
    run_worker()
    response = client.get(url)
    assert not response.context["figures"].is_stale
    spec = services.program_spec(network.program, fiscal_year(timezone.localdate()))
    assert response.context["tables"] == live(spec, "en") != before


def test_count_again_now_counts_at_once(client: Client, network):
    client.force_login(network.staff)
    url = f"/en/reports/networks/{network.lead.slug}/"
    first = client.get(url).context["figures"].as_of
    submit_one_referral(network)
    period = fiscal_year(timezone.localdate())
    response = client.post(
        f"{url}refresh/", {"starts_on": period.starts_on, "ends_on": period.ends_on}
    )
    assert response.status_code == 302
    figures = client.get(response["Location"]).context["figures"]
    assert figures.as_of > first and not figures.is_stale
    outsider = Client()
    outsider.force_login(network.funder)
    assert outsider.post(f"{url}refresh/").status_code == 404


def test_only_a_fiscal_year_that_has_ended_is_published_and_only_once(network, monkeypatch):
    lead = network.lead
    this_year = fiscal_year(timezone.localdate()).starts_on.year
    assert not snapshots.funder_publish(actor=network.admin, organization=lead, year=this_year)
    year = publish_this_fiscal_year(network, monkeypatch)
    assert year == this_year
    published = ReportSnapshot.objects.filter(kind="funder", starts_on=dt.date(year, 4, 1))
    assert sorted(published.values_list("language", flat=True)) == ["en", "fr"]
    stamp = published.get(language="en").built_at
    submit_one_referral(network)
    assert not snapshots.funder_publish(actor=network.admin, organization=lead, year=year)
    assert not snapshots.refresh_request(published.get(language="en"))
    assert snapshots.snapshot_refresh(snapshot_id=published.get(language="en").pk) is None
    assert published.get(language="en").built_at == stamp


def test_the_network_s_staff_publish_the_years_that_have_ended(client: Client, network):
    url = f"/en/reports/funded/{network.lead.slug}/"
    funder = Client()
    funder.force_login(network.funder)
    page = funder.get(url)
    assert page.context["spec"] is None and page.context["years_due"] == []
    assert "No fiscal year has been published" in page.content.decode()
    assert funder.post(f"{url}publish/").status_code == 404  # funders read, never publish
    client.force_login(network.admin)
    assert len(client.get(url).context["years_due"]) == 10
    response = client.post(f"{url}publish/", follow=True)
    assert "10 fiscal years published to funders." in response.content.decode()
    page = funder.get(url)
    assert page.context["spec"] is not None and "Published on" in page.content.decode()
    assert client.get(url).context["years_due"] == []


def test_the_hourly_sweep_publishes_the_year_that_ended_and_drops_unopened_figures(
    client: Client, network, monkeypatch
):
    from tandem.core import sweeps

    client.force_login(network.staff)
    client.get(f"/en/reports/programs/{network.program.pk}/")  # stores this year's figures
    year = fiscal_year(timezone.localdate())
    later = timezone.make_aware(dt.datetime.combine(year.ends_on, dt.time(12)))
    monkeypatch.setattr(timezone, "now", lambda: later + dt.timedelta(days=1))
    results = sweeps.sweeps_run_now()
    assert results["reports"] == {"fiscal years published": 10, "stored reports dropped": 1}
    assert snapshots.published_years(network.lead)[0] == year.starts_on.year
    again = sweeps.sweeps_run_now()["reports"]
    assert again == {"fiscal years published": 0, "stored reports dropped": 0}  # once
