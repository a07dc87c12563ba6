"""The board's sweeps (expiry, digests of saved searches in each person's language, through the
registry the worker runs) and the hubs' and national team's views with small-cell suppression."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from tandem.core import sweeps
from tandem.core.tests.cast import make_member, make_participant, make_user
from tandem.opportunities.models import (
    Application,
    ApplicationStatus,
    Feedback,
    Opportunity,
    OpportunityStatus,
    SavedSearch,
)
from tandem.opportunities.selectors import NATIONAL_COLUMNS, national_view
from tandem.opportunities.tests.factories import (
    make_application,
    make_employer,
    make_hub,
    make_opportunity,
)
from tandem.organizations.models import OrganizationType, Role

pytestmark = pytest.mark.django_db


def test_both_sweeps_are_registered_for_the_worker():
    names = {sweep.name for sweep in sweeps.registered()}
    assert {"opportunities_expire", "opportunity_digests"} <= names


def test_expired_opportunities_close_themselves_once(board):
    opportunity = board["opportunity"]
    later = timezone.now() + timedelta(days=30)
    results = sweeps.sweeps_run_now(now=later)
    assert results["opportunities_expire"] == 1
    opportunity.refresh_from_db()
    assert (opportunity.status, opportunity.closed_because) == (OpportunityStatus.CLOSED, "expired")
    assert sweeps.sweeps_run_now(now=later)["opportunities_expire"] == 0


def test_a_saved_search_mails_only_new_matches_in_the_persons_language(
    board, immediate_tasks, django_capture_on_commit_callbacks
):
    reader = make_user("reader@example.org", language="fr")
    SavedSearch.objects.create(
        user=reader,
        name="Virtuel en Ontario",
        query="mode=virtual&province=ON",
        checked_until=timezone.now() - timedelta(hours=2),
    )
    make_opportunity(board["employer"], title_fr="Visite en personne", mode="in_person")
    with django_capture_on_commit_callbacks(execute=True):
        assert sweeps.sweeps_run_now()["opportunity_digests"] == 1
    sent = [m for m in mail.outbox if "reader@example.org" in m.to]
    assert len(sent) == 1
    assert "nouvelle occasion" in sent[0].subject
    assert board["opportunity"].title_fr in sent[0].body
    assert "Visite en personne" not in sent[0].body  # in person: not what the search asks for
    with django_capture_on_commit_callbacks(execute=True):
        assert sweeps.sweeps_run_now()["opportunity_digests"] == 0  # nothing new since


@pytest.fixture
def network(board, home):
    """`home` is the national team of two hubs (Ontario, Quebec)."""
    home.organization.kind = OrganizationType.LEAD_AGENCY
    home.organization.save()
    ontario = make_hub("hub-on", "ON", parent=home.organization)
    quebec = make_hub("hub-qc", "QC", parent=home.organization)
    return {"ontario": ontario, "quebec": quebec}


def _matches(opportunity, count, organization, *, rural=False):
    for _ in range(count):
        person = make_participant(organization, postal_code="K0A 1A0" if rural else "K1P 5G4")
        application = make_application(
            opportunity, person, status=ApplicationStatus.HAPPENED, happened_on=timezone.localdate()
        )
        Feedback.objects.create(
            application=application, side="job_seeker", learned="A lot", accessible="yes"
        )


def test_the_national_view_counts_per_province_and_hides_small_cells(network, board, home):
    ontario = board["opportunity"]
    ontario.places = 10
    ontario.save()
    _matches(ontario, 6, home.organization, rural=True)
    quebec = make_opportunity(make_employer("employeur-qc", "QC"), province="QC", places=5)
    _matches(quebec, 2, home.organization)
    rows = {
        row.province: dict(zip(NATIONAL_COLUMNS, row.cells, strict=True))
        for row in national_view(home.organization, threshold=5)
    }
    assert rows["ON"]["matches"] == 6 and rows["ON"]["rural_virtual"] == 6
    assert rows["ON"]["said_accessible"] == 6
    assert rows["QC"]["matches"] is None  # 2 people: not published outside the hub
    assert rows["QC"]["opportunities"] is None and rows["ON"]["opportunities"] is None  # 1 each
    raw = {
        row.province: dict(zip(NATIONAL_COLUMNS, row.cells, strict=True))
        for row in national_view(home.organization, threshold=1)
    }
    assert raw["QC"]["matches"] == 2  # the negative control: the same count, unsuppressed


def test_employers_engaged_count_each_employer_once_from_its_first_opportunity(
    network, board, home
):
    """Engaged: an opportunity, whatever became of it (closed, nobody applied), in any of the
    team's provinces, one count per employer; hosting is the second, suppressed figure."""
    from tandem.opportunities.selectors import employers_engaged

    quebec = make_employer("employeur-qc", "QC")
    make_opportunity(quebec, province="QC", status=OpportunityStatus.CLOSED)
    make_opportunity(board["employer"], province="QC")  # a second province: still one employer
    make_opportunity(make_employer("far-west", "BC"), province="BC")  # no hub there
    make_employer("never-posted")  # an employer of the province that posted nothing
    _matches(board["opportunity"], 1, home.organization)
    engaged = employers_engaged(home.organization, threshold=1)
    assert (engaged.posted, engaged.hosted) == (2, 1)
    assert employers_engaged(home.organization, threshold=5).hosted is None  # 1: hidden


def test_the_national_page_opens_for_the_team_only(client, network, home, elsewhere, no_mfa):
    client.force_login(home.staff)
    page = client.get(f"/en/opportunities/national/{home.organization.slug}/")
    assert page.status_code == 200 and "Quebec" in page.content.decode()
    client.force_login(elsewhere.staff)
    assert client.get(f"/en/opportunities/national/{home.organization.slug}/").status_code == 404


def test_a_hub_sees_its_province_and_not_another(client, network, board, home, no_mfa):
    make_opportunity(make_employer("employeur-qc", "QC"), province="QC", title_en="In Quebec")
    hub_staff = make_member(network["ontario"], Role.PROGRAM_STAFF, email="s@hub-on.example.org")
    make_application(board["opportunity"], home.mentee)
    client.force_login(hub_staff)
    page = client.get(f"/en/opportunities/hubs/{network['ontario'].pk}/").content.decode()
    assert board["opportunity"].title_en in page and "In Quebec" not in page
    assert home.mentee.full_name in page and board["employer"].name in page
    assert client.get(f"/en/opportunities/hubs/{network['quebec'].pk}/").status_code == 404
    # The national team sees every hub.
    client.force_login(home.staff)
    assert client.get(f"/en/opportunities/hubs/{network['quebec'].pk}/").status_code == 200


def test_closing_an_opportunity_takes_it_off_the_board(client, board, no_mfa):
    client.force_login(board["employer_person"])
    client.post(f"/en/opportunities/manage/{board['opportunity'].pk}/close/")
    assert Opportunity.objects.get().status == OpportunityStatus.CLOSED
    assert Application.objects.count() == 0


def test_rural_uptake_by_postal_area_is_suppressed_with_the_province_figures(network, board, home):
    """Ontario's 6 rural take-ups are published in the national table; by area they are 5 in
    K0A and 1 in K0B. Hiding only K0B's 1 would let anyone take 6 - 5: K0A is hidden too."""
    from tandem.opportunities.selectors import rural_uptake_by_area

    ontario = board["opportunity"]
    ontario.places = 10
    ontario.save()
    _matches(ontario, 5, home.organization, rural=True)
    person = make_participant(home.organization, postal_code="K0B 1A0")
    make_application(ontario, person, status=ApplicationStatus.ACCEPTED, place=7)
    _matches(ontario, 3, home.organization)  # in town: counted in neither
    rows = national_view(home.organization, threshold=5)
    column = NATIONAL_COLUMNS.index("rural_virtual")
    assert [r.cells[column] for r in rows if r.province == "ON"] == [6]
    areas = {(a.fsa, a.province): a.count for a in rural_uptake_by_area(home.organization, rows)}
    assert areas == {("K0A", "ON"): None, ("K0B", "ON"): None}
    unsuppressed = rural_uptake_by_area(home.organization, rows, threshold=1)
    assert sorted((a.fsa, a.count) for a in unsuppressed) == [("K0A", 5), ("K0B", 1)]


@pytest.mark.parametrize(
    ("counts", "total_is_known"),
    [([5, 1], True), ([1, 1, 6], True), ([2, 2, 9, 7], True), ([3], False), ([1, 8], True)],
)
def test_no_small_area_can_be_worked_out_from_its_province_s_figure(counts, total_is_known):
    """The attacker is reports/suppression.py's: the published counts, the province's figure
    when the national table publishes it, and every hidden count at least 1. As the negative
    control, hiding only the small counts exposes a cell whenever the breakdown protects more."""
    from tandem.opportunities.selectors import protect_breakdown
    from tandem.reports.suppression import equations, exposed

    grid = [[n] for n in counts] + [[sum(counts)]]
    lines = equations(len(counts), 1, False, total_is_known)
    hidden = protect_breakdown(counts, total_is_known=total_is_known, threshold=5)
    assert hidden is not None
    assert not any(0 < counts[i] < 5 for i in range(len(counts)) if i not in hidden)
    assert exposed({(i, 0) for i in hidden}, lines, grid, 5) == set()
    small = {(i, 0) for i, n in enumerate(counts) if n < 5}
    if len(hidden) > len(small):
        assert exposed(small, lines, grid, 5)


def test_a_breakdown_that_nothing_protects_is_not_shown():
    """Five areas of one person each under a published 5: every x would be a 1."""
    from tandem.opportunities.selectors import protect_breakdown

    assert protect_breakdown([1, 1, 1, 1, 1], total_is_known=True, threshold=5) is None
    assert protect_breakdown([1, 1, 1, 1, 1], total_is_known=False, threshold=5) == set(range(5))


def test_the_national_page_shows_the_rural_uptake_by_area(client, network, board, home, no_mfa):
    _matches(board["opportunity"], 1, home.organization, rural=True)
    client.force_login(home.staff)
    page = client.get(f"/en/opportunities/national/{home.organization.slug}/").content.decode()
    assert "by postal area" in page and '<th scope="row">K0A</th>' in page
