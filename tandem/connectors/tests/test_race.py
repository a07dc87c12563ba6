"""A connector's monthly meetings under a real race on PostgreSQL: members of staff arrange a
first meeting with the same connector for different newcomers at the same instant, each through
the HTTP client on its own database connection, released together by a barrier; the connector
has one meeting left this month.

The negative control runs the real `meeting_request` with its guard taken away (the lock of the
connector's row, `meetings._lock_connector`, made a no-op) and the worst interleaving made
certain (every contender counts the month before anyone inserts): the connector is overbooked,
so the lock is what holds. The guard is a row lock, not a constraint, so no constraint is
dropped here.
"""

import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from tandem.connectors.models import ConnectorMeeting
from tandem.connectors.tests.factories import connector_program, make_connector, make_newcomer
from tandem.core.tests.cast import make_member, make_participant, occupation
from tandem.organizations.models import Role

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

CONTENDERS = 4


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row-level races need PostgreSQL")


def _setup(home):
    occupation("21232")
    program = connector_program(home.organization)
    connector = make_connector(program, email="anna@example.org", given_name="Anna")
    assert connector.meetings_per_month == 1  # the last (and only) meeting of the month
    newcomers = []
    for i in range(CONTENDERS):
        person = make_participant(home.organization, email=f"newcomer{i}@example.org")
        newcomers.append(make_newcomer(program, person))
    staff = [
        make_member(home.organization, Role.PROGRAM_STAFF, email=f"staff{i}@example.org")
        for i in range(CONTENDERS)
    ]
    return program, connector, newcomers, staff


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


def test_two_staff_cannot_both_take_a_connector_s_last_meeting_of_the_month(home, settings):
    settings.TANDEM_MFA_REQUIRED = False
    _program, connector, newcomers, staff = _setup(home)
    clients = []
    for index in range(CONTENDERS):
        client = Client()
        client.force_login(staff[index])
        url = reverse("connectors:newcomer", args=[newcomers[index].pk])
        page = client.get(url).content.decode()  # the connector is among the suggestions
        assert f'value="{connector.pk}"' in page
        clients.append((client, url))

    def arrange(index):
        client, url = clients[index]
        response = client.post(url, {"connector": str(connector.pk), "message": ""}, follow=True)
        return response.status_code, response.content.decode()

    results = _race(arrange, CONTENDERS)
    assert all(isinstance(r, tuple) for r in results), results
    assert {status for status, _body in results} == {200}, "a loser must never get a 500"
    assert ConnectorMeeting.objects.filter(connector=connector).count() == 1
    losers = [body for _status, body in results if "has no room left" in body]
    assert len(losers) == CONTENDERS - 1


def test_negative_control_without_the_lock_the_real_service_overbooks_the_connector(
    home, monkeypatch
):
    from tandem.connectors.services import meetings

    program, connector, newcomers, staff = _setup(home)
    monkeypatch.setattr(meetings, "_lock_connector", lambda connector: None)
    counted = threading.Barrier(CONTENDERS)
    real_taken = meetings._taken_this_month

    def taken_then_wait(connector):
        taken = real_taken(connector)
        counted.wait(30)
        return taken

    monkeypatch.setattr(meetings, "_taken_this_month", taken_then_wait)

    def arrange(index):
        return meetings.meeting_request(
            actor=staff[index],
            program=program,
            newcomer=newcomers[index].participant,
            connector=connector,
        )

    results = _race(arrange, CONTENDERS)
    assert all(isinstance(r, ConnectorMeeting) for r in results), results
    taken = ConnectorMeeting.objects.filter(connector=connector).count()
    assert taken == CONTENDERS > connector.meetings_per_month
