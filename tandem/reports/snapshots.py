"""Stored report figures: what staff pages read over a large scope, and what funders read.

A report is about fifteen aggregate queries over the whole network; at 50,000 participants they
cost 110 to 230 ms a page (benchmarks/reports.py). A snapshot keeps the tables of one report
(a scope, a period, a language) as the page shows them, so a page view reads one row.

**Staff** (program and network dashboards): over a scope of TANDEM_REPORT_SNAPSHOT_FROM
mentorships or more, the page shows the stored tables with the time they were counted. They are
counted again by the worker when the records may have changed (the audit log, which every
service writes to, has a later entry than the snapshot) or after TANDEM_REPORT_FRESH_SECONDS,
and at once when someone presses "Count again now". A smaller scope is counted for each page
view, as before: it is cheap, and a correction shows at once.

**Funders** read published figures only: one snapshot per fiscal year, made once the year has
ended (by the worker, at the first visit after March 31, or by the network's staff), in both
languages, and never counted again. The current fiscal year changes every day: a funder who
downloaded it daily could subtract two days and isolate one referral. Published years never
overlap and never change, so no two reports a funder can download differ by a few people.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from tandem.core import audit, sweeps
from tandem.core.models import AuditEvent
from tandem.reports import selectors, tables
from tandem.reports.models import ReportKind, ReportSnapshot
from tandem.reports.selectors import Period, fiscal_year
from tandem.reports.services import ReportSpec, funder_spec
from tandem.reports.tables import Cell, Chart, Row, Table

logger = logging.getLogger(__name__)

PUBLISHED = audit.event("report.published", gettext_lazy("Fiscal year published to funders"))
YEARS_BACK = 10  # the fiscal years a funder may read (forms.FunderPeriodForm)


def snapshot_from() -> int:
    return settings.TANDEM_REPORT_SNAPSHOT_FROM


def fresh_seconds() -> int:
    return settings.TANDEM_REPORT_FRESH_SECONDS


# --- Tables to JSON and back -----------------------------------------------------------------


def tables_to_json(built: list[Table]) -> list[dict]:
    return [dataclasses.asdict(t) for t in built]


def tables_from_json(data: list[dict]) -> list[Table]:
    out = []
    for t in data:
        rows = [Row(r["label"], [Cell(**c) for c in r["cells"]], r["is_total"]) for r in t["rows"]]
        chart = Chart(**t["chart"]) if t["chart"] else None
        out.append(Table(**{**t, "rows": rows, "chart": chart}))
    return out


# --- What a page shows -----------------------------------------------------------------------


@dataclass
class Figures:
    """A report's tables and when they were counted (None: for this page view)."""

    tables: list[Table]
    as_of: dt.datetime | None = None
    is_stale: bool = False
    snapshot: ReportSnapshot | None = None


def data_mark() -> int:
    """Grows whenever a record a report reads may have changed: the last entry of the change
    log (every save of a referral, participant, enrolment, mentorship, event...) plus the last
    named event (every service writes one). Two index look-ups."""
    changes = LogEntry.objects.aggregate(last=Max("pk"))["last"] or 0
    events = AuditEvent.objects.aggregate(last=Max("pk"))["last"] or 0
    return changes + events


def is_stale(snapshot: ReportSnapshot, *, mark: int | None = None) -> bool:
    age = timezone.now() - snapshot.built_at
    if age > dt.timedelta(seconds=fresh_seconds()):
        return True
    return (data_mark() if mark is None else mark) > snapshot.data_mark


def _language() -> str:
    return (translation.get_language() or "en")[:2]


def _key(spec: ReportSpec, language: str) -> dict:
    return {
        "kind": spec.kind,
        "scope_key": spec.scope_key,
        "starts_on": spec.scope.period.starts_on,
        "ends_on": spec.scope.period.ends_on,
        "language": language,
    }


def _compute(spec: ReportSpec) -> list[Table]:
    return tables.build_tables(
        spec.scope, threshold=spec.threshold, staff=spec.staff, network=spec.network
    )


def snapshot_store(spec: ReportSpec, *, language: str, published_by=None) -> ReportSnapshot:
    """Counts the report in `language` and stores it (replacing an unpublished snapshot)."""
    mark = data_mark()  # before counting: a write made while counting makes it stale
    with translation.override(language):
        built = _compute(spec)
    values = {
        "program": spec.program,
        "organization": spec.organization,
        "tables": tables_to_json(built),
        "built_at": timezone.now(),
        "data_mark": mark,
        "refresh_wanted_at": None,
        "published_by": published_by,
    }
    try:
        with transaction.atomic():
            snapshot, _created = ReportSnapshot.objects.update_or_create(
                **_key(spec, language), defaults=values
            )
    except IntegrityError:  # another request stored the same report at the same moment
        snapshot = ReportSnapshot.objects.get(**_key(spec, language))
    return snapshot


def staff_figures(spec: ReportSpec) -> Figures:
    """The tables of a staff dashboard: counted now over a small scope, else stored."""
    language = _language()
    snapshot = ReportSnapshot.objects.filter(**_key(spec, language)).first()
    if snapshot is None:
        if selectors.scope_size(spec.scope) < snapshot_from():
            return Figures(_compute(spec))
        snapshot = snapshot_store(spec, language=language)
        return Figures(tables_from_json(snapshot.tables), snapshot.built_at, False, snapshot)
    stale = is_stale(snapshot)
    if stale:
        refresh_request(snapshot)
    return Figures(tables_from_json(snapshot.tables), snapshot.built_at, stale, snapshot)


def refresh_request(snapshot: ReportSnapshot) -> bool:
    """Asks the worker to count a stale snapshot again, once: True when this call asked."""
    now = timezone.now()
    retry = now - dt.timedelta(minutes=10)  # a request whose worker was lost is made again
    asked = (
        ReportSnapshot.objects.filter(pk=snapshot.pk, published_by__isnull=True)
        .filter(Q(refresh_wanted_at__isnull=True) | Q(refresh_wanted_at__lt=retry))
        .exclude(kind=ReportKind.FUNDER)
        .update(refresh_wanted_at=now)
    )
    if asked:
        from tandem.reports.tasks import refresh_snapshot

        transaction.on_commit(lambda: refresh_snapshot.enqueue(snapshot.pk))
    return bool(asked)


def snapshot_refresh(*, snapshot_id: int) -> ReportSnapshot | None:
    """Counts a staff snapshot again (the worker's task; also "Count again now")."""
    from tandem.reports.services import network_spec, program_spec

    snapshot = (
        ReportSnapshot.objects.filter(pk=snapshot_id)
        .exclude(kind=ReportKind.FUNDER)
        .select_related("program", "organization")
        .first()
    )
    if snapshot is None:  # gone, or a publication: those are never counted again
        return None
    period = Period(snapshot.starts_on, snapshot.ends_on)
    if snapshot.program is not None:
        spec = program_spec(snapshot.program, period)
    else:
        assert snapshot.organization is not None  # a network's (the check of scope_key)
        spec = network_spec(snapshot.organization, period)
    return snapshot_store(spec, language=snapshot.language)


# --- Published figures for funders -----------------------------------------------------------


def closed_fiscal_years(today: dt.date | None = None) -> list[int]:
    """The first years of the fiscal years a funder may read, newest first: the ten before the
    current one, which has not ended."""
    current = fiscal_year(today or timezone.localdate()).starts_on.year
    return list(range(current - 1, current - 1 - YEARS_BACK, -1))


def published_years(organization) -> list[int]:
    """The fiscal years published for this network, newest first."""
    starts = (
        ReportSnapshot.objects.filter(
            kind=ReportKind.FUNDER, scope_key=f"network:{organization.pk}"
        )
        .values_list("starts_on", flat=True)
        .distinct()
    )
    return sorted({s.year for s in starts}, reverse=True)


def years_due(organization, today: dt.date | None = None) -> list[int]:
    """Closed fiscal years not yet published (at most ten)."""
    done = set(published_years(organization))
    return [year for year in closed_fiscal_years(today) if year not in done]


def funder_publish(*, actor, organization, year: int) -> bool:
    """Publishes a closed fiscal year to the network's funders, in both languages, once.

    False when it was already published (the figures stay as they were) or has not ended."""
    period = fiscal_year(dt.date(year, 4, 1))
    if period.ends_on >= timezone.localdate():
        return False
    spec = funder_spec(organization, period)
    with transaction.atomic():
        # One publication at a time per network: the second waits, then finds it done.
        type(organization).objects.select_for_update().filter(pk=organization.pk).first()
        if year in published_years(organization):
            return False
        for language, _name in settings.LANGUAGES:
            snapshot_store(spec, language=language, published_by=actor)
        audit.record(
            PUBLISHED, actor=actor or audit.WORKER, target=organization, data={"fiscal_year": year}
        )
    return True


def publish_due(*, actor=None, organization) -> int:
    """Publishes every closed fiscal year not yet published; how many it published."""
    return sum(
        funder_publish(actor=actor, organization=organization, year=year)
        for year in years_due(organization)
    )


def publish_due_soon(organization) -> bool:
    """A fiscal year that has ended is published by the worker at the first visit after:
    asks it (once: not while a publication task waits). True when it asked."""
    from django_tasks_db.models import DBTaskResult

    from tandem.reports.tasks import publish_due_years

    if not years_due(organization):
        return False
    waiting = DBTaskResult.objects.filter(
        task_path=publish_due_years.module_path, status="READY"
    ).exists()
    if not waiting:
        publish_due_years.enqueue(organization.pk)
    return not waiting


def funder_figures(organization, year: int, *, language: str | None = None) -> Figures | None:
    """A published fiscal year in the reader's language, or None if it is not published."""
    snapshot = ReportSnapshot.objects.filter(
        kind=ReportKind.FUNDER,
        scope_key=f"network:{organization.pk}",
        starts_on=dt.date(year, 4, 1),
        language=language or _language(),
    ).first()
    if snapshot is None:
        return None
    return Figures(tables_from_json(snapshot.tables), snapshot.built_at, False, snapshot)


@dataclass
class PublishedHeadline:
    """The figures at the top of a network's latest published fiscal year (a funder's home)."""

    year: int
    period: Period
    headlines: list[tables.Headline]
    published_at: dt.datetime | None


def funder_headline(organization, *, language: str | None = None) -> PublishedHeadline | None:
    """The headline figures of the network's latest *published* fiscal year, in the reader's
    language, read from the published tables (so they are the report's own totals); None when
    no year is published yet. Two queries.

    Never the current year counted live: a home that changed from one day to the next would
    let a funder subtract two visits and learn about the one person who came in between, the
    hole that publishing closed years closes for the report."""
    years = published_years(organization)
    if not years:
        return None
    figures = funder_figures(organization, years[0], language=language)
    if figures is None:  # published in the other language only: not from funder_publish
        return None
    by_key = {table.key: table for table in figures.tables}
    return PublishedHeadline(
        year=years[0],
        period=fiscal_year(dt.date(years[0], 4, 1)),
        headlines=tables.headlines(by_key),
        published_at=figures.as_of,
    )


# --- The hourly sweep (tandem/core/sweeps.py) ------------------------------------------------

KEPT_DAYS = 30  # a staff snapshot not counted again for this long (nobody opens it) is dropped


def snapshots_sweep(*, now: dt.datetime) -> dict[str, int]:
    """Publishes to funders every fiscal year that has ended, for every network a funder
    funds (so a year is published within the hour after March 31 even if nobody visits), and
    drops staff snapshots nobody has opened for KEPT_DAYS (a custom period asked once)."""
    from tandem.organizations.models import Organization, Partnership, PartnershipKind

    funded = Partnership.objects.filter(kind=PartnershipKind.FUNDING).values("organization_id")
    networks = Organization.objects.filter(is_active=True, pk__in=funded).order_by("pk")
    # sweeps.each: a stopping worker leaves after the network in hand (each year is published
    # in its own transaction; years_due skips those already published at the next run).
    published = sum(
        publish_due(organization=organization) for organization in sweeps.each(networks)
    )
    dropped, _kinds = (
        ReportSnapshot.objects.exclude(kind=ReportKind.FUNDER)
        .filter(built_at__lt=now - dt.timedelta(days=KEPT_DAYS))
        .delete()
    )
    return {"fiscal years published": published, "stored reports dropped": dropped}
