"""Changing an opportunity once people applied, and the hubs' caseworkers who post for employers.

What may change: anything the form shows but the employer (and the site that posted it), while
the opportunity is open; places never below the people accepted; a first day that has passed
stays; a material change (kind, dates, place, how, language, accommodations) is told to each
person waiting or accepted, and to the job developer who referred them, in their language."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from tandem.core.models import AuditEvent
from tandem.core.tests.cast import make_member, make_organization, make_participant
from tandem.opportunities.models import (
    Application,
    ApplicationStatus,
    Opportunity,
    OpportunityStatus,
)
from tandem.opportunities.tests.factories import (
    make_application,
    make_employer,
    make_hub,
    make_opportunity,
)
from tandem.opportunities.tests.test_board import _posting
from tandem.organizations.models import Role

pytestmark = pytest.mark.django_db


def _edit_url(opportunity: Opportunity) -> str:
    return f"/en/opportunities/manage/{opportunity.pk}/change/"


def _as_is(opportunity: Opportunity, **changes) -> dict:
    """The change form as it opens (the opportunity's own values), with `changes`."""
    data = _posting(
        title_en=opportunity.title_en,
        title_fr=opportunity.title_fr,
        occupation_query="11100",
        occupation="11100",
        starts_on=opportunity.starts_on.isoformat(),
        ends_on=opportunity.ends_on.isoformat(),
        places=str(opportunity.places),
        accommodations=["flexible_hours", "captions"],
        learning_en="",
    )
    data.update(changes)
    return data


def _accepted(opportunity: Opportunity, participant, place: int, **fields) -> Application:
    return make_application(
        opportunity,
        participant,
        status=ApplicationStatus.ACCEPTED,
        place=place,
        places_when_accepted=opportunity.places,
        **fields,
    )


def test_the_change_form_opens_with_the_opportunitys_values(client, board, no_mfa):
    client.force_login(board["employer_person"])
    page = client.get(_edit_url(board["opportunity"])).content.decode()
    assert 'value="Shadow a day at acme"' in page
    assert 'name="occupation" value="11100"' in page and "checked" in page
    assert 'name="employer"' not in page  # whose opportunity it is does not change
    manage = client.get(f"/en/opportunities/manage/{board['opportunity'].pk}/").content.decode()
    assert _edit_url(board["opportunity"]) in manage


def test_a_change_of_wording_or_places_is_saved_and_mails_nobody(
    client, board, home, no_mfa, immediate_tasks, django_capture_on_commit_callbacks
):
    opportunity = board["opportunity"]
    make_application(opportunity, home.mentee, referred_by=home.caseworker)
    client.force_login(board["employer_person"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _edit_url(opportunity),
            _as_is(opportunity, title_en="Shadow our auditors", places="5", learning_en="Audits"),
        )
    assert response.status_code == 302, response.content.decode()[:3000]
    opportunity.refresh_from_db()
    assert (opportunity.title_en, opportunity.places, opportunity.learning_en) == (
        "Shadow our auditors",
        5,
        "Audits",
    )
    assert mail.outbox == []
    event = AuditEvent.objects.get(name="opportunity.changed")
    assert sorted(event.data["changed"]) == ["learning_en", "places", "title_en"]


def test_a_material_change_is_told_to_people_waiting_or_accepted_in_their_language(
    client, board, home, no_mfa, immediate_tasks, django_capture_on_commit_callbacks
):
    opportunity = board["opportunity"]
    home.mentee.preferred_language = "fr"
    home.mentee.save()
    home.caseworker.preferred_language = "en"
    home.caseworker.save()
    waiting = make_application(
        opportunity,
        home.mentee,
        referred_by=home.caseworker,
        shares_accommodations=True,
        accommodation_note="A quiet desk by the window",
    )
    accepted = _accepted(opportunity, make_participant(home.organization), place=1)
    declined = make_application(
        opportunity, make_participant(home.organization), status=ApplicationStatus.DECLINED
    )
    later = opportunity.starts_on + timedelta(days=3)
    client.force_login(board["employer_person"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _edit_url(opportunity),
            _as_is(
                opportunity,
                starts_on=later.isoformat(),
                ends_on=later.isoformat(),
                mode="in_person",
                postal_code="K1P 5G4",
                accommodations=["captions"],
            ),
        )
    assert response.status_code == 302, response.content.decode()[:3000]
    follow = client.get(response["Location"]).content.decode()
    assert "3 people were told of the change by e-mail" in follow
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {
        home.mentee.email,
        home.caseworker.email,
        accepted.participant.email,
    }
    assert declined.participant.email not in by_address
    person = by_address[home.mentee.email]
    assert person.subject.startswith("Occasion modifiée")  # the person reads French
    assert "Premier jour" in person.body and "En personne" in person.body
    assert "Horaire souple" in person.body  # the accommodation no longer offered, named
    developer = by_address[home.caseworker.email]
    assert developer.subject.startswith("Changed") and home.mentee.full_name in developer.body
    assert f"/en/opportunities/applications/{waiting.pk}/" in developer.body
    # Nobody's accommodation needs travel in a mail.
    assert all("quiet desk" not in m.body for m in mail.outbox)
    event = AuditEvent.objects.get(name="opportunity.changed")
    assert event.data["told"] == 3


def test_places_never_drop_below_the_people_accepted_and_are_packed(client, board, home, no_mfa):
    opportunity = board["opportunity"]
    opportunity.places = 3
    opportunity.save()
    first = _accepted(opportunity, home.mentee, place=1)
    third = _accepted(opportunity, make_participant(home.organization), place=3)
    client.force_login(board["employer_person"])
    response = client.post(_edit_url(opportunity), _as_is(opportunity, places="1"))
    assert response.status_code == 200
    assert "2 people are already accepted: offer at least 2 places." in response.content.decode()
    opportunity.refresh_from_db()
    assert opportunity.places == 3  # nothing saved

    assert client.post(_edit_url(opportunity), _as_is(opportunity, places="2")).status_code == 302
    first.refresh_from_db()
    third.refresh_from_db()
    assert sorted([first.place, third.place]) == [1, 2]  # the third place moved into range
    # Full now: the next person is told so, not given a third place.
    client.force_login(home.caseworker)
    other = make_participant(home.organization)
    response = client.post(f"/en/opportunities/{opportunity.pk}/apply/", {"participant": other.pk})
    assert "This opportunity is full" in response.content.decode()


def test_a_first_day_that_has_passed_stays_and_a_closed_opportunity_does_not_change(
    client, board, no_mfa
):
    today = timezone.localdate()
    under_way = make_opportunity(
        board["employer"],
        starts_on=today - timedelta(days=2),
        ends_on=today + timedelta(days=5),
    )
    client.force_login(board["employer_person"])
    # Its description can still be corrected while it runs.
    response = client.post(_edit_url(under_way), _as_is(under_way, learning_en="Month-end"))
    assert response.status_code == 302, response.content.decode()[:3000]
    # But its first day cannot move, and no date moves into the past.
    moved = _as_is(under_way, starts_on=(today - timedelta(days=1)).isoformat())
    assert "has passed" in client.post(_edit_url(under_way), moved).content.decode()
    past_end = _as_is(under_way, ends_on=(today - timedelta(days=1)).isoformat())
    assert "must be today or later" in client.post(_edit_url(under_way), past_end).content.decode()
    under_way.refresh_from_db()
    assert under_way.starts_on == today - timedelta(days=2) and under_way.learning_en == "Month-end"

    opportunity = board["opportunity"]
    opportunity.status = OpportunityStatus.CLOSED
    opportunity.save()
    response = client.post(_edit_url(opportunity), _as_is(opportunity, title_en="Reopened"))
    assert response.status_code == 302
    opportunity.refresh_from_db()
    assert opportunity.title_en != "Reopened"


def test_people_of_another_employer_cannot_change_it(client, board, home, no_mfa):
    stranger = make_member(make_employer("globex"), Role.EMPLOYER_PARTNER)
    for user in (stranger, home.caseworker):
        client.force_login(user)
        assert client.get(_edit_url(board["opportunity"])).status_code == 404
        response = client.post(_edit_url(board["opportunity"]), _as_is(board["opportunity"]))
        assert response.status_code == 404


def test_a_hub_caseworker_posts_for_an_employer_of_its_province_and_changes_it(
    client, board, no_mfa
):
    hub = make_hub("hub-on")
    caseworker = make_member(hub, Role.CASEWORKER, email="developer@hub.example.org")
    elsewhere = make_employer("prairie-co", province="MB")
    client.force_login(caseworker)
    page = client.get("/en/opportunities/new/").content.decode()
    assert board["employer"].name in page and elsewhere.name not in page
    response = client.post("/en/opportunities/new/", _posting(employer=board["employer"].pk))
    assert response.status_code == 302, response.content.decode()[:3000]
    posted = Opportunity.objects.get(title_en="A day with our accountants")
    assert posted.posted_by == hub
    response = client.post(_edit_url(posted), _as_is(posted, places="4"))
    assert response.status_code == 302
    posted.refresh_from_db()
    assert posted.places == 4
    # Outside the hub's province: refused.
    response = client.post("/en/opportunities/new/", _posting(employer=elsewhere.pk))
    assert response.status_code == 200
    assert not Opportunity.objects.filter(employer=elsewhere).exists()


def test_a_job_site_of_no_province_posts_within_its_hubs_province(client, board, no_mfa):
    hub = make_hub("hub-mb", province="MB")
    site = make_organization("job-site")
    site.parent = hub
    site.save(update_fields=["parent"])
    caseworker = make_member(site, Role.CASEWORKER, email="developer@site.example.org")
    manitoba = make_employer("prairie-co", province="MB")
    client.force_login(caseworker)
    page = client.get("/en/opportunities/new/").content.decode()
    assert manitoba.name in page and board["employer"].name not in page
    response = client.post("/en/opportunities/new/", _posting(employer=manitoba.pk, province="MB"))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Opportunity.objects.get(employer=manitoba).posted_by == site
