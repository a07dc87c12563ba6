"""The community's pages over HTTP: created and run from nothing by people with their own
accounts, members only, bad input refused with a message and nothing lost."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tandem.community.models import (
    Attachment,
    Community,
    Membership,
    MembershipStatus,
    Mention,
    Post,
    PostRevision,
    Report,
    ReportStatus,
    Thread,
)
from tandem.community.tests.factories import add_member, make_world
from tandem.core.models import AuditEvent
from tandem.core.tests.cast import make_member, make_organization
from tandem.organizations.models import OrganizationType, Role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_mfa")]


def url(name: str, **kwargs) -> str:
    return reverse(f"community:{name}", kwargs=kwargs)


def start_thread(client, world, *, title="Mentor recruitment in rural hubs", body="How?", **extra):
    return client.post(
        url("thread_new", community_slug=world.community.slug, space_slug="general"),
        {"title": title, "kind": "question", "language": "en", "body": body, **extra},
    )


def test_a_network_leader_starts_a_community_from_nothing_and_a_colleague_joins():
    network = make_organization("pins", OrganizationType.IMMIGRANT_NETWORK)
    agency = make_organization("hub-on", OrganizationType.PROVINCIAL_HUB)
    leader = make_member(network, Role.NETWORK_LEADER, "leader@example.org")
    hub_staff = make_member(agency, Role.PROGRAM_STAFF, "hub@example.org", language="fr")
    from django.test import Client

    client = Client()
    client.force_login(leader)
    response = client.post(
        url("create"),
        {
            "host": network.pk,
            "slug": "national-cop",
            "name_en": "National CoP",
            "name_fr": "Communauté de pratique nationale",
            "terms_en": "Share, do not sell.",
            "terms_fr": "Partager, ne pas vendre.",
        },
    )
    assert response.status_code == 302
    community = Community.objects.get(slug="national-cop")
    assert community.spaces.filter(slug="general").exists()
    client.post(
        url("settings", community_slug="national-cop"),
        {"form": "organizations", "organizations": [network.pk, agency.pk]},
    )
    assert set(community.organizations.all()) == {network, agency}
    # The hub's staff asks to join; without agreeing to the terms the request is refused.
    other = Client()
    other.force_login(hub_staff)
    refused = other.post(url("join", community_slug="national-cop"), {"organization": agency.pk})
    assert refused.status_code == 400
    assert "Acceptez le mandat" in refused.content.decode() or "Agree to the terms" in (
        refused.content.decode()
    )
    other.post(
        url("join", community_slug="national-cop"),
        {"organization": agency.pk, "note": "Hub Ontario", "agree": "on"},
    )
    request = Membership.objects.get(user=hub_staff)
    assert request.status == MembershipStatus.REQUESTED
    assert request.terms_version == 1
    assert other.get(url("detail", community_slug="national-cop")).status_code == 404
    client.post(
        url("member_action", community_slug="national-cop", community_membership_id=request.pk),
        {"action": "admit"},
    )
    assert other.get(url("detail", community_slug="national-cop")).status_code == 200
    assert AuditEvent.objects.filter(name="community.request_decided").exists()


def test_a_person_without_a_host_role_cannot_start_a_community(client):
    world = make_world()
    client.force_login(world.colleague)
    page = client.get(url("create"))
    assert page.status_code == 200 and b"Only the admins" in page.content
    response = client.post(
        url("create"),
        {
            "host": world.agency.pk,
            "slug": "mine",
            "name_en": "x",
            "name_fr": "x",
            "terms_en": "x",
            "terms_fr": "x",
        },
    )
    assert response.status_code == 400
    assert not Community.objects.filter(slug="mine").exists()


def test_a_removed_member_loses_access_at_once(client):
    world = make_world()
    client.force_login(world.member)
    detail = url("detail", community_slug=world.community.slug)
    assert client.get(detail).status_code == 200
    start_thread(client, world)
    thread = Thread.objects.get()
    membership = world.community.memberships.get(user=world.member)
    moderator = client.__class__()
    moderator.force_login(world.moderator)
    moderator.post(
        url(
            "member_action",
            community_slug=world.community.slug,
            community_membership_id=membership.pk,
        ),
        {"action": "remove"},
    )
    for page in [
        detail,
        url("thread", community_slug=world.community.slug, thread_id=thread.pk),
        url("space", community_slug=world.community.slug, space_slug="general"),
        url("conversations", community_slug=world.community.slug),
    ]:
        assert client.get(page).status_code == 404, page
    assert (
        client.post(
            url("thread", community_slug=world.community.slug, thread_id=thread.pk),
            {"body": "still here?", "language": "en"},
        ).status_code
        == 404
    )
    assert AuditEvent.objects.filter(name="community.member_removed").exists()


def test_members_only_pages_are_not_indexed_and_outsiders_get_404(client):
    world = make_world()
    client.force_login(world.member)
    response = client.get(url("detail", community_slug=world.community.slug))
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert b'<meta name="robots" content="noindex, nofollow">' in response.content
    client.force_login(world.outsider)
    assert client.get(url("detail", community_slug=world.community.slug)).status_code == 404
    assert client.get(url("join", community_slug=world.community.slug)).status_code == 404
    client.logout()
    anonymous = client.get(url("detail", community_slug=world.community.slug))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_a_stored_script_never_reaches_a_page(client):
    world = make_world()
    client.force_login(world.member)
    start_thread(
        client,
        world,
        body='<script>alert("x")</script><img src=x onerror="alert(1)">'
        '<a href="javascript:alert(2)">link</a> <b>bold</b> and <a href="https://ok.example">ok</a>',
    )
    post = Post.objects.get()
    assert "<script" not in post.body and "onerror" not in post.body
    assert "javascript:" not in post.body
    # A row written around the service (a bulk load) is cleaned again when shown.
    Post.objects.filter(pk=post.pk).update(body=post.body + "<script>alert(3)</script>")
    client.force_login(world.moderator)
    page = client.get(url("thread", community_slug=world.community.slug, thread_id=post.thread_id))
    html = page.content.decode()
    assert "alert(" not in html
    assert "<b>bold</b>" in html
    assert 'href="https://ok.example" rel="noopener noreferrer nofollow"' in html


def test_attachments_are_checked_and_served_only_to_readers(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = make_world()
    client.force_login(world.member)
    disguised = SimpleUploadedFile(
        "guide.pdf", b"<html><script>alert(1)</script>", "application/pdf"
    )
    refused = start_thread(client, world, attachment=disguised)
    assert refused.status_code == 400
    assert b"Attach a PDF" in refused.content
    assert not Thread.objects.exists()  # nothing half-written
    settings.TANDEM_COMMUNITY_ATTACHMENT_MAX_BYTES = 100
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4 " + b"x" * 200, "application/pdf")
    too_big = start_thread(client, world, attachment=big)
    assert too_big.status_code == 400 and b"larger than" in too_big.content
    settings.TANDEM_COMMUNITY_ATTACHMENT_MAX_BYTES = 10_000
    good = SimpleUploadedFile("guide.exe", b"%PDF-1.4 real", "application/octet-stream")
    assert start_thread(client, world, attachment=good).status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.original_name == "guide.pdf" and attachment.content_type == "application/pdf"
    assert not attachment.file.name.endswith("guide.pdf")  # stored under a random name
    download = url("attachment", community_slug=world.community.slug, attachment_id=attachment.pk)
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == b"%PDF-1.4 real"
    client.force_login(world.outsider)
    assert client.get(download).status_code == 404
    # No public media URL serves the stored file, to anyone.
    client.force_login(world.member)
    for public in (f"/media/{attachment.file.name}", f"/{attachment.file.name}"):
        assert client.get(public, follow=True).status_code == 404


def test_posting_is_rate_limited_and_the_text_is_kept(client, settings):
    settings.TANDEM_COMMUNITY_POST_LIMIT = "2/m,10/h"
    world = make_world()
    client.force_login(world.member)
    assert start_thread(client, world, title="First").status_code == 302
    thread = Thread.objects.get()
    reply_url = url("thread", community_slug=world.community.slug, thread_id=thread.pk)
    assert client.post(reply_url, {"body": "second", "language": "en"}).status_code == 302
    refused = client.post(reply_url, {"body": "my long careful third answer", "language": "en"})
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "in the last minute" in html
    assert "my long careful third answer" in html  # the text is still in the box
    assert Post.objects.count() == 2


def test_messaging_is_rate_limited(client, settings):
    settings.TANDEM_COMMUNITY_MESSAGE_LIMIT = "1/m"
    world = make_world()
    client.force_login(world.member)
    moderator = world.community.memberships.get(user=world.moderator)
    start = url("conversations", community_slug=world.community.slug)
    data = {"recipients": [moderator.pk], "subject": "Hello", "body": "Hi there"}
    assert client.post(start, data).status_code == 302
    assert client.post(start, data).status_code == 400


def test_a_member_reports_a_post_and_a_moderator_hides_it(client):
    world = make_world()
    client.force_login(world.member)
    start_thread(client, world, body="Buy my course!")
    post = Post.objects.get()
    other = client.__class__()
    other.force_login(world.moderator)
    # The author cannot hide, and nobody but a moderator can.
    hide_url = url("hide", community_slug=world.community.slug, post_id=post.pk)
    assert client.post(hide_url, {"reason": "no"}).status_code == 404
    client.force_login(world.moderator)
    client.post(
        url("report", community_slug=world.community.slug, post_id=post.pk),
        {"reason": "Advertising"},
    )
    report = Report.objects.get()
    page = client.get(url("reports", community_slug=world.community.slug))
    assert b"Advertising" in page.content
    client.post(hide_url, {"reason": "Advertising", "action": "hide", "next": "reports"})
    post.refresh_from_db()
    report.refresh_from_db()
    assert post.is_hidden and report.status == ReportStatus.HIDDEN
    event = AuditEvent.objects.get(name="community.post_hidden")
    assert event.actor == world.moderator
    client.force_login(world.member)
    thread_page = client.get(
        url("thread", community_slug=world.community.slug, thread_id=post.thread_id)
    )
    assert thread_page.status_code == 404  # the opening post hidden hides its thread


def test_moderators_lock_and_move_threads(client):
    world = make_world()
    client.force_login(world.member)
    start_thread(client, world)
    thread = Thread.objects.get()
    moderate = url("thread_moderate", community_slug=world.community.slug, thread_id=thread.pk)
    assert client.post(moderate, {"action": "lock"}).status_code == 404
    client.force_login(world.moderator)
    client.post(moderate, {"action": "lock"})
    client.post(moderate, {"action": "move", "space": "ontario"})
    thread.refresh_from_db()
    assert thread.is_locked and thread.space == world.province_space
    assert {"community.thread_locked", "community.thread_moved"} <= set(
        AuditEvent.objects.values_list("name", flat=True)
    )
    # The member does not take part in the Ontario space: the thread is out of reach now.
    client.force_login(world.member)
    assert (
        client.get(
            url("thread", community_slug=world.community.slug, thread_id=thread.pk)
        ).status_code
        == 404
    )


def test_a_question_is_answered_and_a_mention_reaches_home(client):
    world = make_world()
    client.force_login(world.member)
    start_thread(client, world, body="Who has a toolkit?")
    thread = Thread.objects.get()
    member_handle = world.community.memberships.get(user=world.member).handle
    client.force_login(world.moderator)
    thread_url = url("thread", community_slug=world.community.slug, thread_id=thread.pk)
    client.post(thread_url, {"body": f"@{member_handle} here it is", "language": "fr"})
    reply = Post.objects.get(is_first=False)
    assert Mention.objects.filter(post=reply, user=world.member).exists()
    client.force_login(world.member)
    home = client.get(reverse("core:home"))
    assert b"mentioned you" in home.content
    client.post(url("answer", community_slug=world.community.slug, post_id=reply.pk))
    thread.refresh_from_db()
    assert thread.answer == reply
    client.get(thread_url)  # reading the thread marks the mention seen
    assert not Mention.objects.filter(seen_at__isnull=True).exists()
    # Once the thread is moved to a space the member does not read, home no longer names it.
    client.force_login(world.moderator)
    client.post(
        url("thread_moderate", community_slug=world.community.slug, thread_id=thread.pk),
        {"action": "move", "space": "ontario"},
    )
    Mention.objects.update(seen_at=None)
    client.force_login(world.member)
    assert b"mentioned you" not in client.get(reverse("core:home")).content
    client.force_login(world.moderator)
    client.post(
        url("thread_moderate", community_slug=world.community.slug, thread_id=thread.pk),
        {"action": "move", "space": "general"},
    )
    # Language filter: the French reply only.
    client.force_login(world.moderator)
    french = client.get(thread_url + "?language=en")
    assert "here it is" not in french.content.decode()


def test_similar_threads_are_suggested_before_posting(client):
    world = make_world()
    client.force_login(world.member)
    start_thread(client, world, title="Recruiting mentors in rural areas")
    response = start_thread(client, world, title="Rural mentors: recruiting ideas?", body="Ideas")
    assert response.status_code == 200
    assert b"Similar threads already exist" in response.content
    assert b"Recruiting mentors in rural areas" in response.content
    assert Thread.objects.count() == 1
    posted = start_thread(
        client, world, title="Rural mentors: recruiting ideas?", body="Ideas", seen_similar="True"
    )
    assert posted.status_code == 302 and Thread.objects.count() == 2


def test_search_finds_posts_in_spaces_the_member_reads(client):
    world = make_world()
    client.force_login(world.moderator)
    client.post(
        url("thread_new", community_slug=world.community.slug, space_slug="ontario"),
        {"title": "Ontario only", "kind": "discussion", "language": "en", "body": "toolkit inside"},
    )
    start_thread(client, world, title="Open", body="another toolkit here")
    client.force_login(world.member)
    found = client.get(url("search", community_slug=world.community.slug) + "?q=toolkit")
    html = found.content.decode()
    assert "another toolkit here" in html and "toolkit inside" not in html


def test_search_finds_a_thread_by_its_title_however_old_and_recent_posts_by_their_text(
    client, monkeypatch
):
    from datetime import timedelta

    from django.utils import timezone

    from tandem.community import selectors

    monkeypatch.setattr(selectors, "CANDIDATES", 2)  # the window of recent text matches
    world = make_world()
    client.force_login(world.member)
    start_thread(client, world, title="Rural recruitment of mentors", body="An old question.")
    old = Post.objects.get()
    Post.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=900))
    for n in range(3):
        start_thread(
            client, world, title=f"Note {n}", body=f"rural idea number {n}", seen_similar="True"
        )
    found = client.get(url("search", community_slug=world.community.slug) + "?q=rural")
    html = found.content.decode()
    assert found.status_code == 200
    assert "Rural recruitment of mentors" in html  # by its title, 900 days old
    assert "rural idea number 2" in html and "rural idea number 1" in html
    assert "rural idea number 0" not in html  # text matches: the 2 most recent only
    assert html.index("Rural recruitment of mentors") < html.index("rural idea number 2")
    # The language filter applies to titles too (the thread is in English).
    french = client.get(url("search", community_slug=world.community.slug) + "?q=rural&language=fr")
    assert "Rural recruitment of mentors" not in french.content.decode()


def test_private_conversations_are_read_only_by_their_members(client):
    world = make_world()
    third = make_member(world.host, Role.PROGRAM_STAFF, "third@example.org")
    from tandem.community.tests.factories import add_member

    add_member(world.community, third, world.host)
    client.force_login(world.member)
    moderator = world.community.memberships.get(user=world.moderator)
    client.post(
        url("conversations", community_slug=world.community.slug),
        {"recipients": [moderator.pk], "subject": "Mentor pool", "body": "Can we share?"},
    )
    conversation = world.community.conversations.get()
    page = url("conversation", community_slug=world.community.slug, conversation_id=conversation.pk)
    client.force_login(world.moderator)
    assert b"Can we share?" in client.get(page).content
    client.force_login(third)
    assert client.get(page).status_code == 404  # a member, a moderator even, but not in it


def test_preferences_are_saved_per_space(client):
    world = make_world()
    client.force_login(world.member)
    prefs = url("preferences", community_slug=world.community.slug)
    client.post(prefs, {f"space_{world.open_space.pk}": "daily"})
    membership = world.community.memberships.get(user=world.member)
    assert membership.preferences.get().frequency == "daily"
    assert mail.outbox == []


def test_every_moderation_action_is_audited_with_its_moderator(client):
    """Each moderator's action through its page leaves its named audit event, with the
    moderator as actor (one step per action; a step that records nothing fails)."""
    world = make_world()
    slug = world.community.slug
    client.force_login(world.member)
    start_thread(client, world, body="Buy my course!")
    thread = Thread.objects.get()
    first = thread.posts.get()
    client.post(
        url("thread", community_slug=slug, thread_id=thread.pk),
        {"body": "Spam reply", "language": "en"},
    )
    reply = thread.posts.get(is_first=False)
    client.post(url("report", community_slug=slug, post_id=reply.pk), {"reason": "Spam"})
    client.post(url("report", community_slug=slug, post_id=first.pk), {"reason": "Advert"})
    report = Report.objects.get(post=first)
    client.force_login(world.colleague)
    client.post(
        url("join", community_slug=slug),
        {"organization": world.agency.pk, "agree": "on", "note": "Hello"},
    )
    asked = Membership.objects.get(user=world.colleague)
    client.force_login(world.moderator)
    member = world.community.memberships.get(user=world.member)
    moderate = url("thread_moderate", community_slug=slug, thread_id=thread.pk)
    steps = [
        (url("hide", community_slug=slug, post_id=reply.pk), {"reason": "Spam"}, "post_hidden"),
        (url("hide", community_slug=slug, post_id=reply.pk), {"action": "show"}, "post_shown"),
        (url("reports", community_slug=slug), {"report": report.pk}, "report_dismissed"),
        (moderate, {"action": "lock"}, "thread_locked"),
        (moderate, {"action": "hide"}, "thread_hidden"),
        (moderate, {"action": "move", "space": "ontario"}, "thread_moved"),
        (
            url("member_action", community_slug=slug, community_membership_id=asked.pk),
            {"action": "admit"},
            "request_decided",
        ),
        (
            url("member_action", community_slug=slug, community_membership_id=member.pk),
            {"action": "moderator"},
            "moderator_changed",
        ),
        (
            url("member_action", community_slug=slug, community_membership_id=member.pk),
            {"action": "remove", "reason": "Left the sector"},
            "member_removed",
        ),
        (
            url("members", community_slug=slug),
            {"email": world.member.email, "note": "Come back"},
            "member_invited",
        ),
    ]
    for target, data, event in steps:
        before = AuditEvent.objects.filter(name=f"community.{event}").count()
        response = client.post(target, data)
        assert response.status_code == 302, (event, response.status_code)
        latest = AuditEvent.objects.filter(name=f"community.{event}").order_by("-pk").first()
        assert AuditEvent.objects.filter(name=f"community.{event}").count() == before + 1, event
        assert latest is not None and latest.actor == world.moderator, event
    assert AuditEvent.objects.get(name="community.member_removed").data == {
        "reason": "Left the sector"
    }


def test_private_messages_are_cleaned_and_their_files_checked(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = make_world()
    client.force_login(world.member)
    moderator = world.community.memberships.get(user=world.moderator)
    client.post(
        url("conversations", community_slug=world.community.slug),
        {
            "recipients": [moderator.pk],
            "subject": "Hello",
            "body": '<script>alert(1)</script><a href="javascript:x()">x</a> <em>hi</em>',
        },
    )
    conversation = world.community.conversations.get()
    page = url("conversation", community_slug=world.community.slug, conversation_id=conversation.pk)
    html = client.get(page).content.decode()
    assert "alert(" not in html and "javascript:" not in html and "<em>hi</em>" in html
    renamed = SimpleUploadedFile("minutes.pdf", b"MZ\x90\x00 an executable", "application/pdf")
    refused = client.post(page, {"body": "The minutes", "attachment": renamed})
    assert refused.status_code == 400 and b"Attach a PDF" in refused.content
    assert conversation.messages.count() == 1  # the refused message is not half-written
    assert "The minutes" in refused.content.decode()  # and its text is still in the box


def test_a_moderator_invites_a_colleague_by_email_who_joins_in_french(
    client, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    world = make_world()
    world.colleague.preferred_language = "fr"
    world.colleague.save(update_fields=["preferred_language"])
    client.force_login(world.moderator)
    members = url("members", community_slug=world.community.slug)
    # Nobody with the address, or someone outside the member organizations: the same answer.
    for email in ("nobody@example.org", world.outsider.email):
        refused = client.post(members, {"email": email})
        assert refused.status_code == 400
        assert "Nobody with this address works at a member organization" in (
            refused.content.decode()
        )
    with django_capture_on_commit_callbacks(execute=True):
        invited = client.post(
            members, {"email": world.colleague.email.upper(), "note": "Bienvenue"}
        )
    assert invited.status_code == 302
    sent = [m for m in mail.outbox if world.colleague.email in m.to]
    assert [m.subject for m in sent] == [
        "Invitation à vous joindre à Communauté de pratique nationale"
    ]
    assert f"/fr/community/{world.community.slug}/join/" in sent[0].body
    client.force_login(world.colleague)
    join = f"/fr/community/{world.community.slug}/join/"
    page = client.get(join).content.decode()
    assert "Soyez bienveillants. Partagez ce qui fonctionne." in page  # the terms, in French
    assert client.post(join, {"agree": ""}).status_code == 400  # not without agreeing
    assert client.post(join, {"agree": "on"}).status_code == 302
    assert client.get(f"/fr/community/{world.community.slug}/").status_code == 200
    assert world.community.memberships.get(user=world.colleague).terms_version == 1


def test_an_author_changes_their_post_until_it_is_reported_and_nobody_else_can(client):
    world = make_world()
    slug = world.community.slug
    client.force_login(world.member)
    start_thread(client, world, body="First try at my question")
    post = Post.objects.get()
    edit = url("post_edit", community_slug=slug, post_id=post.pk)
    page = client.get(edit)
    assert page.status_code == 200
    assert "\nFirst try at my question</textarea>" in page.content.decode()  # as typed
    handle = world.community.memberships.get(user=world.moderator).handle
    changed = client.post(edit, {"body": f"<script>x()</script>Better, @{handle}?"})
    assert changed.status_code == 302
    post.refresh_from_db()
    assert post.text == f"Better, @{handle}?" and "script" not in post.body
    assert post.edited_at is not None
    assert Mention.objects.filter(post=post, user=world.moderator).exists()
    thread_page = client.get(url("thread", community_slug=slug, thread_id=post.thread_id))
    assert "changed on" in thread_page.content.decode()
    # Nobody else changes it, a moderator neither.
    client.force_login(world.moderator)
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"body": "Mine now"}).status_code == 404
    # Once reported, it stays as it was reported until a moderator has looked at it.
    client.post(url("report", community_slug=slug, post_id=post.pk), {"reason": "Rude"})
    client.force_login(world.member)
    refused = client.post(edit, {"body": "Nothing to see"})
    assert refused.status_code == 400
    assert "stays as it is until a moderator has looked at it" in refused.content.decode()
    post.refresh_from_db()
    assert post.text == f"Better, @{handle}?"


def test_the_author_of_a_hidden_post_reads_the_reason_and_other_members_do_not(client):
    world = make_world()
    client.force_login(world.moderator)
    start_thread(client, world, body="Welcome, all.")
    thread = Thread.objects.get()
    client.force_login(world.member)
    thread_url = url("thread", community_slug=world.community.slug, thread_id=thread.pk)
    client.post(thread_url, {"body": "Visit my shop", "language": "en"})
    reply = thread.posts.get(is_first=False)
    client.force_login(world.moderator)
    client.post(
        url("hide", community_slug=world.community.slug, post_id=reply.pk),
        {"reason": "No advertising here", "action": "hide"},
    )
    client.force_login(world.member)
    mine = client.get(thread_url).content.decode()
    assert "The reason given to you: No advertising here" in mine and "Visit my shop" not in mine
    third = make_member(world.agency, Role.PROGRAM_STAFF, "third@example.org")
    from tandem.community.tests.factories import add_member

    add_member(world.community, third, world.agency)
    client.force_login(third)
    theirs = client.get(thread_url).content.decode()
    assert "A moderator hid this post." in theirs and "No advertising here" not in theirs


def test_earlier_versions_of_a_changed_post_are_kept_and_shown_to_moderators_only(client):
    world = make_world("revisions")
    slug = world.community.slug
    client.force_login(world.member)
    start_thread(client, world, body="Our first budget was 1000 dollars")
    post = Post.objects.get()
    edit = url("post_edit", community_slug=slug, post_id=post.pk)
    client.post(edit, {"body": "Our budget was 1200 dollars"})
    client.post(edit, {"body": "Our budget was 1200 dollars"})  # the same text: no new version
    client.post(edit, {"body": "Our budget was 1500 dollars"})
    versions = list(PostRevision.objects.filter(post=post).order_by("replaced_at", "pk"))
    assert [v.text for v in versions] == [
        "Our first budget was 1000 dollars",
        "Our budget was 1200 dollars",
    ]
    assert versions[0].written_at == post.created_at
    assert versions[1].written_at == versions[0].replaced_at
    thread = url("thread", community_slug=slug, thread_id=post.thread_id)
    # The author and the other members read the current text and "changed on" only.
    add_member(world.community, world.colleague, world.agency)
    for person in (world.member, world.colleague):
        client.force_login(person)
        page = client.get(thread).content.decode()
        assert "1500 dollars" in page and "changed on" in page
        assert "1000 dollars" not in page and "1200 dollars" not in page
        assert "earlier version" not in page
    client.force_login(world.moderator)
    page = client.get(thread).content.decode()
    assert "2 earlier versions (moderators only)" in page
    assert page.index("1200 dollars") < page.index("1000 dollars")  # the latest first
    page = client.get(thread.replace("/en/", "/fr/")).content.decode()
    assert "2 versions antérieures (modération seulement)" in page


def test_a_leavers_earlier_versions_go_with_the_community_retention_kind():
    from tandem.community.retention import membership_anonymise
    from tandem.community.services.threads import post_edit, thread_start

    world = make_world("revgone")
    membership = world.community.memberships.get(user=world.member)
    thread = thread_start(
        actor=world.member,
        membership=membership,
        space=world.open_space,
        title="Budgets",
        body="A figure I regret",
        language="en",
    )
    post = thread.posts.get()
    post_edit(actor=world.member, membership=membership, post=post, body="A better figure")
    other = thread_start(
        actor=world.moderator,
        membership=world.community.memberships.get(user=world.moderator),
        space=world.open_space,
        title="Another",
        body="Draft",
        language="en",
    )
    post_edit(
        actor=world.moderator,
        membership=world.community.memberships.get(user=world.moderator),
        post=other.posts.get(),
        body="Final",
    )
    assert PostRevision.objects.count() == 2
    Membership.objects.filter(pk=membership.pk).update(status=MembershipStatus.LEFT)
    membership_anonymise(membership)
    assert list(PostRevision.objects.values_list("text", flat=True)) == ["Draft"]
    post.refresh_from_db()
    assert post.author is None and post.text == "A better figure"


def test_the_longest_message_is_told_in_the_readers_number_format():
    from django.utils import translation

    from tandem.community.services import CommunityError
    from tandem.community.services.threads import MAX_BODY, thread_start

    world = make_world("longest")
    membership = world.community.memberships.get(user=world.member)
    for language, limit in (("fr", "20\xa0000"), ("en", "20,000")):
        with translation.override(language), pytest.raises(CommunityError) as refused:
            thread_start(
                actor=world.member,
                membership=membership,
                space=world.open_space,
                title="Long",
                body="x" * (MAX_BODY + 1),
            )
        assert limit in str(refused.value)
