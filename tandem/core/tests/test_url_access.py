"""Every URL pattern has a declared access rule, and the rule holds for outsiders.

Anonymous requests to anything not public go to sign-in; a member of another organization asking
for a record of `elsewhere` gets 404, the same answer as for a record that does not exist.
"""

import re
import sys
import types

import pytest
from django.conf import settings
from django.test import Client
from django.urls import path

from tandem.core import access
from tandem.core.access import Audience, Route
from tandem.core.tests.url_arguments import EXTERNAL, OWNED_BY_OTHER_ORGANIZATION

ROUTES = access.all_routes()


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
    missing = [route.regex for route in access.routes_without_rule()]
    assert missing == [], f"URL patterns without an access rule: {missing}"


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
        missing = access.routes_without_rule("careless_urls")
    finally:
        del sys.modules["careless_urls"]
    assert [route.name for route in missing] == ["careless"]


def test_the_route_walk_reaches_admin_i18n_and_allauth_patterns():
    names = {route.name for route in ROUTES}
    assert {
        "index",
        "account_login",
        "core:home" if False else "home",
        "health",
        "mfa_index",
    } <= names
    assert any(route.namespace == "admin" for route in ROUTES)
    assert all(isinstance(route.callback, object) for route in ROUTES)
    assert any(r.regex.startswith("en/") or "(?P<" not in r.regex for r in ROUTES)


def _url(route: Route, side) -> str:
    url = fill(route, side)
    return url if url.startswith("/") else "/" + url


@pytest.mark.django_db
@pytest.mark.parametrize(
    "route", [r for r in ROUTES if r.rule and r.rule.audience is not Audience.PUBLIC], ids=route_id
)
def test_anonymous_requests_go_to_sign_in(route, client: Client, elsewhere):
    rule = route.rule
    method = "get" if "GET" in rule.methods else "post"
    response = getattr(client, method)(_url(route, elsewhere), follow=True)
    final = response.request["PATH_INFO"]
    assert "/accounts/login/" in final, f"{route.regex} answered {response.status_code} at {final}"


OUTSIDER_ROLES = ["staff", "caseworker", "admin", "funder", "mentee_user"]
# Every admin URL is behind the same admin_view guard: two kinds of outsider are enough there.
ADMIN_OUTSIDER_ROLES = ["staff", "mentee_user"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "route",
    [r for r in ROUTES if r.rule and r.rule.audience in (Audience.SCOPED, Audience.PLATFORM_ADMIN)],
    ids=route_id,
)
def test_members_of_another_organization_get_404(route, client: Client, home, elsewhere, no_mfa):
    url = _url(route, elsewhere)
    roles = ADMIN_OUTSIDER_ROLES if route.namespace == "admin" else OUTSIDER_ROLES
    for who in roles:
        client.force_login(getattr(home, who))
        for method in route.rule.methods:
            response = getattr(client, method.lower())(url)
            assert response.status_code == 404, (
                f"{method} {route.regex} as {who} of another organization: {response.status_code}"
            )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "route",
    [r for r in ROUTES if r.rule and r.rule.audience is Audience.SIGNED_IN and not r.kwargs],
    ids=route_id,
)
def test_signed_in_pages_answer_without_error_for_any_member(route, client: Client, home, no_mfa):
    client.force_login(home.caseworker)
    response = client.get(_url(route, home))
    assert response.status_code < 500


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
    """Negative control: if the policy let everyone see every participant, the 404 check fails."""
    from tandem.participants import access as participants_access
    from tandem.participants.models import Participant

    monkeypatch.setattr(
        participants_access, "participants_visible_to", lambda user: Participant.objects.all()
    )
    client.force_login(home.caseworker)
    response = client.get(f"/en/participants/{elsewhere.mentee.pk}/")
    assert response.status_code == 200  # the leak is visible, so the real test would have failed
