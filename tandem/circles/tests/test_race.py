"""Concurrent additions on PostgreSQL: a group's places hold under a real race.

Each thread is a member of staff adding a different waiting mentee to the same group through the
HTTP client on its own database connection, all released at once by a barrier. The negative
control runs the same service with its guards taken away for the test (the partial unique index
on the group's seats dropped, and `select_for_update` on the group's row made a no-op): the group
is overfilled, so the guards are what hold.
"""

import pytest

from tandem.circles.models import CircleMember
from tandem.circles.tests.factories import make_circle, waiting_mentee
from tandem.core.tests import races
from tandem.core.tests.cast import make_member
from tandem.matching.tests.factories import program_for
from tandem.organizations.models import Role

pytestmark = races.MARKS

CAPACITY = 2
CONTENDERS = 6


def _setup(home):
    circle = make_circle(home, mentee_capacity=CAPACITY)
    pool = program_for(home)
    mentees = [waiting_mentee(home, pool) for _ in range(CONTENDERS)]
    staff = [
        make_member(home.organization, Role.PROGRAM_STAFF, email=f"staff{i}@example.org")
        for i in range(CONTENDERS)
    ]
    return circle, mentees, staff


def test_concurrent_additions_never_overfill_a_group(home, settings):
    settings.TANDEM_MFA_REQUIRED = False
    circle, mentees, staff = _setup(home)
    pages = races.pages_at_once(
        [races.signed_in(person) for person in staff],
        lambda client, index: client.post(
            f"/en/groups/{circle.pk}/members/",
            {"role": "mentee", "people": [mentees[index].pk]},
            follow=True,
        ),
    )
    active = CircleMember.objects.filter(circle=circle, left_at__isnull=True)
    assert active.count() == CAPACITY
    assert sorted(active.values_list("seat", flat=True)) == [1, 2]
    assert sum("This group is full" in page for page in pages) == CONTENDERS - CAPACITY


@pytest.fixture
def without_the_seat_index():
    """Drops the unique index on (circle, side, seat) for one test, and puts it back."""
    with races.dropped_constraint(CircleMember, "circle_one_active_member_per_seat"):
        yield


def test_negative_control_without_its_guards_the_real_service_overfills_the_group(
    home, without_the_seat_index, monkeypatch
):
    """The real `circle_member_add`, with every contender made to count the free seats before
    anyone inserts (the worst interleaving, made certain): without the index and the row lock
    all of them take seat 1 and the group holds more mentees than places."""
    from tandem.circles.services import members

    races.without_row_locks(monkeypatch)
    circle, mentees, staff = _setup(home)
    races.each_counts_first(monkeypatch, members, "_free_seats", CONTENDERS)

    def add(index):
        return members.circle_member_add(
            actor=staff[index], circle=circle, participant=mentees[index], role="mentee"
        )

    results = races.race(add, CONTENDERS)
    assert all(isinstance(r, CircleMember) for r in results), results
    active = CircleMember.objects.filter(circle=circle, left_at__isnull=True)
    assert active.count() == CONTENDERS > CAPACITY
