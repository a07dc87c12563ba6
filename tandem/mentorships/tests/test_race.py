"""Concurrent confirmations on PostgreSQL: the mentor's capacity holds under a real race.

Each thread is a member of staff confirming a different accepted proposal for the same mentor,
through the HTTP client on its own database connection, all released at once by a barrier.
The negative control does what a naive implementation would (count, then insert without a
slot) and overbooks the mentor: the guard is what makes the difference.
"""

import threading

import pytest
from django.db import connection, connections, transaction
from django.test import Client
from django.urls import reverse

from tandem.core.tests.cast import make_member
from tandem.matching.models import ProposalStatus
from tandem.matching.tests.factories import person, program_for, proposal
from tandem.mentorships.models import ACTIVE_STATUSES, Mentorship
from tandem.organizations.models import Role

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

CAPACITY = 2
CONTENDERS = 6


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row-level races need PostgreSQL")


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


def _race(work, count):
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(index):
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as error:  # reported by the test, not lost in the thread
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_concurrent_confirmations_never_overbook_a_mentor(home, settings):
    settings.TANDEM_MFA_REQUIRED = False
    program, mentor, proposals, staff = _setup(home)

    def confirm(index):
        client = Client()
        client.force_login(staff[index])
        response = client.post(
            reverse("matching:proposal_confirm", args=[proposals[index].pk]), follow=True
        )
        return response.status_code, response.content.decode()

    results = _race(confirm, CONTENDERS)
    assert all(isinstance(r, tuple) for r in results), results
    assert {status for status, _body in results} == {200}, "a loser must never get a 500"
    active = Mentorship.objects.filter(mentor=mentor, status__in=ACTIVE_STATUSES)
    assert active.count() == CAPACITY
    assert sorted(active.values_list("mentor_slot", flat=True)) == [1, 2]
    losers = [body for _status, body in results if "This mentor has no room left" in body]
    assert len(losers) == CONTENDERS - CAPACITY


def test_negative_control_a_naive_count_then_insert_overbooks_the_mentor(home):
    """Without the slot (mentor_slot=None is outside the unique index) the same race lets every
    contender see room and insert: the mentor ends up with more mentees than places."""
    program, mentor, proposals, _staff = _setup(home)
    seen = threading.Barrier(CONTENDERS)

    def naive(index):
        with transaction.atomic():
            taken = Mentorship.objects.filter(mentor=mentor, status__in=ACTIVE_STATUSES).count()
            seen.wait()  # everyone has counted before anyone inserts
            if taken >= CAPACITY:
                return "full"
            Mentorship.objects.create(
                program=program,
                mentor=mentor,
                mentee=proposals[index].mentee,
                mentor_slot=None,
                mentor_capacity=CAPACITY,
            )
            return "confirmed"

    results = _race(naive, CONTENDERS)
    assert results.count("confirmed") == CONTENDERS, results
    assert Mentorship.objects.filter(mentor=mentor, status__in=ACTIVE_STATUSES).count() > CAPACITY
