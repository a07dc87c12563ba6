"""An employer never sees a mentee beyond what the mentee consented to share with their
mentor's employer (the consent purpose `employer_sharing`, given and withdrawn on the person's
privacy page). One test per place where a partner sees a mentee: the mentor's current mentee,
the workplace activities it hosts, the mentees it hired; each proves a withdrawal takes effect
on the partner's next page."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tandem.core import consent
from tandem.core.tests.cast import make_member, make_user, occupation
from tandem.employers.models import ActivityStatus, PartnerHire, WorkplaceActivity
from tandem.employers.sharing import EMPLOYER_SHARING
from tandem.employers.tests.factories import hosting, make_partner
from tandem.matching.tests.factories import outsider_records
from tandem.organizations.models import Role
from tandem.outcomes.models import EmploymentOutcome
from tandem.privacy.models import Consent

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(home):
    """A pair whose mentor the partner recruited, with a tour it hosted and a hire by it; the
    mentee (Zanele, a software developer) has an account."""
    partner = make_partner(home, "northern")
    home.employer_user = make_member(partner, Role.EMPLOYER_PARTNER)
    pair = outsider_records(home)["mentorship"]
    hosting(pair, partner)
    mentee = pair.mentee
    mentee.given_name, mentee.occupation = "Zanele", occupation("21231")
    mentee.user = make_user("zanele@example.org")
    mentee.save(update_fields=["given_name", "occupation", "user"])
    WorkplaceActivity.objects.create(
        mentorship=pair,
        kind="tour",
        status=ActivityStatus.HELD,
        planned_on=timezone.localdate(),
        held_on=timezone.localdate(),
        host=partner,
    )
    outcome = EmploymentOutcome.objects.create(
        participant=mentee, source="staff", status="employed_in_field", recorded_at=timezone.now()
    )
    PartnerHire.objects.create(outcome=outcome, employer=partner)
    home.partner, home.pair = partner, pair
    return home


def choose(client: Client, side, *, given: bool) -> None:
    """The mentee answers on their own privacy page."""
    client.force_login(side.pair.mentee.user)
    code = EMPLOYER_SHARING
    data = {"purpose": code, f"{code}-purpose": code, f"{code}-given": "yes" if given else "no"}
    response = client.post(reverse("privacy:consent", args=[side.pair.mentee.pk]), data)
    assert response.status_code == 302


def seen(client: Client, side, place: str) -> list[str]:
    """What the partner's page shows of a mentee in one place."""
    client.force_login(side.employer_user)
    context = client.get(f"/en/employers/partner/{side.partner.slug}/").context
    if place == "mentoring":
        return [row.mentee for row in context["rows"] if row.mentee]
    return [row.mentee for row in context[place]]


@pytest.mark.parametrize("place", ["mentoring", "activities", "hires"])
def test_the_partner_sees_the_mentee_only_while_they_agree_and_a_withdrawal_applies_at_once(
    client: Client, shared, place
):
    (before,) = seen(client, shared, place)
    assert "Zanele" not in before and "a mentee" in before  # no answer is a no
    choose(client, shared, given=True)
    (agreed,) = seen(client, shared, place)
    assert agreed.startswith("Zanele — ")  # the given name and the occupation
    choose(client, shared, given=False)
    (after,) = seen(client, shared, place)
    assert "Zanele" not in after
    page = client.get(f"/en/employers/partner/{shared.partner.slug}/").content.decode()
    assert "Zanele" not in page and shared.pair.mentee.family_name not in page


def test_the_choice_is_a_purpose_of_its_own_with_its_history(client: Client, shared):
    assert consent.refused(EMPLOYER_SHARING, [shared.pair.mentee.pk]) == {shared.pair.mentee.pk}
    choose(client, shared, given=True)
    choose(client, shared, given=False)
    history = Consent.objects.filter(participant=shared.pair.mentee, purpose__code=EMPLOYER_SHARING)
    assert list(history.order_by("at", "pk").values_list("is_given", flat=True)) == [True, False]
    # The person reads the notice on their page, in French too.
    client.force_login(shared.pair.mentee.user)
    page = client.get("/fr/privacy/").content.decode()
    assert "l’employeur de mon mentor" in page
