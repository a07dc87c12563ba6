"""Reading a report's sections side by side on PostgreSQL, every reader in one snapshot.

A dashboard is about fifteen independent aggregate queries, and on PostgreSQL each connection
is a server process of its own: with a second connection reading half of the sections, the
report uses a second core (benchmarks/reports.py gives the figures). The readers share the
snapshot of the first (`pg_export_snapshot` and `SET TRANSACTION SNAPSHOT`, the way
`pg_dump --jobs` reads a database), so the report shows one instant of the records, as if one
connection had read them all: a breakdown never disagrees with its total.

Elsewhere the sections are read one after the other on the caller's connection: on SQLite, when
TANDEM_REPORT_READERS is 1, and inside a transaction (a test case, a caller's atomic block),
whose uncommitted writes another connection could not see.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Sequence

from django.conf import settings
from django.db import connection
from django.utils import timezone, translation

from config.routers import reading_reports
from tandem.reports.selectors import reading, report_connection

logger = logging.getLogger(__name__)


def readers() -> int:
    return max(1, settings.TANDEM_REPORT_READERS)


def side_by_side() -> bool:
    """Whether the next report will be read by several connections (see the module's text)."""
    with reading_reports():
        reader = report_connection()
    return (
        readers() > 1
        and reader.vendor == "postgresql"
        and not reader.in_atomic_block
        and not connection.in_atomic_block
    )


def read_sections[T](steps: Sequence[Callable[[], T]]) -> list[T]:
    """The result of every step, in order, all read from one snapshot of the database."""
    if len(steps) < 2 or not side_by_side():
        with reading():
            return [step() for step in steps]
    pending: queue.SimpleQueue[tuple[int, Callable[[], T]]] = queue.SimpleQueue()
    for item in enumerate(steps):
        pending.put(item)
    results: list[T | None] = [None] * len(steps)
    failures: list[BaseException] = []
    logged: list[dict] = []
    with reading(repeatable=True):
        # The connection reading() opened its transaction on: the replica's when there is one.
        with reading_reports():
            reader = report_connection()
        with reader.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        helpers = [
            threading.Thread(
                target=_help,
                args=(snapshot, pending, results, failures, logged),
                kwargs={
                    "language": translation.get_language(),
                    "zone": timezone.get_current_timezone(),
                    "log_queries": reader.queries_logged,
                },
                name=f"report-reader-{number}",
                daemon=True,
            )
            for number in range(1, readers())
        ]
        for helper in helpers:
            helper.start()
        try:
            _drain(pending, results)
        finally:
            # The exported snapshot lives as long as this transaction: keep it open until every
            # helper is done with it.
            for helper in helpers:
                helper.join()
    if failures:
        raise failures[0]
    # What the helpers ran counts as this request's queries (debug pages, the benchmark).
    if reader.queries_logged:
        reader.queries_log.extend(logged)
    return results  # type: ignore[return-value]


def _drain(pending: queue.SimpleQueue, results: list) -> None:
    while True:
        try:
            index, step = pending.get_nowait()
        except queue.Empty:
            return
        results[index] = step()


def _help(
    snapshot: str,
    pending: queue.SimpleQueue,
    results: list,
    failures: list[BaseException],
    logged: list[dict],
    *,
    language: str | None,
    zone,
    log_queries: bool,
) -> None:
    """One more reader, on this thread's own connection (to the replica when there is one:
    threads do not inherit the request's context), closed when the work is done."""
    reading_started = False
    with reading_reports():
        reader = report_connection()
    try:
        reader.force_debug_cursor = log_queries
        with translation.override(language), timezone.override(zone):
            with reading(snapshot=_checked(snapshot)):
                reading_started = True
                _drain(pending, results)
        if log_queries:
            logged.extend(reader.queries_log)
    except BaseException as error:
        if reading_started:  # a section failed: raised again on the request's thread
            failures.append(error)
        else:  # no connection, say: the request's reader reads the rest alone
            logger.warning("a report reader could not start", exc_info=True)
    finally:
        reader.close()


def _checked(snapshot: str) -> str:
    if not all(c.isalnum() or c == "-" for c in snapshot):
        raise ValueError(f"unexpected snapshot identifier {snapshot!r}")
    return snapshot
