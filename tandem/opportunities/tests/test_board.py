"""The board through its pages: posting with clear errors, searching with every filter, applying
and referring, the employer's answer, what took place and both sides' feedback."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from tandem.core.tests.cast import make_member, make_user, occupation
from tandem.opportunities.models import (
    Application,
    ApplicationStatus,
    Feedback,
    Opportunity,
    OpportunityStatus,
)
from tandem.opportunities.tests.factories import (
    make_application,
    make_hub,
    make_opportunity,
    postal_area,
)
from tandem.organizations.models import Role

pytestmark = pytest.mark.django_db


def _posting(**changes):
    day = (timezone.localdate() + timedelta(days=10)).isoformat()
    data = {
        "kind": "job_shadowing",
        "title_en": "A day with our accountants",
        "title_fr": "Une journée avec nos comptables",
        "occupation_query": "11100",
        "mode": "virtual",
        "postal_code": "",
        "province": "ON",
        "starts_on": day,
        "ends_on": day,
        "places": "2",
        "language": "both",
        "accommodations": ["captions", "flexible_hours"],
        "learning_en": "How an audit works",
    }
    data.update(changes)
    return data


def test_an_employer_posts_an_opportunity_and_it_is_on_the_board(client, board, no_mfa):
    client.force_login(board["employer_person"])
    response = client.post("/en/opportunities/new/", _posting(employer=board["employer"].pk))
    assert response.status_code == 302, response.content.decode()[:3000]
    posted = Opportunity.objects.get(title_en="A day with our accountants")
    assert posted.accommodations == ";flexible_hours;captions;"
    assert posted.posted_by is None and posted.occupation_id == "11100"
    assert "A day with our accountants" in client.get("/en/opportunities/").content.decode()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"starts_on": "2020-01-01"}, "This date has passed"),
        ({"mode": "in_person", "postal_code": "90210"}, "in Canada only"),
        ({"mode": "in_person", "postal_code": "SW1A 1AA"}, "in Canada only"),
        ({"mode": "in_person", "postal_code": ""}, "needs the workplace"),
        ({"mode": "in_person", "postal_code": "X0A 1H0"}, "No Canadian postal area starts"),
        ({"title_en": "", "title_fr": ""}, "Give a title"),
        ({"places": "0"}, "greater than or equal to 1"),
    ],
)
def test_bad_postings_get_a_clear_message_and_lose_nothing(client, board, no_mfa, changes, message):
    client.force_login(board["employer_person"])
    data = _posting(employer=board["employer"].pk, **changes)
    response = client.post("/en/opportunities/new/", data)
    body = response.content.decode()
    assert response.status_code == 200
    assert message in body
    assert "How an audit works" in body  # nothing typed is lost
    assert Opportunity.objects.count() == 1  # only the fixture's


def test_an_in_person_place_sets_the_province_from_the_postal_code(client, board, no_mfa):
    postal_area("H2X", "QC", "Montréal")
    client.force_login(board["employer_person"])
    data = _posting(employer=board["employer"].pk, mode="in_person", postal_code="h2x 1y4")
    assert client.post("/en/opportunities/new/", data).status_code == 302
    posted = Opportunity.objects.get(title_en="A day with our accountants")
    assert (posted.province, posted.postal_area_id) == ("QC", "H2X")


def test_people_of_no_employer_or_hub_cannot_post(client, board, home, no_mfa):
    client.force_login(home.caseworker)
    assert (
        "are posted by the people of an employer"
        in client.get("/en/opportunities/new/").content.decode()
    )
    response = client.post("/en/opportunities/new/", _posting(employer=board["employer"].pk))
    assert response.status_code == 200 and Opportunity.objects.count() == 1


def test_a_hub_posts_for_an_employer_of_its_province_and_runs_it(client, board, no_mfa):
    hub = make_hub("hub-on")
    staff = make_member(hub, Role.PROGRAM_STAFF, email="staff@hub.example.org")
    client.force_login(staff)
    assert (
        client.post("/en/opportunities/new/", _posting(employer=board["employer"].pk)).status_code
        == 302
    )
    posted = Opportunity.objects.get(title_en="A day with our accountants")
    assert posted.posted_by == hub
    assert client.get(f"/en/opportunities/manage/{posted.pk}/").status_code == 200


def _search(client, **filters):
    return client.get("/en/opportunities/", filters).content.decode()


def test_the_board_filters_by_each_criterion(client, board):
    employer = board["employer"]
    today = timezone.localdate()
    make_opportunity(
        employer,
        title_en="Tour in Quebec",
        occupation=occupation("21231"),
        kind="workplace_tour",
        mode="in_person",
        province="QC",
        language="fr",
        accommodations=";step_free;",
        starts_on=today + timedelta(days=40),
        ends_on=today + timedelta(days=40),
    )
    shadow = board["opportunity"].title_en
    assert shadow in _search(client) and "Tour in Quebec" in _search(client)
    for filters, shown, hidden in [
        ({"province": "QC"}, "Tour in Quebec", shadow),
        ({"mode": "virtual"}, shadow, "Tour in Quebec"),
        ({"kind": "workplace_tour"}, "Tour in Quebec", shadow),
        ({"language": "en"}, shadow, "Tour in Quebec"),
        ({"accommodations": ["captions"]}, shadow, "Tour in Quebec"),
        ({"accommodations": ["step_free"]}, "Tour in Quebec", shadow),
        ({"occupation": "111"}, shadow, "Tour in Quebec"),
        ({"available_from": (today + timedelta(days=30)).isoformat()}, "Tour in Quebec", shadow),
        ({"available_until": (today + timedelta(days=8)).isoformat()}, shadow, "Tour in Quebec"),
    ]:
        page = _search(client, **filters)
        assert shown in page and hidden not in page, filters
    assert shadow not in _search(client, accommodations=["captions", "step_free"])


def test_closed_and_expired_opportunities_leave_the_board(client, board):
    board["opportunity"].status = OpportunityStatus.CLOSED
    board["opportunity"].save()
    assert board["opportunity"].title_en not in _search(client)
    # A link kept from the board or a digest says why, in the reader's language.
    response = client.get(f"/fr/opportunities/{board['opportunity'].pk}/")
    assert response.status_code == 410
    page = response.content.decode()
    assert "Cette occasion est fermée" in page and "Apply" not in page


def _refer(client, opportunity, participant, **changes):
    data = {
        "participant": participant.pk,
        "message": "Keen to learn",
        "shares_accommodations": "on",
        "accommodations_needed": ["captions"],
        "accommodation_note": "Captions on every call",
    }
    data.update(changes)
    return client.post(f"/en/opportunities/{opportunity.pk}/apply/", data)


def test_a_job_developer_refers_a_client_who_shares_one_accommodation(client, board, home, no_mfa):
    client.force_login(home.caseworker)
    response = _refer(client, board["opportunity"], home.mentee)
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.referred_by == home.caseworker
    assert application.accommodations_needed == ";captions;"
    page = client.get(response["Location"]).content.decode()
    assert "Captions on every call" in page


def test_nothing_is_shared_without_the_tick(client, board, home, no_mfa):
    client.force_login(home.caseworker)
    response = _refer(
        client, board["opportunity"], home.mentee, shares_accommodations="", accommodation_note=""
    )
    assert "Tick this box to share" in response.content.decode()
    response = _refer(
        client,
        board["opportunity"],
        home.mentee,
        shares_accommodations="",
        accommodations_needed=[],
        accommodation_note="",
    )
    assert response.status_code == 302
    assert Application.objects.get().shares_accommodations is False


def test_a_job_developer_cannot_refer_another_agencys_client(
    client, board, home, elsewhere, no_mfa
):
    client.force_login(home.caseworker)
    response = _refer(client, board["opportunity"], elsewhere.mentee)
    assert response.status_code == 200 and not Application.objects.exists()


def test_a_job_seeker_applies_themself(client, board, home, no_mfa):
    client.force_login(home.mentee_user)
    assert _refer(client, board["opportunity"], home.mentee).status_code == 302
    assert Application.objects.get().referred_by is None


def test_a_full_or_closed_opportunity_takes_no_application(client, board, home, no_mfa):
    opportunity = board["opportunity"]
    opportunity.places = 1
    opportunity.save()
    make_application(
        opportunity,
        make_member_participant(home),
        status=ApplicationStatus.ACCEPTED,
        place=1,
        places_when_accepted=1,
    )
    client.force_login(home.caseworker)
    full = "This opportunity is full: every place offered is taken."
    assert full in client.get(f"/en/opportunities/{opportunity.pk}/").content.decode()
    assert full in client.get(f"/en/opportunities/{opportunity.pk}/apply/").content.decode()
    assert full in _refer(client, opportunity, home.mentee).content.decode()
    opportunity.status = OpportunityStatus.CLOSED
    opportunity.closed_because = "by_employer"
    opportunity.save()
    response = _refer(client, opportunity, home.mentee)
    assert response.status_code == 410
    assert "it takes no more applications. The employer closed it." in " ".join(
        response.content.decode().split()
    )
    # Past its last day, before the hourly sweep closes it: the same message.
    Opportunity.objects.filter(pk=opportunity.pk).update(
        status=OpportunityStatus.OPEN,
        closed_because="",
        starts_on=timezone.localdate() - timedelta(days=3),
        ends_on=timezone.localdate() - timedelta(days=1),
    )
    response = client.get(f"/en/opportunities/{opportunity.pk}/apply/")
    assert response.status_code == 410 and "Its dates have passed." in response.content.decode()
    assert Application.objects.filter(participant=home.mentee).count() == 0


def make_member_participant(side):
    from tandem.core.tests.cast import make_participant

    return make_participant(side.organization)


def test_the_employer_accepts_then_both_sides_give_feedback(
    client, board, home, no_mfa, immediate_tasks, django_capture_on_commit_callbacks
):
    home.mentee.preferred_language = "fr"
    home.mentee.save()
    client.force_login(home.caseworker)
    _refer(client, board["opportunity"], home.mentee)
    application = Application.objects.get()
    employer = board["employer_person"]
    client.force_login(employer)
    page = client.get(f"/en/opportunities/applications/{application.pk}/").content.decode()
    assert "Captions on every call" in page  # shared with this employer
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/en/opportunities/applications/{application.pk}/decide/", {"decision": "accept"}
        )
    application.refresh_from_db()
    assert (application.status, application.place) == (ApplicationStatus.ACCEPTED, 1)
    told = [m for m in mail.outbox if home.mentee.email in m.to]
    assert len(told) == 1 and told[0].subject.startswith(
        "Candidature acceptée"
    )  # in the person's language
    client.post(
        f"/en/opportunities/applications/{application.pk}/happened/",
        {"happened_on": timezone.localdate().isoformat(), "further_opportunity": "on"},
    )
    client.post(
        f"/en/opportunities/applications/{application.pk}/feedback/",
        {
            "learned": "Hiring people with disabilities is easier than we thought",
            "would_host_again": "on",
        },
    )
    client.force_login(home.caseworker)
    client.post(
        f"/en/opportunities/applications/{application.pk}/feedback/",
        {"learned": "How a ledger is closed", "accessible": "yes"},
    )
    application.refresh_from_db()
    assert (
        application.status == ApplicationStatus.HAPPENED and application.led_to_further_opportunity
    )
    assert set(Feedback.objects.values_list("side", flat=True)) == {"employer", "job_seeker"}
    client.force_login(employer)
    page = client.get(f"/en/opportunities/employers/{board['employer'].pk}/").content.decode()
    assert "How a ledger is closed" in page and home.mentee.full_name in page


def test_declining_needs_a_reason_which_the_person_reads(client, board, home, no_mfa):
    application = make_application(board["opportunity"], home.mentee, referred_by=home.caseworker)
    client.force_login(board["employer_person"])
    client.post(f"/en/opportunities/applications/{application.pk}/decide/", {"decision": "decline"})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    client.post(
        f"/en/opportunities/applications/{application.pk}/decide/",
        {"decision": "decline", "reason": "The places went to people nearer the office"},
    )
    client.force_login(home.mentee_user)
    page = client.get(f"/en/opportunities/applications/{application.pk}/").content.decode()
    assert "The places went to people nearer the office" in page


def test_saving_a_search_and_deleting_it(client, board, home, no_mfa):
    client.force_login(home.caseworker)
    client.post(
        "/en/opportunities/searches/",
        {"name": "Virtual in Ontario", "query": "mode=virtual&province=ON"},
    )
    page = client.get("/en/opportunities/mine/").content.decode()
    assert "Virtual in Ontario" in page
    search = home.caseworker.opportunity_searches.get()
    client.force_login(make_user("nosy@example.org"))
    assert client.post(f"/en/opportunities/searches/{search.pk}/delete/").status_code == 404
    client.force_login(home.caseworker)
    client.post(f"/en/opportunities/searches/{search.pk}/delete/")
    assert not home.caseworker.opportunity_searches.exists()
