"""The employer engagement figures a funder reads, and the attacker who tries to pin one small
count from them.

The attacker knows every published cell of the section and of "Mentor recruitment by source",
how each grid adds up (rows to their totals, columns to the total row), that the shortage grid's
"Mentors" column IS the recruitment table's total column (same mentors, same order), and that
every "x" counts at least one (zeros are published). With linear programmes (tests of reports:
`Attacker`) they bound every hidden small count. The negative control suppresses the shortage
grid on its own, as any other grid, without tying it to the recruitment table: the same
attacker then pins a count the recruitment table hides.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from tandem.core.tests.cast import make_member, make_organization, make_participant, occupation
from tandem.employers import figures
from tandem.employers.models import PartnerHire, WorkplaceActivity, WorkplaceTerms
from tandem.mentorships.models import MentorshipStatus
from tandem.organizations.models import OrganizationType, Partnership, Role
from tandem.outcomes.models import EMPLOYED, EmploymentOutcome
from tandem.programs.models import Enrolment, Side
from tandem.reports.selectors import Scope, fiscal_year, network_programs
from tandem.reports.tables import Reading
from tandem.reports.tables.recruitment import recruitment_table
from tandem.reports.tests.factories import (
    make_network,
    publish_this_fiscal_year,
    seed_program,
)
from tandem.reports.tests.test_funder_attacker import Attacker, add_grid, cells_of

THRESHOLD = 5
NURSING = "31301"
# key: (count columns, whether they have a row total after them)
GRIDS = {
    "mentor_recruitment": (3, True),
    "employer_shortage": (2, True),
    "employer_mentoring": (4, True),
    "employer_activities": (3, True),
    "employer_hires": (1, False),
}


def engaged_network():
    """seed_program's network (an employer recruits three mentors a round, two come directly),
    with a second partner, work-hours terms, workplace activities held and hires recorded."""
    network = seed_program(make_network(), scale=2)
    second = make_organization("second-employer", OrganizationType.EMPLOYER)
    Partnership.objects.create(organization=network.lead, partner=second, kind="employer")
    make_member(second, Role.EMPLOYER_PARTNER, "partner.second@example.org")
    # Six mentees wait in an occupation no mentor serves: it is short of mentors, and the second
    # partner's two recruits (accepted this year, not yet ready) are in it.
    for index in range(6):
        mentee = make_participant(
            network.lead, occupation=occupation(NURSING), external_id=f"nurse-{index}"
        )
        Enrolment.objects.create(
            program=network.program, participant=mentee, side=Side.MENTEE, ready_at=timezone.now()
        )
    for index in range(2):
        mentor = make_participant(
            network.lead,
            role="mentor",
            occupation=occupation(NURSING),
            external_id=f"second-{index}",
            recruited_by=second,
        )
        Enrolment.objects.create(program=network.program, participant=mentor, side=Side.MENTOR)
    recruited = [m for m in network.mentors if m.recruited_by_id == network.employer.pk]
    for mentor in recruited[:4]:
        WorkplaceTerms.objects.create(participant=mentor, mentors_in_work_hours=True)
    pairs = [m for m in network.mentorships if m.mentor.recruited_by_id == network.employer.pk]
    pairs = [m for m in pairs if m.status != MentorshipStatus.CANCELLED]
    today = timezone.localdate()
    for position, pair in enumerate(pairs[:7]):
        WorkplaceActivity.objects.create(
            mentorship=pair,
            kind="tour" if position < 6 else "job_shadowing",
            status="held",
            planned_on=today,
            held_on=today,
            host=network.employer,
        )
    employed = EmploymentOutcome.objects.filter(
        participant__in=[p.mentee for p in pairs], status__in=EMPLOYED
    )
    for outcome in employed[:2]:
        PartnerHire.objects.create(outcome=outcome, employer=network.employer)
    return network


def _reading(network, threshold: int | None) -> Reading:
    scope = Scope(network_programs(network.lead), fiscal_year(timezone.localdate()))
    return Reading(scope, threshold, staff=threshold is None, network=True)


def _tables(network, threshold: int | None) -> dict:
    reading = _reading(network, threshold)
    tables = {t.key: t for t in figures.employer_tables(reading)}
    tables["mentor_recruitment"] = recruitment_table(reading.scope, threshold)
    return tables


def attack(published: dict, truth: dict) -> Attacker:
    known: dict = {}
    real: dict = {}
    for key in GRIDS:
        if key not in published or not published[key].rows:
            continue
        for position, (value, hidden) in cells_of(published[key]).items():
            if value is None and not hidden:
                continue
            known[position] = None if hidden else value
            real[position] = truth[key].rows[position[1]].cells[position[2]].value
            if not hidden:
                assert value == real[position], position
    attacker = Attacker(known, real)
    for key, (columns, row_total) in GRIDS.items():
        if key in published and published[key].rows:
            rows = len(published[key].rows)
            add_grid(
                attacker, key, rows, columns, row_total, rows > 1 and bool(published[key].body)
            )
    # The tie: the shortage grid's mentors are the recruitment table's, row by row.
    if "employer_shortage" in published:
        for i in range(len(published["employer_shortage"].rows)):
            attacker.equalities.append(
                {("employer_shortage", i, 2): 1, ("mentor_recruitment", i, 3): -1}
            )
    return attacker


@pytest.mark.django_db
def test_no_small_count_of_the_funder_s_employer_figures_can_be_pinned():
    network = engaged_network()
    funder, staff = _tables(network, THRESHOLD), _tables(network, None)
    assert "employer_partners" not in funder  # the staff's overview never reaches a funder
    assert {"employer_mentoring", "employer_activities"} <= set(funder)
    attacker = attack(funder, staff)
    hidden = [k for k, v in attacker.published.items() if v is None]
    assert len(hidden) >= 4  # the attack ran against real hidden cells
    assert attacker.pinned() == {}
    # What staff read: the second partner's two mentors, both in the shortage occupation.
    shortage = {row.label: [c.value for c in row.cells] for row in staff["employer_shortage"].rows}
    assert shortage["second-employer (EN)"][:3] == [2, 0, 2]


@pytest.mark.django_db
def test_the_shortage_grid_is_staff_only():
    """Tied to "Mentor recruitment by source" row by row, the per-partner shortage grid could
    give back a hidden count (found by a property test: sources of 5 and 2 mentors, split 0/5
    and 1/1); funders do not get it until a joint suppression is proven."""
    network = engaged_network()
    assert "employer_shortage" in _tables(network, None)
    assert "employer_shortage" not in _tables(network, THRESHOLD)


@pytest.mark.django_db
def test_the_funder_reads_the_figures_in_the_published_year(client: Client, no_mfa, monkeypatch):
    network = engaged_network()
    year = publish_this_fiscal_year(network, monkeypatch)
    client.force_login(network.funder)
    page = client.get(
        f"/fr/reports/funded/{network.lead.slug}/?fiscal_year={year}&section=employer_partners"
    )
    assert page.status_code == 200
    tables = {t.key: t for t in page.context["tables"]}
    assert "employer_partners" not in tables
    assert tables["employer_activities"].is_suppressed
    assert "Partenaires actifs pendant la période" in " ".join(tables["employer_mentoring"].notes)
