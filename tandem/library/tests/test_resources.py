"""The repertoire through its pages: sharing (with the similar resources shown first), drafts by
section, a review round with credits, search in both languages, files checked and served only
to members, and members-only access (removal takes effect at once)."""

import io
import zipfile

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from tandem.community.models import MembershipStatus
from tandem.community.tests.factories import add_member
from tandem.core.tests.cast import make_member, make_organization
from tandem.library.models import Credit, Resource, ReviewComment
from tandem.library.tests.factories import make_resource, pdf
from tandem.organizations.models import Role

pytestmark = pytest.mark.django_db


def test_starting_a_resource_first_shows_the_similar_ones_then_starts_it(client, lib):
    client.force_login(lib.reviewer)
    url = f"/en/library/c/{lib.community.slug}/new/"
    data = {
        "kind": "toolkit",
        "title_en": "Inclusive policy toolkit for small employers",
        "title_fr": "Trousse de politiques inclusives pour petits employeurs",
        "description_en": "Policies for hiring newcomers.",
        "description_fr": "Des politiques pour embaucher.",
        "topics": ["hr_policy"],
    }
    first = client.post(url, data)
    assert first.status_code == 200
    assert "Similar resources already shared" in first.content.decode()
    assert "HR Inclusive Policy Toolkit" in first.content.decode()
    assert Resource.objects.count() == 1  # nothing started yet
    second = client.post(url, {**data, "checked_similar": "True"})
    started = Resource.objects.get(title_en__startswith="Inclusive policy")
    assert second.status_code == 302 and second["Location"].endswith(
        f"/library/resources/{started.pk}/draft/"
    )
    assert started.owner == lib.reviewer and started.organization == lib.hub
    assert [t.value for t in started.tags.all()] == ["hr_policy"]


def test_the_owner_writes_sections_and_publishes_then_search_finds_it_in_both_languages(
    client, lib
):
    client.force_login(lib.reviewer)
    created = make_resource(
        lib.reviewer,
        lib.community,
        lib.hub,
        title="Mentor onboarding checklist",
        title_fr="Liste d'accueil des mentors",
        publish=False,
    )
    form = {
        "form": "sections",
        "sections-TOTAL_FORMS": "2",
        "sections-INITIAL_FORMS": "0",
        "sections-0-heading_en": "Before the first meeting",
        "sections-0-heading_fr": "Avant la première rencontre",
        "sections-0-body_en": "Agree on goals.",
        "sections-0-body_fr": "Convenir des objectifs de jumelage.",
        "sections-1-heading_en": "",
        "sections-1-heading_fr": "",
    }
    # The draft already has two sections (the factory's): they are replaced by the form's one.
    draft = created.versions.get()
    for n, section in enumerate(draft.sections.all()):
        form[f"sections-{n}-id"] = section.pk
    form["sections-INITIAL_FORMS"] = str(draft.sections.count())
    form["sections-TOTAL_FORMS"] = str(draft.sections.count() + 1)
    form |= {
        "sections-1-heading_en": "Ongoing",
        "sections-1-heading_fr": "En continu",
        "sections-1-DELETE": "on",
        "sections-2-heading_en": "",
        "sections-2-heading_fr": "",
    }
    saved = client.post(f"/en/library/resources/{created.pk}/draft/", form)
    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert [s.heading_en for s in draft.sections.all()] == ["Before the first meeting"]
    published = client.post(
        f"/en/library/resources/{created.pk}/publish/", {"note_en": "First", "note_fr": "Premier"}
    )
    assert published.status_code == 302
    created.refresh_from_db()
    assert created.published_version == draft and "objectifs" in created.text_fr
    for query, expected in (("onboarding", True), ("jumelage", True), ("governance", False)):
        page = client.get(f"/en/library/c/{lib.community.slug}/", {"q": query})
        assert ("Mentor onboarding checklist" in page.content.decode()) is expected, query
    filtered = client.get(f"/en/library/c/{lib.community.slug}/", {"topic": "governance"})
    assert "Mentor onboarding checklist" not in filtered.content.decode()


def test_a_review_round_invites_a_hub_its_reviewer_comments_and_is_credited_on_the_version(
    client, lib
):
    resource, review = lib.resource, lib.review
    client.force_login(lib.reviewer)
    page = client.get(f"/en/library/reviews/{review.pk}/")
    assert page.status_code == 200 and "Your comment on section 2" in page.content.decode()
    section = review.version.sections.get(position=2)
    answered = client.post(
        f"/en/library/reviews/{review.pk}/",
        {"form": "comment", "section": section.pk, "body": "Add a word on accommodations."},
    )
    assert answered.status_code == 302
    assert ReviewComment.objects.get().organization == lib.hub
    # The reviewer cannot publish; the owner can, and the reviewer is credited.
    assert client.post(f"/en/library/resources/{resource.pk}/publish/").status_code == 404
    client.force_login(lib.owner)
    assert (
        "Reviewer" in client.get(f"/en/library/resources/{resource.pk}/publish/").content.decode()
    )
    client.post(f"/en/library/resources/{resource.pk}/publish/", {"note_en": "Reviewed"})
    resource.refresh_from_db()
    assert resource.published_version.number == 2
    assert list(Credit.objects.values_list("user", "organization")) == [
        (lib.reviewer.pk, lib.hub.pk)
    ]
    review.refresh_from_db()
    assert not review.is_open
    shown = client.get(f"/fr/library/resources/{resource.pk}/").content.decode()
    assert "Reviewer" in shown and lib.hub.name_fr in shown
    # A closed round takes no more comments.
    client.force_login(lib.reviewer)
    client.post(
        f"/en/library/reviews/{review.pk}/",
        {"form": "comment", "section": section.pk, "body": "Late"},
    )
    assert ReviewComment.objects.count() == 1


def test_the_owner_opens_a_round_from_the_page_and_the_hubs_members_are_told_in_their_language(
    client, lib, immediate_tasks, django_capture_on_commit_callbacks
):
    fresh = make_resource(
        lib.owner, lib.community, lib.host, title="Governance guide", publish=False
    )
    client.force_login(lib.owner)
    page = client.get(f"/en/library/resources/{fresh.pk}/review/")
    assert lib.hub.name_en in page.content.decode()
    assert lib.host.name_en not in page.content.decode()  # the owner's own hub is not offered
    with django_capture_on_commit_callbacks(execute=True):
        opened = client.post(
            f"/en/library/resources/{fresh.pk}/review/",
            {"organizations": [lib.hub.pk], "message": "Deux semaines, merci !"},
        )
    assert opened.status_code == 302
    sent = [m for m in mail.outbox if fresh.title_fr in m.subject]
    assert [m.to for m in sent] == [[lib.reviewer.email]]  # the hub's member, in French
    assert "Deux semaines" in sent[0].body and "/fr/library/reviews/" in sent[0].body
    # A second round on the same draft is refused: the page leads to the open one.
    again = client.get(f"/en/library/resources/{fresh.pk}/review/")
    assert "already open" in again.content.decode()


def test_only_the_invited_hubs_members_review_and_a_draft_stays_with_them(client, lib):
    other_hub = make_organization("lib-other-hub")
    lib.community.organizations.add(other_hub)
    bystander = make_member(other_hub, Role.NETWORK_LEADER, "bystander@example.org")
    add_member(lib.community, bystander, other_hub)
    draft_only = make_resource(lib.owner, lib.community, lib.host, title="Secret", publish=False)
    client.force_login(bystander)
    assert client.get(f"/en/library/reviews/{lib.review.pk}/").status_code == 404
    assert client.get(f"/en/library/resources/{draft_only.pk}/").status_code == 404
    assert client.get(f"/en/library/resources/{lib.resource.pk}/").status_code == 200
    section = lib.review.version.sections.first()
    client.post(
        f"/en/library/reviews/{lib.review.pk}/",
        {"form": "comment", "section": section.pk, "body": "Sneaky"},
    )
    assert not ReviewComment.objects.exists()


def test_a_person_removed_from_the_community_loses_everything_at_once(client, lib):
    client.force_login(lib.reviewer)
    urls = [
        f"/en/library/c/{lib.community.slug}/",
        f"/en/library/resources/{lib.resource.pk}/",
        f"/en/library/reviews/{lib.review.pk}/",
        f"/en/library/gatherings/{lib.gathering.pk}/",
        f"/en/library/c/{lib.community.slug}/directory/",
    ]
    assert [client.get(url).status_code for url in urls] == [200] * len(urls)
    lib.membership.status = MembershipStatus.REMOVED
    lib.membership.save(update_fields=["status"])
    assert [client.get(url).status_code for url in urls] == [404] * len(urls)


def test_members_only_pages_tell_search_engines_not_to_index_them(client, lib):
    client.force_login(lib.reviewer)
    page = client.get(f"/en/library/resources/{lib.resource.pk}/")
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    assert page["Cache-Control"] == "private, no-store"
    assert '<meta name="robots" content="noindex, nofollow">' in page.content.decode()
    repertoire = f"/fr/library/c/{lib.community.slug}/"
    # The library's tabs on the community's own pages (community.tabs, filled by library).
    community = client.get(f"/fr/community/{lib.community.slug}/").content.decode()
    assert f'<a href="{repertoire}">Répertoire</a>' in community
    resources = client.get(repertoire).content.decode()
    assert f'<a href="{repertoire}" aria-current="page">Répertoire</a>' in resources
    client.logout()
    anonymous = client.get(f"/en/library/resources/{lib.resource.pk}/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def _docx() -> bytes:
    # A fixed timestamp: two archives built a second apart must be the same bytes.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("word/document.xml", (2026, 1, 1, 0, 0, 0)), "<w:document/>"
        )
    return buffer.getvalue()


def test_files_are_checked_by_content_and_size_and_served_only_to_readers(client, lib, settings):
    client.force_login(lib.owner)
    url = f"/en/library/resources/{lib.resource.pk}/draft/"
    renamed = SimpleUploadedFile("toolkit.pdf", b"#!/bin/sh\necho hi\n")
    refused = client.post(url, {"form": "file", "language": "en", "upload": renamed})
    assert refused.status_code == 200
    assert "Attach a PDF or an Office document" in refused.content.decode()
    settings.TANDEM_LIBRARY_MAX_BYTES = 10
    too_big = client.post(url, {"form": "file", "language": "fr", "upload": pdf()})
    assert "larger than" in too_big.content.decode()
    draft = lib.resource.versions.get(published_at__isnull=True)
    assert not draft.files.exists()
    settings.TANDEM_LIBRARY_MAX_BYTES = 1024 * 1024
    docx = SimpleUploadedFile("guide.bin", _docx())
    assert client.post(url, {"form": "file", "language": "fr", "upload": docx}).status_code == 302
    attached = draft.files.get()
    assert attached.original_name == "guide.docx" and attached.content_type.endswith("document")
    # The draft's file: its owner and reviewers; once published, every member; never outsiders.
    download = client.get(f"/en/library/files/{attached.pk}/")
    assert download.status_code == 200 and download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == _docx()
    outsider = make_member(make_organization("lib-out"), Role.NETWORK_LEADER, "out@example.org")
    client.force_login(outsider)
    assert client.get(f"/en/library/files/{attached.pk}/").status_code == 404


def test_the_community_search_finds_conversations_and_resources_together(client, lib):
    from tandem.community.services import threads

    threads.thread_start(
        actor=lib.reviewer,
        membership=lib.membership,
        space=_space(lib),
        title="Who adapted the inclusive policy?",
        body="We are looking at it for our hub.",
    )
    draft_only = make_resource(
        lib.owner, lib.community, lib.host, title="Inclusive policy, unpublished", publish=False
    )
    client.force_login(lib.reviewer)
    search = f"/en/community/{lib.community.slug}/search/"
    html = client.get(search, {"q": "inclusive policy"}).content.decode()
    # A thread (by its title) and a published toolkit (by its title), on one page.
    assert "Who adapted the inclusive policy?" in html
    assert f'href="/en/library/resources/{lib.resource.pk}/"' in html
    assert "HR Inclusive Policy Toolkit" in html
    assert draft_only.title_en not in html  # a draft is not the reviewer's to read
    assert f'href="/en/library/c/{lib.community.slug}/?q=inclusive+policy"' in html
    # By the text of its sections, in French, with its French title.
    french = client.get(f"/fr/community/{lib.community.slug}/search/", {"q": "recruter"})
    assert "Trousse de politiques RH inclusives" in french.content.decode()
    # Outsiders of the community get nothing, not even the page.
    outsider = make_member(make_organization("lib-far"), Role.NETWORK_LEADER, "far@example.org")
    client.force_login(outsider)
    assert client.get(search, {"q": "inclusive"}).status_code == 404


def _space(lib):
    from tandem.community.models import Space

    return Space.objects.create(
        community=lib.community, slug="general", name_en="General", name_fr="Général"
    )
