"""Concurrent registrations on PostgreSQL: a gathering's places hold under a real race.

Each thread is a member registering through the HTTP client on its own database connection, all
released at once by a barrier. The negative control runs the real `gathering_register` with its
guards taken away (the partial unique index on (gathering, place) dropped and `select_for_update`
made a no-op, every contender counting the free places before anyone writes): the gathering is
overbooked, so the guards are what hold.
"""

import threading

import pytest
from django.db import connection
from django.test import Client

from tandem.community.tests.factories import add_member
from tandem.core.tests.cast import make_member, make_organization
from tandem.core.tests.races import dropped_constraint, race
from tandem.library.models import Registration
from tandem.library.tests.factories import make_community, make_gathering
from tandem.organizations.models import OrganizationType, Role

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

PLACES = 2
CONTENDERS = 6


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row-level races need PostgreSQL")


def _setup():
    host = make_organization("race-host", OrganizationType.LEAD_AGENCY)
    organizer = make_member(host, Role.NETWORK_LEADER, "organizer@race.example.org")
    community = make_community("race-cop", host)
    add_member(community, organizer, host, is_moderator=True)
    people = [
        make_member(host, Role.NETWORK_LEADER, f"leader{i}@race.example.org")
        for i in range(CONTENDERS)
    ]
    memberships = [add_member(community, person, host) for person in people]
    gathering = make_gathering(organizer, community, capacity=PLACES)
    return gathering, people, memberships


def test_concurrent_registrations_never_overbook_a_gathering(settings):
    settings.TANDEM_MFA_REQUIRED = False
    gathering, people, _memberships = _setup()

    def register(index):
        client = Client()
        client.force_login(people[index])
        response = client.post(
            f"/en/library/gatherings/{gathering.pk}/", {"action": "register"}, follow=True
        )
        return response.status_code, response.content.decode()

    results = race(register, CONTENDERS)
    assert all(isinstance(r, tuple) for r in results), results
    assert {status for status, _body in results} == {200}, "a loser must never get a 500"
    held = Registration.objects.filter(gathering=gathering, place__isnull=False)
    assert sorted(held.values_list("place", flat=True)) == [1, 2]
    losers = [body for _status, body in results if "This gathering is full" in body]
    assert len(losers) == CONTENDERS - PLACES


@pytest.fixture
def without_the_place_index():
    with dropped_constraint(Registration, "library_one_person_per_place"):
        yield


def test_negative_control_without_its_guards_the_real_service_overbooks(
    without_the_place_index, monkeypatch
):
    from django.db.models.query import QuerySet

    from tandem.library.services import gatherings as services

    monkeypatch.setattr(QuerySet, "select_for_update", lambda self, *args, **kwargs: self)
    gathering, people, memberships = _setup()
    counted = threading.Barrier(CONTENDERS)
    real_free_places = services.free_places

    def free_places_then_wait(gathering_id, capacity):
        free = real_free_places(gathering_id, capacity)
        counted.wait(30)
        return free

    monkeypatch.setattr(services, "free_places", free_places_then_wait)

    def register(index):
        return services.gathering_register(
            actor=people[index], gathering=gathering, membership=memberships[index]
        )

    results = race(register, CONTENDERS)
    assert all(isinstance(r, Registration) for r in results), results
    held = Registration.objects.filter(gathering=gathering, place__isnull=False)
    assert held.count() == CONTENDERS > PLACES
