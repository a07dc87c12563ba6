"""Benchmark of the reports on PostgreSQL: 50,000 participants and 20,000 mentorships (issue 7).

    bash scripts/pg.sh start /tmp/pgreports 54350
    TANDEM_DEBUG=1 TANDEM_DB=postgres PGHOST=127.0.0.1 PGPORT=54350 PGUSER=postgres \
        PGDATABASE=tandem_bench .venv/bin/python benchmarks/reports.py
    bash scripts/pg.sh stop /tmp/pgreports

TANDEM_REPORTS_BENCH_PHASE=populate writes the database and stops (minutes of both cores);
TANDEM_REPORTS_BENCH_PHASE=measure then times the pages on it (about a minute), so that the
timing can wait for a quiet machine.

It creates the database PGDATABASE (dropped first), migrates it and writes, with bulk_create, a
network shaped like the Ottawa collaborative: a lead agency running four programs, ten referring
agencies, eight employers that recruit mentors, a funder; 35,000 mentees referred (accepted,
returned with reasons, waiting, withdrawn) and 15,000 mentors, 20,000 mentorships in every state
with the engine's score and criteria, introduction meetings, exit and follow-up outcomes, exit
surveys and check-ins, 300 events and their attendance.

It first writes a tenth of the data and counts the queries of each page, then the rest and
counts again: the counts must be equal (they do not grow with the data). Then it times, through
Django's test client, each dashboard page (target <= 300 ms; the all-years pages are the
largest a user can ask for) and the funder report: its tables and its PDF with charts (target
<= 2 s). Results go to benchmarks/results/reports.json.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.postgres import fresh_database  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("TANDEM_DEBUG", "1")
os.environ["TANDEM_MFA_REQUIRED"] = "0"
RESULTS = ROOT / "benchmarks" / "results" / "reports.json"
MENTEES = int(os.environ.get("TANDEM_REPORTS_BENCH_MENTEES", "35000"))
MENTORS = int(os.environ.get("TANDEM_REPORTS_BENCH_MENTORS", "15000"))
MENTORSHIPS = int(os.environ.get("TANDEM_REPORTS_BENCH_MENTORSHIPS", "20000"))
PAGE_LIMIT_MS = 60  # issue 18: every report page, ten-year ones included
ALL_YEARS = "?preset=custom&starts_on=2021-01-01&ends_on=2030-12-31"
FUNDER_LIMIT_S = 2.0
# NOC 2021 unit groups the generated people work in (real codes, three major groups each).
UNIT_GROUPS = [
    "21231",
    "21232",
    "21211",
    "21300",
    "21310",
    "21301",
    "22220",
    "21223",
    "11100",
    "11101",
    "11102",
    "11200",
    "12010",
    "13110",
    "31102",
    "31301",
    "32101",
    "41200",
    "41400",
    "41402",
    "42201",
    "72410",
    "73300",
]


def create_database() -> None:
    fresh_database("tandem_bench")


def occupations() -> None:
    from tandem.reference.models import Occupation

    rows: dict[str, Occupation] = {}
    for code in UNIT_GROUPS:
        for length in range(1, 6):
            part = code[:length]
            if part not in rows:
                rows[part] = Occupation(
                    code=part,
                    level=length,
                    title_en=f"Occupations {part}",
                    title_fr=f"Professions {part}",
                    parent_id=part[:-1] or None,
                )
    Occupation.objects.bulk_create(sorted(rows.values(), key=lambda o: o.level))


def network() -> dict:
    from tandem.accounts.models import User
    from tandem.organizations.models import Membership, Organization, Partnership
    from tandem.programs.services import program_create

    def organization(slug: str, kind: str) -> Organization:
        return Organization.objects.create(
            slug=slug, kind=kind, name_en=f"{slug} (EN)", name_fr=f"{slug} (FR)"
        )

    lead = organization("capital-lead", "lead_agency")
    agencies = [organization(f"agency-{i}", "service_agency") for i in range(10)]
    employers = [organization(f"employer-{i}", "employer") for i in range(8)]
    fund = organization("workforce-fund", "funder")
    for agency in agencies:
        Partnership.objects.create(organization=lead, partner=agency, kind="service_delivery")
    for employer in employers:
        Partnership.objects.create(organization=lead, partner=employer, kind="employer")
    Partnership.objects.create(organization=lead, partner=fund, kind="funding")
    staff = User.objects.create_user("staff@bench.example", "a-long-bench-password")
    Membership.objects.create(user=staff, organization=lead, role="org_admin")
    funder = User.objects.create_user("funder@bench.example", "a-long-bench-password")
    Membership.objects.create(user=funder, organization=fund, role="funder")
    programs = [
        program_create(
            actor=staff,
            organization=lead,
            slug=f"cmp-{i}",
            name_en=f"Career Mentoring {i}",
            name_fr=f"Mentorat professionnel {i}",
            kind="open_access",
        )
        for i in range(4)
    ]
    for program in programs:
        # Each program names its coordinator, as agencies do: the monthly check-in reminders go
        # to the program's named staff, else to every program staff member of the agency (the
        # load test's 60 would each get one per active mentorship).
        program.staff.add(staff)
    return {
        "lead": lead,
        "agencies": agencies,
        "employers": employers,
        "staff": staff,
        "funder": funder,
        "programs": programs,
        "program_ids": [p.pk for p in programs],
    }


def populate(made: dict, rng: random.Random, *, fraction: float, offset: int) -> dict:
    """Writes `fraction` of the data; `offset` keeps ids and external ids unique across calls."""
    from django.utils import timezone

    from tandem.events.models import Event, Participation
    from tandem.matching.engine.model import CRITERIA
    from tandem.matching.models import Proposal
    from tandem.mentorships.models import IntroductionMeeting, Mentorship
    from tandem.participants.models import Participant
    from tandem.programs.models import Enrolment
    from tandem.referrals.models import Referral, ReferralDecision

    now = timezone.now()
    programs, agencies, employers = made["programs"], made["agencies"], made["employers"]
    mentees_n, mentors_n = int(MENTEES * fraction), int(MENTORS * fraction)
    mentorships_n = int(MENTORSHIPS * fraction)
    batch = 5000

    def days_ago(low: float, high: float) -> dt.datetime:
        return now - dt.timedelta(days=rng.uniform(low, high))

    people = []
    for i in range(mentees_n):
        people.append(
            Participant(
                organization=rng.choice(agencies),
                role="mentee",
                external_id=f"M{offset + i}",
                given_name="Mentee",
                family_name=f"N{offset + i}",
                email=f"mentee{offset + i}@bench.example",
                languages="en;fr",
                occupation_id=rng.choice(UNIT_GROUPS),
            )
        )
    for i in range(mentors_n):
        people.append(
            Participant(
                organization=made["lead"],
                role="mentor",
                external_id=f"T{offset + i}",
                given_name="Mentor",
                family_name=f"N{offset + i}",
                email=f"mentor{offset + i}@bench.example",
                languages="en;fr",
                occupation_id=rng.choice(UNIT_GROUPS),
                capacity=rng.choice([1, 2, 3]),
                recruited_by=rng.choice([*employers, None, None]),
            )
        )
    people = Participant.objects.bulk_create(people, batch_size=batch)
    mentees = [p for p in people if p.role == "mentee"]
    mentors = [p for p in people if p.role == "mentor"]

    # Referrals: 70 % accepted, 15 % returned, 10 % waiting, 5 % withdrawn.
    referrals, statuses = [], []
    for person in mentees:
        status = rng.choices(["accepted", "returned", "submitted", "withdrawn"], [70, 15, 10, 5])[0]
        statuses.append(status)
        referrals.append(
            Referral(
                participant=person,
                program=rng.choice(programs),
                source=rng.choice(["agency"] * 9 + ["self"]),
                referring_organization=person.organization,
                status=status,
                has_consent=True,
                submitted_at=days_ago(60, 700),
            )
        )
    referrals = Referral.objects.bulk_create(referrals, batch_size=batch)
    decisions = [
        ReferralDecision(
            referral=r,
            outcome="accepted" if r.status == "accepted" else "returned",
            criteria_version_id=made["versions"][r.program_id],
            decided_at=r.submitted_at + dt.timedelta(days=rng.uniform(1, 20)),
            note="" if r.status == "accepted" else "See criteria",
        )
        for r in referrals
        if r.status in ("accepted", "returned")
    ]
    decisions = ReferralDecision.objects.bulk_create(decisions, batch_size=batch)
    through = ReferralDecision.unmet_criteria.through
    unmet = []
    for decision in decisions:
        if decision.outcome == "returned":
            chosen = rng.sample(made["criteria"], k=rng.choice([1, 1, 2]))
            unmet += [through(referraldecision=decision, criterion=c) for c in chosen]
    through.objects.bulk_create(unmet, batch_size=batch)

    accepted = [r for r in referrals if r.status == "accepted"]
    enrolments = [
        Enrolment(
            program=r.program,
            participant=r.participant,
            side="mentee",
            accepted_at=r.submitted_at + dt.timedelta(days=5),
            ready_at=r.submitted_at + dt.timedelta(days=rng.uniform(10, 40)),
        )
        for r in accepted
    ]
    enrolments += [
        Enrolment(
            program=rng.choice(programs),
            participant=m,
            side="mentor",
            accepted_at=days_ago(30, 700),
            ready_at=days_ago(10, 30),
        )
        for m in mentors
    ]
    Enrolment.objects.bulk_create(enrolments, batch_size=batch)

    # Mentorships for the first accepted mentees, with the engine's explanation.
    pairs = accepted[:mentorships_n]
    proposals, mentorships, slots = [], [], {}
    for referral in pairs:
        mentor = rng.choice(mentors)
        status = rng.choices(
            ["completed", "ended_early", "active", "introduction", "cancelled"], [50, 15, 25, 5, 5]
        )[0]
        values = {c: round(rng.random(), 4) for c in CRITERIA}
        proposals.append(
            Proposal(
                program=referral.program,
                mentee=referral.participant,
                mentor=mentor,
                status="confirmed",
                score=round(sum(values.values()) / len(values), 4),
                contributions=[
                    {
                        "criterion": c,
                        "value": v,
                        "weight": 0.14,
                        "contribution": round(0.14 * v, 4),
                    }
                    for c, v in values.items()
                ],
            )
        )
        confirmed = referral.submitted_at + dt.timedelta(days=rng.uniform(15, 120))
        active = status in ("active", "introduction")
        slot = None
        if active:
            slot = slots.get(mentor.pk, 0) + 1
            if slot > mentor.capacity:
                status, active, slot = "completed", False, None
            else:
                slots[mentor.pk] = slot
        ended = status in ("completed", "ended_early")
        mentorships.append(
            Mentorship(
                program=referral.program,
                mentor=mentor,
                mentee=referral.participant,
                status=status,
                mentor_slot=slot,
                mentor_capacity=mentor.capacity,
                started_on=(confirmed + dt.timedelta(days=10)).date(),
                ended_on=min(confirmed + dt.timedelta(days=rng.uniform(60, 120)), now).date()
                if ended
                else None,
            )
        )
        mentorships[-1]._confirmed = confirmed
    proposals = Proposal.objects.bulk_create(proposals, batch_size=batch)
    for mentorship, proposal in zip(mentorships, proposals, strict=True):
        mentorship.proposal = proposal
    mentorships = Mentorship.objects.bulk_create(mentorships, batch_size=batch)
    for mentorship in mentorships:
        mentorship.confirmed_at = mentorship._confirmed
    Mentorship.objects.bulk_update(mentorships, ["confirmed_at"], batch_size=batch)
    IntroductionMeeting.objects.bulk_create(
        [
            IntroductionMeeting(
                mentorship=m,
                starts_at=m.confirmed_at + dt.timedelta(days=rng.uniform(2, 30)),
                held_at=m.confirmed_at + dt.timedelta(days=rng.uniform(2, 30)),
                mode="virtual",
            )
            for m in mentorships
            if m.status != "cancelled"
        ],
        batch_size=batch,
    )

    outcomes(mentorships, rng, now=now, batch=batch)

    events = []
    for _ in range(int(300 * fraction)):
        starts = days_ago(1, 700)
        events.append(
            Event(
                program=rng.choice(programs),
                kind=rng.choice(["networking", "mock_interview", "panel", "speed_networking"]),
                title_en="Event",
                title_fr="Activité",
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=2),
            )
        )
    events = Event.objects.bulk_create(events, batch_size=batch)
    participations, seen = [], set()
    for _ in range(int(30000 * fraction)):
        event, person = rng.choice(events), rng.choice(people)
        if (event.pk, person.pk) in seen:
            continue
        seen.add((event.pk, person.pk))
        participations.append(
            Participation(event=event, participant=person, attended=rng.random() < 0.8)
        )
    Participation.objects.bulk_create(participations, batch_size=batch)
    return {"mentees": len(mentees), "mentors": len(mentors), "mentorships": len(mentorships)}


def outcomes(mentorships: list, rng: random.Random, *, now: dt.datetime, batch: int) -> None:
    """Exit outcomes and surveys for every ended mentorship, follow-ups at 3, 6 and 12 months
    answered by about half, and a monthly check-in per mentorship under way or ended."""
    from tandem.meetings.models import CheckIn
    from tandem.outcomes.models import EmploymentOutcome, ExitSurvey, FollowUp

    statuses = ["employed_in_field", "employed_related", "other_job", "school", "searching"]
    ended = [m for m in mentorships if m.ended_on]
    follow_ups, results, surveys = [], [], []
    for mentorship in ended:
        status = rng.choices(statuses, [35, 20, 15, 5, 25])[0]
        employed = status in statuses[:3]
        results.append(
            EmploymentOutcome(
                participant_id=mentorship.mentee_id,
                mentorship=mentorship,
                source="exit",
                status=status,
                employed_on=mentorship.started_on + dt.timedelta(days=rng.randint(10, 200))
                if employed
                else None,
                recorded_at=now,
            )
        )
        surveys.append(
            ExitSurvey(
                mentorship=mentorship,
                participant_id=mentorship.mentee_id,
                satisfaction=rng.choices([1, 2, 3, 4, 5], [3, 5, 12, 40, 40])[0],
                objectives_met="yes",
                would_recommend=True,
            )
        )
        for months in (3, 6, 12):
            # Due on its day after the end; one whose day has passed was sent that day, as a
            # live platform's hourly sweep does (all due "now" made the first sweep mail ~20k
            # at once: a start-up burst no running platform has, benchmarks/load.py).
            ended = dt.datetime.combine(mentorship.ended_on, dt.time(10), tzinfo=now.tzinfo)
            due_at = ended + dt.timedelta(days=round(30.44 * months))
            past = due_at <= now
            follow_ups.append(
                FollowUp(
                    mentorship=mentorship,
                    participant_id=mentorship.mentee_id,
                    months=months,
                    due_at=due_at,
                    sent_at=due_at if past else None,
                    answered_at=min(due_at + dt.timedelta(days=3), now)
                    if past and rng.random() < 0.5
                    else None,
                )
            )
    follow_ups = FollowUp.objects.bulk_create(follow_ups, batch_size=batch)
    for follow_up in follow_ups:
        if follow_up.answered_at:
            results.append(
                EmploymentOutcome(
                    participant_id=follow_up.participant_id,
                    mentorship_id=follow_up.mentorship_id,
                    source="follow_up",
                    follow_up=follow_up,
                    status=rng.choices(statuses, [45, 20, 15, 5, 15])[0],
                    recorded_at=now,
                )
            )
    EmploymentOutcome.objects.bulk_create(results, batch_size=batch)
    ExitSurvey.objects.bulk_create(surveys, batch_size=batch)
    CheckIn.objects.bulk_create(
        [
            CheckIn(
                mentorship=m,
                participant_id=m.mentee_id,
                held_on=(m.confirmed_at + dt.timedelta(days=30)).date(),
                how_it_is_going="Well",
                satisfaction=rng.choice([3, 4, 4, 5]),
            )
            for m in mentorships
            if m.status != "cancelled"
        ],
        batch_size=batch,
    )


def report_pages(made: dict) -> dict:
    return {
        "program": (made["staff"], f"/en/reports/programs/{made['programs'][0].pk}/"),
        "network": (made["staff"], f"/en/reports/networks/{made['lead'].slug}/"),
        "funder": (made["funder"], f"/fr/reports/funded/{made['lead'].slug}/"),
        # Every year of the data at once (ten years, the longest period the form accepts: with
        # eleven it fell back to this fiscal year): the largest a page can be asked for. A query
        # plan that expected one row took 30 s on the network's.
        "program_fr_all_time": (
            made["staff"],
            f"/fr/reports/programs/{made['programs'][0].pk}/{ALL_YEARS}",
        ),
        "network_all_time": (
            made["staff"],
            f"/en/reports/networks/{made['lead'].slug}/{ALL_YEARS}",
        ),
    }


def measure_pages(made: dict, *, repeat: int, live: bool = False) -> dict:
    """Each page's server time through the test client. `live`: every table counted for the
    request (stored figures off), as before snapshots; otherwise the page reads the stored
    figures (the first load, untimed, stores them; the worker keeps them current)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from tandem.reports.models import ReportSnapshot

    if live:  # nothing stored from an earlier run may answer for the live count
        ReportSnapshot.objects.exclude(kind="funder").delete()
    result = {}
    for name, (user, url) in report_pages(made).items():
        if name == "funder" and live:
            continue  # a funder only ever reads published figures
        client = Client()
        client.force_login(user)
        with override_settings(TANDEM_REPORT_SNAPSHOT_FROM=10**9 if live else 0):
            # Warm the connection and the template cache (and store the figures).
            warm = client.get(url).context["figures"]
            if warm and warm.is_stale:
                # Signing in wrote to the change log, which makes stored figures stale: count
                # them again as the worker would, before timing what a person then reads.
                from tandem.reports.snapshots import snapshot_refresh

                snapshot_refresh(snapshot_id=warm.snapshot.pk)
            timings, in_sql = [], []
            for _ in range(repeat):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    response = client.get(url)
                    timings.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (url, response.status_code)
                assert response.context["tables"], url  # the real report, not an empty page
                if not live:
                    assert not response.context["figures"].is_stale, url
                in_sql.append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
        result[name] = {
            "url": url,
            "median_ms": round(statistics.median(timings), 1),
            "max_ms": round(max(timings), 1),
            # Of which waiting for the database (Django's own timing of each query).
            "median_sql_ms": round(statistics.median(in_sql), 1),
            "queries": len(queries),
        }
    return result


def measure_counting(made: dict) -> dict:
    """What the worker spends counting each stored report again (snapshots.snapshot_store),
    and publishing the closed fiscal years to funders (both languages)."""
    from django.test import RequestFactory

    from tandem.reports import services, snapshots
    from tandem.reports.forms import period_form
    from tandem.reports.models import ReportSnapshot

    ReportSnapshot.objects.filter(kind="funder").delete()
    started = time.perf_counter()
    years = snapshots.publish_due(organization=made["lead"])
    out: dict[str, float] = {
        "publish_closed_fiscal_years_s": round(time.perf_counter() - started, 2),
        "fiscal_years_published": years,
    }
    for name, (_user, url) in report_pages(made).items():
        if name == "funder":
            continue
        request = RequestFactory().get(url)
        period = period_form(request.GET).period()
        if name.startswith("program"):
            spec = services.program_spec(made["programs"][0], period)
        else:
            spec = services.network_spec(made["lead"], period)
        started = time.perf_counter()
        snapshots.snapshot_store(spec, language=url[1:3])
        out[name] = round((time.perf_counter() - started) * 1000, 1)
    return out


def measure_funder_report(made: dict, *, repeat: int) -> dict:
    from django.utils import timezone, translation

    from tandem.reports import services
    from tandem.reports.selectors import fiscal_year

    # The latest published fiscal year: funders' files hold the published figures only.
    period = fiscal_year(fiscal_year(timezone.localdate()).starts_on - dt.timedelta(days=1))
    results = {}
    # The web server and the worker load the PDF library when they start (pdf.preload): timed
    # here once, apart; "first_s" is then the first report built by a process just started.
    from tandem.reports.pdf import preload

    started = time.perf_counter()
    preload()
    results["pdf_library_load_at_start_s"] = round(time.perf_counter() - started, 3)
    for fmt in ("pdf", "xlsx"):
        timings = []
        size = 0
        for _ in range(repeat):
            with translation.override("fr"):
                started = time.perf_counter()
                content, _name, _type = services.report_file(
                    services.funder_spec(made["lead"], period), fmt
                )
                timings.append(time.perf_counter() - started)
            size = len(content)
        results[fmt] = {
            "first_s": round(timings[0], 3),
            "median_s": round(statistics.median(timings), 3),
            "max_s": round(max(timings), 3),
            "bytes": size,
        }
    return results


def made_from_database() -> dict:
    """The network written by an earlier `populate` phase."""
    from tandem.accounts.models import User
    from tandem.organizations.models import Organization
    from tandem.programs.models import Program

    lead = Organization.objects.get(slug="capital-lead")
    programs = list(Program.objects.filter(organization=lead).order_by("slug"))
    return {
        "lead": lead,
        "staff": User.objects.get(email="staff@bench.example"),
        "funder": User.objects.get(email="funder@bench.example"),
        "programs": programs,
        "program_ids": [p.pk for p in programs],
    }


def populate_phase() -> dict:
    """Writes the database: a tenth (its page query counts noted), then the rest."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    rng = random.Random(2026)
    started = time.perf_counter()
    occupations()
    made = network()
    from tandem.programs.models import CriteriaVersion, Criterion
    from tandem.programs.services import criteria_publish

    for program in made["programs"]:
        criteria_publish(
            actor=made["staff"],
            program=program,
            side="mentee",
            criteria=[
                {"kind": "clb_at_least", "number": 5},
                {"kind": "job_search_workshop"},
                {"kind": "province", "provinces": ["ON"]},
            ],
        )
    made["versions"] = {
        p.pk: CriteriaVersion.objects.filter(program=p, side="mentee").order_by("-number")[0].pk
        for p in made["programs"]
    }
    made["criteria"] = list(Criterion.objects.filter(version_id__in=made["versions"].values()))
    small = populate(made, rng, fraction=0.1, offset=0)
    small_pages = measure_pages(made, repeat=3, live=True)
    large = populate(made, rng, fraction=0.9, offset=10_000_000)
    populate_seconds = time.perf_counter() - started
    from django.db import connection

    with connection.cursor() as cursor:
        # The state autovacuum keeps a database in. After a bulk load it would start on its
        # own a few seconds later, in the middle of the measurements (both cores busy, pages
        # rewritten), and the first reads would still be setting hint bits.
        cursor.execute("VACUUM ANALYZE")
    return {
        "written": {"first_tenth": small, "rest": large},
        "populate_seconds": round(populate_seconds, 1),
        "pages_at_a_tenth": small_pages,
    }


def measure_phase(populated: dict) -> dict:
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)  # the code may have moved on since populating
    made = made_from_database()
    live = measure_pages(made, repeat=7, live=True)
    counting = measure_counting(made)
    pages = measure_pages(made, repeat=7)
    funder = measure_funder_report(made, repeat=5)
    from tandem.mentorships.models import Mentorship
    from tandem.participants.models import Participant

    small_pages = populated.get("pages_at_a_tenth", {})
    return {
        **populated,
        "participants": Participant.objects.count(),
        "mentorships": Mentorship.objects.count(),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            # Other work on the machine slows every figure: the 1-minute load average when the
            # measurements ended (2.0 means both cores were already busy).
            "load_average": round(os.getloadavg()[0], 2),
            "load_averages_1_5_15": [round(x, 2) for x in os.getloadavg()],
        },
        "postgresql": connection.cursor().connection.info.server_version,
        # Every table counted for the request (the code before stored figures).
        "pages_counted_live": live,
        "live_queries_do_not_grow": all(
            small_pages[name]["queries"] == live[name]["queries"]
            for name in live
            if name in small_pages
        ),
        # What the worker spends counting each page's figures again, in ms.
        "counting_ms": counting,
        # What a person waits for: the stored figures.
        "pages": pages,
        "page_limit_ms": PAGE_LIMIT_MS,
        "pages_within_limit": all(p["median_ms"] <= PAGE_LIMIT_MS for p in pages.values()),
        "funder_report": funder,
        "funder_limit_s": FUNDER_LIMIT_S,
        "funder_report_within_limit": funder["pdf"]["max_s"] <= FUNDER_LIMIT_S,
    }


def main() -> None:
    """TANDEM_REPORTS_BENCH_PHASE: `populate` writes the database (heavy, minutes), `measure`
    times the pages on it (under a minute: for a quiet machine), `all` (default) both."""
    phase = os.environ.get("TANDEM_REPORTS_BENCH_PHASE", "all")
    if phase in ("all", "populate"):
        create_database()
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's host, mail kept in memory
    state = RESULTS.with_name("reports-populated.json")
    if phase in ("all", "populate"):
        populated = populate_phase()
        RESULTS.parent.mkdir(exist_ok=True)
        state.write_text(json.dumps(populated, indent=2) + "\n")
        if phase == "populate":
            print(json.dumps(populated, indent=2))
            return
    populated = json.loads(state.read_text())
    result = measure_phase(populated)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
