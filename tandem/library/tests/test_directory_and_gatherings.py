"""The directory of networks (profiles kept by each organization's admins, search, the graph of
partnerships with its text equivalent) and the gatherings (announce, register within the places,
attendance, materials into the repertoire) and the roster of spokespersons, through their
pages."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tandem.community.tests.factories import add_member
from tandem.core.tests.cast import make_member, make_organization
from tandem.library.models import Gathering, NetworkProfile, Registration, Resource, Spokesperson
from tandem.library.tests.factories import pdf
from tandem.organizations.models import Partnership, PartnershipKind, Role

pytestmark = pytest.mark.django_db


def test_an_admin_keeps_the_profile_and_members_find_it_in_the_directory(client, lib):
    admin = make_member(lib.hub, Role.ORG_ADMIN, "admin.hub@example.org")
    client.force_login(admin)
    saved = client.post(
        f"/en/library/profiles/{lib.hub.slug}/",
        {
            "served_en": "Filipino engineers",
            "served_fr": "Ingénieurs philippins",
            "focus_en": "Licensing support",
            "focus_fr": "Soutien au permis d'exercice",
            "members_count": "1200",
            "languages": "English, Tagalog",
            "offers_mentoring": "on",
            "offers_job_board": "on",
        },
    )
    assert saved.status_code == 302
    assert NetworkProfile.objects.get(organization=lib.hub).name_en == lib.hub.name_en
    Partnership.objects.create(organization=lib.host, partner=lib.hub, kind=PartnershipKind.NETWORK)
    client.force_login(lib.owner)
    directory = f"/fr/library/c/{lib.community.slug}/directory/"
    page = client.get(directory).content.decode()
    # Counts in the locale's form and plural: « 1 200 membres » (a no-break space, docs/glossary.md).
    assert "Ingénieurs philippins" in page and "1\xa0200 membres" in page
    assert "1200" not in page
    assert "1,200 members" in client.get(directory.replace("/fr/", "/en/")).content.decode()
    assert 'role="img"' in page  # the graph, and the same partnership as text
    assert f"{lib.hub.name_fr} works with" in page or f"{lib.hub.name_fr} travaille avec" in page
    found = client.get(directory, {"q": "philippins"}).content.decode()
    assert "Soutien au permis" in found
    missing = client.get(directory, {"q": "zzzz"}).content.decode()
    assert "Soutien au permis" not in missing
    by_name = client.get(directory, {"q": lib.host.slug}).content.decode()
    assert lib.host.name_fr in by_name


def test_the_profile_page_is_for_that_organizations_admins_only(client, lib):
    client.force_login(lib.reviewer)  # a network leader of the hub, not its admin
    assert client.get(f"/en/library/profiles/{lib.hub.slug}/").status_code == 404
    admin = make_member(lib.host, Role.ORG_ADMIN, "admin.host@example.org")
    client.force_login(admin)
    assert client.get(f"/en/library/profiles/{lib.hub.slug}/").status_code == 404
    assert client.get(f"/en/library/profiles/{lib.host.slug}/").status_code == 200
    bad = client.post(f"/en/library/profiles/{lib.host.slug}/", {"members_count": "-4"})
    assert bad.status_code == 200 and not NetworkProfile.objects.exists()


def test_a_moderator_announces_a_gathering_and_members_register_within_the_places(client, lib):
    client.force_login(lib.reviewer)
    assert client.get(f"/en/library/c/{lib.community.slug}/gatherings/new/").status_code == 302
    client.force_login(lib.owner)
    starts = timezone.localtime() + timedelta(days=10)
    created = client.post(
        f"/en/library/c/{lib.community.slug}/gatherings/new/",
        {
            "kind": "leadership_workshop",
            "theme": "governance",
            "title_en": "Board governance",
            "title_fr": "Gouvernance des conseils",
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (starts + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "mode": "virtual",
            "link": "https://meet.example.org/board",
            "capacity": "1",
        },
    )
    gathering = Gathering.objects.get(title_en="Board governance")
    assert created.status_code == 302 and gathering.organizer == lib.owner
    url = f"/en/library/gatherings/{gathering.pk}/"
    client.force_login(lib.reviewer)
    client.post(url, {"action": "register"})
    assert Registration.objects.get(gathering=gathering).place == 1
    assert "meet.example.org" in client.get(url).content.decode()  # the link, once registered
    late = make_member(lib.hub, Role.PROGRAM_STAFF, "late@example.org")
    add_member(lib.community, late, lib.hub)
    client.force_login(late)
    full = client.post(url, {"action": "register"}, follow=True).content.decode()
    assert "This gathering is full" in full
    client.force_login(lib.reviewer)
    client.post(url, {"action": "unregister"})
    client.force_login(late)
    client.post(url, {"action": "register"})
    assert list(
        Registration.objects.filter(gathering=gathering, place__isnull=False).values_list(
            "user", flat=True
        )
    ) == [late.pk]
    # A theme is for workshops only; a gathering ends after it starts.
    client.force_login(lib.owner)
    wrong = client.post(
        f"/en/library/gatherings/{gathering.pk}/edit/",
        {
            "kind": "hub_meeting",
            "theme": "governance",
            "title_en": "x",
            "title_fr": "x",
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (starts - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "mode": "virtual",
        },
    )
    page = wrong.content.decode()
    assert "Only a leadership workshop has a theme" in page and "ends after it starts" in page


def test_after_a_gathering_attendance_is_recorded_and_materials_are_filed(client, lib):
    gathering = lib.gathering  # took place last week
    Registration.objects.create(
        gathering=gathering,
        user=lib.reviewer,
        organization=lib.hub,
        registered_at=gathering.starts_at - timedelta(days=2),
    )
    client.force_login(lib.reviewer)
    assert client.get(f"/en/library/gatherings/{gathering.pk}/attendance/").status_code == 404
    client.force_login(lib.owner)
    registration = Registration.objects.get(gathering=gathering)
    client.post(
        f"/en/library/gatherings/{gathering.pk}/attendance/", {"present": [registration.pk]}
    )
    registration.refresh_from_db()
    assert registration.attended is True
    filed = client.post(
        f"/en/library/gatherings/{gathering.pk}/materials/",
        {
            "kind": "document",
            "title_en": "Slides: retention practices",
            "title_fr": "Diapositives : pratiques de maintien en emploi",
            "description_en": "Shared at the learning exchange.",
            "description_fr": "Présentées à la séance d'échange.",
            "language": "en",
            "upload": pdf("slides.pdf"),
            "topics": ["mentoring"],
        },
    )
    material = Resource.objects.get(gathering=gathering)
    assert filed.status_code == 302 and material.is_published
    assert material.published_version.files.get().original_name == "slides.pdf"
    client.force_login(lib.reviewer)
    page = client.get(f"/en/library/gatherings/{gathering.pk}/").content.decode()
    assert "Slides: retention practices" in page
    nothing = client.post(
        f"/en/library/gatherings/{gathering.pk}/materials/", {"title_en": "x"}, follow=True
    )
    assert nothing.status_code == 404  # members who do not organize it


def test_members_join_the_roster_of_spokespersons_and_moderators_keep_it(client, lib):
    url = f"/en/library/c/{lib.community.slug}/spokespersons/"
    client.force_login(lib.reviewer)
    client.post(
        url, {"expertise_en": "Credential recognition", "expertise_fr": "Reconnaissance des acquis"}
    )
    entry = Spokesperson.objects.get()
    assert entry.organization == lib.hub
    assert "Reconnaissance des acquis" in client.get(url.replace("/en/", "/fr/")).content.decode()
    outsider = make_member(make_organization("roster-out"), Role.NETWORK_LEADER, "o@example.org")
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.post(f"/en/library/spokespersons/{entry.pk}/remove/").status_code == 404
    client.force_login(lib.owner)
    client.post(f"/en/library/spokespersons/{entry.pk}/remove/")
    assert not Spokesperson.objects.exists()


def test_limiting_the_places_later_gives_places_to_those_registered_or_is_refused(lib):
    from tandem.library.services import LibraryError
    from tandem.library.services import gatherings as services
    from tandem.library.tests.factories import make_gathering

    open_to_all = make_gathering(lib.owner, lib.community)  # no limit
    second = make_member(lib.host, Role.NETWORK_LEADER, "second@example.org")
    second_membership = add_member(lib.community, second, lib.host)
    services.gathering_register(
        actor=lib.reviewer, gathering=open_to_all, membership=lib.membership
    )
    services.gathering_register(actor=second, gathering=open_to_all, membership=second_membership)
    assert set(open_to_all.registrations.values_list("place", flat=True)) == {None}
    with pytest.raises(LibraryError, match="2 people are registered"):
        services.gathering_update(actor=lib.owner, gathering=open_to_all, capacity=1)
    services.gathering_update(actor=lib.owner, gathering=open_to_all, capacity=3)
    held = open_to_all.registrations.order_by("place").values_list("user", "place")
    assert list(held) == [(lib.reviewer.pk, 1), (second.pk, 2)]


def test_the_places_of_a_large_gathering_are_counted_in_the_readers_language(client, lib):
    Gathering.objects.filter(pk=lib.upcoming.pk).update(capacity=1500)
    client.force_login(lib.owner)
    listing = client.get(f"/fr/library/c/{lib.community.slug}/gatherings/").content.decode()
    assert "Places prises\xa0: 0 sur 1\xa0500" in listing
    page = client.get(f"/fr/library/gatherings/{lib.upcoming.pk}/").content.decode()
    assert "0 sur 1\xa0500" in page
    english = client.get(f"/en/library/c/{lib.community.slug}/gatherings/").content.decode()
    assert "0 of 1,500 places taken" in english
