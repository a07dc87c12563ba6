"""Reports read from the PostgreSQL replica when one is configured (TANDEM_DB_REPLICA_*,
config/routers.py): every section's statements, the ORM's and the raw ones, run on the replica's
connection and none on the primary's; without a replica, on the primary.

The test adds a "replica" alias that is the same database as the primary (what a streaming
replica shows, lag apart), with the router settings.py installs when the variables are set.
"""

import pytest
from django.conf import settings
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from tandem.reports.selectors import Scope, fiscal_year, network_programs
from tandem.reports.tables import build_tables
from tandem.reports.tests.factories import make_network, seed_program

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture(scope="module", autouse=True)
def _replica_alias():
    """Declared before the test's database set-up (a module fixture runs first), as settings.py
    declares it when TANDEM_DB_REPLICA_HOST is set: the primary's own test database."""
    primary = connections.settings["default"]
    settings.DATABASES["replica"] = {**primary, "TEST": {**primary["TEST"], "MIRROR": None}}
    yield
    # The alias stays declared (pytest-django tears the test databases down by the aliases it
    # saw): without the router, which only the fixture below installs, nothing reads from it.
    connections["replica"].close()


@pytest.fixture
def replica():
    with override_settings(DATABASE_ROUTERS=["config.routers.ReportReplicaRouter"]):
        yield connections["replica"]


def _report(network) -> list:
    scope = Scope(network_programs(network.lead), fiscal_year(timezone.localdate()))
    _ = scope.program_ids  # read before, on the primary (like build_tables does)
    return build_tables(scope, threshold=None, staff=True, network=True)


def test_every_section_reads_from_the_replica_when_there_is_one(replica, no_mfa):
    network = seed_program(make_network())
    with (
        CaptureQueriesContext(connection) as primary,
        CaptureQueriesContext(replica) as copy,
    ):
        built = _report(network)
    statements = [q["sql"] for q in copy.captured_queries]
    assert any("referrals_referral" in sql for sql in statements)  # ORM sections
    assert any("WITH" in sql for sql in statements)  # the raw statements too
    assert not any("referrals_referral" in q["sql"] for q in primary.captured_queries)
    assert {t.key for t in built} >= {"referrals", "employment", "waiting"}


def test_without_a_replica_reports_read_the_primary(no_mfa, monkeypatch):
    network = seed_program(make_network())
    monkeypatch.delitem(settings.DATABASES, "replica")  # as settings.py leaves it by default
    assert not settings.DATABASE_ROUTERS
    with CaptureQueriesContext(connection) as primary:
        _report(network)
    assert any("referrals_referral" in q["sql"] for q in primary.captured_queries)
