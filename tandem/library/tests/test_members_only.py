"""Members-only content never reaches search engines or shared caches: every page and file of
the community and of its repertoire, directory and gatherings, opened by the members who may
see it, says `noindex` (header, and the meta tag on pages) and `private, no-store`. The walk
reads the real URL configuration, so a new route is checked without a line here. (Anonymous
people and outsiders are walked by core/tests/test_url_access.py: sign-in and 404.)"""

import pytest
from django.test import Client
from django.urls import reverse

from tandem.core.access import Audience, all_routes
from tandem.core.tests.url_arguments import OWNED_BY_OTHER_ORGANIZATION

ROUTES = [
    r
    for r in all_routes()
    if r.namespace in ("community", "library")
    and r.rule is not None
    and r.rule.audience in (Audience.SIGNED_IN, Audience.SCOPED)
    and "GET" in r.rule.methods
]


@pytest.mark.django_db
def test_every_members_only_page_and_file_tells_search_engines_and_caches_to_keep_off(
    client: Client, home, no_mfa, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    assert len(ROUTES) > 30  # both apps' pages, from the URL configuration
    unchecked = []
    for route in ROUTES:
        kwargs = {name: OWNED_BY_OTHER_ORGANIZATION[name](home) for name in route.kwargs}
        url = reverse(f"{route.namespace}:{route.name}", kwargs=kwargs)
        for who in (home.staff, home.admin, home.caseworker):
            client.force_login(who)
            response = client.get(url)
            if response.status_code == 200:
                break
        else:
            unchecked.append(f"{url}: no member opened it")
            continue
        if response.get("X-Robots-Tag") != "noindex, nofollow":
            unchecked.append(f"{url}: X-Robots-Tag {response.get('X-Robots-Tag')!r}")
        if response.get("Cache-Control") != "private, no-store":
            unchecked.append(f"{url}: Cache-Control {response.get('Cache-Control')!r}")
        if response["Content-Type"].startswith("text/html") and (
            b'<meta name="robots" content="noindex, nofollow">' not in response.content
        ):
            unchecked.append(f"{url}: no robots meta tag")
    assert unchecked == [], "\n".join(unchecked)
