"""Every URL pattern has a declared access rule, and the rule holds for outsiders.

Anonymous requests to anything not public go to sign-in; a member of another organization asking
for a record of `elsewhere` gets 404, the same answer as for a record that does not exist.
"""

import inspect
import re
import sys
import types

import pytest
from django.conf import settings
from django.test import Client
from django.urls import path

from tandem.core.access import Audience, Route, all_routes, routes_without_rule
from tandem.core.tests.url_arguments import EXTERNAL, OWNED_BY_OTHER_ORGANIZATION

ROUTES = all_routes()


def route_id(route: Route) -> str:
    return route.regex


def fill(route: Route, side) -> str:
    """The route's URL with every argument naming something that belongs to `side`."""
    url = "/" + route.regex.replace("\\Z", "").replace("\\", "")
    for name in route.kwargs:
        if name in OWNED_BY_OTHER_ORGANIZATION:
            value = OWNED_BY_OTHER_ORGANIZATION[name](side)
        elif name in EXTERNAL:
            value = EXTERNAL[name]
        else:
            pytest.fail(
                f"{route.regex}: add an outsider value for URL argument {name!r} to url_arguments.py"
            )
        url = re.sub(rf"\(\?P<{name}>[^)]*\)", str(value), url, count=1)
    return url.replace("^", "").replace("$", "")


def test_every_url_pattern_declares_an_access_rule():
    missing = [route.regex for route in routes_without_rule()]
    assert missing == [], f"URL patterns without an access rule: {missing}"


def claims_a_signed_in_request(view) -> bool:
    """Whether the view types its request as `accounts.http.AuthenticatedRequest` (read by
    name: core imports no app)."""
    first = next(iter(inspect.signature(inspect.unwrap(view)).parameters.values()), None)
    return first is not None and "AuthenticatedRequest" in str(first.annotation)


def test_only_views_behind_sign_in_type_their_request_as_signed_in():
    """`request.user` is a `User` only where the gate sent anonymous people to sign-in first."""
    public = [r for r in ROUTES if r.rule and r.rule.audience is Audience.PUBLIC]
    claims = [r.regex for r in public if claims_a_signed_in_request(r.callback)]
    assert claims == [], f"public views typed as signed in: {claims}"
    # The check reads real annotations: the signed-in views are recognised, and so would be a
    # public one that claimed the same.
    assert any(claims_a_signed_in_request(r.callback) for r in ROUTES if r not in public)

    def careless(request):
        raise AssertionError("never called")

    assert not claims_a_signed_in_request(careless)
    careless.__annotations__["request"] = "AuthenticatedRequest"
    assert claims_a_signed_in_request(careless)


def test_the_enumeration_fails_when_a_view_without_a_rule_is_added(settings):
    """The test of the test: a new, undecorated view is caught."""

    def careless_view(request):  # no @rule
        raise AssertionError("never called")

    module = type("urlconf", (), {})()
    module.urlpatterns = [
        *__import__("config.urls", fromlist=["urlpatterns"]).urlpatterns,
        path("careless/<int:participant_id>/", careless_view, name="careless"),
    ]

    fake = types.ModuleType("careless_urls")
    fake.urlpatterns = module.urlpatterns
    sys.modules["careless_urls"] = fake
    try:
        missing = routes_without_rule("careless_urls")
    finally:
        del sys.modules["careless_urls"]
    assert [route.name for route in missing] == ["careless"]


def test_the_route_walk_reaches_admin_i18n_and_allauth_patterns():
    named = {(route.namespace, route.name) for route in ROUTES}
    assert {
        ("admin", "index"),
        ("", "account_login"),
        ("", "mfa_index"),
        ("", "health"),
        ("core", "home"),
        ("participants", "detail"),
    } <= named
    # Views Tandem wrote sit under the language prefix; every walked callback is a view.
    assert all(r.regex.startswith("en/") for r in ROUTES if r.namespace == "participants")
    assert all(callable(route.callback) for route in ROUTES)


def _url(route: Route, side) -> str:
    url = fill(route, side)
    return url if url.startswith("/") else "/" + url


# The walks below are one test each, over every route, listing every route that fails: one cast
# and one sign-in per role for the whole walk (the cast cost more than the requests when each
# route was a test of its own: docs/testing.md).
NOT_PUBLIC = [r for r in ROUTES if r.rule and r.rule.audience is not Audience.PUBLIC]
SCOPED = [
    r for r in ROUTES if r.rule and r.rule.audience in (Audience.SCOPED, Audience.PLATFORM_ADMIN)
]


@pytest.mark.slow
@pytest.mark.django_db
def test_anonymous_requests_go_to_sign_in(client: Client, elsewhere):
    assert NOT_PUBLIC
    answers = []
    for route in NOT_PUBLIC:
        assert route.rule is not None
        method = "get" if "GET" in route.rule.methods else "post"
        response = getattr(client, method)(_url(route, elsewhere), follow=True)
        final = response.request["PATH_INFO"]
        if "/accounts/login/" not in final:
            answers.append(f"{route.regex} answered {response.status_code} at {final}")
    assert answers == []


OUTSIDER_ROLES = ["staff", "caseworker", "admin", "funder", "mentee_user"]
ADMIN_OUTSIDER_ROLES = ["staff", "mentee_user"]


@pytest.mark.slow
@pytest.mark.django_db
def test_members_of_another_organization_get_404(client: Client, home, elsewhere, no_mfa):
    assert SCOPED
    assert outsider_answers(SCOPED, client, home, elsewhere) == []


def outsider_answers(routes: list[Route], client: Client, home, elsewhere) -> list[str]:
    """What members of `home` got, other than 404, on `routes` filled with `elsewhere`'s
    records."""
    urls = [(route, _url(route, elsewhere)) for route in routes]
    leaks = []
    for who in OUTSIDER_ROLES:
        client.force_login(getattr(home, who))
        for route, url in urls:
            if route.namespace == "admin" and who not in ADMIN_OUTSIDER_ROLES:
                continue
            for method in route.rule.methods if route.rule else ():
                response = getattr(client, method.lower())(url)
                if response.status_code != 404:
                    leaks.append(f"{method} {route.regex} as {who}: {response.status_code}")
    return leaks


@pytest.mark.django_db
@pytest.mark.parametrize(
    "route",
    [
        r
        for r in ROUTES
        if r.rule
        and r.rule.audience is Audience.SIGNED_IN
        and not r.kwargs
        and "GET" in r.rule.methods
    ],
    ids=route_id,
)
def test_signed_in_pages_open_for_any_member(route, client: Client, home, no_mfa):
    """A signed-in page Tandem wrote shows each person what is theirs: it opens (200) for anyone.
    allauth's own pages answer by the account's state (set a password only without one,
    reauthenticate first...): they must not fail."""
    client.force_login(home.caseworker)
    response = client.get(_url(route, home))
    if getattr(route.callback, "access_rule", None) is not None:
        assert response.status_code == 200, f"{route.regex}: {response.status_code}"
    else:
        assert response.status_code < 500, f"{route.regex}: {response.status_code}"


def test_every_rule_names_only_arguments_its_pattern_has():
    for route in ROUTES:
        if route.rule:
            assert set(route.rule.objects) <= set(route.kwargs), route.regex


def test_views_do_not_fetch_tenant_records_directly():
    """Views go through the access policy: no bare objects.get or get_object_or_404."""
    offenders = []
    for views in sorted(settings.BASE_DIR.glob("tandem/**/views*.py")):
        text = views.read_text()
        if re.search(r"\.objects\.get\(|get_object_or_404\(", text):
            offenders.append(str(views.relative_to(settings.BASE_DIR)))
    assert offenders == []


def test_a_pattern_with_an_unknown_argument_is_reported():
    route = Route("en/things/(?P<thing_id>[0-9]+)/", "thing", "", lambda r: None, ("thing_id",))
    with pytest.raises(pytest.fail.Exception, match="thing_id"):
        fill(route, None)


@pytest.mark.django_db
def test_a_planted_leak_is_caught_by_the_outsider_check(
    client: Client, home, elsewhere, no_mfa, monkeypatch
):
    """Negative control: if the policy let everyone see every participant, the same check that
    walks every route reports the record page."""
    from tandem.participants import access as participants_access
    from tandem.participants.models import Participant

    detail = next(r for r in ROUTES if (r.namespace, r.name) == ("participants", "detail"))
    assert outsider_answers([detail], client, home, elsewhere) == []
    monkeypatch.setattr(
        participants_access, "participants_visible_to", lambda user: Participant.objects.all()
    )
    assert outsider_answers([detail], client, home, elsewhere) != []


# --- The insider walk ------------------------------------------------------------------------
# Beside the outsider walk: for every route that names a record, someone who should see it gets
# 200, so that a route answering 404 to everyone (a policy too strict, a broken page) fails.

# Who may be an insider, tried in this order; the first 200 is enough.
INSIDER_ROLES = [
    "staff",
    "caseworker",
    "admin",
    "funder_of_home",
    "mentee_user",
    "mentor_user",
    "employer_user",  # an employer partner's member (tandem/employers)
]
# Routes that answer their insider with a redirect by design, and where it goes.
REDIRECTS: dict[tuple[str, str | None], str] = {
    ("meetings", "document"): "https://docs.example.org/",  # a shared link opens the link
}


@pytest.fixture
def inside(home, settings, tmp_path):
    """`home` with a record of every kind, as a lead agency with a funder and a closed pair."""
    from datetime import timedelta

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from tandem.core.tests.cast import make_member, make_organization, make_user
    from tandem.core.tests.url_arguments import (
        matching_records,
        mine,
        outsider_records,
        report_run,
    )
    from tandem.matching.models import ProposalStatus
    from tandem.matching.tests.factories import enrol, person, proposal
    from tandem.mentorships.models import Mentorship
    from tandem.organizations.models import (
        OrganizationType,
        Partnership,
        PartnershipKind,
        Role,
    )
    from tandem.outcomes.services import mentorship_close

    home.organization.kind = OrganizationType.LEAD_AGENCY
    home.organization.save(update_fields=["kind"])
    fund = make_organization("fund-of-home", OrganizationType.FUNDER)
    Partnership.objects.create(
        organization=home.organization, partner=fund, kind=PartnershipKind.FUNDING
    )
    home.funder_of_home = make_member(fund, Role.FUNDER)
    records = matching_records(home)
    mine(home)
    settings.MEDIA_ROOT = tmp_path  # the résumé is downloaded: it needs a real file
    resume = outsider_records(home)["resume"]
    resume.file.save("cv.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    report_run(home)
    from tandem.core.tests.url_arguments import employer_records

    employer_records(home)  # an employer partner of home, with its member `employer_user`
    mentor = records["mentorship"].mentor
    mentor.user = make_user("mentor.home@example.org")
    mentor.save(update_fields=["user"])
    home.mentor_user = mentor.user
    # A second pair, closed, for the exit surveys and certificates.
    program = records["program"]
    mentee, other_mentor = person(home, "mentee"), person(home, "mentor")
    enrol(program, mentee)
    enrol(program, other_mentor)
    confirmed = proposal(program, mentee, other_mentor, status=ProposalStatus.CONFIRMED)
    closed = Mentorship.objects.create(
        program=program,
        mentor=other_mentor,
        mentee=mentee,
        proposal=confirmed,
        mentor_slot=1,
        mentor_capacity=1,
    )
    mentorship_close(
        actor=home.staff,
        mentorship=closed,
        kind="end_of_term",
        ended_on=timezone.localdate() - timedelta(days=1),
    )
    home.closed_mentorship = closed
    # State some pages need: a returned referral, an introduction meeting, a built report file.
    from tandem.mentorships.services import meeting_schedule
    from tandem.referrals.services import referral_decide, referral_submit
    from tandem.reports.services import report_run_build

    returned = referral_submit(
        actor=home.caseworker,
        participant=person(home, "mentee"),
        program=program,
        note="Ready",
        answers={},
        has_consent=True,
    )
    referral_decide(
        actor=home.staff, referral=returned, outcome="returned", unmet_criteria=[], note="No"
    )
    meeting_schedule(
        actor=home.staff,
        mentorship=records["mentorship"],
        starts_at=timezone.now() + timedelta(days=3),
        duration_minutes=45,
        mode="virtual",
        link="https://meet.example.org/x",
    )
    report_run_build(run_id=report_run(home).pk)
    # Funders read published fiscal years only: the last one that has ended is published.
    from tandem.reports.selectors import fiscal_year
    from tandem.reports.snapshots import funder_publish

    last_year = fiscal_year(timezone.localdate()).starts_on.year - 1
    assert funder_publish(actor=home.staff, organization=home.organization, year=last_year)
    home.insider_kwargs = {("referrals", "resubmit"): {"referral_id": returned.pk}}
    for name in ("exit_survey_mentee", "exit_survey_mentor", "certificate_mentee"):
        home.insider_kwargs[("outcomes", name)] = {"mentorship_id": closed.pk}
    home.insider_kwargs[("outcomes", "certificate_mentor")] = {"mentorship_id": closed.pk}
    return home


def insider_url(route: Route, side) -> str:
    from django.urls import reverse

    kwargs = {name: OWNED_BY_OTHER_ORGANIZATION[name](side) for name in route.kwargs}
    kwargs |= side.insider_kwargs.get((route.namespace, route.name), {})
    return reverse(f"{route.namespace}:{route.name}", kwargs=kwargs)


def insider_answer(route: Route, client: Client, side) -> str | None:
    """None when an insider opens the route; else what each insider got."""
    url = insider_url(route, side)
    got = []
    for who in INSIDER_ROLES:
        client.force_login(getattr(side, who))
        response = client.get(url)
        expected = REDIRECTS.get((route.namespace, route.name))
        if response.status_code == 200 or (
            expected and response.status_code == 302 and response["Location"].startswith(expected)
        ):
            return None
        got.append(f"{who}: {response.status_code}")
    return f"GET {url} -> {', '.join(got)}"


SCOPED_PAGES = [
    r for r in ROUTES if r.rule and r.rule.audience is Audience.SCOPED and "GET" in r.rule.methods
]


@pytest.mark.slow
@pytest.mark.django_db
def test_every_scoped_page_opens_for_someone_who_should_see_it(client: Client, inside, no_mfa):
    """One walk over every scoped page (the records are built once, to keep the suite quick)."""
    assert len(SCOPED_PAGES) > 50  # the walk reads the real URL configuration
    refused = [answer for r in SCOPED_PAGES if (answer := insider_answer(r, client, inside))]
    assert refused == [], "\n".join(refused)


@pytest.mark.django_db
def test_the_insider_walk_catches_a_page_closed_to_everyone(
    client: Client, inside, no_mfa, monkeypatch
):
    """Negative control: a policy that lets nobody in is reported by the same check."""
    from tandem.participants import access as participants_access
    from tandem.participants.models import Participant

    detail = next(r for r in ROUTES if (r.namespace, r.name) == ("participants", "detail"))
    assert insider_answer(detail, client, inside) is None
    monkeypatch.setattr(
        participants_access, "participants_visible_to", lambda user: Participant.objects.none()
    )
    assert insider_answer(detail, client, inside) is not None
