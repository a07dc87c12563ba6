"""Concurrent acceptances on PostgreSQL: an opportunity's places hold under a real race.

Each thread is a person of the employer accepting a different applicant through the HTTP client
on its own database connection, all released at once by a barrier. The negative control runs the
real `application_accept` with its guards taken away for the test (the partial unique index on
(opportunity, place) dropped, and `select_for_update` made a no-op): the opportunity is
overfilled, so the guards are what hold.
"""

import threading

import pytest
from django.db import connection, connections
from django.test import Client

from tandem.core.tests.cast import make_member, make_participant
from tandem.opportunities.models import Application, ApplicationStatus
from tandem.opportunities.tests.factories import make_application, make_employer, make_opportunity
from tandem.organizations.models import Role

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

PLACES = 2
CONTENDERS = 6


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row-level races need PostgreSQL")


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


def test_concurrent_acceptances_never_overfill_an_opportunity(home, settings):
    settings.TANDEM_MFA_REQUIRED = False
    opportunity, applications, people = _setup(home)

    def accept(index):
        client = Client()
        client.force_login(people[index])
        response = client.post(
            f"/en/opportunities/applications/{applications[index].pk}/decide/",
            {"decision": "accept"},
            follow=True,
        )
        return response.status_code, response.content.decode()

    results = _race(accept, CONTENDERS)
    assert all(isinstance(r, tuple) for r in results), results
    assert {status for status, _body in results} == {200}, "a loser must never get a 500"
    accepted = Application.objects.filter(
        opportunity=opportunity, status=ApplicationStatus.ACCEPTED
    )
    assert accepted.count() == PLACES
    assert sorted(accepted.values_list("place", flat=True)) == [1, 2]
    losers = [body for _status, body in results if "This opportunity is full" in body]
    assert len(losers) == CONTENDERS - PLACES


@pytest.fixture
def without_the_place_index():
    """Drops the unique index on (opportunity, place) for one test, and puts it back."""
    constraint = next(
        c
        for c in Application._meta.constraints
        if c.name == "opportunity_one_application_per_place"
    )
    with connection.schema_editor() as editor:
        editor.remove_constraint(Application, constraint)
    try:
        yield
    finally:
        Application.objects.all().delete()  # the overfilled rows would break the index
        with connection.schema_editor() as editor:
            editor.add_constraint(Application, constraint)


def test_negative_control_without_its_guards_the_real_service_overfills(
    home, without_the_place_index, monkeypatch
):
    """The real `application_accept`, with every contender made to count the free places
    before anyone writes (the worst interleaving, made certain): without the index and the row
    lock all of them take place 1 and the opportunity holds more people than places."""
    from django.db.models.query import QuerySet

    from tandem.opportunities import services

    monkeypatch.setattr(QuerySet, "select_for_update", lambda self, *args, **kwargs: self)
    opportunity, applications, people = _setup(home)
    counted = threading.Barrier(CONTENDERS)
    real_free_places = services.free_places

    def free_places_then_wait(opportunity_id, places):
        free = real_free_places(opportunity_id, places)
        counted.wait(30)
        return free

    monkeypatch.setattr(services, "free_places", free_places_then_wait)

    def accept(index):
        return services.application_accept(actor=people[index], application=applications[index])

    results = _race(accept, CONTENDERS)
    assert all(isinstance(r, Application) for r in results), results
    accepted = Application.objects.filter(
        opportunity=opportunity, status=ApplicationStatus.ACCEPTED
    )
    assert accepted.count() == CONTENDERS > PLACES
