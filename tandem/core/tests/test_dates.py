"""Dates, times, hours and numbers as Canadian French writes them, in pages and in the helpers."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import formats, translation

from tandem.core import dates
from tandem.events.tests.factories import make_event
from tandem.programs.tests.factories import make_program

NB = "\u00a0"
TORONTO = ZoneInfo("America/Toronto")


def test_french_dates_write_the_month_in_words_and_1er_for_the_first():
    with translation.override("fr"):
        assert dates.day(dt.date(2026, 12, 6)) == "6 décembre 2026"
        assert dates.day(dt.date(2026, 12, 1)) == "1er décembre 2026"
        assert dates.day(dt.date(2026, 12, 11)) == "11 décembre 2026"
        assert formats.date_format(dt.date(2026, 12, 6), "SHORT_DATE_FORMAT") == "2026-12-06"
        late = dt.datetime(2026, 12, 7, 4, 30, tzinfo=dt.UTC)  # 23 h 30 in Ottawa, Dec. 6
        assert dates.table_day(late) == "2026-12-06"
        assert dates.day(late) == "6 décembre 2026"
    with translation.override("en"):
        assert dates.day(dt.date(2026, 12, 1)) == "Dec. 1, 2026"


def test_french_times_use_h_and_drop_zero_minutes():
    with translation.override("fr"):
        assert dates.clock(dt.time(13, 0)) == f"13{NB}h"
        assert dates.clock(dt.time(13, 30)) == f"13{NB}h{NB}30"
        assert dates.clock(dt.time(9, 5)) == f"9{NB}h{NB}05"
        assert dates.clock(dt.time(0, 15)) == f"0{NB}h{NB}15"
        moment = dt.datetime(2026, 12, 1, 18, 0, tzinfo=TORONTO)
        assert dates.when(moment) == f"1er décembre 2026 à 18{NB}h"
    with translation.override("en"):
        assert dates.clock(dt.time(13, 30)) == "1:30 p.m."


def test_french_hours_are_written_as_hours_and_minutes():
    with translation.override("fr"):
        assert dates.hours(14.0) == f"14{NB}h"
        assert dates.hours(Decimal("14.5")) == f"14{NB}h{NB}30"
        assert dates.hours(1.25) == f"1{NB}h{NB}15"
    with translation.override("en"):
        assert dates.hours(14.0) == f"14{NB}h"
        assert dates.hours(1.5) == f"1.5{NB}h"


def test_french_numbers_group_thousands_with_a_no_break_space():
    with translation.override("fr"):
        assert formats.number_format(1234.5, 1, force_grouping=True) == f"1{NB}234,5"


@pytest.mark.django_db
def test_a_french_event_page_shows_canadian_dates_and_times(client: Client, home, no_mfa):
    program = make_program(home.organization, home.staff)
    starts = dt.datetime(2026, 10, 1, 13, 0, tzinfo=TORONTO)
    event = make_event(
        program, home.staff, starts_at=starts, ends_at=starts + dt.timedelta(minutes=90)
    )
    client.force_login(home.staff)
    french = client.get(f"/fr/events/{event.pk}/").content.decode()
    assert f"1er octobre 2026 à 13{NB}h – 14{NB}h{NB}30" in french
    assert "13:00" not in french and "01/10/2026" not in french
    english = client.get(f"/en/events/{event.pk}/").content.decode()
    assert "Oct. 1, 2026" in english or "October 1, 2026" in english
