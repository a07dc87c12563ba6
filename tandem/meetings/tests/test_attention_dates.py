"""The staff home's "needs attention" count reads dates stored on each mentorship; it must give
what the attention list works out from the meetings, on every day, stored or not yet stored."""

from datetime import timedelta

import pytest

from tandem.core.sweeps import sweeps_run_at_release
from tandem.core.tests.cast import make_participant
from tandem.meetings import selectors, services
from tandem.mentorships.models import Mentorship
from tandem.outcomes.services import mentorship_extend
from tandem.outcomes.tests.factories import make_mentorship

pytestmark = pytest.mark.django_db


@pytest.fixture
def pairs(clock, lifecycle, home):
    """Mentorships that fall into each reason at different days: quiet from the start, meeting
    weekly, behind on hours, a low check-in, no agreement, and one not yet started."""
    staff, program = lifecycle.staff, lifecycle.program
    today = clock.now().date()

    def pair(**options):
        return make_mentorship(program, mentee=make_participant(home.organization), **options)

    weekly = pair(hours_target=13, started_on=today - timedelta(days=30))
    for days in (2, 9, 16, 23, 30):
        services.meeting_log_create(
            actor=staff,
            mentorship=weekly,
            met_on=today - timedelta(days=days),
            minutes=60,
            mode="virtual",
            topics="Weekly",
        )
    behind = pair(hours_target=40, started_on=today - timedelta(days=20))
    services.meeting_log_create(
        actor=staff,
        mentorship=behind,
        met_on=today - timedelta(days=3),
        minutes=90,
        mode="phone",
        topics="Late start",
    )
    unhappy = pair(started_on=today - timedelta(days=5))
    services.check_in_record(
        actor=staff,
        mentorship=unhappy,
        participant=unhappy.mentee,
        held_on=today - timedelta(days=1),
        how_it_is_going="Not great",
        satisfaction=2,
    )
    pair(agreement=False, started_on=today - timedelta(days=10))
    pair(started_on=today + timedelta(days=7), hours_target=24)  # starts next week
    return lifecycle


def live(lifecycle) -> int:
    return len(selectors.attention_list(user=lifecycle.staff))


@pytest.mark.slow
def test_the_stored_count_agrees_with_the_list_on_every_day_of_the_term(
    clock, pairs, django_assert_max_num_queries
):
    Mentorship.objects.update(attention_stale=True)  # as a fresh migration leaves them
    # `manage.py release` stores them before the new version serves (then the hourly sweep).
    assert sweeps_run_at_release() == {"attention": Mentorship.objects.count()}
    assert not Mentorship.objects.filter(attention_stale=True).exists()
    seen = set()
    for _day in range(140):  # past every term: nothing is written, only time passes
        expected = live(pairs)
        with django_assert_max_num_queries(2):  # the stored count, and no stale row to work out
            assert selectors.attention_count(user=pairs.staff) == expected
        seen.add(expected)
        clock.advance(days=1)
    assert len(seen) >= 4  # the count moved as reasons began and ended: not a constant


def test_rows_not_stored_yet_are_worked_out_and_a_meeting_stores_its_row_at_once(clock, pairs):
    assert Mentorship.objects.filter(attention_stale=True).exists()  # the factory's new rows
    for _day in range(0, 21, 7):
        assert selectors.attention_count(user=pairs.staff) == live(pairs)
        clock.advance(days=7)
    services.attention_sweep()
    quiet = pairs.mentorship  # no meeting since its start, three weeks ago and more
    ids = {item.mentorship.pk for item in selectors.attention_list(user=pairs.staff)}
    assert quiet.pk in ids
    before = selectors.attention_count(user=pairs.staff)
    services.meeting_log_create(
        actor=pairs.staff,
        mentorship=quiet,
        met_on=clock.now().date(),
        minutes=600,
        mode="in_person",
        topics="Catching up",
    )
    quiet.refresh_from_db()
    assert not quiet.attention_stale
    assert selectors.attention_count(user=pairs.staff) == live(pairs) == before - 1


def test_an_extension_marks_the_row_and_the_sweep_stores_it_again(clock, pairs):
    services.attention_sweep()
    behind = Mentorship.objects.get(agreement__hours_target=40)
    first = behind.attention_from
    mentorship_extend(
        actor=pairs.staff,
        mentorship=behind,
        new_end_on=behind.agreement.expected_end_on + timedelta(weeks=26),
        mentor_agreed=True,
        mentee_agreed=True,
    )
    behind.refresh_from_db()
    assert behind.attention_stale
    assert selectors.attention_count(user=pairs.staff) == live(pairs)
    assert services.attention_sweep() == 1
    behind.refresh_from_db()
    assert not behind.attention_stale and behind.attention_from != first
    for _day in range(0, 200, 5):
        assert selectors.attention_count(user=pairs.staff) == live(pairs)
        clock.advance(days=5)
