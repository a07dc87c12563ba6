"""Concurrent registrations on PostgreSQL: a gathering's places hold under a real race.

Each member registers through the HTTP client on its own database connection, all released at
once. The negative control runs the real `gathering_register` with its guards taken away (the
partial unique index on (gathering, place) dropped and the row lock made a no-op, every
contender counting the free places before anyone writes): the gathering is overbooked, so the
guards are what hold. The shape is every numbered-place race's (core/tests/races.py).
"""

import pytest

from tandem.community.tests.factories import add_member
from tandem.core.tests import races
from tandem.core.tests.cast import make_member, make_organization
from tandem.library.models import Registration
from tandem.library.tests.factories import make_community, make_gathering
from tandem.organizations.models import OrganizationType, Role

pytestmark = races.MARKS

PLACES = 2
CONTENDERS = 6


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
    url = f"/en/library/gatherings/{gathering.pk}/"
    pages = races.pages_at_once(
        [races.signed_in(person) for person in people],
        lambda client, _index: client.post(url, {"action": "register"}, follow=True),
    )
    held = Registration.objects.filter(gathering=gathering, place__isnull=False)
    assert sorted(held.values_list("place", flat=True)) == [1, 2]
    assert sum("This gathering is full" in page for page in pages) == CONTENDERS - PLACES


@pytest.fixture
def without_the_place_index():
    with races.dropped_constraint(Registration, "library_one_person_per_place"):
        yield


def test_negative_control_without_its_guards_the_real_service_overbooks(
    without_the_place_index, monkeypatch
):
    from tandem.library.services import gatherings as services

    races.without_row_locks(monkeypatch)
    gathering, people, memberships = _setup()
    races.each_counts_first(monkeypatch, services, "free_places", CONTENDERS)

    def register(index):
        return services.gathering_register(
            actor=people[index], gathering=gathering, membership=memberships[index]
        )

    results = races.race(register, CONTENDERS)
    assert all(isinstance(r, Registration) for r in results), results
    held = Registration.objects.filter(gathering=gathering, place__isnull=False)
    assert held.count() == CONTENDERS > PLACES
