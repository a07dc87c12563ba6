"""The connector program's section of the reports (issue 20): the staff's true counts, the
funder's published year with small cells suppressed, and the attacker of test_funder_attacker
playing the funder with every relation the two tables hold: the newcomers' grid adds up both
ways, each activity column adds up to its total, a follow-up meeting is a meeting held, and each
newcomer met in the period had a meeting held in it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from tandem.connectors.models import Introduction
from tandem.connectors.services.figures import figures_rebuild
from tandem.connectors.tests.factories import (
    connector_program,
    held_meeting,
    make_connector,
    make_newcomer,
)
from tandem.core.tests.cast import make_participant
from tandem.reports.tests.factories import make_network, publish_this_fiscal_year
from tandem.reports.tests.test_funder_attacker import Attacker, add_grid, cells_of, tables_of

pytestmark = pytest.mark.django_db

NEWCOMERS, ACTIVITY = "connector_newcomers", "connector_activity"


def seed(program, outcomes: list[str]) -> None:
    """One newcomer per outcome, each with a first meeting held; a newcomer whose chain led
    somewhere also had three introductions and one follow-up meeting with that result."""
    slug = program.slug
    first = make_connector(program, email=f"first.{slug}@example.org")
    second = make_connector(program, email=f"second.{slug}@example.org", with_account=False)
    held_on = timezone.localdate() - dt.timedelta(days=20)
    for index, outcome in enumerate(outcomes):
        newcomer = make_participant(program.organization, email=f"n{index}.{slug}@example.org")
        make_newcomer(program, newcomer)
        meeting = held_meeting(program, newcomer, first, held_on=held_on)
        if not outcome:
            continue
        for k, contact in enumerate([second, None, None]):
            Introduction.objects.create(
                meeting=meeting,
                made_by=first,
                newcomer=newcomer,
                contact=contact,
                contact_name=f"Contact {k}",
                contact_email=f"c{k}.{index}.{slug}@example.org",
                reason="Same field",
            )
        meeting.introductions_made = 3
        meeting.save(update_fields=["introductions_made"])
        held_meeting(
            program,
            newcomer,
            second,
            introduction=Introduction.objects.get(newcomer=newcomer, contact=second),
            depth=2,
            held_on=held_on + dt.timedelta(days=5),
            result=outcome,
            result_on=held_on + dt.timedelta(days=9),
        )
    figures_rebuild(program_id=program.pk)


def attack(funder: dict, staff: dict) -> Attacker:
    published, truth = {}, {}
    for key in (NEWCOMERS, ACTIVITY):
        width = 4 if key == NEWCOMERS else 3  # the counts, not the rates
        for position, (value, hidden) in cells_of(funder[key], width).items():
            true = staff[key].rows[position[1]].cells[position[2]].value
            published[position] = None if hidden else value
            truth[position] = true
            if not hidden:
                assert value == true, position
    attacker = Attacker(published, truth)
    rows = len(funder[NEWCOMERS].rows)
    add_grid(attacker, NEWCOMERS, rows, 3, True, True)
    body = rows - 1
    for j in range(3):  # each activity column adds up to its total
        line = {(ACTIVITY, i, j): 1 for i in range(body)}
        line[(ACTIVITY, body, j)] = -1
        attacker.equalities.append(line)
    for i in range(rows):
        # follow-ups held <= meetings held; newcomers met <= meetings held
        attacker.at_most.append({(ACTIVITY, i, 2): 1, (ACTIVITY, i, 0): -1})
        attacker.at_most.append({(NEWCOMERS, i, 3): 1, (ACTIVITY, i, 0): -1})
    return attacker


def test_the_funder_s_connector_section_hides_small_cells_and_none_can_be_pinned(
    client: Client, no_mfa, monkeypatch
):
    network = make_network()
    programs = [
        connector_program(network.lead, slug="connect-a"),
        connector_program(network.agencies[0], slug="connect-b"),
        connector_program(network.agencies[1], slug="connect-c"),
    ]
    seed(programs[0], [""] * 7 + ["interview"] * 2 + ["job"])
    seed(programs[1], [""] * 6 + ["job"] * 3)
    seed(programs[2], [""] + ["interview"] * 4)
    year = publish_this_fiscal_year(network, monkeypatch)
    client.force_login(network.admin)
    start, end = dt.date(year, 4, 1), dt.date(year + 1, 3, 31)
    staff = tables_of(
        client.get(
            f"/en/reports/networks/{network.lead.slug}/"
            f"?preset=custom&starts_on={start}&ends_on={end}"
        )
    )
    # The staff's counts are the true ones: seven, two and one in the first program.
    first = next(r for r in staff[NEWCOMERS].rows if r.label == programs[0].name_en)
    assert [c.value for c in first.cells[:4]] == [7, 2, 1, 10]
    assert [c.value for c in staff[NEWCOMERS].rows[-1].cells[:4]] == [14, 6, 4, 24]
    assert [c.value for c in staff[ACTIVITY].rows[-1].cells[:3]] == [34, 30, 10]
    funder = Client()
    funder.force_login(network.funder)
    published = tables_of(funder.get(f"/en/reports/funded/{network.lead.slug}/?fiscal_year={year}"))
    for key in (NEWCOMERS, ACTIVITY):
        for row in published[key].rows:
            for cell in row.cells:
                assert cell.hidden or cell.kind != "count" or not 0 < cell.value < 5, (key, row)
    attacker = attack(published, staff)
    hidden = [k for k, v in attacker.published.items() if v is None]
    # More cells hidden than the small ones: complementary suppression was needed.
    small = [k for k in hidden if 0 < attacker.truth[k] < 5]
    assert len(hidden) > len(small) >= 5
    assert attacker.pinned() == {}


def test_the_negative_control_primary_suppression_alone_gives_the_small_cells_back():
    """The same first grid with only its small cells hidden: the attacker pins them from the
    row's total and the columns' (why the section suppresses its grid as one)."""
    cells = [[7, 2, 1], [6, 0, 3], [1, 4, 0]]
    published, truth = {}, {}
    for i, row in enumerate([*cells]):
        for j, value in enumerate([*row, sum(row)]):
            truth[(NEWCOMERS, i, j)] = value
            published[(NEWCOMERS, i, j)] = None if 0 < value < 5 else value
    totals = [sum(column) for column in zip(*cells, strict=True)]
    for j, value in enumerate([*totals, sum(totals)]):
        truth[(NEWCOMERS, 3, j)] = value
        published[(NEWCOMERS, 3, j)] = value
    attacker = Attacker(published, truth)
    add_grid(attacker, NEWCOMERS, 4, 3, True, True)
    assert (NEWCOMERS, 0, 1) in attacker.pinned()  # the two interviews of the first program
