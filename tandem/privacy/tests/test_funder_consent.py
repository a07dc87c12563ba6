"""Consent to being counted in the figures published to funders: offered on the person's page,
honoured by every section of the funder report (reports sit below privacy and ask
core.consent, never this app), and published years stay as they were."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from tandem.core import consent
from tandem.core.tests.cast import make_user
from tandem.participants.models import Participant
from tandem.reports import snapshots, tables
from tandem.reports.models import ReportSnapshot
from tandem.reports.selectors import Scope, fiscal_year, network_programs
from tandem.reports.services import funder_spec
from tandem.reports.tests.factories import make_network, seed_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def network(no_mfa):
    return seed_program(make_network())


def counts(built: list[tables.Table]) -> dict[str, list]:
    """Every count of people in a report, by table (unsuppressed: the test reads them all)."""
    return {
        table.key: [cell.value for row in table.rows for cell in row.cells if cell.kind == "count"]
        for table in built
    }


def funder_tables(network, left_out: frozenset[int]) -> list[tables.Table]:
    scope = Scope(network_programs(network.lead), fiscal_year(timezone.localdate()), left_out)
    return tables.build_tables(scope, threshold=None, staff=False, network=True)


def test_a_funder_report_with_everyone_left_out_counts_no_one_in_any_section(network):
    everyone = frozenset(Participant.objects.values_list("pk", flat=True))
    counted = counts(funder_tables(network, frozenset()))
    assert sum(v or 0 for values in counted.values() for v in values) > 0  # not vacuous
    left = counts(funder_tables(network, everyone))
    assert {key: [v for v in values if v] for key, values in left.items()} == {
        key: [] for key in left
    }


def unsuppressed(scope: Scope) -> list[tables.Table]:
    return tables.build_tables(scope, threshold=None, staff=False, network=True)


def referrals_total(built: list[tables.Table]) -> int:
    (table,) = [t for t in built if t.key == "referrals"]
    (total,) = [row for row in table.rows if row.is_total]
    return sum(cell.value for cell in total.cells[:4])  # waiting, accepted, returned, withdrawn


def test_withdrawing_on_her_page_leaves_her_out_of_the_years_published_after_only(network):
    mentee = network.mentees[0]
    mentee.user = make_user("counted@example.org", language="fr")
    mentee.save(update_fields=["user"])
    period = fiscal_year(timezone.localdate())
    spec = funder_spec(network.lead, period)
    assert spec.scope.left_out == frozenset()
    before = referrals_total(unsuppressed(spec.scope))
    published = snapshots.snapshot_store(spec, language="en", published_by=network.staff)
    frozen = published.tables

    client = Client()
    client.force_login(mentee.user)
    code = consent.FUNDER_REPORTS
    response = client.post(
        reverse("privacy:consent", args=[mentee.pk]),
        {"purpose": code, f"{code}-purpose": code, f"{code}-given": "no"},
    )
    assert response.status_code == 302
    # through core.consent's registry: the reports app imports nothing from privacy
    assert not consent.allows(code, mentee)

    after = funder_spec(network.lead, period)
    assert after.scope.left_out == {mentee.pk}
    assert referrals_total(unsuppressed(after.scope)) == before - 1
    # A year already published is never counted again (published figures are frozen).
    assert ReportSnapshot.objects.get(pk=published.pk).tables == frozen

    # Given again before the next publication: counted again.
    client.post(
        reverse("privacy:consent", args=[mentee.pk]),
        {"purpose": code, f"{code}-purpose": code, f"{code}-given": "yes"},
    )
    assert funder_spec(network.lead, period).scope.left_out == frozenset()


def test_the_year_the_worker_publishes_after_a_withdrawal_leaves_her_out(network, monkeypatch):
    mentee = network.mentees[0]
    mentee.user = make_user("counted2@example.org")
    mentee.save(update_fields=["user"])
    client = Client()
    client.force_login(mentee.user)
    code = consent.FUNDER_REPORTS
    client.post(
        reverse("privacy:consent", args=[mentee.pk]),
        {"purpose": code, f"{code}-purpose": code, f"{code}-given": "no"},
    )
    period = fiscal_year(timezone.localdate())
    spec = funder_spec(network.lead, period)
    everyone = Scope(spec.scope.programs, period)
    assert referrals_total(unsuppressed(spec.scope)) == referrals_total(unsuppressed(everyone)) - 1
    with translation.override("en"):
        without_her = tables.build_tables(
            spec.scope, threshold=spec.threshold, staff=False, network=True
        )
        with_her = tables.build_tables(
            everyone, threshold=spec.threshold, staff=False, network=True
        )
    # The fiscal year ends; the worker publishes it (snapshots_sweep -> funder_publish).
    after_the_year = timezone.make_aware(dt.datetime.combine(period.ends_on, dt.time(12)))
    monkeypatch.setattr(timezone, "now", lambda: after_the_year + dt.timedelta(days=2))
    assert snapshots.funder_publish(
        actor=None, organization=network.lead, year=period.starts_on.year
    )
    figures = snapshots.funder_figures(network.lead, period.starts_on.year, language="en")
    assert figures is not None
    published = snapshots.tables_to_json(figures.tables)
    assert published == snapshots.tables_to_json(without_her)
    assert published != snapshots.tables_to_json(with_her)
