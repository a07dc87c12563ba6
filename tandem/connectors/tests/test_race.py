"""A connector's monthly meetings under a real race on PostgreSQL: members of staff arrange a
first meeting with the same connector for different newcomers at the same instant, each through
the HTTP client on its own database connection, released together by a barrier; the connector
has one meeting left this month.

The negative control runs the real `meeting_request` with its guard taken away (the lock of the
connector's row, `meetings._lock_connector`, made a no-op) and the worst interleaving made
certain (every contender counts the month before anyone inserts): the connector is overbooked,
so the lock is what holds. The guard is a row lock, not a constraint, so `dropped_constraint`
is not needed.
"""

from django.urls import reverse

from tandem.connectors.models import ConnectorMeeting
from tandem.connectors.tests.factories import connector_program, make_connector, make_newcomer
from tandem.core.tests import races
from tandem.core.tests.cast import make_member, make_participant, occupation
from tandem.organizations.models import Role

pytestmark = races.MARKS

CONTENDERS = 4


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


def test_two_staff_cannot_both_take_a_connector_s_last_meeting_of_the_month(home, settings):
    settings.TANDEM_MFA_REQUIRED = False
    _program, connector, newcomers, staff = _setup(home)
    urls = [reverse("connectors:newcomer", args=[newcomer.pk]) for newcomer in newcomers]
    clients = [races.signed_in(person) for person in staff]
    for client, url in zip(clients, urls, strict=True):
        page = client.get(url).content.decode()  # the connector is among the suggestions
        assert f'value="{connector.pk}"' in page
    pages = races.pages_at_once(
        clients,
        lambda client, index: client.post(
            urls[index], {"connector": str(connector.pk), "message": ""}, follow=True
        ),
    )
    assert ConnectorMeeting.objects.filter(connector=connector).count() == 1
    assert sum("has no room left" in page for page in pages) == CONTENDERS - 1


def test_negative_control_without_the_lock_the_real_service_overbooks_the_connector(
    home, monkeypatch
):
    from tandem.connectors.services import meetings

    program, connector, newcomers, staff = _setup(home)
    monkeypatch.setattr(meetings, "_lock_connector", lambda connector: None)
    races.each_counts_first(monkeypatch, meetings, "_taken_this_month", CONTENDERS)

    def arrange(index):
        return meetings.meeting_request(
            actor=staff[index],
            program=program,
            newcomer=newcomers[index].participant,
            connector=connector,
        )

    results = races.race(arrange, CONTENDERS)
    assert all(isinstance(r, ConnectorMeeting) for r in results), results
    taken = ConnectorMeeting.objects.filter(connector=connector).count()
    assert taken == CONTENDERS > connector.meetings_per_month
