"""Concurrent confirmations on PostgreSQL: the mentor's capacity holds under a real race.

Each thread is a member of staff confirming a different accepted proposal for the same mentor,
through the HTTP client on its own database connection, all released at once by a barrier.
The negative control runs the same service with its guards taken away for the test (the
partial unique index on the mentor's slot dropped, and `select_for_update`, which also locks the
mentor's row through `select_related`, made a no-op): the mentor is overbooked, so the guards are
what hold.
"""

import pytest
from django.urls import reverse

from tandem.core.tests import races
from tandem.core.tests.cast import make_member
from tandem.matching.models import ProposalStatus
from tandem.matching.tests.factories import person, program_for, proposal
from tandem.mentorships.models import ACTIVE_STATUSES, Mentorship
from tandem.organizations.models import Role

pytestmark = races.MARKS

CAPACITY = 2
CONTENDERS = 6


def _setup(home):
    program = program_for(home)
    mentor = person(home, "mentor", capacity=CAPACITY)
    proposals = [
        proposal(program, person(home, "mentee"), mentor, status=ProposalStatus.ACCEPTED)
        for _ in range(CONTENDERS)
    ]
    staff = [
        make_member(home.organization, Role.PROGRAM_STAFF, email=f"staff{i}@example.org")
        for i in range(CONTENDERS)
    ]
    return program, mentor, proposals, staff


def test_concurrent_confirmations_never_overbook_a_mentor(home, settings):
    settings.TANDEM_MFA_REQUIRED = False
    program, mentor, proposals, staff = _setup(home)
    pages = races.pages_at_once(
        [races.signed_in(person) for person in staff],
        lambda client, index: client.post(
            reverse("matching:proposal_confirm", args=[proposals[index].pk]), follow=True
        ),
    )
    active = Mentorship.objects.filter(mentor=mentor, status__in=ACTIVE_STATUSES)
    assert active.count() == CAPACITY
    assert sorted(active.values_list("mentor_slot", flat=True)) == [1, 2]
    losers = sum("This mentor has no room left" in page for page in pages)
    assert losers == CONTENDERS - CAPACITY


@pytest.fixture
def without_the_slot_index():
    """Drops the unique index on (mentor, slot) for one test, and puts it back."""
    with races.dropped_constraint(Mentorship, "mentorship_one_active_per_mentor_slot"):
        yield


def test_negative_control_without_its_guards_the_real_service_overbooks_the_mentor(
    home, without_the_slot_index, monkeypatch
):
    """The real `mentorship_confirm`, with every contender made to look for a free slot before
    anyone inserts (the worst interleaving, made certain): without the index and the row locks
    all of them take slot 1 and the mentor ends up with more mentees than places."""
    from tandem.mentorships import services

    races.without_row_locks(monkeypatch)
    program, mentor, proposals, staff = _setup(home)
    races.each_counts_first(monkeypatch, services, "_free_slots", CONTENDERS)

    def confirm(index):
        return services.mentorship_confirm(actor=staff[index], proposal=proposals[index])

    results = races.race(confirm, CONTENDERS)
    assert all(isinstance(r, Mentorship) for r in results), results
    active = Mentorship.objects.filter(mentor=mentor, status__in=ACTIVE_STATUSES)
    assert active.count() == CONTENDERS > CAPACITY
