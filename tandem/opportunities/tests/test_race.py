"""Concurrent acceptances on PostgreSQL: an opportunity's places hold under a real race.

Each thread is a person of the employer accepting a different applicant through the HTTP client
on its own database connection, all released at once by a barrier. The negative control runs the
real `application_accept` with its guards taken away for the test (the partial unique index on
(opportunity, place) dropped, and `select_for_update` made a no-op): the opportunity is
overfilled, so the guards are what hold.
"""

import threading

import pytest
from django.db import connections

from tandem.core.tests import races
from tandem.core.tests.cast import make_member, make_participant
from tandem.opportunities.models import Application, ApplicationStatus
from tandem.opportunities.tests.factories import make_application, make_employer, make_opportunity
from tandem.organizations.models import Role

pytestmark = races.MARKS

PLACES = 2
CONTENDERS = 6


def _setup(home):
    employer = make_employer("race-employer")
    opportunity = make_opportunity(employer, places=PLACES)
    applications = [
        make_application(opportunity, make_participant(home.organization))
        for _ in range(CONTENDERS)
    ]
    people = [
        make_member(employer, Role.EMPLOYER_PARTNER, email=f"hr{i}@race.example.org")
        for i in range(CONTENDERS)
    ]
    return opportunity, applications, people


def test_concurrent_acceptances_never_overfill_an_opportunity(home, settings):
    settings.TANDEM_MFA_REQUIRED = False
    opportunity, applications, people = _setup(home)
    pages = races.pages_at_once(
        [races.signed_in(person) for person in people],
        lambda client, index: client.post(
            f"/en/opportunities/applications/{applications[index].pk}/decide/",
            {"decision": "accept"},
            follow=True,
        ),
    )
    accepted = Application.objects.filter(
        opportunity=opportunity, status=ApplicationStatus.ACCEPTED
    )
    assert accepted.count() == PLACES
    assert sorted(accepted.values_list("place", flat=True)) == [1, 2]
    assert sum("This opportunity is full" in page for page in pages) == CONTENDERS - PLACES


@pytest.fixture
def without_the_place_index():
    """The unique index on (opportunity, place) dropped for one test, then put back."""
    with races.dropped_constraint(Application, "opportunity_one_application_per_place"):
        yield


def test_negative_control_without_its_guards_the_real_service_overfills(
    home, without_the_place_index, monkeypatch
):
    """The real `application_accept`, with every contender made to count the free places
    before anyone writes (the worst interleaving, made certain): without the index and the row
    lock all of them take place 1 and the opportunity holds more people than places."""
    from tandem.opportunities import services

    races.without_row_locks(monkeypatch)
    opportunity, applications, people = _setup(home)
    races.each_counts_first(monkeypatch, services, "free_places", CONTENDERS)

    def accept(index):
        return services.application_accept(actor=people[index], application=applications[index])

    results = races.race(accept, CONTENDERS)
    assert all(isinstance(r, Application) for r in results), results
    accepted = Application.objects.filter(
        opportunity=opportunity, status=ApplicationStatus.ACCEPTED
    )
    assert accepted.count() == CONTENDERS > PLACES


# --- A change of places racing acceptances ---------------------------------------------------


def _fewer_places(opportunity, actor):
    from tandem.opportunities import services

    fields = {name: getattr(opportunity, name) for name in services.OPPORTUNITY_FIELDS}
    fields["places"] = 1
    return services.opportunity_change(
        actor=actor, opportunity=opportunity, accommodations=(), **fields
    )


def _held(opportunity):
    from tandem.opportunities.models import Opportunity

    places = Opportunity.objects.get(pk=opportunity.pk).places
    taken = list(
        Application.objects.filter(opportunity=opportunity, place__isnull=False).values_list(
            "place", flat=True
        )
    )
    return places, taken


def test_fewer_places_racing_acceptances_never_leave_more_people_than_places(home):
    """Two acceptances and a change to one place, at once: whichever order the row lock gives
    them, the people accepted fit the places and every place number is within them."""
    from tandem.opportunities import services

    opportunity, applications, people = _setup(home)
    opportunity.places = 3
    opportunity.save(update_fields=["places"])

    def work(index):
        if index == 2:
            return _fewer_places(opportunity, people[2])
        return services.application_accept(actor=people[index], application=applications[index])

    results = races.race(work, 3)
    assert all(
        not isinstance(r, Exception) or isinstance(r, services.OpportunityError) for r in results
    ), results
    places, taken = _held(opportunity)
    assert len(taken) <= places and all(1 <= place <= places for place in taken), (places, taken)


def test_negative_control_a_change_that_counts_without_the_lock_overfills(home, monkeypatch):
    """The real `opportunity_change` with the row lock made a no-op, and the acceptances made
    to land between its count of the people accepted and its write (the worst interleaving,
    made certain): it then leaves two people accepted on one place."""
    from tandem.opportunities import services

    opportunity, applications, people = _setup(home)
    opportunity.places = 3
    opportunity.save(update_fields=["places"])
    races.without_row_locks(monkeypatch)
    accepted = threading.Event()
    real_places_taken = services.places_taken

    def places_taken_then_wait(opportunity_id):
        taken = real_places_taken(opportunity_id)
        if threading.current_thread().name == "changer":
            accepted.wait(30)
        return taken

    monkeypatch.setattr(services, "places_taken", places_taken_then_wait)

    def change():
        try:
            _fewer_places(opportunity, people[2])
        finally:
            connections.close_all()

    changer = threading.Thread(target=change, name="changer")
    changer.start()
    for index in (0, 1):
        services.application_accept(actor=people[index], application=applications[index])
    accepted.set()
    changer.join(30)
    places, taken = _held(opportunity)
    assert (places, len(taken)) == (1, 2)  # overfilled: the lock is what holds
