"""The demo's connector program shows something real: connectors who joined the three ways,
Amina's chain three meetings deep with a job on one branch and an interview on another, what
each demo login has to do next, and program figures that are not zero."""

from django.test import Client
from django.urls import reverse

from tandem.connectors.chain import chain_of
from tandem.connectors.models import Connector, ConnectorMeeting, JoinedVia, MeetingStatus
from tandem.connectors.selectors import introductions_to_follow_up, program_figures
from tandem.demo.connectors import CONNECTORS, NAMED
from tandem.demo.network import LOGINS, MENTEE_NAMES, MENTOR_NAMES
from tandem.programs.models import Program


def test_the_connectors_names_are_their_own():
    taken = {g for g, _f in MENTEE_NAMES + MENTOR_NAMES} | {login.first_name for login in LOGINS}
    taken |= {f for _g, f in MENTEE_NAMES + MENTOR_NAMES} | {login.last_name for login in LOGINS}
    for given, family, *_rest in [*CONNECTORS, NAMED]:
        assert given not in taken and family not in taken


def test_the_demo_connector_program_draws_chains(demo_network, client: Client, no_mfa):
    program = Program.objects.get(slug="capital-connector")
    joined = set(Connector.objects.filter(program=program).values_list("joined_via", flat=True))
    assert joined == {JoinedVia.STAFF, JoinedVia.NAMED}
    amina = program.enrolments.get(participant__email="mentee@tandem.demo")
    root = chain_of(program, amina.participant)
    depths = ConnectorMeeting.objects.filter(
        program=program, newcomer=amina.participant, status=MeetingStatus.HELD
    ).values_list("depth", flat=True)
    assert max(depths) == 3
    assert root is not None
    assert introductions_to_follow_up(program, amina.participant).exists()
    assert ConnectorMeeting.objects.filter(
        newcomer=amina.participant, status=MeetingStatus.OFFERED
    ).exists()
    assert ConnectorMeeting.objects.filter(
        connector__participant__email="mentor@tandem.demo", status=MeetingStatus.REQUESTED
    ).exists()
    figures = program_figures(program)
    # Jobs: Amina's (through Mathis) and the first other newcomer's; interviews likewise.
    assert (figures.jobs, figures.interviews, figures.depth_max) == (2, 2, 3)
    assert figures.meetings_at_target == 6  # every first meeting, and Giulia's with Amina
    assert amina.participant.user is not None
    client.force_login(amina.participant.user)
    page = client.get(reverse("connectors:newcomer", args=[amina.pk])).content.decode()
    assert 'role="img"' in page and "Mathis Bellerose" in page
