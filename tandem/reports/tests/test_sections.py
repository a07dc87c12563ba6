"""Sections read side by side on PostgreSQL (sections.py): every reader in one snapshot, the
same tables as one reader, errors raised on the caller's thread, one reader inside a transaction.

The data is committed (transaction=True): another connection cannot see a test case's
uncommitted rows, which is also why a report inside a transaction is read by one connection.
"""

import dataclasses
import re
import threading

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone, translation

from tandem.organizations.models import Organization
from tandem.reports import sections, tables
from tandem.reports.selectors import Scope, fiscal_year, network_programs
from tandem.reports.tests.factories import make_network, seed_program

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("exported snapshots are PostgreSQL's")


def _reader_and_count(pause: float):
    """A step: which server process answered, and how many organizations it sees."""

    def step():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid(), pg_sleep(%s)", [pause])
            pid = cursor.fetchone()[0]
        return pid, Organization.objects.count()

    return step


def _add_organization_elsewhere(slug: str) -> None:
    """Commits a row from a connection of its own, as another member of staff would."""

    def add():
        try:
            Organization.objects.create(slug=slug, name_en=slug, name_fr=slug)
        finally:
            connections.close_all()

    thread = threading.Thread(target=add)
    thread.start()
    thread.join()


def test_every_reader_reads_the_snapshot_of_the_first():
    before = Organization.objects.count()
    committed = threading.Event()

    def commit_then_count():
        _add_organization_elsewhere("added-while-reading")
        committed.set()
        return _reader_and_count(0)()

    def count_after_the_commit():
        committed.wait(timeout=10)
        return _reader_and_count(0.05)()

    steps = [commit_then_count] + [count_after_the_commit] * 5
    results = sections.read_sections(steps)

    assert Organization.objects.count() == before + 1  # the row is there for the next report
    assert {count for _pid, count in results} == {before}
    assert len({pid for pid, _count in results}) == 2  # two server processes read


def test_a_reader_at_read_committed_would_have_seen_the_row():
    """Negative control: without the shared snapshot, the second read sees the new row."""
    with transaction.atomic():
        before = Organization.objects.count()
        _add_organization_elsewhere("seen-by-read-committed")
        assert Organization.objects.count() == before + 1


def test_side_by_side_gives_the_tables_of_one_reader():
    network = seed_program(make_network())
    scope = Scope(network_programs(network.lead), fiscal_year(timezone.localdate()))

    def build():
        built = tables.build_tables(
            Scope(scope.programs, scope.period), threshold=None, staff=True, network=True
        )
        return [dataclasses.asdict(t) for t in built]

    with translation.override("fr"):
        assert sections.side_by_side()
        with CaptureQueriesContext(connection) as side_by_side:
            apart = build()
        with override_settings(TANDEM_REPORT_READERS=1):
            assert not sections.side_by_side()
            with CaptureQueriesContext(connection) as one_reader:
                alone = build()
    assert apart == alone
    assert any(t["rows"] for t in alone)  # the comparison is over real numbers
    # The helpers' queries count as the request's: the same aggregates were run.
    assert _aggregates(side_by_side) == _aggregates(one_reader)


def _aggregates(captured: CaptureQueriesContext) -> list[str]:
    skipped = ("SET ", "SAVEPOINT", "RELEASE", "BEGIN", "COMMIT", "SELECT set_config")
    # "Now" (the waiting times) is read at each build.
    return sorted(
        re.sub(r"'\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[.\d]*\+00:00'", "now", q["sql"])
        for q in captured.captured_queries
        if not q["sql"].startswith(skipped) and "pg_export_snapshot" not in q["sql"]
    )


def test_a_failing_section_fails_the_report_on_the_callers_thread():
    def fails():
        raise ZeroDivisionError("a section")

    steps = [_reader_and_count(0.05)] * 3 + [fails] + [_reader_and_count(0.05)] * 3
    with pytest.raises(ZeroDivisionError, match="a section"):
        sections.read_sections(steps)


def test_inside_a_transaction_one_reader_sees_its_own_writes():
    with transaction.atomic():
        Organization.objects.create(slug="uncommitted", name_en="u", name_fr="u")
        assert not sections.side_by_side()
        results = sections.read_sections([_reader_and_count(0)] * 3)
        assert len({pid for pid, _count in results}) == 1
        assert {count for _pid, count in results} == {Organization.objects.count()}
