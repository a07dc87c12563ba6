"""A funder reads aggregates and nothing else: every URL that names a record of the network they
fund answers 404 to them, except the funder report itself (walked over every URL pattern, so a
page added later by any app is covered too)."""

import pytest
from django.test import Client

from tandem.core.access import Audience
from tandem.core.tests.cast import make_member, make_organization
from tandem.core.tests.test_url_access import ROUTES, _url
from tandem.organizations.models import OrganizationType, Partnership, PartnershipKind, Role

FUNDER_PAGES = {"funder", "funder_csv", "funder_xlsx", "funder_build"}


def is_funder_page(route) -> bool:
    return route.namespace == "reports" and route.name in FUNDER_PAGES


@pytest.fixture
def funder_of_elsewhere(elsewhere):
    """A funder of the outsider's organization: the network whose records fill the URLs."""
    elsewhere.organization.kind = OrganizationType.LEAD_AGENCY
    elsewhere.organization.save(update_fields=["kind"])
    fund = make_organization("fund-of-elsewhere", OrganizationType.FUNDER)
    Partnership.objects.create(
        organization=elsewhere.organization, partner=fund, kind=PartnershipKind.FUNDING
    )
    return make_member(fund, Role.FUNDER)


PERSON_LEVEL = [
    r
    for r in ROUTES
    if r.rule
    and r.kwargs
    and r.rule.audience in (Audience.SCOPED, Audience.PLATFORM_ADMIN)
    and not is_funder_page(r)
]


@pytest.mark.slow
@pytest.mark.django_db
def test_a_funder_gets_404_on_every_person_level_url_of_the_network_they_fund(
    client: Client, elsewhere, funder_of_elsewhere, no_mfa
):
    """One walk over every route (one cast, one sign-in), listing every route that answers."""
    assert PERSON_LEVEL
    client.force_login(funder_of_elsewhere)
    answers = []
    for route in PERSON_LEVEL:
        url = _url(route, elsewhere)
        assert route.rule is not None
        for method in route.rule.methods:
            response = getattr(client, method.lower())(url)
            if response.status_code != 404:
                answers.append(f"{method} {route.regex}: {response.status_code}")
    assert answers == []


@pytest.mark.django_db
def test_the_funder_report_is_open_to_the_funder(
    client: Client, elsewhere, funder_of_elsewhere, no_mfa, run_worker
):
    client.force_login(funder_of_elsewhere)
    slug = elsewhere.organization.slug
    assert client.get(f"/en/reports/funded/{slug}/").status_code == 200
    # Nothing is published yet: no file. The visit asked the worker to publish the fiscal
    # years that have ended (snapshots.py); then the latest one can be downloaded.
    assert client.get(f"/fr/reports/funded/{slug}/export.csv").status_code == 404
    run_worker()
    assert client.get(f"/fr/reports/funded/{slug}/export.csv").status_code == 200
    page = client.get(f"/en/reports/funded/{slug}/")
    assert len(page.context["form"].fields["fiscal_year"].choices) == 10
    assert client.get("/en/reports/").status_code == 200
    routes = [r for r in ROUTES if is_funder_page(r)]
    assert {r.name for r in routes} == FUNDER_PAGES


def test_the_walk_covers_the_pages_of_every_app():
    walked = {
        r.namespace for r in ROUTES if r.kwargs and r.rule and r.rule.audience is Audience.SCOPED
    }
    apps_with_records = {
        "organizations",
        "participants",
        "referrals",
        "programs",
        "events",
        "matching",
        "mentorships",
        "meetings",
        "outcomes",
        "reports",
    }
    assert apps_with_records <= walked, apps_with_records - walked
